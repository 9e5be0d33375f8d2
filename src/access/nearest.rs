//! The nearest open centre of every demand point.

use crate::model::{CostMatrix, DemandPoint, Site};
use crate::spatial::{PointIndex, haversine_m};
use rayon::prelude::*;

/// A demand point's nearest open centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index of the centre among the sites.
    pub site: usize,
    /// Great-circle metres, or the cost matrix's units.
    pub distance_m: f64,
}

/// For every demand point, the nearest of the `open` sites (`None` when none is reachable).
///
/// Great-circle: an R-tree over the open sites answers each point in logarithmic time, in
/// parallel. Cost matrix: a scan of the point's listed pairs. Ties go to the lower site index.
pub fn nearest_centres(
    demand: &[DemandPoint],
    sites: &[Site],
    open: &[usize],
    cost: Option<&CostMatrix>,
) -> Vec<Option<Nearest>> {
    match cost {
        Some(matrix) => {
            let mut is_open = vec![false; sites.len()];
            for &s in open {
                is_open[s] = true;
            }
            (0..demand.len())
                .into_par_iter()
                .map(|d| {
                    matrix
                        .row(d)
                        .filter(|&(s, _)| is_open[s as usize])
                        .map(|(s, cost)| Nearest {
                            site: s as usize,
                            distance_m: cost,
                        })
                        .reduce(|a, b| if b.distance_m < a.distance_m { b } else { a })
                })
                .collect()
        }
        None => {
            let index = PointIndex::new(open.iter().map(|&s| sites[s].position).collect());
            demand
                .par_iter()
                .map(|d| {
                    // The R-tree orders by chord, which is exact; the first few equal-chord
                    // candidates are re-measured with haversine and the lowest site index wins.
                    let mut best: Option<Nearest> = None;
                    for (k, _) in index.nearest(d.position) {
                        let site = open[k as usize];
                        let distance_m = haversine_m(d.position, sites[site].position);
                        match best {
                            Some(b) if distance_m > b.distance_m + 1e-6 => break,
                            Some(b)
                                if distance_m > b.distance_m
                                    || (distance_m == b.distance_m && site > b.site) => {}
                            _ => best = Some(Nearest { site, distance_m }),
                        }
                    }
                    best
                })
                .collect()
        }
    }
}
