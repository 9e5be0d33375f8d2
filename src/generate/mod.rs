//! Deterministic synthetic instances in the contract's file formats: the same preset and seed give
//! byte-identical files on every machine. Every instance has its road network (`roads.geojson`,
//! made by `roads.rs` and `streets.rs`): street grids, village lanes, rural and intercity roads,
//! one connected whole that every household and site lies within [`COVER_KM`] of.

mod city;
pub mod province;
mod river;
mod roads;
mod streets;
mod voronoi;

pub use city::DEMO_ROADS;
pub use river::{KARUN, RiverSpec};
pub use roads::{COVER_KM, RoadParams};

use crate::error::{Error, Result};
use crate::io;
use crate::model::{DemandPoint, Neighbourhood, PerKind, Road, Site};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A named kind of generated instance. The counts of points, neighbourhoods, candidates and
/// roads below are for seed 1 (other seeds differ only where two seeds happen to coincide); a
/// road is one line of `roads.geojson`, its vertices counted once per line ("line vertices",
/// the size of the file) and once per position ("distinct": the junctions roads share are
/// counted once). Times and peak memory are `/usr/bin/time -v siting generate --preset NAME
/// --seed 1` on the release build, on 2 shared cores, writing every file; the peak is set by
/// `roads.geojson` (the writer holds the whole feature collection, about half the peak at
/// Isfahan's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The embedded demo: one mid-size city with its informal fringe and rural hinterland, about 60
    /// neighbourhoods, 20,000 households and 300 candidate sites (see `data/demo/README.md`),
    /// split by the Karun ([`KARUN`]: two bridges in the city, one upstream). Roads
    /// ([`DEMO_ROADS`]): 2,831 lines, 11,087 line vertices (6,540 distinct; 0.6 MB of
    /// GeoJSON). 0.1 s, 11 MB.
    Demo,
    /// Isfahan province (IR-10): 24 counties, 5,120,850 persons (2016), 1,551,770 households; the
    /// programme opened 97 centres there. 57,015 demand points, 435 neighbourhoods, 536
    /// candidates (8 existing). Roads ([`PROVINCE_ROADS`]), the province-scale network
    /// benchmark: 280,983 lines, 1,060,075 line vertices (755,881 distinct; 58 MB), of them
    /// 114 intercity roads, 1,526 rural roads, 301 one-way streets and about 250,000 alleys.
    /// 2.3-2.9 s, 374 MB.
    Isfahan,
    /// Gilan province (IR-01): 16 counties, 2,530,696 persons, 37% rural, 766,877 households; 81
    /// centres (50 urban, 31 rural). 22,986 demand points, 306 neighbourhoods, 374 candidates (6
    /// existing). Roads ([`PROVINCE_ROADS`]): 128,806 lines, 462,963 line vertices (323,114
    /// distinct; 26 MB). 1.0 s, 173 MB.
    Gilan,
    /// Khorramshahr county (0607, Khuzestan): 170,976 persons, 51,811 households; 12 centres for
    /// a target population of [`KHORRAMSHAHR_TARGET`] households, so the weights are target
    /// households, not all households: shared between kinds by [`KHORRAMSHAHR_SHARES`] (informal
    /// settlements, about 12% of the households, get half the target), within a kind by
    /// households times a deprivation score (see [`province::Target`]). 1,778 demand points, 53
    /// neighbourhoods, 57 candidates (2 existing). The Karun ([`KARUN`]) splits the county and
    /// its city: roads cross it on three bridges only (two in the city, one upstream). Roads
    /// ([`PROVINCE_ROADS`]): 9,185 lines, 34,170 line vertices (24,197 distinct; 1.9 MB).
    /// 0.1 s, 19 MB.
    Khorramshahr,
    /// All 31 provinces (2016 boundaries of today, the sea cut away): 79,926,270 persons,
    /// 24,220,079 households (each of the 429 census counties' persons / 3.3, rounded, summed per
    /// province; 17,932,222 urban, 6,287,857 rural); the programme's 2,400 centres. Each province
    /// is one area: GeoNames towns exist only for Isfahan, Gilan and Khuzestan, so elsewhere the
    /// towns are three unnamed ones per census county at random places in the province, sized by
    /// rank-size; the 20 largest cities have informal fringes. 796,606 demand points, 5,819
    /// neighbourhoods, 7,182 candidates (60 existing). Its roads are coarser
    /// ([`NATIONAL_ROADS`]: towns' streets 450-550 m apart without alleys, each village one
    /// vertex on its rural road, a vertex every kilometre along rural and intercity roads), to
    /// stay bounded: 158,760 lines, 739,360 line vertices (442,133 distinct; 36 MB), of them
    /// 1,679 intercity and 59,210 rural roads. Generating it took 5.8 s and 362 MB peak
    /// resident memory (demand.csv is 34 MB), so it is built in memory: there is nothing to
    /// gain from streaming at this size.
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
    /// The road network: one connected whole, every household and site within [`COVER_KM`] of
    /// a road.
    pub roads: Vec<Road>,
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

/// Roads of the province presets: streets 180 m apart in town centres, 450 m at the fringe,
/// avenues every 1.5 km, dead-end alleys every 35 m off the east-west streets of every built-up
/// formal block (a point is a block of 25 households: the alleys are the lanes between its
/// buildings, and most of Isfahan's million vertices), villages of lanes 150 m apart, a vertex
/// every 250 m along rural and intercity roads.
pub const PROVINCE_ROADS: RoadParams = RoadParams {
    core_spacing_km: 0.18,
    fringe_spacing_km: 0.45,
    avenue_spacing_km: 1.5,
    alley_spacing_km: Some(0.035),
    alley_min_points: 1,
    village_spacing_km: Some(0.15),
    rural_step_km: 0.25,
};

/// Roads of the national preset, coarser: streets 450 m apart at town centres and 550 m at the
/// fringe, no alleys, each village one vertex on its rural road, a vertex every 1 km along rural
/// and intercity roads.
pub const NATIONAL_ROADS: RoadParams = RoadParams {
    core_spacing_km: 0.45,
    fringe_spacing_km: 0.55,
    avenue_spacing_km: 2.0,
    alley_spacing_km: None,
    alley_min_points: 0,
    village_spacing_km: None,
    rural_step_km: 1.0,
};

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
            roads: PROVINCE_ROADS,
            river: None,
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
            roads: PROVINCE_ROADS,
            river: None,
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
            roads: NATIONAL_ROADS,
            river: None,
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
            roads: PROVINCE_ROADS,
            river: Some(KARUN),
        },
    }
}

impl Instance {
    /// Writes `demand.csv`, `candidates.csv`, `neighbourhoods.geojson` and `roads.geojson` into
    /// `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let write = |name: &str, what: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
            let path = dir.join(name);
            io::write_atomically(&path, |w| what(w)).map_err(|e| Error::write(&path, e))
        };
        write("demand.csv", &|w| io::write_demand_csv(w, &self.demand))?;
        write("candidates.csv", &|w| {
            io::write_candidates_csv(w, &self.sites)
        })?;
        write("neighbourhoods.geojson", &|w| {
            io::write_neighbourhoods(w, &self.neighbourhoods, |_| Default::default())
        })?;
        write("roads.geojson", &|w| io::write_roads(w, &self.roads))
    }
}
