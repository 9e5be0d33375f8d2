//! Min-cost transportation from demand clients to centres with lower and upper loads: successive
//! shortest paths with potentials (Ahuja, Magnanti & Orlin 1993, ch. 9) on a graph condensed to the
//! centres.
//!
//! The network is source → client (its weight) → centre (cost per unit: distance) → sink, where the
//! centre → sink arc carries between `lower` and `upper`. The lower bound is removed the standard way
//! (the centre demands `lower`, the arc keeps `upper − lower`). We start from the pseudo-flow that
//! sends every client to its cheapest arc: reduced costs are then non-negative with zero potentials,
//! and only the centres' excesses and deficits (and the sink's) remain to be routed.
//!
//! Every residual path between centres passes a client: A → c (undo some of c's flow at A) → B
//! (send it to B) costs `cost(c, B) − cost(c, A)`. So the residual graph condenses to the centres
//! plus the sink, and the cheapest edge A → B is the top of a heap of such differences over the
//! clients with flow at A (stale entries are dropped lazily). With a few hundred centres a dense
//! Dijkstra over that graph is cheap, however many clients there are.
//!
//! Amounts are `f64`: every augmentation moves the bottleneck amount, so the bottleneck quantity
//! becomes exactly zero and integral data stay integral (the result is then exact). With
//! fractional weights the only rounding is in sums; amounts below `1e-12` of the total weight are
//! treated as zero.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A transportation instance: clients with supplies, each with arcs to some centres.
#[derive(Debug, Clone, Copy)]
pub struct Network<'a> {
    /// Weight each client must send.
    pub supply: &'a [f64],
    /// CSR offsets into `centre` and `cost` (length: clients + 1); each client's arcs sorted by
    /// cost, then centre.
    pub offsets: &'a [usize],
    /// Centre of each arc.
    pub centre: &'a [u32],
    /// Cost per unit of weight of each arc.
    pub cost: &'a [f64],
    /// Least load of each centre.
    pub lower: &'a [f64],
    /// Greatest load of each centre (may be infinite).
    pub upper: &'a [f64],
}

/// An optimal flow of a [`Network`] (optimal over the arcs given), with the potentials that prove it.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// Weight on each arc.
    pub flow: Vec<f64>,
    /// Centre potentials `p`: every client's flow sits on arcs minimising `cost − p[centre]`, and
    /// an arc to centre B with `cost(c, B) − p[B]` below that minimum would be a cheaper move.
    pub potential: Vec<f64>,
    /// Per centre, load above `upper` that no residual path could move (0 when feasible).
    pub excess: Vec<f64>,
    /// Per centre, load missing below `lower` that no residual path could bring (0 when feasible).
    pub shortfall: Vec<f64>,
    /// Supply of clients without any arc.
    pub stranded: f64,
    /// Number of augmenting paths.
    pub augmentations: usize,
}

/// A condensed edge A → B: undo flow on arc `from` (client c at A), send it on arc `to` (c to B).
#[derive(Debug, Clone, Copy)]
struct Move {
    key: f64,
    from: u32,
    to: u32,
}

impl PartialEq for Move {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Move {}
impl PartialOrd for Move {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Move {
    // Reversed: BinaryHeap is a max-heap and we want the cheapest move, ties to the lower arc.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .key
            .total_cmp(&self.key)
            .then(other.to.cmp(&self.to))
            .then(other.from.cmp(&self.from))
    }
}

/// How Dijkstra reached a node.
#[derive(Debug, Clone, Copy)]
enum Via {
    Source,
    /// From centre A over a client move.
    Move(usize, Move),
    /// From a centre to the sink.
    ToSink(usize),
    /// From the sink back to a centre (less of its load goes on to the sink).
    FromSink,
}

/// Solves the transportation problem by successive shortest paths.
pub fn solve(net: &Network) -> Flow {
    Solver::new(net).run()
}

struct Solver<'a> {
    net: &'a Network<'a>,
    m: usize,
    flow: Vec<f64>,
    /// Flow on centre → sink beyond the lower bound.
    to_sink: Vec<f64>,
    /// Imbalance per node (centres, then the sink): positive excess, negative deficit.
    imbalance: Vec<f64>,
    potential: Vec<f64>,
    /// `heaps[a * m + b]`: moves from centre a to centre b.
    heaps: Vec<BinaryHeap<Move>>,
    client_of: Vec<u32>,
    tol: f64,
    stranded: f64,
}

impl<'a> Solver<'a> {
    fn new(net: &'a Network<'a>) -> Self {
        let m = net.lower.len();
        let clients = net.supply.len();
        let mut flow = vec![0.0; net.centre.len()];
        let mut client_of = vec![0u32; net.centre.len()];
        let mut load = vec![0.0; m];
        let mut stranded = 0.0;
        for c in 0..clients {
            let arcs = net.offsets[c]..net.offsets[c + 1];
            for a in arcs.clone() {
                client_of[a] = c as u32;
            }
            if arcs.is_empty() {
                stranded += net.supply[c];
            } else if net.supply[c] > 0.0 {
                flow[arcs.start] = net.supply[c];
                load[net.centre[arcs.start] as usize] += net.supply[c];
            }
        }
        let total: f64 = net.supply.iter().sum();
        let mut imbalance = vec![0.0; m + 1];
        let mut to_sink = vec![0.0; m];
        for b in 0..m {
            let (l, u) = (net.lower[b], net.upper[b]);
            to_sink[b] = (load[b] - l).max(0.0).min(u - l);
            imbalance[b] = load[b] - l - to_sink[b];
        }
        // The sink must receive everything routed minus the lower bounds it no longer sees.
        let routed = total - stranded;
        let lower_sum: f64 = net.lower.iter().sum();
        imbalance[m] = to_sink.iter().sum::<f64>() - (routed - lower_sum);
        let mut solver = Solver {
            net,
            m,
            flow,
            to_sink,
            imbalance,
            potential: vec![0.0; m + 1],
            heaps: vec![BinaryHeap::new(); m * m],
            client_of,
            tol: 1e-12 * total.max(1.0),
            stranded,
        };
        let mut buckets: Vec<Vec<Move>> = vec![Vec::new(); m * m];
        for a in 0..solver.flow.len() {
            if solver.flow[a] > 0.0 {
                solver.moves_from(a, |i, mv| buckets[i].push(mv));
            }
        }
        solver.heaps = buckets.into_iter().map(BinaryHeap::from).collect();
        solver
    }

    /// Calls `push(heap, move)` for every move of arc `a`'s flow to another arc of its client.
    fn moves_from(&self, a: usize, mut push: impl FnMut(usize, Move)) {
        let net = self.net;
        let c = self.client_of[a] as usize;
        let from = net.centre[a] as usize;
        for b in net.offsets[c]..net.offsets[c + 1] {
            if b != a {
                let mv = Move {
                    key: net.cost[b] - net.cost[a],
                    from: a as u32,
                    to: b as u32,
                };
                push(from * self.m + net.centre[b] as usize, mv);
            }
        }
    }

    /// The cheapest live move from centre a to centre b, dropping stale ones.
    fn best_move(&mut self, a: usize, b: usize) -> Option<Move> {
        let heap = &mut self.heaps[a * self.m + b];
        while let Some(top) = heap.peek() {
            if self.flow[top.from as usize] > 0.0 {
                return Some(*top);
            }
            heap.pop();
        }
        None
    }

    fn run(mut self) -> Flow {
        let m = self.m;
        let sink = m;
        let mut augmentations = 0;
        let mut dist = vec![f64::INFINITY; m + 1];
        let mut done = vec![false; m + 1];
        let mut via = vec![Via::Source; m + 1];
        loop {
            dist.fill(f64::INFINITY);
            done.fill(false);
            let mut any_source = false;
            for v in 0..=m {
                if self.imbalance[v] > self.tol {
                    dist[v] = 0.0;
                    via[v] = Via::Source;
                    any_source = true;
                }
            }
            if !any_source {
                break;
            }
            // Dense Dijkstra: the condensed graph is complete, so a scan beats a heap.
            let mut target = None;
            loop {
                let mut u = None;
                for v in 0..=m {
                    if !done[v] && dist[v].is_finite() && u.is_none_or(|u: usize| dist[v] < dist[u])
                    {
                        u = Some(v);
                    }
                }
                let Some(u) = u else { break };
                done[u] = true;
                if self.imbalance[u] < -self.tol {
                    target = Some(u);
                    break;
                }
                let pu = self.potential[u];
                if u == sink {
                    for b in 0..m {
                        if !done[b] && self.to_sink[b] > 0.0 {
                            let nd = dist[u] + (pu - self.potential[b]).max(0.0);
                            if nd < dist[b] {
                                dist[b] = nd;
                                via[b] = Via::FromSink;
                            }
                        }
                    }
                    continue;
                }
                if !done[sink] && self.to_sink[u] < self.net.upper[u] - self.net.lower[u] {
                    let nd = dist[u] + (pu - self.potential[sink]).max(0.0);
                    if nd < dist[sink] {
                        dist[sink] = nd;
                        via[sink] = Via::ToSink(u);
                    }
                }
                for b in 0..m {
                    if done[b] || b == u {
                        continue;
                    }
                    if let Some(mv) = self.best_move(u, b) {
                        let nd = dist[u] + (mv.key + pu - self.potential[b]).max(0.0);
                        if nd < dist[b] {
                            dist[b] = nd;
                            via[b] = Via::Move(u, mv);
                        }
                    }
                }
            }
            let Some(target) = target else { break };
            // Potentials: p += min(dist, dist[target]) keeps every reduced cost non-negative.
            let reach = dist[target];
            for (p, d) in self.potential.iter_mut().zip(&dist) {
                *p += d.min(reach);
            }
            self.augment(target, &via);
            augmentations += 1;
        }
        let excess = (0..m).map(|b| self.imbalance[b].max(0.0)).collect();
        let shortfall = (0..m).map(|b| (-self.imbalance[b]).max(0.0)).collect();
        let p_sink = self.potential[sink];
        Flow {
            flow: self.flow,
            // Relative to the sink, so that a centre with spare room has potential 0.
            potential: self.potential[..m].iter().map(|p| p - p_sink).collect(),
            excess,
            shortfall,
            stranded: self.stranded,
            augmentations,
        }
    }

    /// Sends the bottleneck amount along the path Dijkstra found to `target`.
    fn augment(&mut self, target: usize, via: &[Via]) {
        let sink = self.m;
        let mut amount = -self.imbalance[target];
        let mut v = target;
        loop {
            match via[v] {
                Via::Source => {
                    amount = amount.min(self.imbalance[v]);
                    break;
                }
                Via::Move(a, mv) => {
                    amount = amount.min(self.flow[mv.from as usize]);
                    v = a;
                }
                Via::ToSink(a) => {
                    amount = amount.min(self.net.upper[a] - self.net.lower[a] - self.to_sink[a]);
                    v = a;
                }
                Via::FromSink => {
                    amount = amount.min(self.to_sink[v]);
                    v = sink;
                }
            }
        }
        let source = v;
        self.imbalance[source] -= amount;
        self.imbalance[target] += amount;
        let mut v = target;
        loop {
            match via[v] {
                Via::Source => break,
                Via::Move(a, mv) => {
                    self.flow[mv.from as usize] -= amount;
                    let to = mv.to as usize;
                    let was_empty = self.flow[to] == 0.0;
                    self.flow[to] += amount;
                    if was_empty {
                        let mut fresh = Vec::new();
                        self.moves_from(to, |i, mv| fresh.push((i, mv)));
                        for (i, mv) in fresh {
                            self.heaps[i].push(mv);
                        }
                    }
                    v = a;
                }
                Via::ToSink(a) => {
                    self.to_sink[a] += amount;
                    v = a;
                }
                Via::FromSink => {
                    self.to_sink[v] -= amount;
                    v = sink;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dense instance: `cost[c][b]` for every client and centre.
    pub(crate) struct Dense {
        pub supply: Vec<f64>,
        pub cost: Vec<Vec<f64>>,
        pub lower: Vec<f64>,
        pub upper: Vec<f64>,
    }

    impl Dense {
        fn solve(&self) -> (f64, Flow, Vec<usize>, Vec<u32>, Vec<f64>) {
            let mut offsets = vec![0];
            let (mut centre, mut cost) = (Vec::new(), Vec::new());
            for row in &self.cost {
                let mut arcs: Vec<(u32, f64)> = row
                    .iter()
                    .enumerate()
                    .map(|(b, &d)| (b as u32, d))
                    .collect();
                arcs.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
                centre.extend(arcs.iter().map(|a| a.0));
                cost.extend(arcs.iter().map(|a| a.1));
                offsets.push(centre.len());
            }
            let flow = solve(&Network {
                supply: &self.supply,
                offsets: &offsets,
                centre: &centre,
                cost: &cost,
                lower: &self.lower,
                upper: &self.upper,
            });
            let total = flow.flow.iter().zip(&cost).map(|(f, c)| f * c).sum();
            (total, flow, offsets, centre, cost)
        }

        /// Smallest cost over every integral assignment (integral supplies and bounds).
        fn brute_force(&self) -> Option<f64> {
            let mut best: Option<f64> = None;
            let mut load = vec![0.0; self.lower.len()];
            let first = self.supply.first().map_or(0, |&w| w as usize);
            self.enumerate(0, 0, first, &mut load, 0.0, &mut best);
            best
        }

        /// Puts 0..=`left` of client `c`'s supply on centre `b`, the rest on later centres.
        fn enumerate(
            &self,
            c: usize,
            b: usize,
            left: usize,
            load: &mut [f64],
            cost: f64,
            best: &mut Option<f64>,
        ) {
            if c == self.supply.len() {
                let ok = load
                    .iter()
                    .zip(self.lower.iter().zip(&self.upper))
                    .all(|(x, (l, u))| x >= l && x <= u);
                if ok && best.is_none_or(|b| cost < b) {
                    *best = Some(cost);
                }
                return;
            }
            let last = b + 1 == load.len();
            let range = if last { left..=left } else { 0..=left };
            for x in range {
                load[b] += x as f64;
                let cost = cost + x as f64 * self.cost[c][b];
                if last {
                    let next = self.supply.get(c + 1).map_or(0, |&w| w as usize);
                    self.enumerate(c + 1, 0, next, load, cost, best);
                } else {
                    self.enumerate(c, b + 1, left - x, load, cost, best);
                }
                load[b] -= x as f64;
            }
        }
    }

    fn check_feasible_and_dual(d: &Dense) -> f64 {
        let (total, flow, offsets, centre, cost) = d.solve();
        let m = d.lower.len();
        let mut load = vec![0.0; m];
        for c in 0..d.supply.len() {
            let arcs = offsets[c]..offsets[c + 1];
            let sent: f64 = flow.flow[arcs.clone()].iter().sum();
            assert!((sent - d.supply[c]).abs() < 1e-9, "client {c} sends {sent}");
            // Dual check: the client's flow is on arcs minimising cost − potential.
            let best = arcs
                .clone()
                .map(|a| cost[a] - flow.potential[centre[a] as usize])
                .fold(f64::INFINITY, f64::min);
            for a in arcs {
                load[centre[a] as usize] += flow.flow[a];
                if flow.flow[a] > 0.0 {
                    let r = cost[a] - flow.potential[centre[a] as usize];
                    assert!(r <= best + 1e-9, "arc {a} has reduced cost {r} > {best}");
                }
            }
        }
        for (b, x) in load.iter().enumerate() {
            assert!(*x <= d.upper[b] + 1e-9 && *x >= d.lower[b] - 1e-9);
            assert_eq!(flow.excess[b], 0.0);
            assert_eq!(flow.shortfall[b], 0.0);
        }
        total
    }

    #[test]
    fn uncapacitated_goes_to_the_nearest() {
        let d = Dense {
            supply: vec![2.0, 3.0],
            cost: vec![vec![5.0, 1.0], vec![2.0, 7.0]],
            lower: vec![0.0; 2],
            upper: vec![f64::INFINITY; 2],
        };
        let (total, flow, ..) = d.solve();
        assert_eq!(total, 2.0 + 6.0);
        assert_eq!(flow.augmentations, 0);
    }

    #[test]
    fn a_full_centre_sends_its_cheapest_mover_elsewhere() {
        // Both clients prefer centre 0 (room 3); client 1 loses less by moving (4 − 1 < 9 − 1).
        let d = Dense {
            supply: vec![3.0, 3.0],
            cost: vec![vec![1.0, 9.0], vec![1.0, 4.0]],
            lower: vec![0.0; 2],
            upper: vec![3.0, 10.0],
        };
        let (total, flow, ..) = d.solve();
        assert_eq!(total, 3.0 + 12.0);
        assert_eq!(flow.flow, vec![3.0, 0.0, 0.0, 3.0]);
        assert_eq!(check_feasible_and_dual(&d), 15.0);
    }

    #[test]
    fn lower_bounds_pull_load_to_an_unpopular_centre() {
        let d = Dense {
            supply: vec![2.0, 2.0],
            cost: vec![vec![1.0, 5.0], vec![1.0, 2.0]],
            lower: vec![0.0, 1.0],
            upper: vec![f64::INFINITY; 2],
        };
        // One unit of client 1 must go to centre 1: 2 + 1 + 2 = 5.
        assert_eq!(check_feasible_and_dual(&d), 5.0);
    }

    #[test]
    fn reports_what_cannot_be_routed() {
        let net_supply = [4.0];
        let flow = solve(&Network {
            supply: &net_supply,
            offsets: &[0, 1],
            centre: &[0],
            cost: &[1.0],
            lower: &[0.0, 0.0],
            upper: &[3.0, 5.0],
        });
        assert_eq!(flow.excess, vec![1.0, 0.0]);
    }

    /// A tiny deterministic generator, so that the test needs no RNG plumbing.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn matches_brute_force_on_random_tiny_instances() {
        let mut s = 7u64;
        let mut checked = 0;
        for _ in 0..300 {
            let n = 1 + (lcg(&mut s) % 5) as usize;
            let m = 1 + (lcg(&mut s) % 3) as usize;
            let supply: Vec<f64> = (0..n).map(|_| (lcg(&mut s) % 4) as f64).collect();
            let cost: Vec<Vec<f64>> = (0..n)
                .map(|_| (0..m).map(|_| (lcg(&mut s) % 20) as f64).collect())
                .collect();
            let total: f64 = supply.iter().sum();
            let upper: Vec<f64> = (0..m)
                .map(|_| (lcg(&mut s) % (total as u64 + 2)) as f64)
                .collect();
            let lower: Vec<f64> = upper
                .iter()
                .map(|&u| {
                    if lcg(&mut s).is_multiple_of(3) {
                        (lcg(&mut s) % (u as u64 + 1)) as f64
                    } else {
                        0.0
                    }
                })
                .collect();
            let d = Dense {
                supply,
                cost,
                lower,
                upper,
            };
            let feasible =
                d.upper.iter().sum::<f64>() >= total && d.lower.iter().sum::<f64>() <= total;
            if !feasible {
                continue;
            }
            let want = d
                .brute_force()
                .expect("feasible bounds admit an assignment");
            let got = check_feasible_and_dual(&d);
            assert_eq!(got, want, "n {n} m {m}");
            checked += 1;
        }
        assert!(checked > 100, "only {checked} feasible instances");
    }
}
