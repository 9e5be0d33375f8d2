//! Exhaustive search over every allowed set of sites: the test oracle for the heuristics and
//! their bounds. Exponential; meant for instances of a few dozen clients and ten or so sites.

use super::{Model, Problem, Radius};

/// The objective of opening exactly `open`, computed from first principles (no lists, no
/// tables): covered weight (MCLP), number of sites or infinity if coverable demand is left
/// uncovered (LSCP), total weighted distance (p-median), largest distance over clients with
/// positive weight (p-center).
pub fn objective(problem: &Problem, model: Model, radius: &Radius, open: &[usize]) -> f64 {
    let clients = &problem.clients;
    let m = problem.site_count();
    let table = problem.costs.table();
    let distance = |c: usize, s: usize| table[c * m + s];
    let nearest = |c: usize| {
        open.iter()
            .map(|&s| distance(c, s))
            .fold(f64::INFINITY, f64::min)
    };
    let reach = |c: usize| {
        radius
            .for_kind(clients.kind[c])
            .unwrap_or(f64::NEG_INFINITY)
    };
    match model {
        Model::Mclp => (0..clients.len())
            .filter(|&c| nearest(c) <= reach(c))
            .map(|c| clients.weight[c])
            .sum(),
        Model::Lscp => {
            let all_covered = (0..clients.len()).all(|c| {
                let coverable = (0..problem.site_count()).any(|s| distance(c, s) <= reach(c));
                !coverable || nearest(c) <= reach(c)
            });
            if all_covered {
                open.len() as f64
            } else {
                f64::INFINITY
            }
        }
        Model::Pmedian => (0..clients.len())
            .filter(|&c| clients.weight[c] > 0.0) // 0 × an unreachable ∞ would be NaN
            .map(|c| clients.weight[c] * nearest(c))
            .sum(),
        Model::Pcenter => (0..clients.len())
            .filter(|&c| clients.weight[c] > 0.0)
            .map(nearest)
            .fold(0.0, f64::max),
    }
}

/// Calls `visit` on every set of `k` sites that includes all fixed sites and meets the quotas.
fn for_each_allowed(problem: &Problem, k: usize, visit: &mut impl FnMut(&[usize])) {
    let rules = &problem.rules;
    let fixed = rules.fixed_sites();
    if fixed.len() > k {
        return;
    }
    let free: Vec<usize> = (0..problem.site_count())
        .filter(|&s| !rules.fixed[s])
        .collect();
    let mut chosen = fixed.clone();
    fn recurse(
        free: &[usize],
        start: usize,
        left: usize,
        chosen: &mut Vec<usize>,
        rules: &super::Rules,
        visit: &mut impl FnMut(&[usize]),
    ) {
        if left == 0 {
            if rules.unmet(&rules.counts(chosen)) == 0 {
                visit(chosen);
            }
            return;
        }
        for i in start..free.len() {
            if free.len() - i < left {
                break;
            }
            chosen.push(free[i]);
            recurse(free, i + 1, left - 1, chosen, rules, visit);
            chosen.pop();
        }
    }
    recurse(&free, 0, k - fixed.len(), &mut chosen, rules, visit);
}

/// The best objective over every allowed set of `rules.p` sites, and one set that reaches it
/// (for LSCP: the fewest sites, searching sizes upwards; `target_weight` is the weight to cover
/// when given, else all coverable demand).
pub fn optimum(
    problem: &Problem,
    model: Model,
    radius: &Radius,
    target_weight: Option<f64>,
) -> Option<(f64, Vec<usize>)> {
    let mut best: Option<(f64, Vec<usize>)> = None;
    if model == Model::Lscp {
        for k in 0..=problem.site_count() {
            for_each_allowed(problem, k, &mut |open| {
                let ok = match target_weight {
                    Some(t) => objective(problem, Model::Mclp, radius, open) >= t,
                    None => objective(problem, Model::Lscp, radius, open).is_finite(),
                };
                if ok && best.is_none() {
                    best = Some((k as f64, open.to_vec()));
                }
            });
            if best.is_some() {
                break;
            }
        }
        return best;
    }
    let p = problem.rules.p?;
    for_each_allowed(problem, p, &mut |open| {
        let value = objective(problem, model, radius, open);
        let better = match &best {
            None => true,
            Some((b, _)) if model.maximises() => value > *b,
            Some((b, _)) => value < *b,
        };
        if better {
            best = Some((value, open.to_vec()));
        }
    });
    best
}
