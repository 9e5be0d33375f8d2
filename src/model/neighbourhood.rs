//! Neighbourhoods: the area polygons that demand and sites fall in, each of one kind.

use super::AreaKind;
use geo::MultiPolygon;

/// A neighbourhood polygon (holes allowed) and its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbourhood {
    /// The id exactly as read.
    pub id: String,
    /// Display name (may be Persian); the id when the file gives none.
    pub name: String,
    /// Urban, rural or informal.
    pub kind: AreaKind,
    /// WGS84 lon/lat; a Polygon is stored as a one-part MultiPolygon.
    pub geometry: MultiPolygon<f64>,
}
