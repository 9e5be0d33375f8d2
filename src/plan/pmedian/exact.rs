//! The p-median's exact finish: reduced-cost fixing and depth-first branch-and-bound on the
//! Lagrangian bound (Christofides & Beasley 1982; Beasley 1993, section 3.4).
//!
//! A node fixes some sites open and some closed; its bound is the Lagrangian relaxation under
//! those fixings, its multipliers warm-started from the parent's. A node whose bound shows that
//! no plan in it beats the best known one is dropped. Otherwise the relaxation's own plan is
//! tried as a new best (local search from it), sites whose reduced cost proves which way they go
//! are fixed, and the node splits on one site of the relaxation's plan: open first (the plan
//! the relaxation likes), then closed. Sequential and in a fixed order, so the answer does not
//! depend on the number of threads.

use super::super::Deadline;
use super::bound::{self, Fix, Lagrangian, root_fixing};
use super::search::{Instance, Prices, State};
use crate::model::AreaKind;
use std::collections::HashSet;

/// Subgradient steps per node: the parent's multipliers are a good start, and a node whose
/// bound does not settle within these is split instead. The root gets more, since every node
/// inherits its multipliers and a weak root bound multiplies the tree.
const NODE_ITERATIONS: usize = 120;
const ROOT_ITERATIONS: usize = 600;

/// A node waiting on the stack.
struct Node {
    fix: Vec<Fix>,
    /// Multipliers to start from (the parent's last).
    lambda: Vec<f64>,
    /// A proven bound on every plan of the node (the parent's).
    bound: f64,
}

/// Searches for a plan better than `best` (replacing it when found) until none can exist or
/// the deadline passes. Returns a proven lower bound on the optimum: `best`'s cost when the
/// search finished, else the smallest bound among the nodes left.
pub(super) fn finish(
    inst: &Instance,
    best: &mut State,
    root: &Lagrangian,
    prices: &mut Prices,
    deadline: Deadline,
) -> f64 {
    let mut stack = vec![Node {
        fix: root_fixing(inst.rules),
        lambda: root.lambda.clone(),
        bound: root.best,
    }];
    let mut tried = HashSet::new();
    let mut iterations = ROOT_ITERATIONS;
    while let Some(node) = stack.pop() {
        let cutoff = bound::cutoff(inst, inst.objective(best));
        if node.bound >= cutoff {
            continue;
        }
        if deadline.expired() {
            stack.push(node);
            break;
        }
        let mut fix = node.fix;
        let mut lagrangian = Lagrangian::warm(node.lambda);
        let target = inst.objective(best);
        lagrangian.improve(inst, &fix, (target, cutoff), iterations, deadline);
        iterations = NODE_ITERATIONS;
        let node_bound = lagrangian.best.max(node.bound);
        if node_bound >= cutoff {
            continue;
        }
        if lagrangian.best_set.is_empty() {
            // Not a single step ran (the deadline): the node waits, bound unchanged.
            stack.push(Node {
                fix,
                lambda: lagrangian.lambda,
                bound: node_bound,
            });
            break;
        }
        try_plan(
            inst,
            best,
            &lagrangian.best_set,
            &mut tried,
            prices,
            deadline,
        );
        let cutoff = bound::cutoff(inst, inst.objective(best));
        if node_bound >= cutoff {
            continue;
        }
        fix_by_reduced_costs(inst, &mut fix, &lagrangian, cutoff);
        let Some(site) = branch_site(&fix, &lagrangian) else {
            // Every site of the relaxation's plan is fixed open: it is the node's only plan
            // with that bound, and `try_plan` has priced it.
            continue;
        };
        let mut closed = fix.clone();
        closed[site] = Fix::Closed;
        fix[site] = Fix::Open;
        stack.push(Node {
            fix: closed,
            lambda: lagrangian.lambda.clone(),
            bound: node_bound,
        });
        stack.push(Node {
            fix,
            lambda: lagrangian.lambda,
            bound: node_bound,
        });
    }
    let objective = inst.objective(best);
    stack.iter().map(|n| n.bound).fold(objective, f64::min)
}

/// Lagrangian heuristic: the relaxation's plan, improved by local search, replaces `best` when
/// it costs less. Plans already tried are skipped.
fn try_plan(
    inst: &Instance,
    best: &mut State,
    plan: &[usize],
    tried: &mut HashSet<Vec<usize>>,
    prices: &mut Prices,
    deadline: Deadline,
) {
    let mut key = plan.to_vec();
    key.sort_unstable();
    if !tried.insert(key) {
        return;
    }
    let mut state = State::new(inst, plan.to_vec());
    inst.local_search(&mut state, prices, deadline);
    if state.cost < best.cost {
        *best = state;
    }
}

/// Reduced-cost fixing (Beasley 1993): at the node's best multipliers, the bound with one more
/// site forced follows from the relaxation's sorted values without solving it again. Closing a
/// free site s of the relaxation's plan S swaps it for the best free site outside S, changing
/// the bound by `ρ_next − ρ_s`; opening a free site t outside S swaps out the worst free site of
/// S, changing it by `ρ_t − ρ_last`. When that change lifts the bound to `cutoff`, the other way
/// is fixed: no better plan lies there. (The change is two more terms of a sum whose rounding
/// margin already allows for `4m` of them.) With quotas the swap could break one, so nothing is
/// fixed there.
fn fix_by_reduced_costs(inst: &Instance, fix: &mut [Fix], lagrangian: &Lagrangian, cutoff: f64) {
    let quotas = AreaKind::ALL.iter().any(|&k| *inst.rules.quota.get(k) > 0);
    if quotas {
        return;
    }
    let rho = &lagrangian.best_rho;
    let mut in_set = vec![false; fix.len()];
    for &s in &lagrangian.best_set {
        in_set[s] = true;
    }
    let free = |s: &usize| fix[*s] == Fix::Free;
    let last = (0..fix.len())
        .filter(free)
        .filter(|&s| in_set[s])
        .map(|s| rho[s])
        .fold(f64::NEG_INFINITY, f64::max);
    let next = (0..fix.len())
        .filter(free)
        .filter(|&s| !in_set[s])
        .map(|s| rho[s])
        .fold(f64::INFINITY, f64::min);
    for s in 0..fix.len() {
        if fix[s] != Fix::Free {
            continue;
        }
        // An infinite change means the swap is impossible: no plan of the node goes that way.
        if in_set[s] && lagrangian.best + (next - rho[s]) >= cutoff {
            fix[s] = Fix::Open;
        } else if !in_set[s] && lagrangian.best + (rho[s] - last) >= cutoff {
            fix[s] = Fix::Closed;
        }
    }
}

/// The site to split on: among the free sites of the relaxation's plan, the one with the most
/// negative `ρ` (ties: lowest index), whose closing moves the bound the most, so that the
/// closed child is the one most likely to be dropped at once.
fn branch_site(fix: &[Fix], lagrangian: &Lagrangian) -> Option<usize> {
    let rho = &lagrangian.best_rho;
    lagrangian
        .best_set
        .iter()
        .copied()
        .filter(|&s| fix[s] == Fix::Free)
        .min_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)))
}
