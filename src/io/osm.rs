//! OpenStreetMap PBF extracts read into roads for a travel profile (being written).

use crate::error::ReadError;
use crate::model::{Road, Travel};
use std::path::Path;

/// Reads the roads of an `.osm.pbf` extract that `travel` may use.
pub fn read_osm_pbf(path: &Path, _travel: Travel) -> Result<Vec<Road>, ReadError> {
    Err(ReadError::file(path, "PBF reading is not built yet"))
}
