//! Capacitated assignment of 100,000 households (clustered around settlements, weights 1–5) to 97
//! centres whose capacities are 1.1 × the mean load, so that capacity binds in the crowded towns:
//! split (exact) and `--no-split`. The instance is generated outside the timed closures.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::assign::{AssignParams, assign};
use siting::model::{DemandPoint, Site, total_weight};
use std::hint::black_box;
use std::time::Duration;

const CENTRES: usize = 97;
const SIZES: [usize; 1] = [100_000];

/// The Isfahan box of the other benches.
const WEST: f64 = 49.6;
const EAST: f64 = 55.5;
const SOUTH: f64 = 30.7;
const NORTH: f64 = 34.5;

/// `n` households around `n / 200` settlements; 97 centres, 70% near settlements, each with room
/// for 1.1 × the mean load.
fn instance(n: usize) -> (Vec<DemandPoint>, Vec<Site>) {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let towns: Vec<Point<f64>> = (0..(n / 200).max(5))
        .map(|_| Point::new(rng.random_range(WEST..EAST), rng.random_range(SOUTH..NORTH)))
        .collect();
    let near = |rng: &mut ChaCha8Rng| {
        let t = towns[rng.random_range(0..towns.len())];
        Point::new(
            t.x() + rng.random_range(-0.05..0.05),
            t.y() + rng.random_range(-0.05..0.05),
        )
    };
    let demand: Vec<DemandPoint> = (0..n)
        .map(|i| DemandPoint {
            id: i.to_string(),
            position: near(&mut rng),
            weight: f64::from(rng.random_range(1..6u32)),
            group: None,
        })
        .collect();
    let capacity = 1.1 * total_weight(&demand) / CENTRES as f64;
    let sites = (0..CENTRES)
        .map(|j| Site {
            id: j.to_string(),
            position: if j % 10 < 7 {
                near(&mut rng)
            } else {
                Point::new(rng.random_range(WEST..EAST), rng.random_range(SOUTH..NORTH))
            },
            capacity: Some(capacity.round()),
            fixed: false,
        })
        .collect();
    (demand, sites)
}

fn bench_assign(c: &mut Criterion) {
    let mut group = c.benchmark_group("assign");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for n in SIZES {
        let (demand, sites) = instance(n);
        group.throughput(Throughput::Elements(n as u64));
        for (name, params) in [
            ("split", AssignParams::new()),
            ("no_split", AssignParams::new().no_split()),
        ] {
            group.bench_with_input(BenchmarkId::new(name, n), &params, |b, params| {
                b.iter(|| black_box(assign(&demand, &sites, None, params).unwrap()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_assign);
criterion_main!(benches);
