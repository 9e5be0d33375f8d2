//! The p-median search: greedy addition, the fast swap local search (Whitaker 1983; Resende &
//! Werneck 2007), perturbation and path relinking (Resende & Werneck 2004), and the per-client
//! state they share.

use super::super::problem::weighted_clients;
use super::super::{Deadline, DistanceTable, Problem, Rules};
use crate::error::{Error, Result};
use crate::model::PerKind;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Marks "no site" in per-client arrays and "closed" in per-site slot arrays.
pub(super) const NONE: u32 = u32::MAX;

/// Plans kept for path relinking (Resende & Werneck 2004 keep ten).
const ELITE: usize = 10;

/// The best distinct plans found, for path relinking.
#[derive(Default)]
pub(super) struct Elite {
    /// `(search cost, sorted sites)`.
    plans: Vec<(f64, Vec<usize>)>,
}

impl Elite {
    /// Keeps `state` if it is new and better than the worst kept plan (or there is room).
    pub(super) fn offer(&mut self, state: &State) {
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
    pub(super) fn pick(&self, open: &[usize], rng: &mut ChaCha8Rng) -> Option<Vec<usize>> {
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
pub(super) struct Instance<'a> {
    pub(super) table: &'a DistanceTable,
    pub(super) rules: &'a Rules,
    pub(super) p: usize,
    /// Number of sites.
    pub(super) m: usize,
    /// Client index (into `problem.clients`) of each counted client.
    pub(super) client: Vec<u32>,
    /// Weight of each counted client.
    pub(super) weight: Vec<f64>,
    /// The search's stand-in for an infinite distance (an unreachable pair, or "no second open
    /// site"), so that the swap arithmetic never meets `inf - inf`; see [`penalty`].
    pub(super) pen: f64,
    /// Every weight and finite distance is a whole number (OR-Library style cost matrices), so
    /// every plan's total is one: a lower bound may round up, and a node whose bound exceeds
    /// the best total minus one holds nothing better.
    pub(super) integral: bool,
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
    pub(super) fn new(problem: &'a Problem, table: &'a DistanceTable, p: usize) -> Result<Self> {
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
        let integral = weight.iter().all(|w| w.fract() == 0.0) && table.is_integral();
        Ok(Instance {
            integral,
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
    pub(super) fn n(&self) -> usize {
        self.client.len()
    }

    pub(super) fn row(&self, j: usize) -> &'a [f64] {
        self.table.row(self.client[j] as usize)
    }

    /// Search distance from client `j` to site `s` (unreachable: `pen`).
    fn search_distance(&self, j: usize, s: usize) -> f64 {
        self.row(j)[s].min(self.pen)
    }

    /// Calls `visit(site, distance)` for every site strictly nearer to client `j` than `limit`:
    /// from the sorted list when it reaches that far, else by scanning the whole row. Unreachable
    /// sites are never visited.
    pub(super) fn each_within(&self, j: usize, limit: f64, mut visit: impl FnMut(usize, f64)) {
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
    pub(super) fn objective(&self, state: &State) -> f64 {
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
    pub(super) fn greedy(
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
    pub(super) fn opening_order(&self, open: &[usize]) -> Result<Vec<usize>> {
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
    pub(super) fn local_search(&self, state: &mut State, prices: &mut Prices, deadline: Deadline) {
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
    pub(super) fn relink(
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
    pub(super) fn perturb(&self, open: &[usize], rng: &mut ChaCha8Rng) -> Vec<usize> {
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
}

/// Reusable buffers for [`Instance::price_swaps`].
#[derive(Default)]
pub(super) struct Prices {
    gain: Vec<f64>,
    loss: Vec<f64>,
    /// Slot-major: `extra[r * m + i]`.
    extra: Vec<f64>,
}

/// A plan and, for each counted client, its nearest (`phi1`, `d1`) and second nearest (`phi2`,
/// `d2`) open sites at search distance.
#[derive(Clone)]
pub(super) struct State {
    /// Open sites; a swap puts the new site in the old one's slot.
    pub(super) open: Vec<usize>,
    /// Slot of each site in `open`, `NONE` when closed.
    slot: Vec<u32>,
    counts: PerKind<usize>,
    phi1: Vec<u32>,
    pub(super) d1: Vec<f64>,
    phi2: Vec<u32>,
    d2: Vec<f64>,
    /// `Σ w·d1` at search distance.
    pub(super) cost: f64,
}

impl State {
    pub(super) fn new(inst: &Instance, open: Vec<usize>) -> Self {
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
