//! Dijkstra's searches over one direction of the graph: a bounded search from a few seeds that
//! reports every vertex it settles, and a multi-source search that keeps each vertex's k nearest
//! sources. Ties are broken by source, then vertex, so results never depend on heap order.

use super::graph::Adjacency;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A heap entry, ordered so that `BinaryHeap` pops the least cost first.
#[derive(Debug, Clone, Copy)]
struct Entry {
    cost: f64,
    source: u32,
    vertex: u32,
    /// Metres along the way so far (carried, not ordered by).
    metres: f64,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then(other.source.cmp(&self.source))
            .then(other.vertex.cmp(&self.vertex))
    }
}

/// Buffers of one search, reused from search to search (one per worker thread).
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    cost: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl Scratch {
    /// Lowers `v`'s cost to `c` and queues it, when `c` is within `bound` and an improvement.
    fn offer(&mut self, v: u32, c: f64, bound: f64) {
        let known = &mut self.cost[v as usize];
        if c <= bound && c < *known {
            if known.is_infinite() {
                self.touched.push(v);
            }
            *known = c;
            self.heap.push(Entry {
                cost: c,
                source: 0,
                vertex: v,
                metres: 0.0,
            });
        }
    }

    fn reset(&mut self, n: usize) {
        if self.cost.len() == n {
            for &v in &self.touched {
                self.cost[v as usize] = f64::INFINITY;
            }
        } else {
            // Another graph: start afresh.
            self.cost = vec![f64::INFINITY; n];
        }
        self.touched.clear();
        self.heap.clear();
    }
}

/// Settles every vertex whose cost from the seeds (`(vertex, starting cost)`) is at most
/// `bound`, calling `settle(vertex, cost)` in increasing order of cost.
pub(super) fn bounded(
    arcs: &Adjacency,
    n: usize,
    seeds: &[(u32, f64)],
    bound: f64,
    scratch: &mut Scratch,
    mut settle: impl FnMut(u32, f64),
) {
    scratch.reset(n);
    for &(v, c) in seeds {
        scratch.offer(v, c, bound);
    }
    while let Some(Entry { cost, vertex, .. }) = scratch.heap.pop() {
        if cost > scratch.cost[vertex as usize] {
            continue;
        }
        settle(vertex, cost);
        for (w, c) in arcs.of(vertex) {
            scratch.offer(w, cost + c, bound);
        }
    }
}

/// The `k` nearest distinct sources of every vertex, in compressed form.
#[derive(Debug, Clone)]
pub(super) struct Labels {
    k: usize,
    count: Vec<u32>,
    source: Vec<u32>,
    cost: Vec<f64>,
    metres: Vec<f64>,
}

impl Labels {
    /// `(source, cost, metres of that way)` of vertex `v`, nearest first (ties: lower source).
    pub(super) fn of(&self, v: u32) -> impl Iterator<Item = (u32, f64, f64)> + '_ {
        let start = v as usize * self.k;
        (start..start + self.count[v as usize] as usize)
            .map(|i| (self.source[i], self.cost[i], self.metres[i]))
    }
}

/// Multi-source search keeping up to `k` labels per vertex: each vertex's `k` nearest sources,
/// given seeds `(vertex, starting cost, source, starting metres)`. Each label also carries the
/// length of its way, so that a search by time can report how far the fastest way is.
///
/// A source among a vertex's k nearest is among the k nearest of every vertex on the way (else
/// k other sources would be nearer to the first one too), so each label extends a final label.
pub(super) fn nearest_sources(
    arcs: &Adjacency,
    n: usize,
    seeds: &[(u32, f64, u32, f64)],
    k: usize,
) -> Labels {
    let mut labels = Labels {
        k,
        count: vec![0; n],
        source: vec![0; n * k],
        cost: vec![0.0; n * k],
        metres: vec![0.0; n * k],
    };
    let mut heap: BinaryHeap<Entry> = seeds
        .iter()
        .map(|&(vertex, cost, source, metres)| Entry {
            cost,
            source,
            vertex,
            metres,
        })
        .collect();
    while let Some(Entry {
        cost,
        source,
        vertex,
        metres,
    }) = heap.pop()
    {
        let v = vertex as usize;
        let have = labels.count[v] as usize;
        if have == k || labels.source[v * k..v * k + have].contains(&source) {
            continue;
        }
        labels.source[v * k + have] = source;
        labels.cost[v * k + have] = cost;
        labels.metres[v * k + have] = metres;
        labels.count[v] += 1;
        for (w, c, m) in arcs.of_with_length(vertex) {
            if (labels.count[w as usize] as usize) < k {
                heap.push(Entry {
                    cost: cost + c,
                    source,
                    vertex: w,
                    metres: metres + m,
                });
            }
        }
    }
    labels
}
