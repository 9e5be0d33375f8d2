//! The only code that knows file formats: reads inputs into the model, writes outputs.
//!
//! Every reader validates as it goes and fails with a [`ReadError`] naming the file, the line or
//! feature, the field and the problem. Problems that do not stop the planning (a self-intersecting
//! polygon) come back as [`Warning`]s for the caller to show.

mod atomic;
mod crs;
mod csv;
mod fields;
mod geojson;
mod gis;
mod gpkg;
mod gpkg_writer;
mod mapping;
mod osm;
mod output;
mod roads;
mod scenario;
mod shp;
mod xlsx;

use crate::error::ReadError;
use crate::model::{CostMatrix, DemandPoint, Neighbourhood, Road, Site, Travel};
use std::fmt;
use std::path::{Path, PathBuf};

pub use self::atomic::write_atomically;
pub use self::csv::{read_cost_csv, write_candidates_csv, write_demand_csv};
pub use self::geojson::{Area, read_areas, write_neighbourhoods};
pub use self::gpkg_writer::{GpkgResults, write_gpkg};
pub use self::mapping::{FieldMap, parse_kind_map};
pub use self::osm::read_osm_pbf;
pub use self::output::{
    CENTRE_COLUMNS, LOAD_COLUMNS, NEIGHBOURHOOD_COLUMNS, ROTATION_COLUMNS, figure_properties,
    write_assignment, write_centre_table, write_centres, write_json, write_load_table,
    write_neighbourhood_table, write_rotation_csv, write_rotation_geojson, write_split_assignment,
};
pub use self::roads::{read_roads_geojson, write_roads};
pub use self::scenario::{PlanOptions, Scenario, Variant, read_scenario};
pub use self::xlsx::xlsx_workbook;

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
    GeoPackage,
    Shapefile,
}

/// The format a file name says: its extension, with `FILE.gpkg:LAYER` naming a GeoPackage layer.
fn format_of(path: &Path, points: bool) -> Result<Format, ReadError> {
    let (file, _) = gpkg::split_layer(path);
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") if points => Ok(Format::Csv),
        Some("geojson" | "json") => Ok(Format::GeoJson),
        Some("gpkg") => Ok(Format::GeoPackage),
        Some("shp") => Ok(Format::Shapefile),
        _ => Err(ReadError::file(
            path,
            if points {
                "unknown format: the file name must end in .csv, .geojson, .json, .gpkg (or \
                 .gpkg:LAYER) or .shp"
            } else {
                "unknown format: the file name must end in .geojson, .json, .gpkg (or \
                 .gpkg:LAYER) or .shp"
            },
        )),
    }
}

/// Reads demand points from CSV (`id,lon,lat,weight[,group]`), GeoJSON, GeoPackage or Shapefile
/// Points (the last two in any CRS they declare), with columns named as `map` says.
pub fn read_demand(path: &Path, map: &FieldMap) -> Result<Vec<DemandPoint>, ReadError> {
    match format_of(path, true)? {
        Format::Csv => csv::read_demand_csv(path, map),
        Format::GeoJson => geojson::read_demand_geojson(path, map),
        Format::GeoPackage => gis::demand(path, gpkg::open(path)?, map),
        Format::Shapefile => gis::demand(path, shp::open(path)?, map),
    }
}

/// Reads candidate sites from CSV (`id,lon,lat[,capacity][,fixed]`), GeoJSON, GeoPackage or
/// Shapefile Points, with columns named as `map` says.
pub fn read_sites(path: &Path, map: &FieldMap) -> Result<Vec<Site>, ReadError> {
    match format_of(path, true)? {
        Format::Csv => csv::read_sites_csv(path, map),
        Format::GeoJson => geojson::read_sites_geojson(path, map),
        Format::GeoPackage => gis::sites(path, gpkg::open(path)?, map),
        Format::Shapefile => gis::sites(path, shp::open(path)?, map),
    }
}

/// Reads neighbourhood polygons from GeoJSON, GeoPackage or Shapefile, with columns and kind
/// values as `map` says; invalid polygons (self-intersections) come back as warnings.
pub fn read_neighbourhoods(
    path: &Path,
    map: &FieldMap,
) -> Result<Loaded<Vec<Neighbourhood>>, ReadError> {
    match format_of(path, false)? {
        Format::GeoJson | Format::Csv => geojson::read_neighbourhoods(path, map),
        Format::GeoPackage => gis::neighbourhoods(path, gpkg::open(path)?, map),
        Format::Shapefile => gis::neighbourhoods(path, shp::open(path)?, map),
    }
}

/// A warning for each neighbourhood whose polygon is invalid (self-intersecting rings, holes
/// outside their shell): it still loads, and points are tested against it as drawn.
fn invalid_polygons(path: &Path, neighbourhoods: &[Neighbourhood]) -> Vec<Warning> {
    use geo::Validation;
    neighbourhoods
        .iter()
        .enumerate()
        .filter_map(|(index, n)| {
            let problems = n.geometry.validation_errors();
            (!problems.is_empty()).then(|| Warning {
                path: path.to_owned(),
                location: crate::error::Location::Feature {
                    index,
                    id: Some(n.id.clone()),
                },
                problem: format!(
                    "invalid polygon (it still loads; points are tested against it as drawn): {}",
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            })
        })
        .collect()
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
