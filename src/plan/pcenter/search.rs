//! The p-center search: covers of one radius (greedy, redundancy elimination, a weighting
//! swap search) and plans polished by swaps on the radius, with the per-client state they share.

use super::{Cover, Deadline, Instance, NONE};
use crate::error::{Error, Result};
use crate::model::PerKind;
use rayon::prelude::*;

/// Steps of the cover search per site to open (plus a fixed 50).
const STEPS_PER_SITE: usize = 10;

impl Instance<'_> {
    /// Tries to serve every counted client within `radius` with an allowed set of at most p
    /// sites (quotas still to be filled): greedy set cover (Chvátal 1979) from the fixed sites,
    /// then dropping sites whose clients are all covered twice; failing that, p sites chosen
    /// greedily under the rules and improved by swaps that shrink the uncovered count. `None`
    /// when nothing fits, which proves nothing.
    pub(super) fn cover(&self, radius: f64, deadline: Deadline) -> Option<Vec<usize>> {
        let cover = self.cover_lists(radius);
        let rules = self.rules;
        let (mut open, uncovered) = self.greedy_cover(&cover, false);
        if uncovered == 0 {
            self.drop_redundant(&cover, &mut open);
            if open.len() + rules.unmet(&rules.counts(&open)) <= self.p {
                return Some(open);
            }
        }
        // `may_add` keeps `open + unmet <= p` at every step, and dropping a site keeps it.
        let (mut open, uncovered) = self.greedy_cover(&cover, true);
        if uncovered == 0 {
            self.drop_redundant(&cover, &mut open);
            return Some(open);
        }
        let open = self
            .fill(open, |s, counts, left| rules.may_add(s, counts, left))
            .ok()?;
        self.cover_search(&cover, open, deadline)
    }

    /// Swap search for a cover of p sites with client weighting, in the manner of the
    /// weighting local searches for set cover and p-center (Pullan 2008; Gao, Weise & Li
    /// 2015): each client has a weight, raised by one every step it stays uncovered, and each
    /// step takes the swap that most lowers the uncovered weight, even when none lowers it.
    /// The weights pull the search away from wherever it keeps failing, so it crosses the
    /// plateaus and ridges where a plain descent stops (for instance when two sites must
    /// change at once). A site just closed may not reopen for `TENURE` steps.
    ///
    /// All swaps are priced at once as in the fast interchange of Whitaker (1983): closing `r`
    /// and opening `i` saves `gain[i] - loss[r] + extra[r][i]`, where `gain[i]` is the
    /// uncovered weight `i` covers, `loss[r]` the weight only `r` covers, and `extra[r][i]`
    /// the part of that `i` covers too. Ties go to the lowest site indices.
    fn cover_search(
        &self,
        cover: &Cover,
        mut open: Vec<usize>,
        deadline: Deadline,
    ) -> Option<Vec<usize>> {
        const TENURE: usize = 2;
        let (m, slots, rules) = (self.m, open.len(), self.rules);
        let mut slot = vec![NONE; m];
        for (r, &s) in open.iter().enumerate() {
            slot[s] = r as u32;
        }
        let mut counts = rules.counts(&open);
        let mut times = vec![0u32; self.n()];
        for &s in &open {
            for &j in cover.by_site.get(s) {
                times[j as usize] += 1;
            }
        }
        let mut weight = vec![1i64; self.n()];
        let (mut gain, mut loss, mut extra) =
            (vec![0i64; m], vec![0i64; slots], vec![0i64; slots * m]);
        let mut closed_at = vec![usize::MAX; m];
        for now in 0..STEPS_PER_SITE * self.p + 50 {
            if deadline.expired() {
                break;
            }
            gain.fill(0);
            loss.fill(0);
            extra.fill(0);
            let mut uncovered = 0;
            for j in 0..self.n() {
                let sites = cover.by_client.get(j);
                match times[j] {
                    0 => {
                        uncovered += 1;
                        weight[j] += 1;
                        sites.iter().for_each(|&i| gain[i as usize] += weight[j]);
                    }
                    1 => {
                        let Some(r) = sites.iter().map(|&t| slot[t as usize]).find(|&r| r != NONE)
                        else {
                            continue;
                        };
                        let r = r as usize;
                        loss[r] += weight[j];
                        for &i in sites {
                            if slot[i as usize] == NONE {
                                extra[r * m + i as usize] += weight[j];
                            }
                        }
                    }
                    _ => {}
                }
            }
            if uncovered == 0 {
                return Some(open);
            }
            let mut best: Option<(i64, usize, usize)> = None;
            for (r, &out) in open.iter().enumerate() {
                if rules.fixed[out] {
                    continue;
                }
                for i in 0..m {
                    let tabu = closed_at[i] != usize::MAX && now - closed_at[i] < TENURE;
                    if slot[i] != NONE || tabu || !rules.may_swap(out, i, &counts) {
                        continue;
                    }
                    let profit = gain[i] - loss[r] + extra[r * m + i];
                    if best.is_none_or(|(bp, bi, br)| {
                        profit > bp || (profit == bp && (i, out) < (bi, open[br]))
                    }) {
                        best = Some((profit, i, r));
                    }
                }
            }
            let Some((_, add, r)) = best else { break };
            let out = open[r];
            for &j in cover.by_site.get(out) {
                times[j as usize] -= 1;
            }
            for &j in cover.by_site.get(add) {
                times[j as usize] += 1;
            }
            if let Some(k) = rules.kind[out] {
                *counts.get_mut(k) -= 1;
            }
            if let Some(k) = rules.kind[add] {
                *counts.get_mut(k) += 1;
            }
            (slot[out], slot[add], open[r]) = (NONE, r as u32, add);
            closed_at[out] = now;
        }
        times.iter().all(|&t| t > 0).then_some(open)
    }

    /// Greedy set cover with lazy gains (Minoux 1978): each step opens the site covering the
    /// most clients still uncovered (ties: lowest index); a site's count only falls, so a stale
    /// heap entry is refreshed when it reaches the top. With `by_rules`, stops at p sites and
    /// opens only what [`Rules::may_add`] allows. Returns the sites and how many clients remain
    /// uncovered.
    fn greedy_cover(&self, cover: &Cover, by_rules: bool) -> (Vec<usize>, usize) {
        use std::cmp::Reverse;
        let rules = self.rules;
        let mut open = rules.fixed_sites();
        let mut counts = rules.counts(&open);
        let mut covered = vec![false; self.n()];
        let mut uncovered = self.n();
        let mut gain: Vec<usize> = (0..self.m).map(|s| cover.by_site.get(s).len()).collect();
        let mut is_open = vec![false; self.m];
        let mut open_site = |s: usize, covered: &mut [bool], gain: &mut [usize]| {
            is_open[s] = true;
            let mut newly = 0;
            for &j in cover.by_site.get(s) {
                if !covered[j as usize] {
                    covered[j as usize] = true;
                    newly += 1;
                    for &t in cover.by_client.get(j as usize) {
                        gain[t as usize] -= 1;
                    }
                }
            }
            newly
        };
        for &s in &open {
            uncovered -= open_site(s, &mut covered, &mut gain);
        }
        let mut heap: std::collections::BinaryHeap<(usize, Reverse<usize>)> = (0..self.m)
            .filter(|&s| !rules.fixed[s] && gain[s] > 0)
            .map(|s| (gain[s], Reverse(s)))
            .collect();
        let limit = if by_rules { self.p } else { self.m };
        while uncovered > 0 && open.len() < limit {
            let Some((stored, Reverse(s))) = heap.pop() else {
                break;
            };
            if by_rules && !rules.may_add(s, &counts, self.p - open.len()) {
                // What `may_add` refuses it refuses for good: places only run out, and a kind
                // that meets its quota keeps meeting it.
                continue;
            }
            if stored != gain[s] {
                if gain[s] > 0 {
                    heap.push((gain[s], Reverse(s)));
                }
                continue;
            }
            open.push(s);
            if let Some(k) = rules.kind[s] {
                *counts.get_mut(k) += 1;
            }
            uncovered -= open_site(s, &mut covered, &mut gain);
        }
        (open, uncovered)
    }

    /// Closes non-fixed sites whose every client is covered by another open site, trying the
    /// sites that cover least first, then by index.
    fn drop_redundant(&self, cover: &Cover, open: &mut Vec<usize>) {
        let mut times = vec![0u32; self.n()];
        for &s in open.iter() {
            for &j in cover.by_site.get(s) {
                times[j as usize] += 1;
            }
        }
        let mut order: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&s| !self.rules.fixed[s])
            .collect();
        order.sort_unstable_by_key(|&s| (cover.by_site.get(s).len(), s));
        for s in order {
            let clients = cover.by_site.get(s);
            if clients.iter().all(|&j| times[j as usize] >= 2) {
                for &j in clients {
                    times[j as usize] -= 1;
                }
                open.retain(|&t| t != s);
            }
        }
    }

    /// Farthest-first traversal (Gonzalez 1985) from `open`: while fewer than p sites are open,
    /// open the `eligible` site nearest to the client farthest from every open site (the very
    /// first, when none is open, is the site whose farthest client is nearest). A
    /// 2-approximation without fixed sites or quotas.
    pub(super) fn fill(
        &self,
        mut open: Vec<usize>,
        eligible: impl Fn(usize, &PerKind<usize>, usize) -> bool,
    ) -> Result<Vec<usize>> {
        let mut is_open = vec![false; self.m];
        let mut nearest = vec![f64::INFINITY; self.n()];
        let add = |s: usize, nearest: &mut Vec<f64>| {
            nearest.par_iter_mut().enumerate().for_each(|(j, d)| {
                *d = d.min(self.row(j)[s]);
            });
        };
        for &s in &open {
            is_open[s] = true;
            add(s, &mut nearest);
        }
        let mut counts = self.rules.counts(&open);
        while open.len() < self.p {
            let left = self.p - open.len();
            let allowed: Vec<usize> = (0..self.m)
                .filter(|&s| !is_open[s] && eligible(s, &counts, left))
                .collect();
            let farthest = (0..self.n()).reduce(|a, b| if nearest[b] > nearest[a] { b } else { a });
            let key = |s: usize| match (open.is_empty(), farthest) {
                (false, Some(j)) => self.row(j)[s],
                (true, Some(_)) => (0..self.n()).map(|j| self.row(j)[s]).fold(0.0, f64::max),
                (_, None) => 0.0,
            };
            let pick = allowed
                .par_iter()
                .map(|&s| (key(s), s))
                .reduce_with(|a, b| {
                    if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) {
                        b
                    } else {
                        a
                    }
                })
                .map(|(_, s)| s)
                .ok_or_else(|| {
                    Error::Invalid("no candidate site may be added under the quotas".into())
                })?;
            open.push(pick);
            is_open[pick] = true;
            if let Some(k) = self.rules.kind[pick] {
                *counts.get_mut(k) += 1;
            }
            add(pick, &mut nearest);
        }
        Ok(open)
    }

    /// `open` in an order that shows each centre's marginal value: fixed sites first, then
    /// farthest-first among the chosen ones.
    pub(super) fn opening_order(&self, open: &[usize]) -> Result<Vec<usize>> {
        let (chosen, fixed) = self.rules.opening_start(open);
        self.fill(fixed, |s, _, _| chosen[s])
    }

    /// Swap local search on (radius, clients at the radius), lexicographically (Mladenović,
    /// Labbé & Hansen 2003): only a site nearer than the radius to a critical client can help
    /// it, so for each such site the best site to close is found from each client's nearest
    /// and second nearest open sites in one pass. Moves only while the pair strictly falls.
    pub(super) fn polish(&self, open: &mut Vec<usize>, deadline: Deadline) {
        if self.n() == 0 {
            return;
        }
        let mut state = State::new(self, open.clone());
        for _ in 0..10 * self.p + 100 {
            if deadline.expired() {
                break;
            }
            let (radius, at_radius) = state.radius();
            if radius == 0.0 {
                break;
            }
            let critical = (0..self.n())
                .find(|&j| state.d1[j] == radius)
                .expect("the radius is some client's distance");
            let row = self.row(critical);
            let candidates: Vec<usize> = (0..self.m)
                .filter(|&i| state.slot[i] == NONE && row[i] < radius)
                .collect();
            // Smallest (radius, clients at it), then lowest incoming and outgoing site index.
            let key = |x: &(f64, usize, usize, usize)| (x.0, x.1, x.2, state.open[x.3]);
            let best = candidates
                .par_iter()
                .map_init(
                    || GroupMaxima::new(state.open.len()),
                    |groups, &i| {
                        self.best_out(&state, i, groups)
                            .map(|(v, c, r)| (v, c, i, r))
                    },
                )
                .flatten()
                .reduce_with(|a, b| if key(&b) < key(&a) { b } else { a });
            match best {
                Some((value, count, i, r)) if (value, count) < (radius, at_radius) => {
                    state.swap(self, r, i);
                }
                _ => break,
            }
        }
        *open = state.open;
    }

    /// For incoming site `i`: the open slot whose swap for `i` gives the smallest (radius,
    /// clients at it), if any swap is allowed.
    fn best_out(
        &self,
        state: &State,
        i: usize,
        groups: &mut GroupMaxima,
    ) -> Option<(f64, usize, usize)> {
        groups.clear();
        // a: the client's distance if its nearest site stays; b: if its nearest site closes.
        for j in 0..self.n() {
            let d = self.row(j)[i];
            let g = state.slot[state.phi1[j] as usize] as usize;
            groups.add(g, state.d1[j].min(d), state.d2[j].min(d));
        }
        let (top, second) = groups.top_two();
        let mut best: Option<(f64, usize, usize)> = None;
        for (r, &out) in state.open.iter().enumerate() {
            if !self.rules.may_swap(out, i, &state.counts) {
                continue;
            }
            // The largest `a` over the clients of other slots, and how many reach it.
            let others = if groups.a[r] == top.0 {
                if top.2 > 1 {
                    (top.0, top.1 - groups.a_count[r])
                } else {
                    (second.0, second.1)
                }
            } else {
                (top.0, top.1)
            };
            let own = (groups.b[r], groups.b_count[r]);
            let value = others.0.max(own.0);
            let count = if others.0 == value { others.1 } else { 0 }
                + if own.0 == value { own.1 } else { 0 };
            let better = best.is_none_or(|(bv, bc, br)| {
                (value, count) < (bv, bc) || ((value, count) == (bv, bc) && out < state.open[br])
            });
            if better {
                best = Some((value, count, r));
            }
        }
        best
    }
}

/// Per open slot: the largest `a` and `b` over the clients whose nearest site is in that slot,
/// with how many clients reach each.
struct GroupMaxima {
    a: Vec<f64>,
    a_count: Vec<usize>,
    b: Vec<f64>,
    b_count: Vec<usize>,
}

impl GroupMaxima {
    fn new(slots: usize) -> Self {
        GroupMaxima {
            a: vec![f64::NEG_INFINITY; slots],
            a_count: vec![0; slots],
            b: vec![f64::NEG_INFINITY; slots],
            b_count: vec![0; slots],
        }
    }

    fn clear(&mut self) {
        self.a.fill(f64::NEG_INFINITY);
        self.a_count.fill(0);
        self.b.fill(f64::NEG_INFINITY);
        self.b_count.fill(0);
    }

    fn add(&mut self, g: usize, a: f64, b: f64) {
        if a > self.a[g] {
            (self.a[g], self.a_count[g]) = (a, 1);
        } else if a == self.a[g] {
            self.a_count[g] += 1;
        }
        if b > self.b[g] {
            (self.b[g], self.b_count[g]) = (b, 1);
        } else if b == self.b[g] {
            self.b_count[g] += 1;
        }
    }

    /// `(value, clients, slots)` for the largest `a` over all slots, and `(value, clients)` for
    /// the largest `a` below it.
    fn top_two(&self) -> ((f64, usize, usize), (f64, usize)) {
        let mut top = (f64::NEG_INFINITY, 0, 0);
        let mut second = (f64::NEG_INFINITY, 0);
        for (&a, &count) in self.a.iter().zip(&self.a_count) {
            if a > top.0 {
                second = (top.0, top.1);
                top = (a, count, 1);
            } else if a == top.0 {
                top.1 += count;
                top.2 += 1;
            } else if a > second.0 {
                second = (a, count);
            } else if a == second.0 {
                second.1 += count;
            }
        }
        (top, second)
    }
}

/// A plan and each counted client's nearest (`phi1`, `d1`) and second nearest (`phi2`, `d2`)
/// open sites (`NONE` and infinity when missing).
pub(super) struct State {
    open: Vec<usize>,
    slot: Vec<u32>,
    counts: PerKind<usize>,
    phi1: Vec<u32>,
    d1: Vec<f64>,
    phi2: Vec<u32>,
    d2: Vec<f64>,
}

impl State {
    fn new(inst: &Instance, open: Vec<usize>) -> Self {
        let mut slot = vec![NONE; inst.m];
        for (r, &s) in open.iter().enumerate() {
            slot[s] = r as u32;
        }
        let n = inst.n();
        let mut state = State {
            counts: inst.rules.counts(&open),
            open,
            slot,
            phi1: vec![NONE; n],
            d1: vec![f64::INFINITY; n],
            phi2: vec![NONE; n],
            d2: vec![f64::INFINITY; n],
        };
        for j in 0..n {
            state.refresh(inst, j);
        }
        state
    }

    /// Recomputes client `j`'s nearest two open sites, by (distance, index).
    fn refresh(&mut self, inst: &Instance, j: usize) {
        let row = inst.row(j);
        let mut found = [(f64::INFINITY, NONE); 2];
        for &s in &self.open {
            let key = (row[s], s as u32);
            if key < found[0] {
                found[1] = found[0];
                found[0] = key;
            } else if key < found[1] {
                found[1] = key;
            }
        }
        (self.d1[j], self.phi1[j]) = found[0];
        (self.d2[j], self.phi2[j]) = found[1];
    }

    /// The radius and how many clients are at it.
    fn radius(&self) -> (f64, usize) {
        let radius = self.d1.iter().copied().fold(0.0, f64::max);
        (radius, self.d1.iter().filter(|&&d| d == radius).count())
    }

    /// Replaces the site in slot `r` by `add`.
    fn swap(&mut self, inst: &Instance, r: usize, add: usize) {
        let out = self.open[r];
        self.open[r] = add;
        self.slot[out] = NONE;
        self.slot[add] = r as u32;
        if let Some(k) = inst.rules.kind[out] {
            *self.counts.get_mut(k) -= 1;
        }
        if let Some(k) = inst.rules.kind[add] {
            *self.counts.get_mut(k) += 1;
        }
        let (out, add32) = (out as u32, add as u32);
        for j in 0..inst.n() {
            if self.phi1[j] == out || self.phi2[j] == out {
                self.refresh(inst, j);
            } else {
                let key = (inst.row(j)[add], add32);
                if key < (self.d1[j], self.phi1[j]) {
                    (self.d2[j], self.phi2[j]) = (self.d1[j], self.phi1[j]);
                    (self.d1[j], self.phi1[j]) = key;
                } else if key < (self.d2[j], self.phi2[j]) {
                    (self.d2[j], self.phi2[j]) = key;
                }
            }
        }
    }
}
