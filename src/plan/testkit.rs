//! Small random instances for the solver tests, checked against the exhaustive oracle.

use crate::model::{AreaKind, DemandPoint, Neighbourhood, Site};
use geo::{MultiPolygon, Point, Rect};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` demand points (weights 1..9) and `m` sites in a box of about 20 × 20 km near Isfahan.
pub fn random_instance(seed: u64, n: usize, m: usize) -> (Vec<DemandPoint>, Vec<Site>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let point = |rng: &mut ChaCha8Rng| {
        Point::new(
            51.6 + rng.random_range(0.0..0.2),
            32.6 + rng.random_range(0.0..0.2),
        )
    };
    let demand = (0..n)
        .map(|i| DemandPoint {
            id: format!("d{i}"),
            position: point(&mut rng),
            weight: f64::from(rng.random_range(1..10u32)),
            group: None,
        })
        .collect();
    let sites = (0..m)
        .map(|j| Site {
            id: format!("s{j}"),
            position: point(&mut rng),
            capacity: None,
            fixed: false,
        })
        .collect();
    (demand, sites)
}

/// Three vertical strips over the random-instance box: urban (west), rural, informal (east).
pub fn strips() -> Vec<Neighbourhood> {
    AreaKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let x0 = 51.6 + 0.2 * i as f64 / 3.0;
            Neighbourhood {
                id: kind.to_string(),
                name: kind.to_string(),
                kind,
                geometry: MultiPolygon(vec![
                    Rect::new((x0, 32.5), (x0 + 0.2 / 3.0, 32.9)).to_polygon(),
                ]),
            }
        })
        .collect()
}
