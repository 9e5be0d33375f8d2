//! MCLP and LSCP against the exhaustive oracle on tiny random instances.

use crate::cost::CostSource;

use super::test_instances::{assert_best, random, strips};
use super::{Model, PlanParams, Problem, Radius, Settings, exact, solve};
use crate::model::PerKind;

fn check(problem: &Problem, model: Model, radius: Radius, target: Option<f64>, label: &str) {
    let params = PlanParams {
        model,
        radius,
        target_coverage: target,
    };
    let got = solve(problem, &params, &Settings::default())
        .expect("solvable")
        .solution;
    let total: f64 = problem.clients.weight.iter().sum();
    assert_best(
        problem,
        model,
        &radius,
        target.map(|t| t * total),
        &got,
        label,
    );
}

#[test]
fn mclp_matches_exhaustive_search() {
    for seed in 0..100 {
        let (demand, sites) = random(seed, 30, 10, 0);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            Some(3),
            PerKind::default(),
        )
        .unwrap();
        check(
            &problem,
            Model::Mclp,
            Radius::uniform(4_000.0),
            None,
            &format!("mclp seed {seed}"),
        );
    }
}

#[test]
fn lscp_matches_exhaustive_search() {
    for seed in 0..100 {
        let (demand, sites) = random(seed, 30, 10, 0);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            None,
            PerKind::default(),
        )
        .unwrap();
        let radius = Radius::uniform(6_000.0);
        check(
            &problem,
            Model::Lscp,
            radius,
            None,
            &format!("lscp seed {seed}"),
        );
        // 60% of what any site can reach, as a share of the total weight.
        let all: Vec<usize> = (0..sites.len()).collect();
        let coverable = exact::objective(&problem, Model::Mclp, &radius, &all);
        let total: f64 = problem.clients.weight.iter().sum();
        let share = 0.6 * coverable / total;
        check(
            &problem,
            Model::Lscp,
            radius,
            Some(share),
            &format!("lscp 60% seed {seed}"),
        );
    }
}

#[test]
fn fixed_sites_quotas_and_per_kind_radii_match_exhaustive_search() {
    let hoods = strips();
    for seed in 0..50 {
        let (demand, mut sites) = random(seed, 30, 10, 0);
        sites[seed as usize % 10].fixed = true;
        let radius = Radius {
            default_m: Some(3_000.0),
            by_kind: PerKind([Some(2_500.0), Some(6_000.0), None]),
        };
        let quota = PerKind([1, 1, 0]);
        let Ok(problem) = Problem::new(
            &demand,
            &sites,
            Some(&hoods),
            CostSource::GreatCircle,
            Some(4),
            quota,
        ) else {
            continue; // a random layout may lack a site of some kind
        };
        check(
            &problem,
            Model::Mclp,
            radius,
            None,
            &format!("mclp rules seed {seed}"),
        );
        let lscp = Problem::new(
            &demand,
            &sites,
            Some(&hoods),
            CostSource::GreatCircle,
            None,
            quota,
        )
        .unwrap();
        check(
            &lscp,
            Model::Lscp,
            radius,
            None,
            &format!("lscp rules seed {seed}"),
        );
    }
}
