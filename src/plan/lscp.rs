//! Set covering (Toregas et al. 1971): the fewest sites that cover every coverable client, or a
//! given share of the total weight.
//!
//! Full cover: Beasley's (1990) Lagrangian heuristic: subgradient ascent on the set-cover
//! relaxation gives a lower bound, and at every step the sites with negative reduced cost,
//! completed greedily and stripped of redundant sites, give a cover. Partial cover: lazy greedy
//! on weight, redundancy removal, and a counting bound.

use super::cover::{Cover, greedy_fill};
use super::mclp;
use super::{Coverage, Deadline, Problem, Settings, Solution};
use crate::error::{Error, Result};
use crate::model::AreaKind;

/// Subgradient iterations of the Lagrangian heuristic.
const ITERATIONS: usize = 1000;
/// The relaxation's sites are completed to a cover every this many iterations.
const PRIMAL_EVERY: usize = 10;

/// Removes open sites that nothing needs, latest first, keeping fixed sites, quotas, and
/// `enough(covered weight)`.
fn remove_redundant(problem: &Problem, cover: &mut Cover, enough: impl Fn(f64) -> bool) {
    let rules = &problem.rules;
    let mut covered = cover.covered_weight();
    for s in cover.open.clone().into_iter().rev() {
        if rules.fixed[s] {
            continue;
        }
        let counts = rules.counts(&cover.open);
        let keeps_quota = rules.kind[s].is_none_or(|k| counts.get(k) > rules.quota.get(k));
        let loss = cover.loss(s);
        if keeps_quota && enough(covered - loss) {
            cover.remove(s);
            covered -= loss;
        }
    }
}

/// Adds sites until every quota is met: for each short kind, the sites of that kind that would
/// cover the most weight still uncovered.
fn meet_quotas(problem: &Problem, cover: &mut Cover) {
    let rules = &problem.rules;
    for kind in AreaKind::ALL {
        while cover.open.len() < problem.site_count()
            && rules.counts(&cover.open).get(kind) < rules.quota.get(kind)
        {
            let best = (0..problem.site_count())
                .filter(|&s| !cover.is_open[s] && rules.kind[s] == Some(kind))
                .max_by(|&a, &b| cover.gain(a).total_cmp(&cover.gain(b)).then(b.cmp(&a)));
            match best {
                Some(s) => cover.add(s),
                None => break,
            }
        }
    }
}

/// A cover from a starting set: complete greedily, meet quotas, strip redundancy.
fn complete(problem: &Problem, cover: &mut Cover, target: f64) {
    let m = problem.site_count();
    greedy_fill(problem, cover, m, |c| c.covered_weight() >= target);
    meet_quotas(problem, cover);
    remove_redundant(problem, cover, |w| w >= target);
}

/// Solves LSCP on coverage lists whose clients weigh `weight`. `target`: cover at least this
/// share of this total weight instead of all
/// coverable clients.
pub(super) fn solve(
    problem: &Problem,
    coverage: &Coverage,
    target: Option<(f64, f64)>,
    settings: &Settings,
    deadline: Deadline,
) -> Result<Solution> {
    let rules = &problem.rules;
    let m = problem.site_count();
    let fixed = rules.fixed_sites();
    let quota_floor = (fixed.len() + rules.unmet(&rules.counts(&fixed))) as f64;
    settings.observer.stage("lscp", ITERATIONS as u64);
    let (unit, target_weight);
    let (mut open, bound, weight) = match target {
        None => {
            let (open, bound) = full_cover(problem, coverage, settings, deadline);
            unit = vec![1.0; coverage.client_count()];
            target_weight = unit.iter().sum::<f64>();
            (open, bound, unit.as_slice())
        }
        Some((share, total)) => {
            let (open, bound) = partial_cover(problem, coverage, share, total)?;
            target_weight = share * total;
            (open, bound, coverage.weight.as_slice())
        }
    };
    // Fewer sites, down to the bound: the best k − 1 sites for covering the same weight, found by
    // the MCLP search, may still reach the target.
    let mut floor = bound.max(quota_floor);
    if target.is_some() {
        floor = floor.max(sites_needed(
            problem,
            coverage,
            weight,
            target_weight,
            floor,
            open.len(),
            deadline,
        ));
    }
    while (open.len() as f64) > floor && !deadline.expired() {
        let k = open.len() - 1;
        if fixed.len() + rules.unmet(&rules.counts(&fixed)) > k {
            break;
        }
        let (fewer, covered) = mclp::search(problem, coverage, weight, k, settings, deadline);
        if covered < target_weight - 1e-9 * target_weight.abs() {
            break;
        }
        open = fewer;
    }
    let mut ordered = fixed.clone();
    ordered.extend(open.into_iter().filter(|s| !rules.fixed[*s]));
    debug_assert!(ordered.len() <= m);
    Ok(Solution {
        objective: ordered.len() as f64,
        open: ordered,
        bound: floor,
    })
}

/// Every coverable client covered, by the Lagrangian heuristic. Clients count once each,
/// whatever their weight, as in the peer.
fn full_cover(
    problem: &Problem,
    coverage: &Coverage,
    settings: &Settings,
    deadline: Deadline,
) -> (Vec<usize>, f64) {
    let rules = &problem.rules;
    let (n, m) = (coverage.client_count(), problem.site_count());
    let unit = vec![1.0; n];
    let target: f64 = unit.iter().sum();
    // Fixed sites, and essential ones: the only site that covers some client must be in every
    // cover, so it is opened up front and counted exactly in the bound.
    let mut fixed = rules.fixed_sites();
    let mut is_fixed = rules.fixed.clone();
    for c in 0..n {
        if let [only] = coverage.by_client.get(c)
            && !is_fixed[*only as usize]
        {
            is_fixed[*only as usize] = true;
            fixed.push(*only as usize);
        }
    }
    let mut base = Cover::new(coverage, &unit, m);
    for &s in &fixed {
        base.add(s);
    }
    // Clients the relaxation is about: coverable and not already covered by a fixed site.
    let need: Vec<bool> = (0..n)
        .map(|c| unit[c] > 0.0 && base.count[c] == 0)
        .collect();

    let mut best = {
        let mut cover = Cover::new(coverage, &unit, m);
        for &s in &fixed {
            cover.add(s);
        }
        complete(problem, &mut cover, target);
        cover.open
    };
    // u_c starts at the cheapest price per client of any site covering it.
    let mut u: Vec<f64> = (0..n)
        .map(|c| {
            if !need[c] {
                return 0.0;
            }
            coverage
                .by_client
                .get(c)
                .iter()
                .map(|&s| {
                    let size = coverage
                        .by_site
                        .get(s as usize)
                        .iter()
                        .filter(|&&i| need[i as usize])
                        .count();
                    1.0 / size.max(1) as f64
                })
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let mut lower = 0.0f64;
    let mut theta = 2.0;
    let mut stall = 0;
    let mut reduced = vec![0.0; m];
    for iteration in 0..ITERATIONS {
        settings.observer.progress(iteration as u64);
        for (s, r) in reduced.iter_mut().enumerate() {
            *r = if is_fixed[s] {
                0.0
            } else {
                1.0 - coverage
                    .by_site
                    .get(s)
                    .iter()
                    .filter(|&&c| need[c as usize])
                    .map(|&c| u[c as usize])
                    .sum::<f64>()
            };
        }
        // L(u) = Σ u_c + Σ_s min(0, r_s) ≤ sites needed beyond the fixed ones.
        let value: f64 = u.iter().sum::<f64>() + reduced.iter().map(|r| r.min(0.0)).sum::<f64>();
        if value > lower + 1e-9 {
            lower = value;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 30 {
                theta /= 2.0;
                stall = 0;
            }
        }
        if iteration % PRIMAL_EVERY == 0 {
            // Primal: the sites the relaxation opens, completed to a cover.
            let mut cover = Cover::new(coverage, &unit, m);
            for &s in &fixed {
                cover.add(s);
            }
            for s in (0..m).filter(|&s| reduced[s] < 0.0) {
                cover.add(s);
            }
            complete(problem, &mut cover, target);
            if cover.open.len() < best.len() {
                best = cover.open;
            }
        }
        let lower_sites = fixed.len() as f64 + (lower - 1e-9).ceil();
        if lower_sites >= best.len() as f64 || theta < 1e-4 || deadline.expired() {
            break;
        }
        // Subgradient: g_c = 1 − (relaxation's open sites covering c), ascent step.
        let mut g: Vec<f64> = need.iter().map(|&x| if x { 1.0 } else { 0.0 }).collect();
        for s in (0..m).filter(|&s| reduced[s] < 0.0) {
            for &c in coverage.by_site.get(s) {
                if need[c as usize] {
                    g[c as usize] -= 1.0;
                }
            }
        }
        let norm_2: f64 = g.iter().map(|x| x * x).sum();
        if norm_2 == 0.0 {
            break;
        }
        let gap = (best.len() - fixed.len()) as f64 - value;
        let step = theta * gap.max(0.1) / norm_2;
        for c in 0..n {
            u[c] = (u[c] + step * g[c]).max(0.0);
        }
    }
    let bound = fixed.len() as f64 + (lower - 1e-9).ceil().max(0.0);
    (best, bound)
}

/// A lower bound on the sites needed to cover `target` weight, searched between a known bound `lo`
/// and a known feasible count `hi`: whenever the MCLP upper bound for k sites falls short of the
/// target, no k sites (and so no fewer) suffice, and at least k + 1 are needed.
fn sites_needed(
    problem: &Problem,
    coverage: &Coverage,
    weight: &[f64],
    target: f64,
    lo: f64,
    hi: usize,
    deadline: Deadline,
) -> f64 {
    let (mut lo, mut hi) = (lo.max(0.0) as usize, hi);
    while lo < hi && !deadline.expired() {
        let k = (lo + hi) / 2;
        if k == 0
            || mclp::proven_upper_bound(problem, coverage, weight, k, target, deadline)
                < target * (1.0 - 1e-12)
        {
            lo = k + 1;
        } else {
            hi = k;
        }
    }
    lo as f64
}

/// At least `share` of the total weight covered: lazy greedy on weight, redundancy removal. The
/// bound: no k sites cover more than the k largest single-site gains (coverage is submodular).
fn partial_cover(
    problem: &Problem,
    coverage: &Coverage,
    share: f64,
    total: f64,
) -> Result<(Vec<usize>, f64)> {
    if !(0.0..=1.0).contains(&share) {
        return Err(Error::Invalid(format!(
            "--target-coverage must be a share between 0 and 1, not {share}"
        )));
    }
    let target = share * total;
    let weight = &coverage.weight;
    let coverable: f64 = weight.iter().sum();
    if coverable < target {
        return Err(Error::Invalid(format!(
            "--target-coverage {share} cannot be met: only {:.2}% of the weight lies within reach of any candidate",
            100.0 * coverable / total.max(f64::MIN_POSITIVE)
        )));
    }
    let m = problem.site_count();
    let fixed = problem.rules.fixed_sites();
    let mut cover = Cover::new(coverage, weight, m);
    for &s in &fixed {
        cover.add(s);
    }
    let mut still_needed = target - cover.covered_weight();
    let mut gains: Vec<f64> = (0..m)
        .filter(|&s| !cover.is_open[s])
        .map(|s| cover.gain(s))
        .collect();
    gains.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut extra = 0usize;
    for g in gains {
        if still_needed <= 0.0 {
            break;
        }
        still_needed -= g;
        extra += 1;
    }
    complete(problem, &mut cover, target);
    Ok((cover.open, (fixed.len() + extra) as f64))
}
