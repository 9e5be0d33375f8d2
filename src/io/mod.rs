//! The only code that knows file formats: reads inputs into the model, writes outputs.
//!
//! Every reader validates as it goes and fails with a [`ReadError`] naming the file, the line or
//! feature, the field and the problem. Problems that do not stop the planning (a self-intersecting
//! polygon) come back as [`Warning`]s for the caller to show.

mod crs;
mod csv;
mod fields;
mod geojson;
mod osm;
mod output;
mod roads;
mod scenario;

use crate::error::ReadError;
use crate::model::{CostMatrix, DemandPoint, Neighbourhood, Road, Site, Travel};
use std::fmt;
use std::path::{Path, PathBuf};

pub use self::csv::{read_cost_csv, write_candidates_csv, write_demand_csv};
pub use self::geojson::{Area, read_areas, write_neighbourhoods};
pub use self::osm::read_osm_pbf;
pub use self::output::{
    CENTRE_COLUMNS, LOAD_COLUMNS, NEIGHBOURHOOD_COLUMNS, ROTATION_COLUMNS, figure_properties,
    write_assignment, write_centre_table, write_centres, write_json, write_load_table,
    write_neighbourhood_table, write_rotation_csv, write_rotation_geojson, write_split_assignment,
};
pub use self::roads::{read_roads_geojson, write_roads};
pub use self::scenario::{PlanOptions, Scenario, Variant, read_scenario};

/// A problem worth telling the user about that does not stop the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The file it concerns.
    pub path: PathBuf,
    /// Where, in the same terms as a [`ReadError`].
    pub location: crate::error::Location,
    /// What is odd.
    pub problem: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.path.display(),
            self.location,
            self.problem
        )
    }
}

/// A loaded file's contents and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// What was read.
    pub value: T,
    /// Non-fatal problems, in file order.
    pub warnings: Vec<Warning>,
}

enum Format {
    Csv,
    GeoJson,
}

fn format_of(path: &Path) -> Result<Format, ReadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("geojson" | "json") => Ok(Format::GeoJson),
        _ => Err(ReadError::file(
            path,
            "unknown format: the file name must end in .csv, .geojson or .json",
        )),
    }
}

/// Reads demand points from CSV (`id,lon,lat,weight[,group]`) or GeoJSON Points.
pub fn read_demand(path: &Path) -> Result<Vec<DemandPoint>, ReadError> {
    match format_of(path)? {
        Format::Csv => csv::read_demand_csv(path),
        Format::GeoJson => geojson::read_demand_geojson(path),
    }
}

/// Reads candidate sites from CSV (`id,lon,lat[,capacity][,fixed]`) or GeoJSON Points.
pub fn read_sites(path: &Path) -> Result<Vec<Site>, ReadError> {
    match format_of(path)? {
        Format::Csv => csv::read_sites_csv(path),
        Format::GeoJson => geojson::read_sites_geojson(path),
    }
}

/// Reads neighbourhood polygons from GeoJSON; self-intersections come back as warnings.
pub fn read_neighbourhoods(path: &Path) -> Result<Loaded<Vec<Neighbourhood>>, ReadError> {
    geojson::read_neighbourhoods(path)
}

/// Reads a road network for `travel`: an OpenStreetMap extract (`.osm.pbf`, `.pbf`) or GeoJSON
/// lines (`.geojson`, `.json`).
pub fn read_roads(path: &Path, travel: Travel) -> Result<Vec<Road>, ReadError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if name.ends_with(".pbf") {
        read_osm_pbf(path, travel)
    } else if name.ends_with(".geojson") || name.ends_with(".json") {
        read_roads_geojson(path, travel)
    } else {
        Err(ReadError::file(
            path,
            "unknown road network format: the file name must end in .osm.pbf (OpenStreetMap) or \
             .geojson (LineString features)",
        ))
    }
}

/// Reads a cost matrix (`demand_id,candidate_id,metres`) against already-loaded demand and sites.
pub fn read_cost(
    path: &Path,
    demand: &[DemandPoint],
    sites: &[Site],
) -> Result<CostMatrix, ReadError> {
    read_cost_csv(path, demand, sites)
}
