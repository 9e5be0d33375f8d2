//! `siting::spatial::PointIndex`: building the R-tree over 100k and 1,000,000 points, and radius
//! queries of 2 km and 10 km against it.
//!
//! The points are uniform over the region (about 560 × 420 km), so a 2 km query finds about 5
//! points at 100k and 50 at 1M, and a 10 km query about 130 and 1,300. The query centres are 1,000
//! further uniform points. Throughput counts queries, so criterion's elements/s is queries/s.
//! The baseline, for 100k points, is a haversine scan of every point (fewer queries: it is slow).

mod common;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::Point;
use siting::spatial::{PointIndex, haversine_m};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 2] = [100_000, 1_000_000];
const QUERIES: usize = 1_000;
const BRUTE_FORCE_SIZE: usize = 100_000;
const BRUTE_FORCE_QUERIES: usize = 20;

fn brute_force(points: &[Point<f64>], centre: Point<f64>, radius_m: f64) -> usize {
    points
        .iter()
        .filter(|&&p| haversine_m(centre, p) <= radius_m)
        .count()
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("point_index_build");
    for n in SIZES {
        let points = common::scatter(n, 6, common::LON, common::LAT);
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
        group.bench_with_input(BenchmarkId::new("bulk_load", n), &points, |b, points| {
            // The input is cloned outside the timing; `new` takes the positions by value.
            b.iter_batched(|| points.clone(), PointIndex::new, BatchSize::LargeInput);
        });
    }
    group.finish();
}

fn radius(c: &mut Criterion) {
    let centres = common::scatter(QUERIES, 7, common::LON, common::LAT);
    let sets: Vec<(Vec<Point<f64>>, PointIndex)> = SIZES
        .iter()
        .map(|&n| {
            let points = common::scatter(n, 6, common::LON, common::LAT);
            let index = PointIndex::new(points.clone());
            (points, index)
        })
        .collect();

    for radius_m in [2_000.0, 10_000.0] {
        let mut group = c.benchmark_group(format!("radius_query_{}km", radius_m / 1000.0));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
        for (points, index) in &sets {
            let n = points.len();
            // Not timed: the index must find what the scan finds.
            for &centre in &centres[..BRUTE_FORCE_QUERIES] {
                assert_eq!(
                    index.within(centre, radius_m).count(),
                    brute_force(points, centre, radius_m)
                );
            }

            group.throughput(Throughput::Elements(QUERIES as u64));
            group.bench_with_input(BenchmarkId::new("rtree", n), index, |b, index| {
                b.iter(|| {
                    black_box(&centres)
                        .iter()
                        .map(|&c| index.within(c, radius_m).count())
                        .sum::<usize>()
                });
            });
            if n == BRUTE_FORCE_SIZE {
                let few = &centres[..BRUTE_FORCE_QUERIES];
                group.throughput(Throughput::Elements(BRUTE_FORCE_QUERIES as u64));
                group.bench_with_input(BenchmarkId::new("brute_force", n), points, |b, points| {
                    b.iter(|| {
                        black_box(few)
                            .iter()
                            .map(|&c| brute_force(points, c, radius_m))
                            .sum::<usize>()
                    });
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, build, radius);
criterion_main!(benches);
