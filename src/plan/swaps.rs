//! Incremental swap evaluation for MCLP (Resende & Werneck 2007, "A fast swap-based local search
//! procedure for location problems", adapted from distances to coverage).
//!
//! For every closed site j, `gain[j]` is the weight it would newly cover; for every open site o,
//! `loss[o]` is the weight only o covers; and `extra[o][j]` is the part of `loss[o]` that j also
//! covers. Swapping o out and j in then changes the covered weight by
//! `gain[j] − loss[o] + extra[o][j]`, so one pass over the p × m table prices every swap. Opening or
//! closing a site updates only the entries of the classes it covers (and the sites covering
//! those), instead of rescanning every coverage list.

use super::{Coverage, Rules};
use rayon::prelude::*;

const NONE: u32 = u32::MAX;

/// Open sites and the three tables above.
#[derive(Clone)]
pub(super) struct Swaps<'a> {
    coverage: &'a Coverage,
    weight: &'a [f64],
    sites: usize,
    /// Open sites covering each class, and the sum of their indices (which names the one open
    /// site when the count is 1).
    count: Vec<u32>,
    sum: Vec<u64>,
    /// Slot of each open site in `loss` and `extra`, `NONE` when closed.
    slot_of: Vec<u32>,
    /// Site in each slot, `None` for a free slot.
    in_slot: Vec<Option<usize>>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    /// Slot-major: `extra[k * sites + j]`.
    extra: Vec<f64>,
    /// Open sites in opening order.
    pub open: Vec<usize>,
    /// Work done so far, in table entries touched (a deterministic clock for budgets).
    pub work: u64,
}

impl<'a> Swaps<'a> {
    /// No site open, room for `p`.
    pub fn new(coverage: &'a Coverage, weight: &'a [f64], sites: usize, p: usize) -> Self {
        let gain = (0..sites)
            .map(|j| {
                coverage
                    .by_site
                    .get(j)
                    .iter()
                    .map(|&c| weight[c as usize])
                    .sum()
            })
            .collect();
        Swaps {
            coverage,
            weight,
            sites,
            count: vec![0; weight.len()],
            sum: vec![0; weight.len()],
            slot_of: vec![NONE; sites],
            in_slot: vec![None; p],
            gain,
            loss: vec![0.0; p],
            extra: vec![0.0; p * sites],
            open: Vec::with_capacity(p),
            work: coverage.by_site.len() as u64,
        }
    }

    /// True when `s` is open.
    pub fn is_open(&self, s: usize) -> bool {
        self.slot_of[s] != NONE
    }

    /// Adds `w` to the extra row of `slot` for every site covering class `c`.
    fn credit(&mut self, slot: usize, c: usize, w: f64) {
        let row = &mut self.extra[slot * self.sites..(slot + 1) * self.sites];
        for &j in self.coverage.by_client.get(c) {
            row[j as usize] += w;
        }
        self.work += self.coverage.by_client.get(c).len() as u64;
    }

    /// Opens `s` in a free slot.
    pub fn open(&mut self, s: usize) {
        let slot = self
            .in_slot
            .iter()
            .position(Option::is_none)
            .expect("a free slot: at most p sites open");
        self.in_slot[slot] = Some(s);
        self.slot_of[s] = slot as u32;
        self.open.push(s);
        for &c in self.coverage.by_site.get(s) {
            let c = c as usize;
            let w = self.weight[c];
            match self.count[c] {
                0 => {
                    for &j in self.coverage.by_client.get(c) {
                        self.gain[j as usize] -= w;
                    }
                    self.loss[slot] += w;
                    self.credit(slot, c, w);
                }
                1 => {
                    let other = self.slot_of[self.sum[c] as usize] as usize;
                    self.loss[other] -= w;
                    self.credit(other, c, -w);
                }
                _ => {}
            }
            self.count[c] += 1;
            self.sum[c] += s as u64;
        }
    }

    /// Closes the open site `s`.
    pub fn close(&mut self, s: usize) {
        let slot = self.slot_of[s] as usize;
        for &c in self.coverage.by_site.get(s) {
            let c = c as usize;
            let w = self.weight[c];
            self.count[c] -= 1;
            self.sum[c] -= s as u64;
            match self.count[c] {
                0 => {
                    for &j in self.coverage.by_client.get(c) {
                        self.gain[j as usize] += w;
                    }
                }
                1 => {
                    let other = self.slot_of[self.sum[c] as usize] as usize;
                    self.loss[other] += w;
                    self.credit(other, c, w);
                }
                _ => {}
            }
        }
        // Everything the slot held was this site's alone; clear it exactly rather than trust
        // the floating-point subtractions to reach zero.
        self.loss[slot] = 0.0;
        self.extra[slot * self.sites..(slot + 1) * self.sites].fill(0.0);
        self.in_slot[slot] = None;
        self.slot_of[s] = NONE;
        self.open.retain(|&o| o != s);
    }

    /// The weight `j` would newly cover (meaningful for closed sites).
    pub fn gain(&self, j: usize) -> f64 {
        self.gain[j]
    }

    /// The best swap `(delta, close, open)` allowed by `rules`, ties to the lowest (close, open)
    /// pair in slot-then-site order. `None` when no swap is allowed.
    ///
    /// For each open site the loss is a constant, so the best partner is the closed site with the
    /// largest `gain + extra`; open sites are masked once with −∞ so the scan is a plain maximum.
    pub fn best_swap(&mut self, rules: &Rules) -> Option<(f64, usize, usize)> {
        let counts = rules.counts(&self.open);
        let masked: Vec<f64> = (0..self.sites)
            .map(|j| {
                if self.slot_of[j] == NONE {
                    self.gain[j]
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect();
        // Rows are independent: price them in parallel, then keep the largest delta, ties to the
        // lowest slot, exactly as a serial scan would.
        let best = self
            .in_slot
            .par_iter()
            .enumerate()
            .filter_map(|(k, site)| {
                let o = (*site)?;
                if rules.fixed[o] {
                    return None;
                }
                // Closing `o` is free unless its kind sits at its quota; then only a site of the
                // same kind may replace it.
                let same_kind_only =
                    rules.kind[o].filter(|&kind| counts.get(kind) <= rules.quota.get(kind));
                let row = &self.extra[k * self.sites..(k + 1) * self.sites];
                let mut row_best: Option<(f64, usize)> = None;
                for (j, (&extra, &gain)) in row.iter().zip(&masked).enumerate() {
                    let value = gain + extra;
                    if row_best.is_none_or(|(v, _)| value > v)
                        && value > f64::NEG_INFINITY
                        && same_kind_only.is_none_or(|kind| rules.kind[j] == Some(kind))
                    {
                        row_best = Some((value, j));
                    }
                }
                row_best.map(|(value, j)| (value - self.loss[k], k, o, j))
            })
            .reduce_with(|a, b| {
                if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) {
                    b
                } else {
                    a
                }
            })
            .map(|(delta, _, o, j)| (delta, o, j));
        self.work += (self.in_slot.len() * self.sites) as u64;
        best
    }

    /// The covered weight, summed afresh in class order.
    pub fn covered_weight(&self) -> f64 {
        self.count
            .iter()
            .zip(self.weight)
            .filter(|(n, _)| **n > 0)
            .map(|(_, w)| w)
            .sum()
    }
}
