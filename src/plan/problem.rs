//! A planning problem ready for the solvers: demand merged into clients, site kinds, the rules
//! on which sites may open, and the travel costs between them ([`crate::cost`]).

use crate::cost::{CostSource, Costs, Side};
use crate::error::{Error, Result};
use crate::model::{AreaKind, DemandPoint, Neighbourhood, PerKind, Site};
use crate::spatial::NeighbourhoodIndex;
use geo::Point;
use std::collections::HashMap;

/// Demand as the solvers see it: points at identical coordinates merged into one client (their
/// weights added), so that a dense block of flats costs one list entry, not hundreds.
///
/// With a cost matrix, rows may differ for points at the same coordinates, so nothing is merged.
/// Along roads, points at the same coordinates snap to the same place, so they merge.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Client position (lon/lat).
    pub position: Vec<Point<f64>>,
    /// Summed weight.
    pub weight: Vec<f64>,
    /// Area kind of the neighbourhood containing the client, if any.
    pub kind: Vec<Option<AreaKind>>,
    /// Client of each input demand point.
    pub of_demand: Vec<u32>,
    /// One input demand point of each client (the first), to look up cost-matrix rows.
    pub first_demand: Vec<u32>,
}

impl Clients {
    /// Number of clients.
    pub fn len(&self) -> usize {
        self.weight.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.weight.is_empty()
    }
}

/// Which sets of sites are allowed: exactly `p` open, the fixed ones among them, and at least
/// `quota[kind]` open sites of each kind.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Sites to open (fixed ones included); `None` for models that choose the count (LSCP).
    pub p: Option<usize>,
    /// Site must stay open.
    pub fixed: Vec<bool>,
    /// Kind of the neighbourhood containing each site.
    pub kind: Vec<Option<AreaKind>>,
    /// Minimum open sites per kind.
    pub quota: PerKind<usize>,
}

impl Rules {
    /// Open sites per kind in `open`.
    pub fn counts(&self, open: &[usize]) -> PerKind<usize> {
        let mut counts = PerKind::default();
        for &s in open {
            if let Some(k) = self.kind[s] {
                *counts.get_mut(k) += 1;
            }
        }
        counts
    }

    /// Quota places still to fill given `counts`.
    pub fn unmet(&self, counts: &PerKind<usize>) -> usize {
        AreaKind::ALL
            .iter()
            .map(|&k| self.quota.get(k).saturating_sub(*counts.get(k)))
            .sum()
    }

    /// May `site` be added when `slots_left` places remain (this one included) and `counts` are
    /// open? Once the free places are used up, only kinds short of their quota may be added.
    pub fn may_add(&self, site: usize, counts: &PerKind<usize>, slots_left: usize) -> bool {
        let unmet = self.unmet(counts);
        if slots_left > unmet {
            return true;
        }
        self.kind[site].is_some_and(|k| counts.get(k) < self.quota.get(k))
    }

    /// May `out` be closed and `add` opened without breaking a quota or closing a fixed site?
    pub fn may_swap(&self, out: usize, add: usize, counts: &PerKind<usize>) -> bool {
        if self.fixed[out] {
            return false;
        }
        match self.kind[out] {
            Some(k) if self.kind[add] != Some(k) => counts.get(k) > self.quota.get(k),
            _ => true,
        }
    }

    /// Indices of the fixed sites.
    pub fn fixed_sites(&self) -> Vec<usize> {
        (0..self.fixed.len()).filter(|&s| self.fixed[s]).collect()
    }

    /// Where an order of opening the sites of `open` starts: which sites it may choose from
    /// (a flag per site) and the fixed ones among them, which always open first.
    pub(crate) fn opening_start(&self, open: &[usize]) -> (Vec<bool>, Vec<usize>) {
        let mut chosen = vec![false; self.fixed.len()];
        for &s in open {
            chosen[s] = true;
        }
        let fixed = self
            .fixed_sites()
            .into_iter()
            .filter(|&s| chosen[s])
            .collect();
        (chosen, fixed)
    }

    /// Checks that some allowed set exists, and says why not otherwise.
    pub fn check(&self) -> Result<()> {
        let fixed = self.fixed_sites();
        if let Some(p) = self.p {
            if p == 0 {
                return Err(Error::Invalid("p must be at least 1".into()));
            }
            if p > self.fixed.len() {
                return Err(Error::Invalid(format!(
                    "p = {p} but there are only {} candidate sites",
                    self.fixed.len()
                )));
            }
            if fixed.len() > p {
                return Err(Error::Invalid(format!(
                    "{} existing centres are fixed open, more than p = {p}",
                    fixed.len()
                )));
            }
            let counts = self.counts(&fixed);
            let needed = self.unmet(&counts);
            if fixed.len() + needed > p {
                return Err(Error::Invalid(format!(
                    "the quotas need {needed} more sites beyond the {} fixed ones, but p = {p} leaves room for {}",
                    fixed.len(),
                    p - fixed.len()
                )));
            }
        }
        for kind in AreaKind::ALL {
            let available = self.kind.iter().filter(|&&k| k == Some(kind)).count();
            let quota = *self.quota.get(kind);
            if quota > available {
                return Err(Error::Invalid(format!(
                    "the quota asks for {quota} {kind} sites but only {available} candidates lie in {kind} neighbourhoods"
                )));
            }
        }
        Ok(())
    }
}

/// The instance as the solvers see it.
pub struct Problem<'a> {
    /// Merged demand.
    pub clients: Clients,
    /// Candidate (and existing) sites, in input order.
    pub sites: &'a [Site],
    /// Site rules.
    pub rules: Rules,
    /// Travel costs from clients to sites.
    pub costs: Costs<'a>,
}

impl<'a> Problem<'a> {
    /// Merges demand, joins demand and sites to neighbourhoods (for kinds), and checks the rules.
    pub fn new(
        demand: &[DemandPoint],
        sites: &'a [Site],
        neighbourhoods: Option<&[Neighbourhood]>,
        source: CostSource<'a>,
        p: Option<usize>,
        quota: PerKind<usize>,
    ) -> Result<Self> {
        if sites.is_empty() {
            return Err(Error::Invalid("there are no candidate sites".into()));
        }
        let index = neighbourhoods.map(NeighbourhoodIndex::new);
        let kinds_of = |positions: &[Point<f64>]| -> Vec<Option<AreaKind>> {
            match (&index, neighbourhoods) {
                (Some(index), Some(hoods)) => index
                    .locate_all(positions)
                    .into_iter()
                    .map(|h| h.map(|h| hoods[h as usize].kind))
                    .collect(),
                _ => vec![None; positions.len()],
            }
        };
        let site_positions: Vec<Point<f64>> = sites.iter().map(|s| s.position).collect();
        let rules = Rules {
            p,
            fixed: sites.iter().map(|s| s.fixed).collect(),
            kind: kinds_of(&site_positions),
            quota,
        };
        if quota.0.iter().any(|&q| q > 0) && neighbourhoods.is_none() {
            return Err(Error::Invalid(
                "per-kind quotas (--min-sites) need neighbourhoods to tell each site's kind".into(),
            ));
        }
        rules.check()?;
        let clients = merge(demand, source.matrix().is_none(), kinds_of);
        let site_ids: Vec<u32> = (0..sites.len() as u32).collect();
        let costs = Costs::new(
            source,
            Side {
                positions: &clients.position,
                ids: &clients.first_demand,
            },
            Side {
                positions: &site_positions,
                ids: &site_ids,
            },
        );
        Ok(Problem {
            clients,
            sites,
            rules,
            costs,
        })
    }

    /// Number of sites.
    pub fn site_count(&self) -> usize {
        self.sites.len()
    }
}

/// Merges points at identical coordinates (when `merge` is set), keeping first-seen order.
fn merge(
    demand: &[DemandPoint],
    merge: bool,
    kinds_of: impl Fn(&[Point<f64>]) -> Vec<Option<AreaKind>>,
) -> Clients {
    let mut position = Vec::new();
    let mut weight = Vec::new();
    let mut first_demand = Vec::new();
    let mut of_demand = Vec::with_capacity(demand.len());
    let mut seen: HashMap<(u64, u64), u32> = HashMap::new();
    for (i, d) in demand.iter().enumerate() {
        let key = (d.position.x().to_bits(), d.position.y().to_bits());
        let existing = if merge { seen.get(&key).copied() } else { None };
        let client = existing.unwrap_or_else(|| {
            let c = position.len() as u32;
            position.push(d.position);
            weight.push(0.0);
            first_demand.push(i as u32);
            if merge {
                seen.insert(key, c);
            }
            c
        });
        weight[client as usize] += d.weight;
        of_demand.push(client);
    }
    let kind = kinds_of(&position);
    Clients {
        position,
        weight,
        kind,
        of_demand,
        first_demand,
    }
}

/// A dense client × site distance table, row-major by client, for the distance-based models
/// (p-median, p-center). Unreachable pairs are `f64::INFINITY`.
#[derive(Debug, Clone)]
pub struct DistanceTable {
    sites: usize,
    d: Vec<f64>,
}

/// The largest table the distance-based models build (entries), about 1.2 GB of f64.
pub const MAX_TABLE_ENTRIES: usize = 150_000_000;

impl DistanceTable {
    /// Computes every client–site distance (in parallel).
    pub fn new(problem: &Problem) -> Result<Self> {
        let (n, m) = (problem.clients.len(), problem.site_count());
        if n.saturating_mul(m) > MAX_TABLE_ENTRIES {
            return Err(Error::Invalid(format!(
                "{n} distinct demand locations × {m} candidates is more than the {MAX_TABLE_ENTRIES} distances \
                 this model keeps in memory; use fewer candidates or merge demand points"
            )));
        }
        Ok(DistanceTable {
            sites: m,
            d: problem.costs.table(),
        })
    }

    /// Distances from client `c` to every site.
    pub fn row(&self, c: usize) -> &[f64] {
        &self.d[c * self.sites..(c + 1) * self.sites]
    }

    /// True when every finite distance is a whole number.
    pub fn is_integral(&self) -> bool {
        self.d.iter().all(|d| !d.is_finite() || d.fract() == 0.0)
    }

    /// Distance from client `c` to site `s`.
    pub fn get(&self, c: usize, s: usize) -> f64 {
        self.d[c * self.sites + s]
    }
}

/// The clients the distance-based models count: those with positive weight that can reach some
/// site (a client of weight 0 adds nothing to a p-median sum and is left out of the p-center
/// maximum, as in the peer). A client that reaches no site at all (a sparse cost matrix, or a
/// place off the roads or on a detached piece of them) would be unserved whatever the plan: it
/// is left out here, and [`super::solve`] reports its weight as `uncoverable_weight`.
pub(super) fn weighted_clients(problem: &Problem, table: &DistanceTable) -> Vec<u32> {
    (0..problem.clients.len())
        .filter(|&c| problem.clients.weight[c] > 0.0)
        .filter(|&c| table.row(c).iter().any(|d| d.is_finite()))
        .map(|c| c as u32)
        .collect()
}
