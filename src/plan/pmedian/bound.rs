//! The Lagrangian lower bound of the p-median (Cornuéjols, Fisher & Nemhauser 1977; Beasley
//! 1993), under the sites the branch-and-bound has fixed open or closed.

use super::super::{Deadline, Rules};
use super::search::{Instance, State};
use crate::model::AreaKind;
use rayon::prelude::*;

/// Clients per block of the parallel Lagrangian pass: fixed, so that the sums, and with them
/// the answer, do not depend on the number of threads.
const CLIENT_BLOCK: usize = 256;

/// Weight of the previous direction in the deflected subgradient, and the number of steps
/// without a better bound after which the step multiplier is halved (tuned on random and
/// clustered instances of 2,000–5,000 clients).
const DEFLECTION: f64 = 0.5;
const HALVE_AFTER: usize = 40;

/// Relative gap under which the bound counts as closed.
const CLOSED_GAP: f64 = 1e-9;

/// The bound from which no plan can beat `objective`: within a relative 1e-9 of it, or, when
/// every plan's total is a whole number, anything above `objective − 1`.
pub(super) fn cutoff(inst: &Instance, objective: f64) -> f64 {
    let relative = objective - CLOSED_GAP * objective.abs();
    if inst.integral && objective.is_finite() {
        // Above `objective − 1` by a margin far larger than the rounding of a total below 2^53.
        relative.min(objective - 1.0 + 1e-6)
    } else {
        relative
    }
}

/// What a search node knows about a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fix {
    /// Open or closed, as the bound likes.
    Free,
    /// Open in every plan of the node (fixed sites, and sites branched or proven open).
    Open,
    /// Closed in every plan of the node.
    Closed,
}

/// The fixings of the whole problem: the rules' fixed sites open, every other site free.
pub(super) fn root_fixing(rules: &Rules) -> Vec<Fix> {
    rules
        .fixed
        .iter()
        .map(|&f| if f { Fix::Open } else { Fix::Free })
        .collect()
}

/// The allowed set minimising `Σ_{s∈S} rho_s` (all `rho_s <= 0`) among those that hold every
/// site fixed open and none fixed closed: the open ones, then for each kind short of its quota
/// the most negative free `rho` of that kind, then the most negative free ones up to p. `None`
/// when no such set exists (too many sites open, too few left, or a quota out of reach).
///
/// Why this greedy is exact: take any optimal allowed set T. If a kind's chosen quota sites
/// A (its q most negative) are not all in T, T holds at least q free sites of that kind, so one
/// of them, b, lies outside A and has `rho_b >= rho_a` for the missing a; swapping b for a keeps
/// T allowed (same kind counts) and does not raise its sum. Once every A is in T, the remaining
/// places carry no constraint, and with a fixed number of them the most negative values are
/// best. (The kinds are disjoint, so the quota picks do not interact.)
///
/// `order` receives the free sites by (rho, index) and `chosen` flags the set's sites.
pub(super) fn select(
    rho: &[f64],
    fix: &[Fix],
    rules: &Rules,
    p: usize,
    order: &mut Vec<usize>,
    chosen: &mut Vec<bool>,
) -> Option<Vec<usize>> {
    order.clear();
    order.extend((0..fix.len()).filter(|&s| fix[s] == Fix::Free));
    order.sort_unstable_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
    chosen.clear();
    chosen.extend(fix.iter().map(|&f| f == Fix::Open));
    let mut set: Vec<usize> = (0..fix.len()).filter(|&s| chosen[s]).collect();
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
        if need > 0 {
            return None;
        }
    }
    for &s in order.iter() {
        if set.len() >= p {
            break;
        }
        if !chosen[s] {
            chosen[s] = true;
            set.push(s);
        }
    }
    (set.len() == p).then_some(set)
}

/// Subgradient optimisation of the Lagrangian dual (Held, Wolfe & Crowder 1974; Beasley 1993).
///
/// Relaxing "each client is assigned exactly once" with multipliers `λ_c` leaves, for any
/// `λ`, the lower bound `L(λ) = Σ_c λ_c + min_S Σ_{s∈S} ρ_s` with
/// `ρ_s = Σ_c min(0, w_c·d_cs − λ_c)`, the minimum over the allowed sets S that respect the
/// node's fixings (see [`select`]): any λ bounds every plan of the node. An unreachable pair has `w·d = ∞` and never makes `ρ` negative, which
/// is exactly "that assignment does not exist". Only sites with `w·d < λ` contribute, so each
/// client visits just its nearest few.
pub(super) struct Lagrangian {
    pub(super) lambda: Vec<f64>,
    /// The last step's (deflected) direction.
    direction: Vec<f64>,
    /// The best proven bound so far (already lowered by the rounding margin); infinite when the
    /// node's fixings allow no plan at all.
    pub(super) best: f64,
    /// The allowed set of the best bound: a plan in its own right.
    pub(super) best_set: Vec<usize>,
    /// `ρ` at the best bound, for reduced-cost fixing.
    pub(super) best_rho: Vec<f64>,
    /// Polyak step multiplier, halved when the bound stalls.
    mu: f64,
    /// Steps since the bound last rose.
    stale: usize,
    /// No further step can raise the bound (the step vanished, or λ is optimal).
    pub(super) converged: bool,
}

impl Lagrangian {
    /// Starts from `λ_c = w_c·d_c` with `d_c` the client's distance in `state` (its nearest
    /// reachable site when `state` leaves it unreachable): `L` then starts near the plan's cost.
    pub(super) fn new(inst: &Instance, state: &State) -> Self {
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
            best_rho: Vec::new(),
            mu: 2.0,
            stale: 0,
            converged: false,
        }
    }

    /// A search node's start: its parent's multipliers (which already bound it well) and a
    /// smaller step, since they are near a good point. Its best bound starts from nothing, so
    /// that `best_set` and `best_rho` always describe the node's own relaxation.
    pub(super) fn warm(lambda: Vec<f64>) -> Self {
        Lagrangian {
            direction: vec![0.0; lambda.len()],
            lambda,
            best: f64::NEG_INFINITY,
            best_set: Vec::new(),
            best_rho: Vec::new(),
            mu: 0.5,
            stale: 0,
            converged: false,
        }
    }

    /// Up to `iterations` subgradient steps towards `target` (the best known objective) under
    /// the fixings `fix`, stopping once the bound reaches `cutoff` (nothing more is needed).
    ///
    /// Rounding: every `L(λ)` is computed in f64 as sums of at most `n + m` terms. A recursive
    /// sum of N terms is off by at most `(N−1)·u·Σ|terms|` with `u = 2^−53` (Higham 2002, §4.2),
    /// and each term `w·d − λ` adds at most `3u·λ`; the bound kept is therefore
    /// `L − (n + 4m + 4)·ε·(Σλ + Σ_s|ρ_s|)` with `ε = 2u`, which can never exceed the exact
    /// `L(λ)`, itself at most the optimum.
    pub(super) fn improve(
        &mut self,
        inst: &Instance,
        fix: &[Fix],
        (target, cutoff): (f64, f64),
        iterations: usize,
        deadline: Deadline,
    ) {
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
            let Some(set) = select(&rho, fix, inst.rules, inst.p, &mut order, &mut chosen) else {
                // No allowed plan respects the fixings.
                (self.best, self.converged) = (f64::INFINITY, true);
                break;
            };
            let value = sum_lambda + set.iter().map(|&s| rho[s]).sum::<f64>();
            let scale = sum_lambda - rho.iter().sum::<f64>();
            let proven = value - margin_factor * scale;
            if proven > self.best {
                self.best = proven;
                self.best_set = set;
                self.best_rho.clone_from(&rho);
                self.stale = 0;
            } else {
                self.stale += 1;
                if self.stale >= HALVE_AFTER {
                    self.mu /= 2.0;
                    self.stale = 0;
                }
            }
            if self.best >= cutoff {
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
