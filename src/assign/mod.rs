//! Capacitated caseload assignment: every unit of demand to an open centre within its capacity, at
//! the least total weighted distance.
//!
//! [`assign`] solves the transportation problem exactly ([`flow`]): demand at identical coordinates
//! is merged, each client gets arcs to its `k` nearest centres only, and `k` doubles until the
//! centre potentials prove that no omitted arc could lower the cost (or every arc is in). With
//! `--no-split` ([`AssignParams::split`] false) the split optimum is rounded to whole points and
//! improved by single moves; the split optimum is then the reported lower bound. `--balance`
//! bounds every centre's load to within a fraction of the mean from both sides.

pub mod flow;
pub mod rotate;

use crate::access::DistanceUnit;
use crate::cost::CostSource;
use crate::error::{Error, Result};
use crate::model::{DemandPoint, PerKind, Site, total_weight};
use crate::plan::Problem;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Settings of the assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignParams {
    /// One capacity for every centre, overriding the sites' own.
    pub capacity: Option<f64>,
    /// May a demand point be split over several centres?
    pub split: bool,
    /// Every centre's load within this fraction of the mean load (e.g. 0.1).
    pub balance: Option<f64>,
    /// Nearest centres per client in the first round (doubled until proven enough).
    pub initial_arcs: usize,
}

impl Default for AssignParams {
    fn default() -> Self {
        AssignParams {
            capacity: None,
            split: true,
            balance: None,
            initial_arcs: 8,
        }
    }
}

impl AssignParams {
    /// Split allowed, the sites' own capacities, no balance.
    pub fn new() -> Self {
        Self::default()
    }

    /// One capacity for every centre.
    pub fn capacity(mut self, capacity: f64) -> Self {
        self.capacity = Some(capacity);
        self
    }

    /// Each demand point to exactly one centre.
    pub fn no_split(mut self) -> Self {
        self.split = false;
        self
    }

    /// Loads within `tolerance` (a fraction) of the mean load.
    pub fn balance(mut self, tolerance: f64) -> Self {
        self.balance = Some(tolerance);
        self
    }

    /// Nearest centres per client in the first round.
    pub fn initial_arcs(mut self, k: usize) -> Self {
        self.initial_arcs = k;
        self
    }

    /// Checks the capacity (finite, non-negative) and the tolerance (finite, non-negative).
    pub fn check(&self) -> Result<()> {
        if let Some(c) = self.capacity
            && !(c.is_finite() && c >= 0.0)
        {
            return Err(Error::Invalid(format!(
                "--capacity must be a non-negative number, not {c}"
            )));
        }
        if let Some(t) = self.balance
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(Error::Invalid(format!(
                "--balance must be a non-negative fraction such as 0.1, not {t}"
            )));
        }
        Ok(())
    }
}

/// One row of `assignment.csv`: (part of) a demand point's weight at a centre.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignRow {
    /// Demand point index.
    pub demand: usize,
    /// Site index; `None` for weight no centre can take (unreachable with a cost matrix).
    pub centre: Option<usize>,
    /// Weight assigned.
    pub weight: f64,
    /// Distance (metres or cost units); 0 without a centre.
    pub distance_m: f64,
}

/// A centre's row in `assign.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreLoad {
    /// Site id.
    pub id: String,
    /// The greatest load allowed (capacity, capped by the balance); `None`: unlimited.
    pub capacity: Option<f64>,
    /// The least load required by the balance.
    pub min_load: Option<f64>,
    /// Weight assigned.
    pub load: f64,
    /// Demand points with weight at this centre.
    pub points: usize,
    /// `load / capacity` (`None` without a positive capacity).
    pub utilisation: Option<f64>,
    /// Weighted mean distance of its load.
    pub mean_distance_m: f64,
    /// Largest distance of a point with weight here.
    pub max_distance_m: f64,
}

/// `assign.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignReport {
    /// Metres, minutes, or cost-matrix units.
    pub distance_unit: DistanceUnit,
    /// Whether points may be split over centres.
    pub split: bool,
    /// The balance tolerance, if any.
    pub balance: Option<f64>,
    /// Σ weight × distance of the assignment.
    pub total_cost: f64,
    /// All demand weight.
    pub total_weight: f64,
    /// Weight assigned to a centre.
    pub assigned_weight: f64,
    /// Weight no centre can take.
    pub unassigned_weight: f64,
    /// Proven lower bound on the cost (the split optimum); equals `total_cost` when splitting.
    pub lower_bound: f64,
    /// `(total_cost − lower_bound) / lower_bound` (0 when proven optimal).
    pub gap: f64,
    /// Weighted mean distance of the assigned weight.
    pub mean_distance_m: f64,
    /// Largest distance of a point with weight at a centre.
    pub max_distance_m: f64,
    /// Distinct demand locations (clients) after merging identical coordinates.
    pub clients: usize,
    /// Nearest centres per client in the final, proven round.
    pub arcs_per_client: usize,
    /// Augmenting paths of the final round.
    pub augmentations: usize,
    /// Per centre, in input order.
    pub centres: Vec<CentreLoad>,
}

/// An assignment and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Rows sorted by demand input order, then centre id.
    pub rows: Vec<AssignRow>,
    /// The `assign.json` document.
    pub report: AssignReport,
}

/// Client arcs in CSR form, each client's sorted by cost then site.
struct Arcs {
    offsets: Vec<usize>,
    centre: Vec<u32>,
    cost: Vec<f64>,
}

impl Arcs {
    fn from_rows(rows: Vec<Vec<(u32, f64)>>) -> Self {
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        offsets.push(0);
        let total = rows.iter().map(Vec::len).sum();
        let (mut centre, mut cost) = (Vec::with_capacity(total), Vec::with_capacity(total));
        for mut row in rows {
            row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            centre.extend(row.iter().map(|a| a.0));
            cost.extend(row.iter().map(|a| a.1));
            offsets.push(centre.len());
        }
        Arcs {
            offsets,
            centre,
            cost,
        }
    }

    fn of(&self, c: usize) -> std::ops::Range<usize> {
        self.offsets[c]..self.offsets[c + 1]
    }
}

/// Assigns every unit of demand to the centres (all `sites` are open) at the least total weighted
/// distance within their capacities.
///
/// Fails with [`Error::Invalid`] when a centre has no capacity (and none is given for all), when
/// the total capacity is below the total weight (saying by how much), when the balance asks a
/// centre for more than its capacity, or when `--no-split` finds a point that fits nowhere.
pub fn assign(
    demand: &[DemandPoint],
    sites: &[Site],
    source: CostSource,
    params: &AssignParams,
) -> Result<Assignment> {
    params.check()?;
    if sites.is_empty() {
        return Err(Error::Invalid("there are no centres".into()));
    }
    let m = sites.len();
    let total = total_weight(demand);
    let mut upper = Vec::with_capacity(m);
    for s in sites {
        match params.capacity.or(s.capacity) {
            Some(c) => upper.push(c),
            None if params.balance.is_some() => upper.push(f64::INFINITY),
            None => {
                return Err(Error::Invalid(format!(
                    "centre {:?} has no capacity: fill its capacity column or give --capacity N",
                    s.id
                )));
            }
        }
    }
    let mut lower = vec![0.0; m];
    if let Some(tol) = params.balance {
        let mean = total / m as f64;
        for b in 0..m {
            upper[b] = upper[b].min((1.0 + tol) * mean);
            lower[b] = ((1.0 - tol) * mean).max(0.0);
            if lower[b] > upper[b] {
                return Err(Error::Invalid(format!(
                    "--balance {tol}: centre {:?} must take at least {} but its capacity is {}",
                    sites[b].id, lower[b], upper[b]
                )));
            }
        }
    }
    let capacity: f64 = upper.iter().sum();
    if capacity < total {
        return Err(Error::Invalid(format!(
            "infeasible capacity: the {m} centres can take {capacity} in total but the demand \
             weighs {total}, {} short",
            total - capacity
        )));
    }

    let problem = Problem::new(demand, sites, None, source, None, PerKind::default())?;
    let clients = &problem.clients;
    // A matrix lists few pairs per point: take them all at once.
    let mut k = match source {
        CostSource::Matrix(_) => m,
        _ => params.initial_arcs.clamp(1, m),
    };
    let (arcs, solved) = loop {
        let arcs = Arcs::from_rows(problem.costs.nearest_k(k));
        let solved = flow::solve(&flow::Network {
            supply: &clients.weight,
            offsets: &arcs.offsets,
            centre: &arcs.centre,
            cost: &arcs.cost,
            lower: &lower,
            upper: &upper,
        });
        let stuck = solved
            .excess
            .iter()
            .chain(&solved.shortfall)
            .any(|&e| e > 0.0);
        if k == m || (!stuck && proven(&problem, &arcs, &solved)) {
            break (arcs, solved);
        }
        k = (2 * k).min(m);
    };
    let augmentations = solved.augmentations;
    let split_rows = expand(demand, &problem, &arcs, solved);
    let (rows, lower_bound_cost) = if params.split {
        (split_rows, None)
    } else {
        let split_cost = rows_cost(&split_rows);
        let rows = round(demand, &problem, &arcs, &upper, &lower, split_rows)?;
        (rows, Some(split_cost))
    };
    let mut rows = rows;
    rows.sort_by(|a, b| {
        a.demand
            .cmp(&b.demand)
            .then_with(|| centre_id(sites, a).cmp(centre_id(sites, b)))
    });
    let report = report(
        &rows,
        sites,
        &upper,
        &lower,
        params,
        total,
        lower_bound_cost,
        source.unit(),
        clients.len(),
        k,
        augmentations,
    );
    Ok(Assignment { rows, report })
}

fn centre_id<'a>(sites: &'a [Site], row: &AssignRow) -> &'a str {
    row.centre.map_or("", |s| sites[s].id.as_str())
}

fn rows_cost(rows: &[AssignRow]) -> f64 {
    rows.iter()
        .filter(|r| r.centre.is_some())
        .map(|r| r.weight * r.distance_m)
        .sum()
}

/// True when no arc left out of `arcs` has a negative reduced cost under the solution's centre
/// potentials, so the flow is optimal over all client–centre pairs. Past the shortcut (omitted
/// centres are no nearer than the farthest arc), each omitted pair is priced where that needs no
/// search; along roads the answer is then "not proven", and `k` doubles.
fn proven(problem: &Problem, arcs: &Arcs, solved: &flow::Flow) -> bool {
    let p = &solved.potential;
    let p_max = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let m = problem.site_count();
    (0..problem.clients.len()).into_par_iter().all(|c| {
        let range = arcs.of(c);
        // The cheapest reduced cost the client pays now; every omitted arc must pay at least that.
        let Some(paid) = range
            .clone()
            .filter(|&a| solved.flow[a] > 0.0)
            .map(|a| arcs.cost[a] - p[arcs.centre[a] as usize])
            .reduce(f64::min)
        else {
            return true;
        };
        let tol = 1e-9 * paid.abs().max(1.0);
        // Omitted centres are at least as far as the farthest included one.
        let farthest = range.clone().map(|a| arcs.cost[a]).fold(0.0, f64::max);
        if farthest - p_max >= paid - tol {
            return true;
        }
        let included = &arcs.centre[range];
        (0..m).all(|s| {
            included.contains(&(s as u32))
                || problem
                    .costs
                    .direct(c, s)
                    .is_some_and(|d| d - p[s] >= paid - tol)
        })
    })
}

/// Turns client flows into rows per demand point: each client's points, in input order, fill its
/// arcs in cost order, so at most one point per arc boundary is split. Weight the flow could not
/// place (over capacity with a sparse cost matrix) is taken from the farthest clients first.
fn expand(
    demand: &[DemandPoint],
    problem: &Problem,
    arcs: &Arcs,
    solved: flow::Flow,
) -> Vec<AssignRow> {
    let clients = &problem.clients;
    let mut flow = solved.flow;
    let mut unplaced = vec![0.0; clients.len()];
    for (b, &excess) in solved.excess.iter().enumerate() {
        if excess <= 0.0 {
            continue;
        }
        let mut at: Vec<usize> = (0..flow.len())
            .filter(|&a| arcs.centre[a] as usize == b && flow[a] > 0.0)
            .collect();
        at.sort_by(|&x, &y| arcs.cost[y].total_cmp(&arcs.cost[x]).then(x.cmp(&y)));
        let mut left = excess;
        for a in at {
            let take = left.min(flow[a]);
            flow[a] -= take;
            let c = arcs.offsets.partition_point(|&o| o <= a) - 1;
            unplaced[c] += take;
            left -= take;
            if left <= 0.0 {
                break;
            }
        }
    }
    let mut points: Vec<Vec<usize>> = vec![Vec::new(); clients.len()];
    for (i, &c) in clients.of_demand.iter().enumerate() {
        points[c as usize].push(i);
    }
    let mut rows = Vec::with_capacity(demand.len());
    for (c, members) in points.iter().enumerate() {
        let mut parts: Vec<(Option<usize>, f64, f64)> = arcs
            .of(c)
            .filter(|&a| flow[a] > 0.0)
            .map(|a| (Some(arcs.centre[a] as usize), flow[a], arcs.cost[a]))
            .collect();
        let none = if arcs.of(c).is_empty() {
            clients.weight[c]
        } else {
            unplaced[c]
        };
        if none > 0.0 {
            parts.push((None, none, 0.0));
        }
        let mut part = 0;
        for &i in members {
            let w = demand[i].weight;
            if w <= 0.0 || parts.is_empty() {
                // Weightless points go with the nearest centre, to say where they belong.
                let first = arcs.of(c).next();
                rows.push(AssignRow {
                    demand: i,
                    centre: first.map(|a| arcs.centre[a] as usize),
                    weight: w,
                    distance_m: first.map_or(0.0, |a| arcs.cost[a]),
                });
                continue;
            }
            let mut need = w;
            while need > 0.0 {
                let at = part.min(parts.len() - 1);
                let last = at + 1 == parts.len();
                let (centre, left, distance_m) = &mut parts[at];
                // The last part takes whatever is left, and a part within rounding of the need
                // takes all of it, so that sums do not leave slivers.
                let take = if last || *left >= need * (1.0 - 1e-9) {
                    need
                } else {
                    *left
                };
                *left -= take;
                need -= take;
                rows.push(AssignRow {
                    demand: i,
                    centre: *centre,
                    weight: take,
                    distance_m: *distance_m,
                });
                if *left <= 1e-9 * w {
                    part += 1;
                }
            }
        }
    }
    rows
}

/// Where a split point goes whole: (added cost, its centre, and the point moved on from there to
/// make room, with its new centre).
type Placement = (f64, usize, Option<(usize, usize)>);

/// `--no-split`: every split point goes whole to its nearest centre with room, or to a nearer full
/// one after moving one of its points on (heaviest split points first); then single moves to a
/// nearer centre with room repeat until none helps.
fn round(
    demand: &[DemandPoint],
    problem: &Problem,
    arcs: &Arcs,
    upper: &[f64],
    lower: &[f64],
    rows: Vec<AssignRow>,
) -> Result<Vec<AssignRow>> {
    let m = upper.len();
    let clients = &problem.clients;
    let mut choice: Vec<Option<usize>> = vec![None; demand.len()];
    let mut parts = vec![0usize; demand.len()];
    for r in &rows {
        parts[r.demand] += 1;
        choice[r.demand] = r.centre;
    }
    let mut load = vec![0.0; m];
    for (i, &c) in choice.iter().enumerate() {
        if parts[i] == 1
            && let Some(c) = c
        {
            load[c] += demand[i].weight;
        }
    }
    let room = |load: &[f64], s: usize, w: f64| load[s] + w <= upper[s] * (1.0 + 1e-12);
    let mut split: Vec<usize> = (0..demand.len()).filter(|&i| parts[i] > 1).collect();
    split.sort_by(|&a, &b| {
        demand[b]
            .weight
            .total_cmp(&demand[a].weight)
            .then(a.cmp(&b))
    });
    // Split points may go to any centre: their clients' full rows, one search each along
    // roads; every other point stays on its client's arcs.
    let mut full_clients: Vec<usize> = split
        .iter()
        .map(|&i| clients.of_demand[i] as usize)
        .collect();
    full_clients.sort_unstable();
    full_clients.dedup();
    let full: FxHashMap<usize, Vec<f64>> = full_clients
        .iter()
        .copied()
        .zip(problem.costs.rows(&full_clients))
        .collect();
    let distance = |i: usize, s: usize| {
        let c = clients.of_demand[i] as usize;
        match full.get(&c) {
            Some(row) => row[s],
            None => arcs
                .of(c)
                .find(|&a| arcs.centre[a] as usize == s)
                .map_or(f64::INFINITY, |a| arcs.cost[a]),
        }
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (i, &c) in choice.iter().enumerate() {
        if parts[i] == 1
            && let Some(c) = c
        {
            members[c].push(i);
        }
    }
    for i in split {
        let w = demand[i].weight;
        // (added cost, centre for i, the point ejected to make room there and where it goes).
        let mut best: Option<Placement> = (0..m)
            .filter(|&s| distance(i, s).is_finite() && room(&load, s, w))
            .map(|s| (distance(i, s), s))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(d, s)| (d, s, None));
        // Ejection: make room at a nearer full centre t by moving one point j from t to the
        // nearest centre of j with room. Arcs are sorted by cost, so stop at the first t no nearer
        // than the best found (a heuristic cut: j's move could be a saving).
        for a in arcs.of(clients.of_demand[i] as usize) {
            let (t, d_it) = (arcs.centre[a] as usize, arcs.cost[a]);
            if best.is_some_and(|b| d_it >= b.0) {
                break;
            }
            let need = load[t] + w - upper[t];
            if need <= 0.0 {
                continue;
            }
            for &j in &members[t] {
                let wj = demand[j].weight;
                if wj < need || load[t] + w - wj < lower[t] * (1.0 - 1e-12) {
                    continue;
                }
                let to = arcs
                    .of(clients.of_demand[j] as usize)
                    .map(|b| (arcs.centre[b] as usize, arcs.cost[b]))
                    .find(|&(u, _)| u != t && room(&load, u, wj));
                if let Some((u, d_ju)) = to {
                    let added = d_it + d_ju - distance(j, t);
                    if best.is_none_or(|b| added < b.0) {
                        best = Some((added, t, Some((j, u))));
                    }
                }
            }
        }
        let Some((_, s, eject)) = best else {
            return Err(Error::Invalid(format!(
                "--no-split: demand point {:?} (weight {w}) fits whole in no centre's remaining \
                 capacity; allow splitting or raise capacities",
                demand[i].id
            )));
        };
        if let Some((j, u)) = eject {
            let wj = demand[j].weight;
            load[s] -= wj;
            load[u] += wj;
            choice[j] = Some(u);
            members[s].retain(|&x| x != j);
            members[u].push(j);
        }
        load[s] += w;
        choice[i] = Some(s);
        members[s].push(i);
    }
    // Improvement: move a point to a nearer centre among its client's arcs when capacity allows.
    for _ in 0..20 {
        let mut moved = false;
        for i in 0..demand.len() {
            let (w, Some(from)) = (demand[i].weight, choice[i]) else {
                continue;
            };
            if w <= 0.0 || load[from] - w < lower[from] * (1.0 - 1e-12) {
                continue;
            }
            let now = distance(i, from);
            let c = clients.of_demand[i] as usize;
            let better = arcs
                .of(c)
                .map(|a| (arcs.centre[a] as usize, arcs.cost[a]))
                .find(|&(s, d)| d < now && s != from && room(&load, s, w));
            if let Some((to, _)) = better {
                load[from] -= w;
                load[to] += w;
                choice[i] = Some(to);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    Ok(choice
        .iter()
        .enumerate()
        .map(|(i, &centre)| AssignRow {
            demand: i,
            centre,
            weight: demand[i].weight,
            distance_m: centre.map_or(0.0, |s| distance(i, s)),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn report(
    rows: &[AssignRow],
    sites: &[Site],
    upper: &[f64],
    lower: &[f64],
    params: &AssignParams,
    total_weight: f64,
    lower_bound: Option<f64>,
    distance_unit: DistanceUnit,
    clients: usize,
    arcs_per_client: usize,
    augmentations: usize,
) -> AssignReport {
    let m = sites.len();
    let mut load = vec![0.0; m];
    let mut cost = vec![0.0; m];
    let mut max = vec![0.0f64; m];
    let mut points = vec![0usize; m];
    let mut unassigned = 0.0;
    for r in rows {
        match r.centre {
            Some(s) if r.weight > 0.0 => {
                load[s] += r.weight;
                cost[s] += r.weight * r.distance_m;
                max[s] = max[s].max(r.distance_m);
                points[s] += 1;
            }
            Some(_) => {}
            None => unassigned += r.weight,
        }
    }
    let total_cost: f64 = cost.iter().sum();
    let assigned: f64 = load.iter().sum();
    let lower_bound = lower_bound.unwrap_or(total_cost);
    let centres = (0..m)
        .map(|s| CentreLoad {
            id: sites[s].id.clone(),
            capacity: upper[s].is_finite().then_some(upper[s]),
            min_load: params.balance.map(|_| lower[s]),
            load: load[s],
            points: points[s],
            utilisation: (upper[s].is_finite() && upper[s] > 0.0).then(|| load[s] / upper[s]),
            mean_distance_m: if load[s] > 0.0 {
                cost[s] / load[s]
            } else {
                0.0
            },
            max_distance_m: max[s],
        })
        .collect();
    AssignReport {
        distance_unit,
        split: params.split,
        balance: params.balance,
        total_cost,
        total_weight,
        assigned_weight: assigned,
        unassigned_weight: unassigned,
        lower_bound,
        gap: if total_cost > lower_bound && lower_bound > 0.0 {
            (total_cost - lower_bound) / lower_bound
        } else {
            0.0
        },
        mean_distance_m: if assigned > 0.0 {
            total_cost / assigned
        } else {
            0.0
        },
        max_distance_m: max.iter().copied().fold(0.0, f64::max),
        clients,
        arcs_per_client,
        augmentations,
        centres,
    }
}

#[cfg(test)]
mod tests;
