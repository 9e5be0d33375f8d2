//! p-median (Hakimi 1964; ReVelle & Swain 1970): open p sites so that the total weighted
//! distance from demand to its nearest open site is as small as possible.
//!
//! The plan is built greedily and improved by the fast swap local search of Whitaker (1983) in
//! the form of Resende & Werneck (2007), restarted from the plans of the Lagrangian relaxation
//! (Beasley 1993) and from perturbed copies of the best plan, with path relinking between good
//! plans (Resende & Werneck 2004). The lower bound is the Lagrangian relaxation of the
//! assignment constraints (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993), maximised by
//! deflected subgradient steps.

use super::problem::weighted_clients;
use super::{Deadline, DistanceTable, Problem, Rules, Settings, Solution};
use crate::error::{Error, Result};
use crate::model::{AreaKind, PerKind};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Marks "no site" in per-client arrays and "closed" in per-site slot arrays.
const NONE: u32 = u32::MAX;

/// Rounds of the Lagrangian bound, each of `ROUND_ITERATIONS` subgradient steps followed by a
/// local search from the relaxation's plan when it changed. After `MIN_BOUND_ROUNDS`, rounds
/// stop once one closes less than `SLOW_ROUND` of the remaining gap (the bound has levelled
/// off at the Lagrangian dual, and only a better plan could narrow the gap further).
const MAX_BOUND_ROUNDS: usize = 30;
const MIN_BOUND_ROUNDS: usize = 5;
const ROUND_ITERATIONS: usize = 100;
const SLOW_ROUND: f64 = 0.01;

/// Clients per block of the parallel Lagrangian pass: fixed, so that the sums, and with them
/// the answer, do not depend on the number of threads.
const CLIENT_BLOCK: usize = 256;

/// Iterated local search: at most this many rounds, stopping after `STALE_ROUNDS` rounds in a
/// row that did not improve the best plan.
const MAX_ROUNDS: usize = 64;
const STALE_ROUNDS: usize = 16;

/// Plans kept for path relinking (Resende & Werneck 2004 keep ten).
const ELITE: usize = 10;

/// Weight of the previous direction in the deflected subgradient, and the number of steps
/// without a better bound after which the step multiplier is halved (tuned on random and
/// clustered instances of 2,000–5,000 clients).
const DEFLECTION: f64 = 0.5;
const HALVE_AFTER: usize = 40;

/// Relative gap under which the bound counts as closed and the search stops.
const CLOSED_GAP: f64 = 1e-9;

/// Solves the p-median problem: a heuristic plan and a proven lower bound on the optimum.
///
/// Deterministic for a seed: every step runs in a fixed order and ties go to the lowest index,
/// so neither timing nor the number of threads changes the answer (unless the deadline cuts the
/// search short).
pub(super) fn solve(
    problem: &Problem,
    table: &DistanceTable,
    settings: &Settings,
    deadline: Deadline,
) -> Result<Solution> {
    let p = problem
        .rules
        .p
        .ok_or_else(|| Error::Invalid("pmedian needs the number of sites p".into()))?;
    let inst = Instance::new(problem, table, p)?;
    let observer = settings.observer;
    let rules = &problem.rules;
    let mut prices = Prices::default();
    let closed = |best: &State, lagrangian: &Lagrangian| {
        let objective = inst.objective(best);
        objective.is_finite() && objective - lagrangian.best <= CLOSED_GAP * objective.abs()
    };

    observer.stage("pmedian: greedy and swaps", 0);
    let start = inst.greedy(rules.fixed_sites(), |s, counts, left| {
        rules.may_add(s, counts, left)
    })?;
    let mut best = State::new(&inst, start);
    inst.local_search(&mut best, &mut prices, deadline);
    let mut elite = Elite::default();
    elite.offer(&best);

    // The bound, interleaved with the Lagrangian heuristic (Beasley 1993): the sites the
    // relaxation opens make a good start, and a better plan sharpens the Polyak steps.
    observer.stage("pmedian: lower bound", MAX_BOUND_ROUNDS as u64);
    let mut lagrangian = Lagrangian::new(&inst, &best);
    let mut tried = Vec::new();
    for round in 0..MAX_BOUND_ROUNDS {
        if deadline.expired() || lagrangian.converged || closed(&best, &lagrangian) {
            break;
        }
        let (gap, before) = (inst.objective(&best) - lagrangian.best, lagrangian.best);
        lagrangian.improve(&inst, inst.objective(&best), ROUND_ITERATIONS, deadline);
        let slow = lagrangian.best - before < SLOW_ROUND * gap;
        if lagrangian.best_set != tried {
            tried.clone_from(&lagrangian.best_set);
            let mut state = State::new(&inst, tried.clone());
            inst.local_search(&mut state, &mut prices, deadline);
            elite.offer(&state);
            if state.cost < best.cost {
                best = state;
            }
        }
        observer.progress(round as u64 + 1);
        if slow && round + 1 >= MIN_BOUND_ROUNDS {
            break;
        }
    }

    // Iterated local search (Lourenço, Martin & Stützle 2003) with path relinking between each
    // new local optimum and an elite plan (Resende & Werneck 2004).
    observer.stage("pmedian: restarts", MAX_ROUNDS as u64);
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let before = best.cost;
    let mut stale = 0;
    for round in 0..MAX_ROUNDS {
        if stale >= STALE_ROUNDS || deadline.expired() || closed(&best, &lagrangian) {
            break;
        }
        let mut state = State::new(&inst, inst.perturb(&best.open, &mut rng));
        inst.local_search(&mut state, &mut prices, deadline);
        let relinked = elite
            .pick(&state.open, &mut rng)
            .and_then(|partner| inst.relink(&state.open, &partner, &mut prices, deadline));
        stale += 1;
        for candidate in std::iter::once(state).chain(relinked) {
            elite.offer(&candidate);
            if candidate.cost < best.cost {
                best = candidate;
                stale = 0;
            }
        }
        observer.progress(round as u64 + 1);
    }
    if best.cost < before && !lagrangian.converged && !closed(&best, &lagrangian) {
        observer.stage("pmedian: lower bound", 0);
        lagrangian.improve(&inst, inst.objective(&best), 3 * ROUND_ITERATIONS, deadline);
    }

    let objective = inst.objective(&best);
    let open = inst.opening_order(&best.open)?;
    Ok(Solution {
        open,
        objective,
        // Rounding in the objective's own sum could leave it a hair below the bound; the bound is
        // never reported above a plan that reaches it.
        bound: lagrangian.best.min(objective),
    })
}

/// The best distinct plans found, for path relinking.
#[derive(Default)]
struct Elite {
    /// `(search cost, sorted sites)`.
    plans: Vec<(f64, Vec<usize>)>,
}

impl Elite {
    /// Keeps `state` if it is new and better than the worst kept plan (or there is room).
    fn offer(&mut self, state: &State) {
        let mut sites = state.open.clone();
        sites.sort_unstable();
        if self.plans.iter().any(|(_, s)| *s == sites) {
            return;
        }
        if self.plans.len() < ELITE {
            self.plans.push((state.cost, sites));
            return;
        }
        let worst = (0..self.plans.len())
            .max_by(|&a, &b| self.plans[a].0.total_cmp(&self.plans[b].0).then(b.cmp(&a)));
        if let Some(w) = worst
            && state.cost < self.plans[w].0
        {
            self.plans[w] = (state.cost, sites);
        }
    }

    /// A random kept plan other than `open`, if there is one.
    fn pick(&self, open: &[usize], rng: &mut ChaCha8Rng) -> Option<Vec<usize>> {
        let mut sites = open.to_vec();
        sites.sort_unstable();
        let others: Vec<&Vec<usize>> = self
            .plans
            .iter()
            .map(|(_, s)| s)
            .filter(|s| **s != sites)
            .collect();
        if others.is_empty() {
            return None;
        }
        Some(others[rng.random_range(0..others.len())].clone())
    }
}

/// The p-median instance over the clients with positive weight, with each client's nearest sites
/// sorted so that the hot loops visit only the sites nearer than a threshold (Resende & Werneck
/// 2007, section 4: most swaps affect a client only through its few nearest sites).
struct Instance<'a> {
    table: &'a DistanceTable,
    rules: &'a Rules,
    p: usize,
    /// Number of sites.
    m: usize,
    /// Client index (into `problem.clients`) of each counted client.
    client: Vec<u32>,
    /// Weight of each counted client.
    weight: Vec<f64>,
    /// The search's stand-in for an infinite distance (an unreachable pair, or "no second open
    /// site"), so that the swap arithmetic never meets `inf - inf`; see [`penalty`].
    pen: f64,
    /// Length of each nearest-site list (all sites when `k == m`).
    k: usize,
    /// The `k` nearest sites of each client, by (distance, index); row `j` is `near[j*k..][..k]`.
    near: Vec<u32>,
    /// Their distances, alongside, so that scanning a list reads memory in order.
    near_d: Vec<f64>,
}

/// The search distance of an unreachable pair: larger than any plan's total finite cost divided
/// by the smallest weight, so that a plan reaching every client always beats one that does not
/// (the true objective of the latter is infinite). Without unreachable pairs it only stands for
/// "no second open site" (p = 1), where any value above every distance will do.
fn penalty(table: &DistanceTable, client: &[u32], weight: &[f64]) -> f64 {
    let mut max_d: f64 = 0.0;
    let mut any_infinite = false;
    for &c in client {
        for &d in table.row(c as usize) {
            if d.is_finite() {
                max_d = max_d.max(d);
            } else {
                any_infinite = true;
            }
        }
    }
    if any_infinite {
        let total: f64 = weight.iter().sum();
        let lightest = weight.iter().copied().fold(f64::INFINITY, f64::min);
        2.0 * max_d * (1.0 + total / lightest) + 1.0
    } else {
        2.0 * max_d + 1.0
    }
}

impl<'a> Instance<'a> {
    fn new(problem: &'a Problem, table: &'a DistanceTable, p: usize) -> Result<Self> {
        let client = weighted_clients(problem, table);
        let weight: Vec<f64> = client
            .iter()
            .map(|&c| problem.clients.weight[c as usize])
            .collect();
        let m = problem.site_count();
        let pen = penalty(table, &client, &weight);
        // Enough sites for a client's nearest two open ones, and the sites nearer than those,
        // to lie in its list most of the time (about 2m/p of them when sites spread evenly);
        // when they do not, `each_within` falls back to scanning the whole row.
        let k = m.min((3 * m / p).max(48));
        let mut near = vec![0u32; client.len() * k];
        let mut near_d = vec![0.0; client.len() * k];
        near.par_chunks_mut(k.max(1))
            .zip(near_d.par_chunks_mut(k.max(1)))
            .zip(client.par_iter())
            .for_each_init(Vec::new, |order, ((list, list_d), &c)| {
                let row = table.row(c as usize);
                order.clear();
                order.extend(0..m as u32);
                let by_distance =
                    |a: &u32, b: &u32| row[*a as usize].total_cmp(&row[*b as usize]).then(a.cmp(b));
                if k < m {
                    order.select_nth_unstable_by(k - 1, by_distance);
                }
                order[..k].sort_unstable_by(by_distance);
                list.copy_from_slice(&order[..k]);
                for (d, &s) in list_d.iter_mut().zip(&order[..k]) {
                    *d = row[s as usize];
                }
            });
        Ok(Instance {
            table,
            rules: &problem.rules,
            p,
            m,
            client,
            weight,
            pen,
            k,
            near,
            near_d,
        })
    }

    /// Number of counted clients.
    fn n(&self) -> usize {
        self.client.len()
    }

    fn row(&self, j: usize) -> &'a [f64] {
        self.table.row(self.client[j] as usize)
    }

    /// Search distance from client `j` to site `s` (unreachable: `pen`).
    fn search_distance(&self, j: usize, s: usize) -> f64 {
        self.row(j)[s].min(self.pen)
    }

    /// Calls `visit(site, distance)` for every site strictly nearer to client `j` than `limit`:
    /// from the sorted list when it reaches that far, else by scanning the whole row. Unreachable
    /// sites are never visited.
    fn each_within(&self, j: usize, limit: f64, mut visit: impl FnMut(usize, f64)) {
        let range = j * self.k..(j + 1) * self.k;
        let (list, list_d) = (&self.near[range.clone()], &self.near_d[range]);
        if self.k == self.m || list_d.last().is_some_and(|&d| d >= limit) {
            for (&s, &d) in list.iter().zip(list_d) {
                if d >= limit {
                    break;
                }
                visit(s as usize, d);
            }
        } else {
            for (s, &d) in self.row(j).iter().enumerate() {
                if d < limit {
                    visit(s, d);
                }
            }
        }
    }

    /// The nearest and second nearest open sites of client `j` with their search distances
    /// (`NONE` and `pen` when there is no such site).
    fn nearest_two(&self, j: usize, slot: &[u32], open: &[usize]) -> (u32, f64, u32, f64) {
        let row = self.row(j);
        let mut found = [(NONE, self.pen); 2];
        let mut count = 0;
        for &s in &self.near[j * self.k..(j + 1) * self.k] {
            if slot[s as usize] != NONE {
                found[count] = (s, row[s as usize].min(self.pen));
                count += 1;
                if count == 2 {
                    break;
                }
            }
        }
        if count < 2 && self.k < self.m {
            // Fewer than two open sites among the list: scan the open ones, ordered by
            // (distance, index) like the list.
            found = [(NONE, self.pen); 2];
            for &s in open {
                let key = (row[s].min(self.pen), s as u32);
                if key.0 < found[0].1 || (key.0 == found[0].1 && key.1 < found[0].0) {
                    found[1] = found[0];
                    found[0] = (key.1, key.0);
                } else if key.0 < found[1].1 || (key.0 == found[1].1 && key.1 < found[1].0) {
                    found[1] = (key.1, key.0);
                }
            }
        }
        (found[0].0, found[0].1, found[1].0, found[1].1)
    }

    /// The true objective of a state: Σ w·d over counted clients, infinite if one is unreachable.
    fn objective(&self, state: &State) -> f64 {
        (0..self.n())
            .map(|j| {
                let d = if state.d1[j] < self.pen {
                    state.d1[j]
                } else {
                    f64::INFINITY
                };
                self.weight[j] * d
            })
            .sum()
    }

    /// Greedy addition (Kuehn & Hamburger 1963): from `open`, repeatedly add the `eligible` site
    /// that lowers the search cost most (ties: lowest index) until p sites are open.
    fn greedy(
        &self,
        mut open: Vec<usize>,
        eligible: impl Fn(usize, &PerKind<usize>, usize) -> bool,
    ) -> Result<Vec<usize>> {
        let mut is_open = vec![false; self.m];
        let mut d1 = vec![self.pen; self.n()];
        for &s in &open {
            is_open[s] = true;
            for (j, d) in d1.iter_mut().enumerate() {
                *d = d.min(self.search_distance(j, s));
            }
        }
        let mut counts = self.rules.counts(&open);
        let mut gain = vec![0.0; self.m];
        while open.len() < self.p {
            gain.fill(0.0);
            for (j, &dj) in d1.iter().enumerate() {
                let w = self.weight[j];
                self.each_within(j, dj, |s, d| gain[s] += w * (dj - d));
            }
            let left = self.p - open.len();
            let mut pick: Option<usize> = None;
            for s in 0..self.m {
                if !is_open[s]
                    && eligible(s, &counts, left)
                    && pick.is_none_or(|b| gain[s] > gain[b])
                {
                    pick = Some(s);
                }
            }
            let s = pick.ok_or_else(|| {
                Error::Invalid("no candidate site may be added under the quotas".into())
            })?;
            open.push(s);
            is_open[s] = true;
            if let Some(k) = self.rules.kind[s] {
                *counts.get_mut(k) += 1;
            }
            for (j, d) in d1.iter_mut().enumerate() {
                *d = d.min(self.search_distance(j, s));
            }
        }
        Ok(open)
    }

    /// `open` in an order that shows each centre's marginal value: fixed sites first, then
    /// greedily by the decrease each brings given the ones before it.
    fn opening_order(&self, open: &[usize]) -> Result<Vec<usize>> {
        let (chosen, fixed) = self.rules.opening_start(open);
        self.greedy(fixed, |s, _, _| chosen[s])
    }

    /// Prices every swap at once (Whitaker 1983; Resende & Werneck 2007).
    ///
    /// With `d1`, `d2` the distances from client c to its nearest and second nearest open sites,
    /// closing `r` and opening `i` saves `gain[i] - loss[r] + extra[r][i]`, where
    /// `gain[i] = Σ_c w·max(0, d1 - d(c,i))`, `loss[r] = Σ_{c: φ1(c)=r} w·(d2 - d1)` and
    /// `extra[r][i] = Σ_{c: φ1(c)=r, d(c,i) < d2} w·(d2 - max(d(c,i), d1))`. One pass over the
    /// sites nearer than `d2` of every client yields all three, so every swap is priced in
    /// about the time of evaluating one plan. Only incoming sites marked in `wanted` (all
    /// closed ones when `None`) are priced.
    fn price_swaps(&self, state: &State, wanted: Option<&[bool]>, prices: &mut Prices) {
        let m = self.m;
        prices.gain.clear();
        prices.gain.resize(m, 0.0);
        prices.loss.clear();
        prices.loss.resize(state.open.len(), 0.0);
        prices.extra.clear();
        prices.extra.resize(state.open.len() * m, 0.0);
        let (gain, loss, extra) = (&mut prices.gain, &mut prices.loss, &mut prices.extra);
        for j in 0..self.n() {
            let (w, d1, d2) = (self.weight[j], state.d1[j], state.d2[j]);
            let r = state.slot[state.phi1[j] as usize] as usize;
            loss[r] += w * (d2 - d1);
            let extra_r = &mut extra[r * m..(r + 1) * m];
            let slot = &state.slot;
            self.each_within(j, d2, |i, d| {
                if slot[i] == NONE && wanted.is_none_or(|wanted| wanted[i]) {
                    extra_r[i] += w * (d2 - d.max(d1));
                    if d < d1 {
                        gain[i] += w * (d1 - d);
                    }
                }
            });
        }
    }

    /// The most profitable allowed swap `(profit, incoming site, outgoing slot)` among incoming
    /// sites in `wanted` and outgoing sites in `leaving` (all when `None`); ties go to the lowest
    /// incoming, then outgoing, site index, so the choice never depends on the order of work.
    fn best_swap(
        &self,
        state: &State,
        prices: &Prices,
        wanted: Option<&[bool]>,
        leaving: Option<&[bool]>,
    ) -> Option<(f64, usize, usize)> {
        let m = self.m;
        let mut best: Option<(f64, usize, usize)> = None;
        for (r, &out) in state.open.iter().enumerate() {
            if self.rules.fixed[out] || leaving.is_some_and(|leaving| !leaving[out]) {
                continue;
            }
            for i in 0..m {
                if state.slot[i] != NONE
                    || wanted.is_some_and(|wanted| !wanted[i])
                    || !self.rules.may_swap(out, i, &state.counts)
                {
                    continue;
                }
                let profit = prices.gain[i] - prices.loss[r] + prices.extra[r * m + i];
                let better = best.is_none_or(|(bp, bi, br)| {
                    profit > bp || (profit == bp && (i, out) < (bi, state.open[br]))
                });
                if better {
                    best = Some((profit, i, r));
                }
            }
        }
        best
    }

    /// Swap local search, best improvement, until no swap saves anything.
    fn local_search(&self, state: &mut State, prices: &mut Prices, deadline: Deadline) {
        while !deadline.expired() {
            self.price_swaps(state, None, prices);
            let Some((profit, i, r)) = self.best_swap(state, prices, None, None) else {
                break;
            };
            if profit <= 1e-12 * state.cost {
                break;
            }
            // The saving is a difference of sums and may carry rounding: keep the swap only if
            // the recomputed cost really fell, so the search can never cycle.
            let (before, out) = (state.cost, state.open[r]);
            self.swap(state, r, i);
            if state.cost >= before {
                self.swap(state, r, out);
                break;
            }
        }
    }

    /// Path relinking (Glover 1997; Resende & Werneck 2004): walks from plan `from` towards
    /// plan `to` one best allowed swap at a time (even an uphill one), and returns the best plan
    /// strictly between them, improved by local search. Good plans share most of their sites,
    /// and the walk explores the promising region between two of them.
    fn relink(
        &self,
        from: &[usize],
        to: &[usize],
        prices: &mut Prices,
        deadline: Deadline,
    ) -> Option<State> {
        let mut wanted = vec![false; self.m];
        let mut leaving = vec![false; self.m];
        for &s in to {
            wanted[s] = true;
        }
        for &s in from {
            leaving[s] = !wanted[s];
            wanted[s] = false;
        }
        let mut steps_left = wanted.iter().filter(|&&w| w).count();
        let mut state = State::new(self, from.to_vec());
        let mut best: Option<State> = None;
        // Stop one swap short of `to`: the plans in between are the new ones.
        while steps_left > 1 && !deadline.expired() {
            self.price_swaps(&state, Some(&wanted), prices);
            let Some((_, i, r)) = self.best_swap(&state, prices, Some(&wanted), Some(&leaving))
            else {
                break;
            };
            leaving[state.open[r]] = false;
            wanted[i] = false;
            self.swap(&mut state, r, i);
            steps_left -= 1;
            if best.as_ref().is_none_or(|b| state.cost < b.cost) {
                best = Some(state.clone());
            }
        }
        let mut best = best?;
        self.local_search(&mut best, prices, deadline);
        Some(best)
    }

    /// Replaces the site in slot `r` by `add`, updating each client's nearest two open sites.
    fn swap(&self, state: &mut State, r: usize, add: usize) {
        let out = state.open[r];
        state.open[r] = add;
        state.slot[out] = NONE;
        state.slot[add] = r as u32;
        if let Some(k) = self.rules.kind[out] {
            *state.counts.get_mut(k) -= 1;
        }
        if let Some(k) = self.rules.kind[add] {
            *state.counts.get_mut(k) += 1;
        }
        let (out, add) = (out as u32, add as u32);
        for j in 0..self.n() {
            if state.phi1[j] == out || state.phi2[j] == out {
                let (a, da, b, db) = self.nearest_two(j, &state.slot, &state.open);
                (state.phi1[j], state.d1[j], state.phi2[j], state.d2[j]) = (a, da, b, db);
            } else {
                let d = self.search_distance(j, add as usize);
                if d < state.d1[j] {
                    (state.phi2[j], state.d2[j]) = (state.phi1[j], state.d1[j]);
                    (state.phi1[j], state.d1[j]) = (add, d);
                } else if d < state.d2[j] {
                    (state.phi2[j], state.d2[j]) = (add, d);
                }
            }
        }
        state.cost = state.search_cost(&self.weight);
    }

    /// A random neighbour of `open` for a restart: about a quarter of the free sites swapped for
    /// random closed ones, keeping the quotas (iterated local search, Lourenço, Martin & Stützle
    /// 2003).
    fn perturb(&self, open: &[usize], rng: &mut ChaCha8Rng) -> Vec<usize> {
        let mut open = open.to_vec();
        let mut is_open = vec![false; self.m];
        for &s in &open {
            is_open[s] = true;
        }
        let free: Vec<usize> = (0..open.len())
            .filter(|&r| !self.rules.fixed[open[r]])
            .collect();
        if free.is_empty() || open.len() == self.m {
            return open;
        }
        let mut counts = self.rules.counts(&open);
        for _ in 0..free.len().div_ceil(4) {
            let r = free[rng.random_range(0..free.len())];
            for _ in 0..32 {
                let add = rng.random_range(0..self.m);
                if is_open[add] || !self.rules.may_swap(open[r], add, &counts) {
                    continue;
                }
                if let Some(k) = self.rules.kind[open[r]] {
                    *counts.get_mut(k) -= 1;
                }
                if let Some(k) = self.rules.kind[add] {
                    *counts.get_mut(k) += 1;
                }
                is_open[open[r]] = false;
                is_open[add] = true;
                open[r] = add;
                break;
            }
        }
        open
    }

    /// The allowed set minimising `Σ_{s∈S} rho_s` (all `rho_s <= 0`): the fixed sites, then for
    /// each kind short of its quota the most negative `rho` of that kind, then the most negative
    /// of the rest up to p.
    ///
    /// Why this greedy is exact: take any optimal allowed set T. If a kind's chosen quota sites
    /// A (its q most negative) are not all in T, T holds at least q non-fixed sites of that kind,
    /// so one of them, b, lies outside A and has `rho_b >= rho_a` for the missing a; swapping b
    /// for a keeps T allowed (same kind counts) and does not raise its sum. Once every A is in
    /// T, the remaining places carry no constraint, and with a fixed number of them the most
    /// negative values are best. (The kinds are disjoint, so the quota picks do not interact.)
    fn select(&self, rho: &[f64], order: &mut Vec<usize>, chosen: &mut Vec<bool>) -> Vec<usize> {
        let rules = self.rules;
        order.clear();
        order.extend((0..self.m).filter(|&s| !rules.fixed[s]));
        order.sort_unstable_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
        chosen.clear();
        chosen.extend(rules.fixed.iter().copied());
        let mut set = rules.fixed_sites();
        let counts = rules.counts(&set);
        for kind in AreaKind::ALL {
            let mut need = rules.quota.get(kind).saturating_sub(*counts.get(kind));
            for &s in order.iter() {
                if need == 0 {
                    break;
                }
                if rules.kind[s] == Some(kind) {
                    chosen[s] = true;
                    set.push(s);
                    need -= 1;
                }
            }
        }
        for &s in order.iter() {
            if set.len() >= self.p {
                break;
            }
            if !chosen[s] {
                chosen[s] = true;
                set.push(s);
            }
        }
        set
    }
}

/// Reusable buffers for [`Instance::price_swaps`].
#[derive(Default)]
struct Prices {
    gain: Vec<f64>,
    loss: Vec<f64>,
    /// Slot-major: `extra[r * m + i]`.
    extra: Vec<f64>,
}

/// A plan and, for each counted client, its nearest (`phi1`, `d1`) and second nearest (`phi2`,
/// `d2`) open sites at search distance.
#[derive(Clone)]
struct State {
    /// Open sites; a swap puts the new site in the old one's slot.
    open: Vec<usize>,
    /// Slot of each site in `open`, `NONE` when closed.
    slot: Vec<u32>,
    counts: PerKind<usize>,
    phi1: Vec<u32>,
    d1: Vec<f64>,
    phi2: Vec<u32>,
    d2: Vec<f64>,
    /// `Σ w·d1` at search distance.
    cost: f64,
}

impl State {
    fn new(inst: &Instance, open: Vec<usize>) -> Self {
        let mut slot = vec![NONE; inst.m];
        for (r, &s) in open.iter().enumerate() {
            slot[s] = r as u32;
        }
        let n = inst.n();
        let (mut phi1, mut d1, mut phi2, mut d2) = (
            vec![NONE; n],
            vec![inst.pen; n],
            vec![NONE; n],
            vec![inst.pen; n],
        );
        for j in 0..n {
            (phi1[j], d1[j], phi2[j], d2[j]) = inst.nearest_two(j, &slot, &open);
        }
        let mut state = State {
            counts: inst.rules.counts(&open),
            open,
            slot,
            phi1,
            d1,
            phi2,
            d2,
            cost: 0.0,
        };
        state.cost = state.search_cost(&inst.weight);
        state
    }

    fn search_cost(&self, weight: &[f64]) -> f64 {
        weight.iter().zip(&self.d1).map(|(w, d)| w * d).sum()
    }
}

/// Subgradient optimisation of the Lagrangian dual (Held, Wolfe & Crowder 1974; Beasley 1993).
///
/// Relaxing "each client is assigned exactly once" with multipliers `λ_c` leaves, for any
/// `λ`, the lower bound `L(λ) = Σ_c λ_c + min_S Σ_{s∈S} ρ_s` with
/// `ρ_s = Σ_c min(0, w_c·d_cs − λ_c)`, the minimum over the allowed sets S (see
/// [`Instance::select`]). An unreachable pair has `w·d = ∞` and never makes `ρ` negative, which
/// is exactly "that assignment does not exist". Only sites with `w·d < λ` contribute, so each
/// client visits just its nearest few.
struct Lagrangian {
    lambda: Vec<f64>,
    /// The last step's (deflected) direction.
    direction: Vec<f64>,
    /// The best proven bound so far (already lowered by the rounding margin).
    best: f64,
    /// The allowed set of the best bound: a plan in its own right.
    best_set: Vec<usize>,
    /// Polyak step multiplier, halved when the bound stalls.
    mu: f64,
    /// Steps since the bound last rose.
    stale: usize,
    /// No further step can raise the bound (the step vanished, or λ is optimal).
    converged: bool,
}

impl Lagrangian {
    /// Starts from `λ_c = w_c·d_c` with `d_c` the client's distance in `state` (its nearest
    /// reachable site when `state` leaves it unreachable): `L` then starts near the plan's cost.
    fn new(inst: &Instance, state: &State) -> Self {
        let lambda: Vec<f64> = (0..inst.n())
            .map(|j| {
                let d = if state.d1[j] < inst.pen {
                    state.d1[j]
                } else {
                    let row = inst.row(j);
                    row.iter()
                        .copied()
                        .filter(|d| d.is_finite())
                        .fold(f64::INFINITY, f64::min)
                };
                inst.weight[j] * d
            })
            .collect();
        Lagrangian {
            direction: vec![0.0; lambda.len()],
            lambda,
            best: 0.0,
            best_set: state.open.clone(),
            mu: 2.0,
            stale: 0,
            converged: false,
        }
    }

    /// Up to `iterations` subgradient steps towards `target` (the best known objective).
    ///
    /// Rounding: every `L(λ)` is computed in f64 as sums of at most `n + m` terms. A recursive
    /// sum of N terms is off by at most `(N−1)·u·Σ|terms|` with `u = 2^−53` (Higham 2002, §4.2),
    /// and each term `w·d − λ` adds at most `3u·λ`; the bound kept is therefore
    /// `L − (n + 4m + 4)·ε·(Σλ + Σ_s|ρ_s|)` with `ε = 2u`, which can never exceed the exact
    /// `L(λ)`, itself at most the optimum.
    fn improve(&mut self, inst: &Instance, target: f64, iterations: usize, deadline: Deadline) {
        let (n, m) = (inst.n(), inst.m);
        let margin_factor = (n + 4 * m + 4) as f64 * f64::EPSILON;
        let mut rho = vec![0.0; m];
        let mut partial = vec![0.0; n.div_ceil(CLIENT_BLOCK) * m];
        let mut raw = vec![0.0; n];
        let (mut order, mut chosen) = (Vec::new(), Vec::new());
        for _ in 0..iterations {
            if self.mu < 1e-6 {
                self.converged = true;
            }
            if deadline.expired() || self.converged {
                break;
            }
            // ρ by blocks of clients in parallel, the blocks then added in order.
            let lambdas = &self.lambda;
            partial
                .par_chunks_mut(m.max(1))
                .enumerate()
                .for_each(|(block, rho)| {
                    rho.fill(0.0);
                    let clients = block * CLIENT_BLOCK..((block + 1) * CLIENT_BLOCK).min(n);
                    for j in clients {
                        let (w, lambda) = (inst.weight[j], lambdas[j]);
                        if lambda > 0.0 {
                            // The list filter is a little generous; the sign test is exact.
                            inst.each_within(j, lambda / w * (1.0 + 1e-12), |s, d| {
                                let t = w * d - lambda;
                                if t < 0.0 {
                                    rho[s] += t;
                                }
                            });
                        }
                    }
                });
            rho.fill(0.0);
            for block in partial.chunks(m.max(1)) {
                for (total, part) in rho.iter_mut().zip(block) {
                    *total += part;
                }
            }
            let sum_lambda: f64 = self.lambda.iter().sum();
            let set = inst.select(&rho, &mut order, &mut chosen);
            let value = sum_lambda + set.iter().map(|&s| rho[s]).sum::<f64>();
            let scale = sum_lambda - rho.iter().sum::<f64>();
            let proven = value - margin_factor * scale;
            if proven > self.best {
                self.best = proven;
                self.best_set = set;
                self.stale = 0;
            } else {
                self.stale += 1;
                if self.stale >= HALVE_AFTER {
                    self.mu /= 2.0;
                    self.stale = 0;
                }
            }
            if target.is_finite() && target - self.best <= CLOSED_GAP * target.abs() {
                break;
            }
            // Subgradient: 1 − (number of chosen sites the client is assigned to), deflected by
            // half the previous direction (Camerini, Fratta & Maffioli 1975; Crowder 1976),
            // which damps the zig-zag of plain steps once the bound nears its maximum.
            let chosen = &chosen;
            raw.par_iter_mut()
                .zip(self.direction.par_iter_mut())
                .enumerate()
                .for_each(|(j, (raw, g))| {
                    let (w, lambda) = (inst.weight[j], lambdas[j]);
                    let mut assigned = 0.0;
                    if lambda > 0.0 {
                        inst.each_within(j, lambda / w * (1.0 + 1e-12), |s, d| {
                            if chosen[s] && w * d - lambda < 0.0 {
                                assigned += 1.0;
                            }
                        });
                    }
                    *raw = 1.0 - assigned;
                    *g = *raw + DEFLECTION * *g;
                });
            let raw_norm: f64 = raw.iter().map(|g| g * g).sum();
            let norm: f64 = self.direction.iter().map(|g| g * g).sum();
            if raw_norm == 0.0 || norm == 0.0 {
                // Every client is assigned exactly once: L(λ) is the cost of the plan `set`,
                // which is therefore optimal (or the direction vanished).
                self.converged = true;
                break;
            }
            // Polyak's step towards the target; an infinite target (no plan reaches everyone
            // yet) falls back to a step relative to the bound itself.
            let goal = if target.is_finite() {
                target
            } else {
                1.1 * value.abs() + 1.0
            };
            let step = self.mu * (goal - value).max(0.0) / norm;
            if step == 0.0 {
                self.converged = true;
                break;
            }
            for (lambda, g) in self.lambda.iter_mut().zip(&self.direction) {
                *lambda = (*lambda + step * g).max(0.0);
            }
        }
    }
}

#[cfg(test)]
#[path = "pmedian_tests.rs"]
mod tests;
