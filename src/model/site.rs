//! Sites: candidate locations for a centre, and existing centres that stay open.

use geo::Point;

/// A possible (or, when `fixed`, existing) centre location.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The id exactly as read.
    pub id: String,
    /// WGS84 longitude (x) and latitude (y), degrees.
    pub position: Point<f64>,
    /// How much demand weight it can serve, when limited.
    pub capacity: Option<f64>,
    /// An existing centre: always open, and counts towards p.
    pub fixed: bool,
}
