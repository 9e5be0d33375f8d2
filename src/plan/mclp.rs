//! Maximal covering (Church & ReVelle 1974): open p sites to maximise the covered weight.
//!
//! Lazy greedy (Minoux 1978) to construct, swap local search with incremental gains to improve,
//! seeded perturbation restarts, and a Lagrangian upper bound (Galvão & ReVelle 1996).

use super::cover::{Cover, greedy_fill};
use super::select::best_allowed;
use super::{Coverage, Deadline, Problem, Settings, Solution};
use crate::error::{Error, Result};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::cmp::Ordering;

/// The search stops after this many restarts in a row that found nothing better...
const STALL_LIMIT: usize = 60;
/// ...or after this many restarts in all.
const MAX_RESTARTS: usize = 400;
/// Subgradient iterations for the upper bound.
const BOUND_ITERATIONS: usize = 400;

/// Best-improvement swap search: one pass prices every (close o, open c) pair in time linear in
/// the coverage lists, using loss(o), the gain of c, and the weight that o alone covers and c
/// would also cover (Resende & Werneck 2007, specialised to coverage).
fn local_search(problem: &Problem, cover: &mut Cover, deadline: Deadline) {
    let rules = &problem.rules;
    let tolerance = 1e-12 * cover.weight.iter().sum::<f64>().max(1.0);
    loop {
        if deadline.expired() {
            return;
        }
        let open = cover.open.clone();
        let mut slot = vec![usize::MAX; problem.site_count()];
        for (k, &o) in open.iter().enumerate() {
            slot[o] = k;
        }
        let loss: Vec<f64> = open.iter().map(|&o| cover.loss(o)).collect();
        let counts = rules.counts(&open);
        let cover_ref = &*cover;
        let best = (0..problem.site_count())
            .into_par_iter()
            .filter(|&c| !cover_ref.is_open[c])
            .map_init(
                || vec![0.0; open.len()],
                |extra, c| {
                    let mut gain = 0.0;
                    let mut touched = Vec::new();
                    for &i in cover_ref.coverage.by_site.get(c) {
                        let i = i as usize;
                        match cover_ref.count[i] {
                            0 => gain += cover_ref.weight[i],
                            1 => {
                                let k = slot[cover_ref.sum[i] as usize];
                                if extra[k] == 0.0 {
                                    touched.push(k);
                                }
                                extra[k] += cover_ref.weight[i];
                            }
                            _ => {}
                        }
                    }
                    let mut best: Option<(f64, usize, usize)> = None;
                    for (k, &o) in open.iter().enumerate() {
                        if !rules.may_swap(o, c, &counts) {
                            continue;
                        }
                        let delta = gain - loss[k] + extra[k];
                        if best.is_none_or(|(d, _, _)| delta > d) {
                            best = Some((delta, c, o));
                        }
                    }
                    for k in touched {
                        extra[k] = 0.0;
                    }
                    best
                },
            )
            .flatten()
            .reduce_with(|a, b| match a.0.total_cmp(&b.0) {
                Ordering::Greater => a,
                Ordering::Less => b,
                Ordering::Equal => a.min_by_sites(b),
            });
        match best {
            Some((delta, c, o)) if delta > tolerance => {
                cover.remove(o);
                cover.add(c);
            }
            _ => return,
        }
    }
}

trait TieBreak {
    fn min_by_sites(self, other: Self) -> Self;
}

impl TieBreak for (f64, usize, usize) {
    /// Equal gains: the lower (open, close) pair wins, so thread scheduling never decides.
    fn min_by_sites(self, other: Self) -> Self {
        if (self.1, self.2) <= (other.1, other.2) {
            self
        } else {
            other
        }
    }
}

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
        let norm_2: f64 = g.iter().map(|x| x * x).sum();
        if norm_2 == 0.0 {
            break;
        }
        let step = theta * (value - best_known).max(1e-9 * value.abs()) / norm_2;
        for c in 0..n {
            lambda[c] = (lambda[c] - step * g[c]).max(0.0);
        }
    }
    best
}

/// `best` with up to half of its non-fixed sites closed at random and refilled greedily from the
/// other sites (so the restart cannot simply undo itself).
fn perturbed<'a>(
    problem: &Problem,
    coverage: &'a Coverage,
    weight: &'a [f64],
    p: usize,
    best: &[usize],
    rng: &mut ChaCha8Rng,
) -> Cover<'a> {
    let mut trial = Cover::new(coverage, weight, problem.site_count());
    let movable: Vec<usize> = best
        .iter()
        .copied()
        .filter(|&s| !problem.rules.fixed[s])
        .collect();
    let drop = rng.random_range(1..=movable.len().div_ceil(2).max(1));
    let mut dropped = Vec::with_capacity(drop);
    while dropped.len() < drop.min(movable.len()) {
        let s = movable[rng.random_range(0..movable.len())];
        if !dropped.contains(&s) {
            dropped.push(s);
        }
    }
    for &s in best.iter().filter(|s| !dropped.contains(s)) {
        trial.add(s);
    }
    for &s in &dropped {
        trial.is_open[s] = true;
    }
    greedy_fill(problem, &mut trial, p, |_| false);
    for &s in &dropped {
        trial.is_open[s] = false;
    }
    trial
}

/// Fixed sites plus random allowed ones: a restart far from the greedy's basin.
fn random_start<'a>(
    problem: &Problem,
    coverage: &'a Coverage,
    weight: &'a [f64],
    p: usize,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
) -> Cover<'a> {
    let rules = &problem.rules;
    let mut trial = Cover::new(coverage, weight, problem.site_count());
    for s in rules.fixed_sites() {
        trial.add(s);
    }
    let mut order = movable.to_vec();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    for s in order {
        if trial.open.len() >= p {
            break;
        }
        if rules.may_add(s, &rules.counts(&trial.open), p - trial.open.len()) {
            trial.add(s);
        }
    }
    trial
}

/// The best set of `p` sites found for covering `weight`: greedy, local search, then seeded
/// restarts (perturbations of the best plan, and every third one a random start) until a run of
/// restarts brings nothing better. Returns the open sites (in opening order) and the covered weight.
pub(super) fn search(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
    p: usize,
    settings: &Settings,
    deadline: Deadline,
) -> (Vec<usize>, f64) {
    let m = problem.site_count();
    let mut cover = Cover::new(coverage, weight, m);
    for s in problem.rules.fixed_sites() {
        cover.add(s);
    }
    greedy_fill(problem, &mut cover, p, |_| false);
    local_search(problem, &mut cover, deadline);
    let mut best_open = cover.open.clone();
    let mut best_value = cover.recount();
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let movable: Vec<usize> = (0..m).filter(|&s| !problem.rules.fixed[s]).collect();
    let mut stall = 0;
    for restart in 0..MAX_RESTARTS {
        settings.observer.progress(restart as u64 + 1);
        if deadline.expired() || stall >= STALL_LIMIT || movable.is_empty() {
            break;
        }
        let trial = if restart % 3 == 2 {
            random_start(problem, coverage, weight, p, &movable, &mut rng)
        } else {
            perturbed(problem, coverage, weight, p, &best_open, &mut rng)
        };
        let mut trial = trial;
        local_search(problem, &mut trial, deadline);
        let value = trial.recount();
        if value > best_value + 1e-12 * best_value.abs() {
            best_value = value;
            best_open = trial.open.clone();
            stall = 0;
        } else {
            stall += 1;
        }
    }
    let fixed = problem.rules.fixed_sites();
    let mut open = fixed.clone();
    open.extend(best_open.into_iter().filter(|s| !fixed.contains(s)));
    (open, best_value)
}

/// Solves MCLP on coverage lists whose clients weigh `weight`: [`search`], then the Lagrangian
/// bound.
pub(super) fn solve(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
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
    let (open, best_value) = search(problem, coverage, weight, p, settings, deadline);
    settings.observer.stage("mclp: upper bound", 0);
    let coverable: f64 = (0..weight.len())
        .filter(|&c| coverage.coverable(c))
        .map(|c| weight[c])
        .sum();
    let mut bound = upper_bound(problem, coverage, weight, p, best_value, deadline).min(coverable);
    // With whole-number weights every covered weight is a whole number, so the bound rounds down.
    if weight.iter().all(|w| w.fract() == 0.0) {
        bound = (bound + 1e-9 * bound.abs().max(1.0)).floor();
    }
    Ok(Solution {
        open,
        objective: best_value,
        bound,
    })
}
