//! Roads as read from a file, before they become a routable graph: polylines with the direction
//! they may be travelled in and their speed, already resolved for one travel profile.

use geo::Point;
use std::fmt;
use std::str::FromStr;

/// Walking pace on every road and on the leg between a point and its road, in km/h.
pub const WALK_KMH: f64 = 4.5;

/// Who travels: it decides which roads count, whether `oneway` binds, and how fast each road is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Travel {
    /// On foot: every road and path people may walk on, both ways, at [`WALK_KMH`].
    #[default]
    Walk,
    /// By car: roads open to motor vehicles, `oneway` respected, at the posted or usual speed.
    Drive,
}

impl FromStr for Travel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "walk" => Ok(Travel::Walk),
            "drive" => Ok(Travel::Drive),
            other => Err(format!(
                "unknown travel profile {other:?}: expected walk or drive"
            )),
        }
    }
}

impl fmt::Display for Travel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Travel::Walk => "walk",
            Travel::Drive => "drive",
        })
    }
}

/// One road: consecutive vertices are joined by straight segments on the sphere (their haversine
/// length), and roads meet where they share a vertex with exactly the same coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Road {
    /// Vertices in drawn order, at least two, lon/lat in degrees.
    pub line: Vec<Point<f64>>,
    /// Travelled only in drawn order.
    pub oneway: bool,
    /// Speed for this profile in km/h (positive, finite).
    pub speed_kmh: f64,
    /// A broad class for drawing: major roads are drawn heavier.
    pub major: bool,
}

/// Usual car speed on an OpenStreetMap `highway` class where no `maxspeed` is posted, in km/h;
/// `None` for classes closed to cars. Links drive like the road they join, a little slower.
pub fn drive_speed_kmh(highway: &str) -> Option<f64> {
    Some(match highway {
        "motorway" => 110.0,
        "trunk" => 90.0,
        "primary" => 70.0,
        "secondary" => 60.0,
        "tertiary" => 50.0,
        "motorway_link" | "trunk_link" => 50.0,
        "primary_link" | "secondary_link" | "tertiary_link" => 40.0,
        "unclassified" | "road" => 40.0,
        "residential" => 30.0,
        "service" => 20.0,
        "living_street" => 10.0,
        _ => return None,
    })
}

/// Car speed where neither the file nor the class says anything, in km/h.
pub const DEFAULT_DRIVE_KMH: f64 = 40.0;

/// Classes drawn heavier on maps: the through roads between and across towns.
pub fn is_major(highway: &str) -> bool {
    matches!(
        highway.strip_suffix("_link").unwrap_or(highway),
        "motorway" | "trunk" | "primary" | "secondary"
    )
}
