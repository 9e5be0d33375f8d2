//! Target-population points: households, people or case files at a location.

use geo::Point;

/// One demand point. `weight` is how many households (or people, or files) it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    /// The id exactly as read; outputs repeat it unchanged.
    pub id: String,
    /// WGS84 longitude (x) and latitude (y), degrees.
    pub position: Point<f64>,
    /// Non-negative, finite.
    pub weight: f64,
    /// Optional free-text group (e.g. a client category).
    pub group: Option<String>,
}

/// The sum of the points' weights.
pub fn total_weight(points: &[DemandPoint]) -> f64 {
    points.iter().map(|p| p.weight).sum()
}
