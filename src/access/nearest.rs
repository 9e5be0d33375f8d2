//! The nearest open centre of every demand point, and the centres within a radius of it.

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
/// Every index in `open` must be a valid site index.
pub fn nearest_centres(
    demand: &[DemandPoint],
    sites: &[Site],
    open: &[usize],
    cost: Option<&CostMatrix>,
) -> Vec<Option<Nearest>> {
    let centres = OpenCentres::new(demand, sites, open.to_vec(), cost);
    (0..demand.len())
        .into_par_iter()
        .map(|i| centres.nearest(i))
        .collect()
}

/// Where distances between demand and open centres come from.
enum Source<'a> {
    /// Haversine metres; an R-tree over the open centres (entry `k` is `open[k]`).
    GreatCircle(PointIndex),
    /// A cost matrix; `slot[site]` is the site's position in `open`, if it is open.
    Matrix {
        matrix: &'a CostMatrix,
        slot: Vec<Option<u32>>,
    },
}

/// The open centres, ready to say which is nearest to a demand point and which lie within a
/// radius of it. Centres are numbered by their position in `open`.
pub(crate) struct OpenCentres<'a> {
    demand: &'a [DemandPoint],
    sites: &'a [Site],
    open: Vec<usize>,
    source: Source<'a>,
}

impl<'a> OpenCentres<'a> {
    /// Indexes the `open` sites (indices into `sites`, each valid).
    pub fn new(
        demand: &'a [DemandPoint],
        sites: &'a [Site],
        open: Vec<usize>,
        cost: Option<&'a CostMatrix>,
    ) -> Self {
        let source = match cost {
            Some(matrix) => {
                let mut slot = vec![None; sites.len()];
                for (k, &s) in open.iter().enumerate() {
                    slot[s] = Some(u32::try_from(k).expect("fewer than 2^32 centres"));
                }
                Source::Matrix { matrix, slot }
            }
            None => Source::GreatCircle(PointIndex::new(
                open.iter().map(|&s| sites[s].position).collect(),
            )),
        };
        OpenCentres {
            demand,
            sites,
            open,
            source,
        }
    }

    /// The open sites, in the order that numbers the centres.
    pub fn open(&self) -> &[usize] {
        &self.open
    }

    /// The nearest open centre of demand point `i`; ties go to the lower site index.
    pub fn nearest(&self, i: usize) -> Option<Nearest> {
        match &self.source {
            Source::Matrix { matrix, slot } => matrix
                .row(i)
                .filter(|&(s, _)| slot[s as usize].is_some())
                .map(|(s, cost)| Nearest {
                    site: s as usize,
                    distance_m: cost,
                })
                // Rows are sorted by site, so keeping the first of equal costs keeps the lower index.
                .reduce(|a, b| if b.distance_m < a.distance_m { b } else { a }),
            Source::GreatCircle(index) => {
                let position = self.demand[i].position;
                // The R-tree orders by chord, which is exact up to rounding far below a
                // micrometre; candidates within 1e-6 m of the best are re-measured with
                // haversine and the lowest site index wins among equal distances.
                let mut best: Option<Nearest> = None;
                for (k, _) in index.nearest(position) {
                    let site = self.open[k as usize];
                    let distance_m = haversine_m(position, self.sites[site].position);
                    match best {
                        Some(b) if distance_m > b.distance_m + 1e-6 => break,
                        Some(b)
                            if distance_m > b.distance_m
                                || (distance_m == b.distance_m && site > b.site) => {}
                        _ => best = Some(Nearest { site, distance_m }),
                    }
                }
                best
            }
        }
    }

    /// Calls `visit(k, d)` for every open centre `k` (position in `open`) at distance
    /// `d <= radius_m` from demand point `i`; the order depends only on `i`.
    pub fn within(&self, i: usize, radius_m: f64, visit: &mut dyn FnMut(usize, f64)) {
        match &self.source {
            Source::Matrix { matrix, slot } => {
                for (s, cost) in matrix.row(i) {
                    if let Some(k) = slot[s as usize]
                        && cost <= radius_m
                    {
                        visit(k as usize, cost);
                    }
                }
            }
            Source::GreatCircle(index) => {
                for (k, d) in index.within(self.demand[i].position, radius_m) {
                    visit(k as usize, d);
                }
            }
        }
    }
}
