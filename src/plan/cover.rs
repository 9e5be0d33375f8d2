//! Which clients the open sites cover, kept incrementally, and the lazy greedy that builds on it
//! (shared by MCLP and LSCP).

use super::{Coverage, Problem};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Open sites and, per client, how many open sites cover it and the sum of their indices (so
/// that when exactly one covers it, the sum names that one without a search).
pub(super) struct Cover<'a> {
    pub coverage: &'a Coverage,
    pub weight: &'a [f64],
    pub count: Vec<u32>,
    pub sum: Vec<u64>,
    pub is_open: Vec<bool>,
    pub open: Vec<usize>,
    /// Weight of clients with at least one open site, kept as sites open and close.
    covered: f64,
}

impl<'a> Cover<'a> {
    pub fn new(coverage: &'a Coverage, weight: &'a [f64], sites: usize) -> Self {
        Cover {
            coverage,
            weight,
            count: vec![0; weight.len()],
            sum: vec![0; weight.len()],
            is_open: vec![false; sites],
            open: Vec::new(),
            covered: 0.0,
        }
    }

    pub fn add(&mut self, s: usize) {
        for &c in self.coverage.by_site.get(s) {
            if self.count[c as usize] == 0 {
                self.covered += self.weight[c as usize];
            }
            self.count[c as usize] += 1;
            self.sum[c as usize] += s as u64;
        }
        self.is_open[s] = true;
        self.open.push(s);
    }

    pub fn remove(&mut self, s: usize) {
        for &c in self.coverage.by_site.get(s) {
            self.count[c as usize] -= 1;
            if self.count[c as usize] == 0 {
                self.covered -= self.weight[c as usize];
            }
            self.sum[c as usize] -= s as u64;
        }
        self.is_open[s] = false;
        self.open.retain(|&o| o != s);
    }

    /// Weight newly covered by opening `s`.
    pub fn gain(&self, s: usize) -> f64 {
        self.coverage
            .by_site
            .get(s)
            .iter()
            .filter(|&&c| self.count[c as usize] == 0)
            .map(|&c| self.weight[c as usize])
            .sum()
    }

    /// Weight that only `s` covers.
    pub fn loss(&self, s: usize) -> f64 {
        self.coverage
            .by_site
            .get(s)
            .iter()
            .filter(|&&c| self.count[c as usize] == 1)
            .map(|&c| self.weight[c as usize])
            .sum()
    }

    /// Covered weight, kept incrementally (for stopping rules during the search).
    pub fn covered_weight(&self) -> f64 {
        self.covered
    }
}

/// A heap entry: a (possibly stale) gain, larger first, then the lower site index.
#[derive(PartialEq)]
struct Candidate {
    gain: f64,
    site: usize,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.site.cmp(&self.site))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Opens sites by lazy greedy until `p` are open or `done` says so: gains only shrink as sites
/// open, so a stale gain is an upper bound and only the heap's top needs recomputing (Minoux 1978).
pub(super) fn greedy_fill(
    problem: &Problem,
    cover: &mut Cover,
    p: usize,
    done: impl Fn(&Cover) -> bool,
) {
    let rules = &problem.rules;
    let mut heap: BinaryHeap<Candidate> = (0..problem.site_count())
        .filter(|&s| !cover.is_open[s])
        .map(|s| Candidate {
            gain: cover.gain(s),
            site: s,
        })
        .collect();
    let mut counts = rules.counts(&cover.open);
    let mut set_aside = Vec::new();
    while cover.open.len() < p && !done(cover) {
        let Some(top) = heap.pop() else { break };
        if !rules.may_add(top.site, &counts, p - cover.open.len()) {
            set_aside.push(top);
            continue;
        }
        let fresh = Candidate {
            gain: cover.gain(top.site),
            site: top.site,
        };
        if heap.peek().is_none_or(|next| fresh >= *next) {
            cover.add(fresh.site);
            counts = rules.counts(&cover.open);
            heap.extend(set_aside.drain(..));
        } else {
            heap.push(fresh);
        }
    }
}
