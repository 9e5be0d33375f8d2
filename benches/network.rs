//! Road networks on the generated Khorramshahr county (`generate(Preset::Khorramshahr, 1)`:
//! 9,185 roads, 24,197 distinct road vertices, 1,778 demand points, 57 candidates): building the
//! network (graph + snapping index), snapping 10,000 points, every candidate's demand within 2 km
//! along the roads (`Network::within`), and each demand point's nearest candidate
//! (`Network::nearest`, k = 1, one multi-source search). The instance, the network and the
//! snapped places are built once, outside the timed closures.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::generate::{Instance, Preset, generate};
use siting::model::Travel;
use siting::network::{By, DEFAULT_SNAP_MAX_M, Network};
use std::hint::black_box;

/// Points snapped by the snapping bench.
const SNAPPED: usize = 10_000;
/// The radius of the `within` bench, metres along the roads.
const RADIUS_M: f64 = 2_000.0;

fn instance() -> Instance {
    generate(Preset::Khorramshahr, 1)
}

fn network(instance: &Instance) -> Network {
    Network::new(
        &instance.roads,
        By::Distance,
        Travel::Walk,
        DEFAULT_SNAP_MAX_M,
    )
    .unwrap()
}

/// `n` points around the demand points in turn, each moved up to ±0.002° (about 200 m) in
/// longitude and latitude (seed 7): where households are, but off the generated blocks.
fn around(instance: &Instance, n: usize) -> Vec<Point<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    (0..n)
        .map(|i| {
            let p = instance.demand[i % instance.demand.len()].position;
            Point::new(
                p.x() + rng.random_range(-0.002..0.002),
                p.y() + rng.random_range(-0.002..0.002),
            )
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let instance = instance();
    let net = network(&instance);
    let graph = net.graph();
    let road_vertices = graph.road_vertex_count();
    let demand: Vec<Point<f64>> = instance.demand.iter().map(|d| d.position).collect();
    let candidates: Vec<Point<f64>> = instance.sites.iter().map(|s| s.position).collect();
    let points = around(&instance, SNAPPED);
    let origins = net.place(&demand);
    let sites = net.place(&candidates);
    let limit = vec![RADIUS_M; origins.len()];
    let pairs: usize = net
        .within(&origins, &sites, &limit)
        .iter()
        .map(<[_]>::len)
        .sum();
    let reached = net
        .nearest(&origins, &sites, 1)
        .iter()
        .filter(|l| !l.is_empty())
        .count();
    eprintln!(
        "khorramshahr: {} roads, {road_vertices} road vertices, {} vertices and {} edges after \
         contraction; {} demand points, {} candidates; {pairs} demand-candidate pairs within \
         {RADIUS_M} m; {reached} demand points reach a candidate",
        instance.roads.len(),
        graph.vertex_count(),
        graph.edge_count(),
        demand.len(),
        candidates.len(),
    );

    let mut group = c.benchmark_group("network_khorramshahr");
    group.sample_size(10);

    group.throughput(Throughput::Elements(road_vertices as u64));
    group.bench_function(BenchmarkId::new("build", road_vertices), |b| {
        b.iter(|| black_box(network(&instance)))
    });

    group.throughput(Throughput::Elements(SNAPPED as u64));
    group.bench_function(BenchmarkId::new("snap", SNAPPED), |b| {
        b.iter(|| black_box(net.place(&points)))
    });

    group.throughput(Throughput::Elements(candidates.len() as u64));
    group.bench_function(
        BenchmarkId::new(
            "within_2km",
            format!("{}x{}", demand.len(), candidates.len()),
        ),
        |b| b.iter(|| black_box(net.within(&origins, &sites, &limit))),
    );

    group.throughput(Throughput::Elements(demand.len() as u64));
    group.bench_function(
        BenchmarkId::new(
            "nearest_k1",
            format!("{}x{}", demand.len(), candidates.len()),
        ),
        |b| b.iter(|| black_box(net.nearest(&origins, &sites, 1))),
    );

    group.finish();
}

criterion_group!(network_benches, benches);
criterion_main!(network_benches);
