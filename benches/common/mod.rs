//! Deterministic inputs shared by the benches: the same seed gives the same points everywhere.
// Each bench is its own crate and uses only part of this module.
#![allow(dead_code)]

use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::model::{DemandPoint, Site};
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

/// `n` households (weights 1 to 5) clustered within ±0.05° of `n / 200` settlements in the
/// region, and `m` sites, 70% of them near settlements and the rest anywhere (the shape of the
/// peer's make_instance.py). Sites have no capacity and none is fixed.
pub fn clustered(n: usize, m: usize, seed: u64) -> (Vec<DemandPoint>, Vec<Site>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let towns: Vec<Point<f64>> = (0..(n / 200).max(5))
        .map(|_| Point::new(rng.random_range(LON), rng.random_range(LAT)))
        .collect();
    let near = |rng: &mut ChaCha8Rng| {
        let t = towns[rng.random_range(0..towns.len())];
        Point::new(
            t.x() + rng.random_range(-0.05..0.05),
            t.y() + rng.random_range(-0.05..0.05),
        )
    };
    let demand = (0..n)
        .map(|i| DemandPoint {
            id: i.to_string(),
            position: near(&mut rng),
            weight: f64::from(rng.random_range(1..6u32)),
            group: None,
        })
        .collect();
    let sites = (0..m)
        .map(|j| Site {
            id: j.to_string(),
            position: if j % 10 < 7 {
                near(&mut rng)
            } else {
                Point::new(rng.random_range(LON), rng.random_range(LAT))
            },
            capacity: None,
            fixed: false,
        })
        .collect();
    (demand, sites)
}
