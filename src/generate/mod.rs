//! Deterministic synthetic instances in the contract's file formats: the same preset and seed give
//! byte-identical files on every machine.

mod city;

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
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Preset::Demo),
            other => Err(format!("unknown preset {other:?}: expected demo")),
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Preset::Demo => "demo",
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
