//! The p-center's exact finish: whether some allowed set serves every client within a radius,
//! decided by branch-and-bound on the set cover, after the reduction rules of set covering
//! (Toregas & ReVelle 1973; the dominance rules that Elloumi, Labbé & Pochet 2004 and Contardo,
//! Iori & Kramer 2019 apply at each radius of the p-center).
//!
//! Reductions: a client whose sites include all of another client's sites is served whenever
//! the other is, so it is dropped; without quotas, a site whose remaining clients are all
//! clients of another site can be swapped for that one in any cover, so it is dropped too.
//! Search: the uncovered client with the fewest sites left is served by each of its sites in
//! turn (those that cover most first), and a site tried and failed is excluded from its
//! siblings' subtrees, since every cover holding it has been searched. A node is dropped when
//! the sites chosen plus a packing of the uncovered clients (no two sharing a site left, so
//! each needs its own) exceed the budget.

use super::{Cover, Deadline, Instance};
use crate::plan::Rules;

/// Nodes between two looks at the clock.
const CLOCK_EVERY: u64 = 1024;

/// What the exact search learnt about a radius.
pub(super) enum Verdict {
    /// These sites (fixed ones included) serve everyone, and quotas can still be met with at
    /// most p sites.
    Cover(Vec<usize>),
    /// No allowed set of p sites serves everyone.
    Impossible,
    /// The deadline came first.
    Unknown,
}

impl Instance<'_> {
    /// Decides exactly whether an allowed set serves every counted client within `radius`.
    pub(super) fn decide(&self, radius: f64, deadline: Deadline) -> Verdict {
        let cover = self.cover_lists(radius);
        let rules = self.rules;
        let open = rules.fixed_sites();
        let mut served = vec![false; self.n()];
        for &s in &open {
            for &j in cover.by_site.get(s) {
                served[j as usize] = true;
            }
        }
        let budget = self.p - open.len();
        let mut clients: Vec<usize> = (0..self.n()).filter(|&j| !served[j]).collect();
        if clients.is_empty() {
            return verdict_for(rules, self.p, open);
        }
        let mut sites: Vec<bool> = (0..self.m).map(|s| !rules.fixed[s]).collect();
        let quotas = rules.quota.0.iter().any(|&q| q > 0);
        // Reduce until nothing changes (each round only removes).
        loop {
            let before = (clients.len(), sites.iter().filter(|&&s| s).count());
            clients = undominated_clients(&cover, &clients, &sites);
            if !quotas {
                drop_dominated_sites(&cover, &clients, &mut sites);
            }
            if (clients.len(), sites.iter().filter(|&&s| s).count()) == before {
                break;
            }
        }
        let search = Search::new(&cover, &clients, &sites);
        let mut state = State {
            search: &search,
            times: vec![0; clients.len()],
            uncovered: clients.len(),
            excluded: vec![false; search.site_of.len()],
            chosen: Vec::new(),
            budget,
            rules,
            p: self.p,
            fixed: &open,
            nodes: 0,
            deadline,
            stamp: vec![0; search.site_of.len()],
            round: 0,
        };
        match state.search() {
            Some(true) => {
                let mut plan = open.clone();
                plan.extend(state.chosen.iter().map(|&t| search.site_of[t]));
                Verdict::Cover(plan)
            }
            Some(false) => Verdict::Impossible,
            None => Verdict::Unknown,
        }
    }
}

/// A cover `open` is allowed when the quotas can still be met within p sites.
fn verdict_for(rules: &Rules, p: usize, open: Vec<usize>) -> Verdict {
    if open.len() + rules.unmet(&rules.counts(&open)) <= p {
        Verdict::Cover(open)
    } else {
        Verdict::Impossible
    }
}

/// The clients of `clients` not dominated by another: j is dropped when some other client i
/// has all its sites (among `sites`) within j's; of clients with equal sites the first stays.
/// Such an i lies among the clients of i's rarest site, which every dominated j shares.
fn undominated_clients(cover: &Cover, clients: &[usize], sites: &[bool]) -> Vec<usize> {
    let live = |j: usize| -> Vec<u32> {
        cover
            .by_client
            .get(j)
            .iter()
            .copied()
            .filter(|&s| sites[s as usize])
            .collect()
    };
    let lists: Vec<Vec<u32>> = clients.iter().map(|&j| live(j)).collect();
    let mut position = vec![usize::MAX; cover.by_client.len()];
    for (k, &j) in clients.iter().enumerate() {
        position[j] = k;
    }
    let mut dropped = vec![false; clients.len()];
    for (k, own) in lists.iter().enumerate() {
        if dropped[k] {
            continue;
        }
        let Some(&rarest) = own
            .iter()
            .min_by_key(|&&s| cover.by_site.get(s as usize).len())
        else {
            continue;
        };
        for &j in cover.by_site.get(rarest as usize) {
            let other = position[j as usize];
            if other == usize::MAX || other == k || dropped[other] {
                continue;
            }
            let equal = lists[other].len() == own.len();
            // Equal lists: only the later client goes, so one of them stays.
            if (!equal || other > k) && is_subset(own, &lists[other]) {
                dropped[other] = true;
            }
        }
    }
    clients
        .iter()
        .zip(&dropped)
        .filter(|&(_, &d)| !d)
        .map(|(&j, _)| j)
        .collect()
}

/// Clears the sites of `sites` dominated by another: a site whose clients (among `clients`)
/// all belong to another live site; of sites with equal clients the lowest index stays. A site
/// serving none of `clients` goes too.
fn drop_dominated_sites(cover: &Cover, clients: &[usize], sites: &mut [bool]) {
    let mut counted = vec![false; cover.by_client.len()];
    for &j in clients {
        counted[j] = true;
    }
    let lists: Vec<Vec<u32>> = (0..sites.len())
        .map(|s| {
            if !sites[s] {
                return Vec::new();
            }
            cover
                .by_site
                .get(s)
                .iter()
                .copied()
                .filter(|&j| counted[j as usize])
                .collect()
        })
        .collect();
    for s in 0..sites.len() {
        if !sites[s] {
            continue;
        }
        let own = &lists[s];
        let Some(&rarest) = own
            .iter()
            .min_by_key(|&&j| cover.by_client.get(j as usize).len())
        else {
            sites[s] = false;
            continue;
        };
        let dominated = cover.by_client.get(rarest as usize).iter().any(|&t| {
            let t = t as usize;
            t != s
                && sites[t]
                && (lists[t].len() > own.len() || (lists[t].len() == own.len() && t < s))
                && is_subset(own, &lists[t])
        });
        if dominated {
            sites[s] = false;
        }
    }
}

/// Is sorted `a` within sorted `b`?
fn is_subset(a: &[u32], b: &[u32]) -> bool {
    let mut rest = b.iter();
    a.iter().all(|x| rest.by_ref().any(|y| y == x))
}

/// The reduced set cover, renumbered: clients `0..n`, sites `0..m`.
struct Search {
    /// Sites of each client, and clients of each site.
    sites_of: Vec<Vec<u32>>,
    clients_of: Vec<Vec<u32>>,
    /// Original index of each site.
    site_of: Vec<usize>,
}

impl Search {
    fn new(cover: &Cover, clients: &[usize], sites: &[bool]) -> Self {
        let site_of: Vec<usize> = (0..sites.len()).filter(|&s| sites[s]).collect();
        let mut number = vec![u32::MAX; sites.len()];
        for (t, &s) in site_of.iter().enumerate() {
            number[s] = t as u32;
        }
        let sites_of: Vec<Vec<u32>> = clients
            .iter()
            .map(|&j| {
                cover
                    .by_client
                    .get(j)
                    .iter()
                    .map(|&s| number[s as usize])
                    .filter(|&t| t != u32::MAX)
                    .collect()
            })
            .collect();
        let mut clients_of = vec![Vec::new(); site_of.len()];
        for (c, list) in sites_of.iter().enumerate() {
            for &t in list {
                clients_of[t as usize].push(c as u32);
            }
        }
        Search {
            sites_of,
            clients_of,
            site_of,
        }
    }
}

/// The depth-first search's state.
struct State<'a> {
    search: &'a Search,
    /// Chosen sites covering each client.
    times: Vec<u32>,
    uncovered: usize,
    excluded: Vec<bool>,
    chosen: Vec<usize>,
    budget: usize,
    rules: &'a Rules,
    p: usize,
    fixed: &'a [usize],
    nodes: u64,
    deadline: Deadline,
    /// Sites taken by the current packing (`stamp == round`), without clearing between nodes.
    stamp: Vec<u64>,
    round: u64,
}

impl State<'_> {
    /// `Some(true)`: `chosen` completes a cover; `Some(false)`: none exists below this node;
    /// `None`: out of time.
    fn search(&mut self) -> Option<bool> {
        self.nodes += 1;
        if self.nodes.is_multiple_of(CLOCK_EVERY) && self.deadline.expired() {
            return None;
        }
        if self.uncovered == 0 {
            let mut open = self.fixed.to_vec();
            open.extend(self.chosen.iter().map(|&t| self.search.site_of[t]));
            return Some(open.len() + self.rules.unmet(&self.rules.counts(&open)) <= self.p);
        }
        if self.chosen.len() + self.packing() > self.budget {
            return Some(false);
        }
        let search = self.search;
        // The uncovered client with the fewest sites left (ties: lowest index).
        let Some(client) = (0..self.times.len())
            .filter(|&c| self.times[c] == 0)
            .min_by_key(|&c| (self.left(c), c))
        else {
            return Some(false);
        };
        let mut options: Vec<(usize, usize)> = search.sites_of[client]
            .iter()
            .map(|&t| t as usize)
            .filter(|&t| !self.excluded[t])
            .map(|t| (self.gain(t), t))
            .collect();
        options.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut tried = Vec::new();
        let mut found = Some(false);
        for (_, t) in options {
            self.choose(t, true);
            let below = self.search();
            if below != Some(false) {
                if below.is_none() {
                    self.choose(t, false);
                }
                found = below;
                break;
            }
            self.choose(t, false);
            self.excluded[t] = true;
            tried.push(t);
        }
        for t in tried {
            self.excluded[t] = false;
        }
        found
    }

    /// Sites of client `c` not excluded.
    fn left(&self, c: usize) -> usize {
        self.search.sites_of[c]
            .iter()
            .filter(|&&t| !self.excluded[t as usize])
            .count()
    }

    /// Uncovered clients site `t` would cover.
    fn gain(&self, t: usize) -> usize {
        self.search.clients_of[t]
            .iter()
            .filter(|&&c| self.times[c as usize] == 0)
            .count()
    }

    /// Opens (`open`) or closes site `t`.
    fn choose(&mut self, t: usize, open: bool) {
        for &c in &self.search.clients_of[t] {
            let c = c as usize;
            if open {
                if self.times[c] == 0 {
                    self.uncovered -= 1;
                }
                self.times[c] += 1;
            } else {
                self.times[c] -= 1;
                if self.times[c] == 0 {
                    self.uncovered += 1;
                }
            }
        }
        if open {
            self.chosen.push(t);
        } else {
            self.chosen.pop();
        }
    }

    /// A lower bound on the sites still needed: uncovered clients, fewest sites first, no two
    /// of which share a site that is not excluded.
    fn packing(&mut self) -> usize {
        self.round += 1;
        let mut order: Vec<(usize, usize)> = (0..self.times.len())
            .filter(|&c| self.times[c] == 0)
            .map(|c| (self.left(c), c))
            .collect();
        order.sort_unstable();
        let mut packed = 0;
        for (left, c) in order {
            if left == 0 {
                // A client no site can serve: nothing below this node works.
                return usize::MAX / 2;
            }
            let sites = &self.search.sites_of[c];
            let free = |t: &&u32| !self.excluded[**t as usize];
            if sites
                .iter()
                .filter(free)
                .all(|&t| self.stamp[t as usize] != self.round)
            {
                for &t in sites.iter().filter(free) {
                    self.stamp[t as usize] = self.round;
                }
                packed += 1;
            }
        }
        packed
    }
}
