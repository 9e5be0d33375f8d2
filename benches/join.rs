//! The point-in-polygon join (`siting::spatial::NeighbourhoodIndex`): which neighbourhood contains
//! each point, for 100k and 1,000,000 points.
//!
//! Two tilings, both jittered grids of quadrilaterals sharing their vertices:
//! - `join_demo`: the 63 neighbourhoods of the embedded demo (`Preset::Demo`, seed 1), with the
//!   points scattered uniformly over their bounding box;
//! - `join_grid1000`: 40 × 25 = 1,000 cells over the whole region, points scattered over it.
//!
//! Each group holds the R-tree join in parallel (`locate_all`, rayon) and serially (`locate` in a
//! plain iterator), and for 100k points the baseline: a scan of every polygon with
//! `geo::Intersects`, first match wins (the same answer as the index).

mod common;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Point, Polygon, Rect};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::model::{AreaKind, Neighbourhood};
use siting::spatial::NeighbourhoodIndex;
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 2] = [100_000, 1_000_000];
const BRUTE_FORCE_SIZE: usize = 100_000;

/// A jittered grid of `nx × ny` cells over a lon/lat box: every vertex moves by up to a fifth of
/// the cell size, and neighbouring cells share it, so the tiling has no gaps or overlaps.
fn jittered_grid(nx: usize, ny: usize, lon: (f64, f64), lat: (f64, f64)) -> Vec<Neighbourhood> {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (dx, dy) = ((lon.1 - lon.0) / nx as f64, (lat.1 - lat.0) / ny as f64);
    let vertex: Vec<Vec<Coord<f64>>> = (0..=nx)
        .map(|i| {
            (0..=ny)
                .map(|j| Coord {
                    x: lon.0 + dx * (i as f64 + 0.2 * rng.random_range(-1.0..1.0)),
                    y: lat.0 + dy * (j as f64 + 0.2 * rng.random_range(-1.0..1.0)),
                })
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let ring = vec![
                vertex[i][j],
                vertex[i + 1][j],
                vertex[i + 1][j + 1],
                vertex[i][j + 1],
                vertex[i][j],
            ];
            let id = format!("G{:04}", out.len() + 1);
            out.push(Neighbourhood {
                name: id.clone(),
                id,
                kind: AreaKind::Urban,
                geometry: MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]),
            });
        }
    }
    out
}

/// The first neighbourhood (in file order) containing `point`, by scanning them all.
fn brute_force(hoods: &[Neighbourhood], point: Point<f64>) -> Option<u32> {
    hoods
        .iter()
        .position(|h| h.geometry.intersects(&point))
        .map(|i| i as u32)
}

fn bounding_box(hoods: &[Neighbourhood]) -> Rect<f64> {
    hoods
        .iter()
        .filter_map(|h| h.geometry.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
        .expect("the tiling has polygons")
}

fn join_group(
    group: &mut BenchmarkGroup<WallTime>,
    hoods: &[Neighbourhood],
    points: &[Point<f64>],
) {
    let index = NeighbourhoodIndex::new(hoods);

    // Not timed: serial, parallel and brute force must agree before their speeds mean anything.
    let check = &points[..BRUTE_FORCE_SIZE];
    let parallel = index.locate_all(check);
    let serial: Vec<Option<u32>> = check.iter().map(|p| index.locate(*p)).collect();
    let scanned: Vec<Option<u32>> = check.iter().map(|p| brute_force(hoods, *p)).collect();
    assert_eq!(parallel, serial);
    assert_eq!(parallel, scanned);

    for n in SIZES {
        let points = &points[..n];
        group.throughput(Throughput::Elements(n as u64));
        if n >= 1_000_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        } else {
            group
                .sample_size(20)
                .measurement_time(Duration::from_secs(5));
        }
        group.bench_with_input(
            BenchmarkId::new("rtree_parallel", n),
            points,
            |b, points| {
                b.iter(|| index.locate_all(black_box(points)));
            },
        );
        group.bench_with_input(BenchmarkId::new("rtree_serial", n), points, |b, points| {
            b.iter(|| {
                black_box(points)
                    .iter()
                    .map(|p| index.locate(*p))
                    .collect::<Vec<_>>()
            });
        });
        if n == BRUTE_FORCE_SIZE {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
            group.bench_with_input(BenchmarkId::new("brute_force", n), points, |b, points| {
                b.iter(|| {
                    black_box(points)
                        .iter()
                        .map(|p| brute_force(hoods, *p))
                        .collect::<Vec<_>>()
                });
            });
        }
    }
}

fn join(c: &mut Criterion) {
    let n_max = SIZES[SIZES.len() - 1];

    let demo = siting::generate::generate(siting::generate::Preset::Demo, 1).neighbourhoods;
    let bbox = bounding_box(&demo);
    let points = common::scatter(
        n_max,
        4,
        bbox.min().x..bbox.max().x,
        bbox.min().y..bbox.max().y,
    );
    let mut group = c.benchmark_group("join_demo");
    join_group(&mut group, &demo, &points);
    group.finish();

    let grid = jittered_grid(
        40,
        25,
        (common::LON.start, common::LON.end),
        (common::LAT.start, common::LAT.end),
    );
    let points = common::scatter(n_max, 5, common::LON, common::LAT);
    let mut group = c.benchmark_group("join_grid1000");
    join_group(&mut group, &grid, &points);
    group.finish();
}

criterion_group!(benches, join);
criterion_main!(benches);
