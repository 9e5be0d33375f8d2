//! p-center (Hakimi 1965; Minieka 1970): open p sites so that the largest distance from a
//! demand point of positive weight to its nearest open site is as small as possible.
//!
//! The optimal radius is one of the client–site distances, so the solver bisects their sorted
//! list (Minieka 1970; Daskin 2000, ch. 5). At a radius r, a greedy set cover with redundancy
//! elimination, then a weighted swap search, look for p sites that serve everyone within r; a
//! packing argument and a Lagrangian bound on that set cover (Beasley 1990) prove when no p
//! sites can. The smallest radius covered gives the plan, the largest radius proven impossible
//! gives the bound. Plans start from farthest-first traversal (Gonzalez 1985) and are polished
//! by swaps that lower the radius or the number of clients at it (Mladenović, Labbé & Hansen
//! 2003).

mod bound;
mod exact;
mod search;

use super::coverage::Lists;
use super::problem::weighted_clients;
use super::{Deadline, DistanceTable, Problem, Rules, Settings, Solution};
use crate::error::{Error, Result};
use crate::model::PerKind;
use exact::Verdict;
use rayon::prelude::*;

/// Marks "no site" in per-client arrays and "closed" in per-site slot arrays.
const NONE: u32 = u32::MAX;

/// Solves the p-center problem: a heuristic plan and a proven lower bound on the optimum.
///
/// Deterministic: every step runs in a fixed order, parallel work is split by client or site and
/// combined in index order, and ties go to the lowest index.
pub(super) fn solve(
    problem: &Problem,
    table: &DistanceTable,
    settings: &Settings,
    deadline: Deadline,
) -> Result<Solution> {
    let p = problem
        .rules
        .p
        .ok_or_else(|| Error::Invalid("pcenter needs the number of sites p".into()))?;
    let inst = Instance {
        table,
        rules: &problem.rules,
        p,
        m: problem.site_count(),
        client: weighted_clients(problem, table),
    };
    let observer = settings.observer;
    let rules = &problem.rules;
    let may_add = |s: usize, counts: &PerKind<usize>, left: usize| rules.may_add(s, counts, left);

    observer.stage("pcenter: farthest-first and swaps", 0);
    let mut best = inst.fill(rules.fixed_sites(), may_add)?;
    if inst.client.is_empty() {
        // Nothing counts: every allowed plan has radius 0.
        return Ok(Solution {
            open: inst.opening_order(&best)?,
            objective: 0.0,
            bound: 0.0,
        });
    }
    inst.polish(&mut best, deadline);
    let mut best_radius = inst.radius(&best);

    // Every plan leaves some client at least as far as its nearest site of all.
    let floor = (0..inst.client.len())
        .map(|j| inst.row(j).iter().copied().fold(f64::INFINITY, f64::min))
        .fold(0.0, f64::max);
    let radii = inst.radii(floor, best_radius);
    // Position of a radius in `radii` (`radii.len()` for an infinite one).
    let index_of = |r: f64| radii.partition_point(|&x| x < r);

    // The plan: bisect for the smallest radius the cover search manages. `feasible` indexes
    // the best plan's radius; below `low` the search failed (which proves nothing).
    observer.stage("pcenter: bisection", 0);
    let mut feasible = index_of(best_radius);
    let mut low = 0;
    while low < feasible && !deadline.expired() {
        let mid = low + (feasible - low) / 2;
        match inst.cover(radii[mid], deadline) {
            Some(open) => {
                let mut plan = inst.fill(open, may_add)?;
                inst.polish(&mut plan, deadline);
                let radius = inst.radius(&plan);
                if radius < best_radius {
                    (best, best_radius) = (plan, radius);
                }
                // The plan serves everyone within `radii[mid]`, so its radius is at most that;
                // polishing may even take it below `low`, which ends the search.
                feasible = index_of(best_radius);
            }
            None => low = mid + 1,
        }
    }

    // The bound: the largest radius proven infeasible; the optimum is the next distance above.
    observer.stage("pcenter: lower bound", 0);
    let mut proven: Option<usize> = None;
    let mut warm = vec![0.0; inst.n()];
    if feasible > 0 {
        if inst.infeasible(radii[feasible - 1], &mut warm, deadline) {
            proven = Some(feasible - 1);
        } else {
            // Infeasibility is monotone (a radius below an infeasible one is infeasible too),
            // so bisect [low, unproven) for the largest radius the bound rules out.
            let (mut low, mut unproven) = (0, feasible - 1);
            while low < unproven && !deadline.expired() {
                let mid = low + (unproven - low) / 2;
                if inst.infeasible(radii[mid], &mut warm, deadline) {
                    proven = Some(mid);
                    low = mid + 1;
                } else {
                    unproven = mid;
                }
            }
        }
    }
    let mut bound = match proven {
        None => floor,
        Some(i) => radii.get(i + 1).copied().unwrap_or(f64::INFINITY),
    };

    // The exact finish: bisect the radii still open, each decided by the exact search. A
    // radius proven impossible lifts the bound past it; one covered gives a plan within it.
    if settings.exact {
        observer.stage("pcenter: exact radius", 0);
        let mut low = proven.map_or(0, |i| i + 1);
        let mut feasible = index_of(best_radius);
        while low < feasible {
            let mid = low + (feasible - low) / 2;
            match inst.decide(radii[mid], deadline) {
                Verdict::Cover(open) => {
                    let mut plan = inst.fill(open, may_add)?;
                    inst.polish(&mut plan, deadline);
                    let radius = inst.radius(&plan);
                    if radius < best_radius {
                        (best, best_radius) = (plan, radius);
                    }
                    feasible = index_of(best_radius);
                }
                Verdict::Impossible => low = mid + 1,
                Verdict::Unknown => break,
            }
        }
        // Every radius below `low` is proven impossible, so the optimum is at least `radii[low]`.
        bound = bound.max(radii.get(low).copied().unwrap_or(best_radius));
    }

    Ok(Solution {
        open: inst.opening_order(&best)?,
        objective: best_radius,
        bound: bound.min(best_radius),
    })
}

/// The p-center instance over the clients with positive weight.
struct Instance<'a> {
    table: &'a DistanceTable,
    rules: &'a Rules,
    p: usize,
    /// Number of sites.
    m: usize,
    /// Client index (into `problem.clients`) of each counted client.
    client: Vec<u32>,
}

/// Who covers whom within one radius.
struct Cover {
    /// Sites within the radius of each counted client.
    by_client: Lists,
    /// Counted clients within the radius of each site.
    by_site: Lists,
}

impl<'a> Instance<'a> {
    fn n(&self) -> usize {
        self.client.len()
    }

    fn row(&self, j: usize) -> &'a [f64] {
        self.table.row(self.client[j] as usize)
    }

    /// The objective: the largest distance from a counted client to its nearest open site.
    fn radius(&self, open: &[usize]) -> f64 {
        (0..self.n())
            .into_par_iter()
            .map(|j| {
                let row = self.row(j);
                open.iter().map(|&s| row[s]).fold(f64::INFINITY, f64::min)
            })
            .reduce(|| 0.0, f64::max)
    }

    /// The distinct finite client–site distances in `[low, high]`, ascending: every radius the
    /// optimum can take there.
    fn radii(&self, low: f64, high: f64) -> Vec<f64> {
        let mut radii: Vec<f64> = (0..self.n())
            .into_par_iter()
            .flat_map_iter(|j| {
                self.row(j)
                    .iter()
                    .copied()
                    .filter(move |&d| d >= low && d <= high && d.is_finite())
            })
            .collect();
        radii.par_sort_unstable_by(f64::total_cmp);
        radii.dedup();
        radii
    }

    /// Who covers whom within `radius`, by scanning the table (in parallel, client by client).
    fn cover_lists(&self, radius: f64) -> Cover {
        let by_client = Lists::from_nested(
            (0..self.n())
                .into_par_iter()
                .map(|j| {
                    let row = self.row(j);
                    (0..self.m as u32)
                        .filter(|&s| row[s as usize] <= radius)
                        .collect()
                })
                .collect(),
        );
        let by_site = by_client.transpose(self.m);
        Cover { by_client, by_site }
    }
}

#[cfg(test)]
mod tests;
