//! p-median (Hakimi 1964; ReVelle & Swain 1970): open p sites so that the total weighted
//! distance from demand to its nearest open site is as small as possible.
//!
//! The plan is built greedily and improved by the fast swap local search of Whitaker (1983) in
//! the form of Resende & Werneck (2007), restarted from the plans of the Lagrangian relaxation
//! (Beasley 1993) and from perturbed copies of the best plan, with path relinking between good
//! plans (Resende & Werneck 2004): [`search`]. The lower bound is the Lagrangian relaxation of
//! the assignment constraints (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993), maximised by
//! deflected subgradient steps: [`bound`]. On request, [`exact`] closes the gap by reduced-cost
//! fixing and branch-and-bound on that bound.

mod bound;
mod exact;
mod search;

use super::{Deadline, DistanceTable, Problem, Settings, Solution};
use crate::error::{Error, Result};
use bound::{Lagrangian, root_fixing};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use search::{Elite, Instance, Prices, State};

/// Rounds of the Lagrangian bound, each of `ROUND_ITERATIONS` subgradient steps followed by a
/// local search from the relaxation's plan when it changed. After `MIN_BOUND_ROUNDS`, rounds
/// stop once one closes less than `SLOW_ROUND` of the remaining gap (the bound has levelled
/// off at the Lagrangian dual, and only a better plan could narrow the gap further).
const MAX_BOUND_ROUNDS: usize = 30;
const MIN_BOUND_ROUNDS: usize = 5;
const ROUND_ITERATIONS: usize = 100;
const SLOW_ROUND: f64 = 0.01;

/// Iterated local search: at most this many rounds, stopping after `STALE_ROUNDS` rounds in a
/// row that did not improve the best plan.
const MAX_ROUNDS: usize = 64;
const STALE_ROUNDS: usize = 16;

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
    let root = root_fixing(rules);
    let closed = |best: &State, lagrangian: &Lagrangian| {
        lagrangian.best >= bound::cutoff(&inst, inst.objective(best))
    };
    let aims = |best: &State| {
        let objective = inst.objective(best);
        (objective, bound::cutoff(&inst, objective))
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
        lagrangian.improve(&inst, &root, aims(&best), ROUND_ITERATIONS, deadline);
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
        lagrangian.improve(&inst, &root, aims(&best), 3 * ROUND_ITERATIONS, deadline);
    }
    let mut bound = lagrangian.best;
    if settings.exact && !closed(&best, &lagrangian) && inst.objective(&best).is_finite() {
        observer.stage("pmedian: branch and bound", 0);
        bound = exact::finish(&inst, &mut best, &lagrangian, &mut prices, deadline);
    }

    let objective = inst.objective(&best);
    if bound >= bound::cutoff(&inst, objective) {
        // Nothing better than `objective` exists (for whole numbers: nothing below it).
        bound = objective;
    } else if inst.integral {
        // Every total is a whole number, so a lower bound rounds up.
        bound = bound.ceil();
    }
    let open = inst.opening_order(&best.open)?;
    Ok(Solution {
        open,
        objective,
        // Rounding in the objective's own sum could leave it a hair below the bound; the bound is
        // never reported above a plan that reaches it.
        bound: bound.min(objective),
    })
}

#[cfg(test)]
mod tests;
