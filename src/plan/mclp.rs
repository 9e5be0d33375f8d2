//! Maximal covering (Church & ReVelle 1974): open p sites to maximise the covered weight.
//!
//! Lazy greedy (Minoux 1978) to construct, swap local search with incremental gains to improve,
//! seeded perturbation restarts, and a Lagrangian upper bound (Galvão & ReVelle 1996).

use super::select::best_allowed;
use super::swaps::Swaps;
use super::{Coverage, Deadline, Problem, Settings, Solution};
use crate::error::{Error, Result};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The search stops after this many restarts in a row that found nothing better...
const STALL_LIMIT: usize = 60;
/// ...or after this many restarts in all...
const MAX_RESTARTS: usize = 400;
/// ...or once the restarts have touched this many table entries (a few seconds' work).
const RESTART_WORK: u64 = 1_500_000_000;
/// Subgradient iterations for the upper bound.
const BOUND_ITERATIONS: usize = 400;

/// Lagrangian upper bound: relax `y_c ≤ Σ_{s covers c} x_s` with multipliers λ ≥ 0, so
/// L(λ) = Σ_c max(0, w_c − λ_c) + max over allowed sets of Σ_s Σ_{c ∈ C_s} λ_c.
/// Every L(λ) bounds the optimum from above; subgradient steps (Held & Karp, Polyak's rule
/// towards the best known objective) make it smaller.
fn upper_bound(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
    p: usize,
    best_known: f64,
    deadline: Deadline,
) -> f64 {
    let n = weight.len();
    let rules = &problem.rules;
    let mut lambda: Vec<f64> = weight.to_vec();
    let mut best = f64::INFINITY;
    let mut theta = 2.0;
    let mut stall = 0;
    let mut value_of_site = vec![0.0; problem.site_count()];
    let mut g = vec![0.0f64; n];
    for _ in 0..BOUND_ITERATIONS {
        value_of_site.par_iter_mut().enumerate().for_each(|(s, v)| {
            *v = coverage
                .by_site
                .get(s)
                .iter()
                .map(|&c| lambda[c as usize])
                .sum();
        });
        let (selected, chosen) = best_allowed(&value_of_site, rules, p);
        let free: f64 = weight
            .iter()
            .zip(&lambda)
            .map(|(w, l)| (w - l).max(0.0))
            .sum();
        let value = free + selected;
        if value < best - 1e-12 * value.abs() {
            best = value;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 20 {
                theta /= 2.0;
                stall = 0;
            }
        }
        if best <= best_known * (1.0 + 1e-12) || theta < 1e-6 || deadline.expired() {
            break;
        }
        // Subgradient: ∂L/∂λ_c = (open sites covering c) − y_c, with y_c = 1 when w_c > λ_c.
        for (c, gc) in g.iter_mut().enumerate() {
            *gc = if weight[c] > lambda[c] { -1.0 } else { 0.0 };
        }
        for &s in &chosen {
            for &c in coverage.by_site.get(s) {
                g[c as usize] += 1.0;
            }
        }
        // Step along w_c·g_c rather than g_c: a class's multiplier lives on the scale of its
        // weight, which varies by orders of magnitude once households are merged into classes.
        // Any λ ≥ 0 gives a valid bound, so the scaling changes only how fast it tightens.
        let g_dot_d: f64 = g.iter().zip(weight).map(|(x, w)| w * x * x).sum();
        if g_dot_d == 0.0 {
            break;
        }
        let step = theta * (value - best_known).max(1e-9 * value.abs()) / g_dot_d;
        for c in 0..n {
            lambda[c] = (lambda[c] - step * weight[c] * g[c]).max(0.0);
        }
    }
    best
}

/// The Lagrangian bound on the weight `p` sites can cover, capped by all coverable weight and,
/// with whole-number weights, rounded down (every covered weight is then a whole number).
/// `aim` steers the subgradient steps: the best known value, or a target to prove out of reach.
pub(super) fn proven_upper_bound(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
    p: usize,
    aim: f64,
    deadline: Deadline,
) -> f64 {
    let coverable: f64 = weight.iter().sum();
    let bound = upper_bound(problem, coverage, weight, p, aim, deadline).min(coverable);
    if weight.iter().all(|w| w.fract() == 0.0) {
        (bound + 1e-9 * bound.abs().max(1.0)).floor()
    } else {
        bound
    }
}

/// Opens the site with the largest gain, allowed by the rules and not `banned`, until `p` are
/// open. Ties go to the lower site index.
fn greedy(problem: &Problem, swaps: &mut Swaps, p: usize, banned: &[bool]) {
    let rules = &problem.rules;
    while swaps.open.len() < p {
        let counts = rules.counts(&swaps.open);
        let slots_left = p - swaps.open.len();
        let best = (0..problem.site_count())
            .filter(|&j| !swaps.is_open(j) && !banned[j] && rules.may_add(j, &counts, slots_left))
            .max_by(|&a, &b| swaps.gain(a).total_cmp(&swaps.gain(b)).then(b.cmp(&a)));
        match best {
            Some(j) => swaps.open(j),
            None => break,
        }
    }
}

/// Best-improvement swaps until none gains more than a whisker of the total weight.
fn local_search(problem: &Problem, swaps: &mut Swaps, tolerance: f64, deadline: Deadline) {
    while !deadline.expired() {
        match swaps.best_swap(&problem.rules) {
            Some((delta, out, add)) if delta > tolerance => {
                swaps.close(out);
                swaps.open(add);
            }
            _ => return,
        }
    }
}

/// The best set of `p` sites found for covering `weight`: greedy, local search, then seeded
/// restarts (close up to half of the best plan's movable sites at random, refill greedily from
/// the others, search again; every third restart opens random sites instead) until a run of
/// restarts brings nothing better or the work budget is spent. The budget counts table entries
/// touched, not seconds, so the answer never depends on the machine's speed.
pub(super) fn search(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
    p: usize,
    settings: &Settings,
    deadline: Deadline,
) -> (Vec<usize>, f64) {
    let m = problem.site_count();
    let rules = &problem.rules;
    let tolerance = 1e-12 * weight.iter().sum::<f64>().max(1.0);
    let fixed = rules.fixed_sites();
    // The fixed sites open: every restart starts from a copy of this, which is far cheaper than
    // rebuilding the tables from the coverage lists.
    let base = {
        let mut swaps = Swaps::new(coverage, weight, m, p);
        for &s in &fixed {
            swaps.open(s);
        }
        swaps.work = 0;
        swaps
    };
    let mut swaps = base.clone();
    greedy(problem, &mut swaps, p, &vec![false; m]);
    local_search(problem, &mut swaps, tolerance, deadline);
    let mut best_open = swaps.open.clone();
    let mut best_value = swaps.covered_weight();
    let mut work = swaps.work;
    let movable: Vec<usize> = (0..m).filter(|&s| !rules.fixed[s]).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut stall = 0;
    for restart in 0..MAX_RESTARTS {
        settings.observer.progress(restart as u64 + 1);
        if deadline.expired() || stall >= STALL_LIMIT || work >= RESTART_WORK || movable.is_empty()
        {
            break;
        }
        let mut trial = base.clone();
        let mut banned = vec![false; m];
        if restart % 3 == 2 {
            let mut order = movable.clone();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            for s in order {
                if trial.open.len() >= p {
                    break;
                }
                if rules.may_add(s, &rules.counts(&trial.open), p - trial.open.len()) {
                    trial.open(s);
                }
            }
        } else {
            let kept: Vec<usize> = best_open
                .iter()
                .copied()
                .filter(|&s| !rules.fixed[s])
                .collect();
            if kept.is_empty() {
                break;
            }
            let drop = rng.random_range(1..=kept.len().div_ceil(2));
            while banned.iter().filter(|&&b| b).count() < drop {
                banned[kept[rng.random_range(0..kept.len())]] = true;
            }
            for &s in kept.iter().filter(|&&s| !banned[s]) {
                trial.open(s);
            }
            greedy(problem, &mut trial, p, &banned);
        }
        greedy(problem, &mut trial, p, &vec![false; m]);
        local_search(problem, &mut trial, tolerance, deadline);
        work += trial.work;
        let value = trial.covered_weight();
        if value > best_value + 1e-12 * best_value.abs() {
            best_value = value;
            best_open = trial.open.clone();
            stall = 0;
        } else {
            stall += 1;
        }
    }
    let mut open = fixed.clone();
    open.extend(best_open.into_iter().filter(|s| !fixed.contains(s)));
    (open, best_value)
}

/// Solves MCLP: [`search`], then the Lagrangian bound.
pub(super) fn solve(
    problem: &Problem,
    coverage: &Coverage,
    settings: &Settings,
    deadline: Deadline,
) -> Result<Solution> {
    let p = problem
        .rules
        .p
        .ok_or_else(|| Error::Invalid("mclp needs --p, the number of centres to open".into()))?;
    settings
        .observer
        .stage("mclp: greedy and local search", MAX_RESTARTS as u64);
    let weight = &coverage.weight;
    let (open, best_value) = search(problem, coverage, weight, p, settings, deadline);
    settings.observer.stage("mclp: upper bound", 0);
    let bound = proven_upper_bound(problem, coverage, weight, p, best_value, deadline);
    Ok(Solution {
        open,
        objective: best_value,
        bound,
    })
}
