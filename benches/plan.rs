//! The siting engine's stages on synthetic clustered instances at three sizes (fixed seeds):
//! coverage lists from parallel R-tree radius queries, then MCLP and LSCP solves.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

mod common;

use siting::cost::CostSource;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use siting::model::{DemandPoint, PerKind, Site};
use siting::plan::{Coverage, Model, PlanParams, Problem, Radius, Settings, solve};
use std::hint::black_box;

/// The shared clustered instance (seed 1).
fn instance(n: usize, m: usize) -> (Vec<DemandPoint>, Vec<Site>) {
    common::clustered(n, m, 1)
}

const SIZES: [(usize, usize); 3] = [(1_000, 200), (10_000, 1_000), (100_000, 5_000)];

fn coverage(c: &mut Criterion) {
    let mut group = c.benchmark_group("coverage_5km");
    group.sample_size(10);
    for (n, m) in SIZES {
        let (demand, sites) = instance(n, m);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            Some(50),
            PerKind::default(),
        )
        .unwrap();
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
            let problem = Problem::new(
                &demand,
                &sites,
                None,
                CostSource::GreatCircle,
                p,
                PerKind::default(),
            )
            .unwrap();
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
