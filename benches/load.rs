//! Loading demand points from CSV with `siting::io::read_demand` at 10k, 100k and 1,000,000 points.
//!
//! The files are written once, before any timing, into a temp dir; after that first write they sit
//! in the page cache, so this measures parsing and validation (ids, duplicate check, coordinates,
//! weights), not the disk. Each timed load also frees the loaded points.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siting::model::DemandPoint;
use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// `n` households over the region, ids `H0000001`…, whole weights 1 to 5.
fn households(n: usize) -> Vec<DemandPoint> {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    common::scatter(n, 1, common::LON, common::LAT)
        .into_iter()
        .enumerate()
        .map(|(i, position)| DemandPoint {
            id: format!("H{:07}", i + 1),
            position,
            weight: f64::from(rng.random_range(1..=5u32)),
            group: None,
        })
        .collect()
}

fn write_csv(path: &Path, points: &[DemandPoint]) {
    let file = File::create(path).expect("the temp dir is writable");
    siting::io::write_demand_csv(BufWriter::new(file), points).expect("the temp dir is writable");
}

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut group = c.benchmark_group("load_demand_csv");
    for n in SIZES {
        let path = dir.path().join(format!("demand_{n}.csv"));
        write_csv(&path, &households(n));
        // Not timed: one load to check the file round-trips before measuring it.
        let loaded =
            siting::io::read_demand(&path, &Default::default()).expect("the written file loads");
        assert_eq!(loaded.len(), n);
        drop(loaded);

        group.throughput(Throughput::Elements(n as u64));
        if n >= 1_000_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(15));
        } else {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("read_demand", n), &path, |b, path| {
            b.iter(|| {
                siting::io::read_demand(black_box(path), &Default::default())
                    .expect("the written file loads")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
