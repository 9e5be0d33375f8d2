//! Deterministic inputs shared by the benches: the same seed gives the same points everywhere.

use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::ops::Range;

/// Longitudes of the benches' region (central and south-western Iran, about 560 km east-west).
pub const LON: Range<f64> = 49.6..55.5;
/// Latitudes of the benches' region (about 420 km north-south).
pub const LAT: Range<f64> = 30.7..34.5;

/// `n` points uniformly over a lon/lat box, rounded to 6 decimals (about 0.1 m) as real
/// coordinates usually are.
pub fn scatter(n: usize, seed: u64, lon: Range<f64>, lat: Range<f64>) -> Vec<Point<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    (0..n)
        .map(|_| {
            let x = rng.random_range(lon.clone());
            let y = rng.random_range(lat.clone());
            Point::new(round6(x), round6(y))
        })
        .collect()
}
