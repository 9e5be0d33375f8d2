//! The planning problem's data, validated once at the edge and trusted inside: no algorithms here.

mod cost;
mod demand;
mod kind;
mod neighbourhood;
mod road;
mod site;

pub use cost::CostMatrix;
pub use demand::{DemandPoint, total_weight};
pub use kind::{AreaKind, PerKind};
pub use neighbourhood::Neighbourhood;
pub use road::{DEFAULT_DRIVE_KMH, Road, Travel, WALK_KMH, drive_speed_kmh, is_major};
pub use site::Site;
