//! Deterministic synthetic instances in the contract's file formats: the same preset and seed give
//! byte-identical files on every machine.

mod city;
pub mod province;
mod voronoi;

use crate::error::{Error, Result};
use crate::io;
use crate::model::{DemandPoint, Neighbourhood, Site};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A named kind of generated instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The embedded demo: one mid-size city with its informal fringe and rural hinterland, about 60
    /// neighbourhoods, 20,000 households and 300 candidate sites (see `data/demo/README.md`).
    Demo,
    /// Isfahan province (IR-10): 24 counties, 5,120,850 persons (2016), 1,551,770 households; the
    /// programme opened 97 centres there.
    Isfahan,
    /// Gilan province (IR-01): 16 counties, 2,530,696 persons, 37% rural, 766,877 households; 81
    /// centres (50 urban, 31 rural).
    Gilan,
    /// Khorramshahr county (0607, Khuzestan): 170,976 persons, 51,811 households; 12 centres.
    Khorramshahr,
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Preset::Demo),
            "isfahan" => Ok(Preset::Isfahan),
            "gilan" => Ok(Preset::Gilan),
            "khorramshahr" => Ok(Preset::Khorramshahr),
            other => Err(format!(
                "unknown preset {other:?}: expected demo, isfahan, gilan or khorramshahr"
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
        })
    }
}

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
        Preset::Isfahan | Preset::Gilan | Preset::Khorramshahr => {
            province::generate(&province_params(preset), seed)
        }
    }
}

const ISFAHAN: &str = include_str!("../../data/iran/counties-isfahan.geojson");
const GILAN: &str = include_str!("../../data/iran/counties-gilan.geojson");
const KHUZESTAN: &str = include_str!("../../data/iran/counties-khuzestan.geojson");

/// The real-data presets' settings; `Demo` has none.
fn province_params(preset: Preset) -> province::ProvinceParams {
    let (name, counties, places, only, cell_km, existing) = match preset {
        Preset::Isfahan => (
            "counties-isfahan.geojson",
            ISFAHAN,
            include_str!("../../data/iran/places-isfahan.csv"),
            None,
            6.0,
            8,
        ),
        Preset::Gilan => (
            "counties-gilan.geojson",
            GILAN,
            include_str!("../../data/iran/places-gilan.csv"),
            None,
            4.0,
            6,
        ),
        Preset::Demo | Preset::Khorramshahr => (
            "counties-khuzestan.geojson",
            KHUZESTAN,
            include_str!("../../data/iran/places-khuzestan.csv"),
            Some("0607"),
            2.5,
            2,
        ),
    };
    province::ProvinceParams {
        name,
        counties,
        places,
        only,
        cell_km,
        informal_cities: 3,
        existing,
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
