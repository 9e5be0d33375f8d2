//! The nearest open centre of every demand point, and the centres within a radius of it.

use crate::cost::{CostSource, Costs, Side};
use crate::lists::Lists;
use crate::model::{DemandPoint, Site};

/// A demand point's nearest open centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index of the centre among the sites.
    pub site: usize,
    /// Metres (great circle or along roads), minutes, or the cost matrix's units.
    pub distance_m: f64,
    /// Metres of the fastest way, where `distance_m` is minutes along roads.
    pub route_m: Option<f64>,
}

/// For every demand point, the nearest of the `open` sites (`None` when none is reachable);
/// ties go to the lower site index. Every index in `open` must be a valid site index.
pub fn nearest_centres(
    demand: &[DemandPoint],
    sites: &[Site],
    open: &[usize],
    source: CostSource,
) -> Vec<Option<Nearest>> {
    let mut open = open.to_vec();
    open.sort_unstable();
    OpenCentres::new(demand, sites, open, source).nearest()
}

/// The open centres, ready to say which is nearest to each demand point and which lie within a
/// radius of it. Centres are numbered by their position in `open`.
pub(crate) struct OpenCentres<'a> {
    open: Vec<usize>,
    costs: Costs<'a>,
}

impl<'a> OpenCentres<'a> {
    /// Prepares the costs from every demand point to the `open` sites (indices into `sites`,
    /// each valid).
    pub fn new(
        demand: &[DemandPoint],
        sites: &[Site],
        open: Vec<usize>,
        source: CostSource<'a>,
    ) -> Self {
        let positions: Vec<_> = demand.iter().map(|d| d.position).collect();
        let rows: Vec<u32> = (0..demand.len() as u32).collect();
        let centre_positions: Vec<_> = open.iter().map(|&s| sites[s].position).collect();
        let columns: Vec<u32> = open.iter().map(|&s| s as u32).collect();
        let costs = Costs::new(
            source,
            Side {
                positions: &positions,
                ids: &rows,
            },
            Side {
                positions: &centre_positions,
                ids: &columns,
            },
        );
        OpenCentres { open, costs }
    }

    /// The open sites, in the order that numbers the centres.
    pub fn open(&self) -> &[usize] {
        &self.open
    }

    /// The costs behind the answers.
    pub fn costs(&self) -> &Costs<'a> {
        &self.costs
    }

    /// The nearest open centre of every demand point; ties go to the lower position in `open`.
    pub fn nearest(&self) -> Vec<Option<Nearest>> {
        self.costs
            .nearest()
            .into_iter()
            .map(|n| {
                n.map(|n| Nearest {
                    site: self.open[n.site as usize],
                    distance_m: n.cost,
                    route_m: n.route_m,
                })
            })
            .collect()
    }

    /// For every demand point, the open centres `(position in open, cost)` within its
    /// `limit` (inclusive), sorted by position.
    pub fn within(&self, limit: &[f64]) -> Lists {
        self.costs.within(limit)
    }
}
