//! Access measures of 100 centres for 100,000 and 1,500,000 households (fixed seeds, generated
//! outside the timed closures): the nearest-centre search (R-tree against a brute-force scan),
//! the neighbourhood join, and the whole of `siting::access::measure` (join, nearest centres,
//! 2SFCA and enhanced 2SFCA, every figure overall, per kind and per neighbourhood).

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

mod common;

use siting::cost::CostSource;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use geo::{MultiPolygon, Point, Rect};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use siting::access::{AccessInput, AccessParams, measure, nearest_centres};
use siting::model::{AreaKind, DemandPoint, Neighbourhood, PerKind, Site};
use siting::plan::Radius;
use siting::spatial::{NeighbourhoodIndex, haversine_m};
use std::hint::black_box;
use std::time::Duration;

const CENTRES: usize = 100;
const SIZES: [usize; 2] = [100_000, 1_500_000];

/// The shared clustered instance (seed 5) with `CENTRES` centres of capacity 200 to 2,000, and a
/// 30 × 30 grid of neighbourhoods over the region, kinds in turn.
fn instance(n: usize) -> (Vec<DemandPoint>, Vec<Site>, Vec<Neighbourhood>) {
    let (demand, mut sites) = common::clustered(n, CENTRES, 5);
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    for site in &mut sites {
        site.capacity = Some(f64::from(rng.random_range(200..2_000u32)));
    }
    let cells = 30;
    let (dx, dy) = (
        (common::LON.end - common::LON.start) / cells as f64,
        (common::LAT.end - common::LAT.start) / cells as f64,
    );
    let hoods = (0..cells * cells)
        .map(|c| {
            let (x0, y0) = (
                common::LON.start + (c % cells) as f64 * dx,
                common::LAT.start + (c / cells) as f64 * dy,
            );
            Neighbourhood {
                id: format!("n{c}"),
                name: format!("cell {c}"),
                kind: AreaKind::ALL[c % 3],
                geometry: MultiPolygon(vec![Rect::new((x0, y0), (x0 + dx, y0 + dy)).to_polygon()]),
            }
        })
        .collect();
    (demand, sites, hoods)
}

/// The baseline: every centre's haversine distance for every point, the lowest index on ties.
fn nearest_by_scan(demand: &[DemandPoint], sites: &[Site]) -> Vec<(usize, f64)> {
    demand
        .par_iter()
        .map(|d| {
            let mut best = (0, f64::INFINITY);
            for (s, site) in sites.iter().enumerate() {
                let distance = haversine_m(d.position, site.position);
                if distance < best.1 {
                    best = (s, distance);
                }
            }
            best
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let open: Vec<usize> = (0..CENTRES).collect();
    let radius = Radius {
        default_m: Some(5_000.0),
        by_kind: PerKind([Some(3_000.0), Some(15_000.0), Some(3_000.0)]),
    };
    let params = AccessParams::new(radius);
    for n in SIZES {
        let (demand, sites, hoods) = instance(n);
        let id = BenchmarkId::from_parameter(format!("{n}x{CENTRES}"));
        // The largest size runs each sample once (flat sampling), ten samples.
        let (samples, mode) = if n > 500_000 {
            (10, SamplingMode::Flat)
        } else {
            (20, SamplingMode::Auto)
        };

        let mut group = c.benchmark_group("access_nearest");
        group.sample_size(samples);
        group.sampling_mode(mode);
        group.measurement_time(Duration::from_secs(10));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("rtree", format!("{n}x{CENTRES}")), |b| {
            b.iter(|| {
                black_box(nearest_centres(
                    &demand,
                    &sites,
                    &open,
                    CostSource::GreatCircle,
                ))
            })
        });
        group.bench_function(BenchmarkId::new("scan", format!("{n}x{CENTRES}")), |b| {
            b.iter(|| black_box(nearest_by_scan(&demand, &sites)))
        });
        group.finish();

        let mut group = c.benchmark_group("access_join");
        group.sample_size(samples);
        group.sampling_mode(mode);
        group.measurement_time(Duration::from_secs(10));
        group.throughput(Throughput::Elements(n as u64));
        let positions: Vec<Point<f64>> = demand.iter().map(|d| d.position).collect();
        group.bench_function(id.clone(), |b| {
            b.iter(|| black_box(NeighbourhoodIndex::new(&hoods).locate_all(&positions)))
        });
        group.finish();

        let mut group = c.benchmark_group("access_measure");
        group.sample_size(samples);
        group.sampling_mode(mode);
        group.measurement_time(Duration::from_secs(15));
        group.throughput(Throughput::Elements(n as u64));
        let input = AccessInput {
            demand: &demand,
            sites: &sites,
            open: &open,
            neighbourhoods: Some(&hoods),
            source: CostSource::GreatCircle,
        };
        group.bench_function(id, |b| {
            b.iter(|| black_box(measure(&input, &params).unwrap()))
        });
        group.finish();
    }
}

criterion_group!(access, benches);
criterion_main!(access);
