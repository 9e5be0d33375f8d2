//! Capacitated assignment of 100,000 households (clustered around settlements, weights 1–5) to 97
//! centres whose capacities are 1.1 × the mean load, so that capacity binds in the crowded towns:
//! split (exact) and `--no-split`. The instance is generated outside the timed closures.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

mod common;

use siting::cost::CostSource;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use siting::assign::{AssignParams, assign};
use siting::model::{DemandPoint, Site, total_weight};
use std::hint::black_box;
use std::time::Duration;

const CENTRES: usize = 97;
const SIZES: [usize; 1] = [100_000];

/// The shared clustered instance (seed 5) with 97 centres, each with room for 1.1 × the mean load.
fn instance(n: usize) -> (Vec<DemandPoint>, Vec<Site>) {
    let (demand, mut sites) = common::clustered(n, CENTRES, 5);
    let capacity = (1.1 * total_weight(&demand) / CENTRES as f64).round();
    for site in &mut sites {
        site.capacity = Some(capacity);
    }
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
                b.iter(|| {
                    black_box(assign(&demand, &sites, CostSource::GreatCircle, params).unwrap())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_assign);
criterion_main!(benches);
