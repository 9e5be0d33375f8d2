//! MCLP and LSCP against the exhaustive oracle on tiny random instances.

use super::testkit::{random_instance, strips};
use super::{Model, PlanParams, Problem, Radius, Settings, exact, solve};
use crate::model::PerKind;

/// Relative tolerance for comparing sums computed in different orders.
const EPS: f64 = 1e-9;

fn check(problem: &Problem, model: Model, radius: Radius, target: Option<f64>) {
    let params = PlanParams {
        model,
        radius,
        target_coverage: target,
    };
    let got = solve(problem, &params, &Settings::default())
        .expect("solvable")
        .solution;
    let total: f64 = problem.clients.weight.iter().sum();
    let (optimum, _) = exact::optimum(problem, model, &radius, target.map(|t| t * total))
        .expect("some allowed set");
    let recomputed = if model == Model::Lscp {
        got.open.len() as f64
    } else {
        exact::objective(problem, model, &radius, &got.open)
    };
    assert!(
        (recomputed - got.objective).abs() <= EPS * optimum.abs().max(1.0),
        "{model}: reported {} but the set gives {recomputed}",
        got.objective
    );
    assert!(
        (got.objective - optimum).abs() <= EPS * optimum.abs().max(1.0),
        "{model}: heuristic {} vs optimum {optimum}",
        got.objective
    );
    if model.maximises() {
        assert!(
            got.bound >= optimum * (1.0 - EPS),
            "{model}: upper bound {} below optimum {optimum}",
            got.bound
        );
    } else {
        assert!(
            got.bound <= optimum * (1.0 + EPS),
            "{model}: lower bound {} above optimum {optimum}",
            got.bound
        );
    }
    let rules = &problem.rules;
    assert!(
        rules.fixed_sites().iter().all(|s| got.open.contains(s)),
        "fixed sites stay open"
    );
    assert_eq!(rules.unmet(&rules.counts(&got.open)), 0, "quotas met");
    if let Some(p) = rules.p {
        assert_eq!(got.open.len(), p);
    }
}

#[test]
fn mclp_matches_exhaustive_search() {
    for seed in 0..100 {
        let (demand, sites) = random_instance(seed, 30, 10);
        let problem =
            Problem::new(&demand, &sites, None, None, Some(3), PerKind::default()).unwrap();
        check(&problem, Model::Mclp, Radius::uniform(4_000.0), None);
    }
}

#[test]
fn lscp_matches_exhaustive_search() {
    for seed in 0..100 {
        let (demand, sites) = random_instance(seed, 30, 10);
        let problem = Problem::new(&demand, &sites, None, None, None, PerKind::default()).unwrap();
        let radius = Radius::uniform(6_000.0);
        check(&problem, Model::Lscp, radius, None);
        // 60% of what any site can reach, as a share of the total weight.
        let all: Vec<usize> = (0..sites.len()).collect();
        let coverable = exact::objective(&problem, Model::Mclp, &radius, &all);
        let total: f64 = problem.clients.weight.iter().sum();
        check(&problem, Model::Lscp, radius, Some(0.6 * coverable / total));
    }
}

#[test]
fn fixed_sites_quotas_and_per_kind_radii_match_exhaustive_search() {
    let hoods = strips();
    for seed in 0..50 {
        let (demand, mut sites) = random_instance(seed, 30, 10);
        sites[seed as usize % 10].fixed = true;
        let radius = Radius {
            default_m: Some(3_000.0),
            by_kind: PerKind([Some(2_500.0), Some(6_000.0), None]),
        };
        let quota = PerKind([1, 1, 0]);
        let Ok(problem) = Problem::new(&demand, &sites, Some(&hoods), None, Some(4), quota) else {
            continue; // a random layout may lack a site of some kind
        };
        check(&problem, Model::Mclp, radius, None);
        let lscp = Problem::new(&demand, &sites, Some(&hoods), None, None, quota).unwrap();
        check(&lscp, Model::Lscp, radius, None);
    }
}
