//! Distances on the Earth and the R-trees that answer "what is near" and "what contains".

mod distance;
mod index;
mod join;

pub use distance::{EARTH_RADIUS_M, UnitVector, chord_for_metres, haversine_m, metres_for_chord};
pub use index::PointIndex;
pub use join::{NeighbourhoodIndex, SWAP_SAMPLE, Swapped};
