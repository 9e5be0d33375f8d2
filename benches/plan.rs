//! The siting engine's stages on synthetic clustered instances at three sizes (fixed seeds):
//! coverage lists from parallel R-tree radius queries, then MCLP and LSCP solves.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::model::{DemandPoint, PerKind, Site};
use siting::plan::{Coverage, Model, PlanParams, Problem, Radius, Settings, solve};
use std::hint::black_box;

/// Households clustered around `n / 200` settlements in the Isfahan box, and `m` candidates, 70%
/// of them near settlements (like the peer's make_instance.py).
fn instance(n: usize, m: usize) -> (Vec<DemandPoint>, Vec<Site>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let towns: Vec<Point<f64>> = (0..(n / 200).max(5))
        .map(|_| Point::new(rng.random_range(49.6..55.5), rng.random_range(30.7..34.5)))
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
                Point::new(rng.random_range(49.6..55.5), rng.random_range(30.7..34.5))
            },
            capacity: None,
            fixed: false,
        })
        .collect();
    (demand, sites)
}

const SIZES: [(usize, usize); 3] = [(1_000, 200), (10_000, 1_000), (100_000, 5_000)];

fn coverage(c: &mut Criterion) {
    let mut group = c.benchmark_group("coverage_5km");
    group.sample_size(10);
    for (n, m) in SIZES {
        let (demand, sites) = instance(n, m);
        let problem =
            Problem::new(&demand, &sites, None, None, Some(50), PerKind::default()).unwrap();
        group.throughput(Throughput::Elements(m as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}x{m}")),
            &problem,
            |b, problem| {
                b.iter(|| {
                    black_box(
                        Coverage::new(problem, &Radius::uniform(5_000.0), &problem.clients.weight)
                            .unwrap(),
                    )
                })
            },
        );
    }
    group.finish();
}

fn solves(c: &mut Criterion) {
    for (model, p) in [(Model::Mclp, Some(50)), (Model::Lscp, None)] {
        let mut group = c.benchmark_group(format!("{model}_5km"));
        group.sample_size(10);
        for (n, m) in SIZES {
            let (demand, sites) = instance(n, m);
            let problem = Problem::new(&demand, &sites, None, None, p, PerKind::default()).unwrap();
            let params = PlanParams {
                model,
                radius: Radius::uniform(5_000.0),
                target_coverage: None,
            };
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(
                BenchmarkId::from_parameter(format!("{n}x{m}")),
                &problem,
                |b, problem| {
                    b.iter(|| black_box(solve(problem, &params, &Settings::default()).unwrap()))
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, coverage, solves);
criterion_main!(benches);
