//! Deterministic synthetic instances in the contract's file formats: the same preset and seed give
//! byte-identical files on every machine.

mod city;
pub mod province;
mod voronoi;

use crate::error::{Error, Result};
use crate::io;
use crate::model::{DemandPoint, Neighbourhood, PerKind, Site};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A named kind of generated instance. The counts of points, neighbourhoods and candidates
/// below are for seed 1 (other seeds differ only where two seeds happen to coincide); times and
/// peak memory are `/usr/bin/time -v` on the release build, on 2 shared cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The embedded demo: one mid-size city with its informal fringe and rural hinterland, about 60
    /// neighbourhoods, 20,000 households and 300 candidate sites (see `data/demo/README.md`).
    Demo,
    /// Isfahan province (IR-10): 24 counties, 5,120,850 persons (2016), 1,551,770 households; the
    /// programme opened 97 centres there. 57,015 demand points, 435 neighbourhoods, 536
    /// candidates (8 existing); 0.12 s, 15 MB.
    Isfahan,
    /// Gilan province (IR-01): 16 counties, 2,530,696 persons, 37% rural, 766,877 households; 81
    /// centres (50 urban, 31 rural). 22,986 demand points, 306 neighbourhoods, 374 candidates (6
    /// existing); 0.06 s, 10 MB.
    Gilan,
    /// Khorramshahr county (0607, Khuzestan): 170,976 persons, 51,811 households; 12 centres for
    /// a target population of [`KHORRAMSHAHR_TARGET`] households, so the weights are target
    /// households, not all households: shared between kinds by [`KHORRAMSHAHR_SHARES`] (informal
    /// settlements, about 12% of the households, get half the target), within a kind by
    /// households times a deprivation score (see [`province::Target`]). 1,778 demand points, 53
    /// neighbourhoods, 57 candidates (2 existing).
    Khorramshahr,
    /// All 31 provinces (2016 boundaries of today, the sea cut away): 79,926,270 persons,
    /// 24,220,079 households (each of the 429 census counties' persons / 3.3, rounded, summed per
    /// province; 17,932,222 urban, 6,287,857 rural); the programme's 2,400 centres. Each province
    /// is one area: GeoNames towns exist only for Isfahan, Gilan and Khuzestan, so elsewhere the
    /// towns are three unnamed ones per census county at random places in the province, sized by
    /// rank-size; the 20 largest cities have informal fringes. 796,606 demand points, 5,819 neighbourhoods, 7,182 candidates (60 existing).
    /// Generating it took 2.6 s and 124 MB peak resident memory (`/usr/bin/time -v siting
    /// generate --preset national --seed 1`, release build, 2 shared cores; demand.csv is 34 MB),
    /// so it is built in memory: there is nothing to gain from streaming at this size.
    National,
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Preset::Demo),
            "isfahan" => Ok(Preset::Isfahan),
            "gilan" => Ok(Preset::Gilan),
            "khorramshahr" => Ok(Preset::Khorramshahr),
            "national" => Ok(Preset::National),
            other => Err(format!(
                "unknown preset {other:?}: expected demo, isfahan, gilan, khorramshahr or national"
            )),
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Preset::Demo => "demo",
            Preset::Isfahan => "isfahan",
            Preset::Gilan => "gilan",
            Preset::Khorramshahr => "khorramshahr",
            Preset::National => "national",
        })
    }
}

/// Khorramshahr's target population: about 6,000 households for its 12 centres.
pub const KHORRAMSHAHR_TARGET: u32 = 6_000;

/// Khorramshahr's share of the target per kind (urban, rural, informal): the programme is for the
/// poor, who live mostly in the informal settlements on the city's fringe.
pub const KHORRAMSHAHR_SHARES: [f64; 3] = [0.3, 0.2, 0.5];

/// A generated instance, ready to write as an instance folder.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Household points.
    pub demand: Vec<DemandPoint>,
    /// Candidate sites, existing centres marked `fixed`.
    pub sites: Vec<Site>,
    /// Neighbourhood polygons.
    pub neighbourhoods: Vec<Neighbourhood>,
}

/// Generates `preset` with `seed`.
pub fn generate(preset: Preset, seed: u64) -> Instance {
    match preset {
        Preset::Demo => city::generate(&city::CityParams::demo(), seed),
        Preset::Isfahan | Preset::Gilan | Preset::Khorramshahr | Preset::National => {
            province::generate(&province_params(preset), seed)
        }
    }
}

const PLACES: [&str; 3] = [
    include_str!("../../data/iran/places-isfahan.csv"),
    include_str!("../../data/iran/places-gilan.csv"),
    include_str!("../../data/iran/places-khuzestan.csv"),
];

/// The real-data presets' settings; `Demo` has none.
fn province_params(preset: Preset) -> province::ProvinceParams {
    match preset {
        Preset::Isfahan => province::ProvinceParams {
            name: "counties-isfahan.geojson",
            areas: include_str!("../../data/iran/counties-isfahan.geojson"),
            places: &PLACES[..1],
            only: None,
            urban_hood_households: 5_000,
            rural_hood_households: 2_000,
            informal_cities: 3,
            existing: 8,
            target: None,
        },
        Preset::Gilan => province::ProvinceParams {
            name: "counties-gilan.geojson",
            areas: include_str!("../../data/iran/counties-gilan.geojson"),
            places: &PLACES[1..2],
            only: None,
            urban_hood_households: 4_000,
            rural_hood_households: 2_000,
            informal_cities: 3,
            existing: 6,
            target: None,
        },
        Preset::National => province::ProvinceParams {
            name: "provinces.geojson",
            areas: include_str!("../../data/iran/provinces.geojson"),
            places: &PLACES,
            only: None,
            urban_hood_households: 5_000,
            rural_hood_households: 4_000,
            informal_cities: 20,
            existing: 60,
            target: None,
        },
        Preset::Demo | Preset::Khorramshahr => province::ProvinceParams {
            name: "counties-khuzestan.geojson",
            areas: include_str!("../../data/iran/counties-khuzestan.geojson"),
            places: &PLACES[2..],
            only: Some("0607"),
            urban_hood_households: 1_000,
            rural_hood_households: 1_000,
            informal_cities: 2,
            existing: 2,
            target: Some(province::Target {
                households: KHORRAMSHAHR_TARGET,
                shares: PerKind(KHORRAMSHAHR_SHARES),
            }),
        },
    }
}

impl Instance {
    /// Writes `demand.csv`, `candidates.csv` and `neighbourhoods.geojson` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let create = |name: &str| {
            let path = dir.join(name);
            std::fs::File::create(&path)
                .map(std::io::BufWriter::new)
                .map_err(|e| Error::write(&path, e))
                .map(|file| (path, file))
        };
        let (path, file) = create("demand.csv")?;
        io::write_demand_csv(file, &self.demand).map_err(|e| Error::write(&path, e))?;
        let (path, file) = create("candidates.csv")?;
        io::write_candidates_csv(file, &self.sites).map_err(|e| Error::write(&path, e))?;
        let (path, file) = create("neighbourhoods.geojson")?;
        io::write_neighbourhoods(file, &self.neighbourhoods, |_| Default::default())
            .map_err(|e| Error::write(&path, e))
    }
}
