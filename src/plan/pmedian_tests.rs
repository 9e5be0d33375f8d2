use super::*;
use crate::model::{CostMatrix, PerKind};
use crate::plan::Model;
use crate::plan::test_instances::{
    assert_optimal, check_random_families, check_thread_independent, line, random,
};

fn run(problem: &Problem, seed: u64) -> Solution {
    let table = DistanceTable::new(problem).expect("small table");
    let settings = Settings {
        seed,
        ..Settings::default()
    };
    solve(problem, &table, &settings, Deadline::after(None)).expect("solvable")
}

#[test]
fn matches_the_exact_optimum_on_random_families() {
    // Every plan must equal the optimum; how many bounds close the gap is not asserted here.
    check_random_families(Model::Pmedian, run);
}

#[test]
fn same_answer_on_one_thread() {
    check_thread_independent(run);
}

/// On [`line`]: p = 2: {1, 11} costs 1 + 0 + 1 + 1 + 0 + 1 = 4, and no pair does better (a site
/// serving both groups is at least 4 from three points of one of them). p = 1: site 6 costs
/// 6 + 5 + 4 + 4 + 5 + 6 = 30; site 1 costs 1 + 0 + 1 + 9 + 10 + 11 = 32, site 11 the same by
/// symmetry, site 100 far more. (The point at 100 has weight 0 and adds nothing.)
#[test]
fn hand_checked_line() {
    for (p, expected, open) in [(2, 4.0, vec![0, 2]), (1, 30.0, vec![1])] {
        let (demand, sites, cost) = line();
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            Some(&cost),
            Some(p),
            PerKind::default(),
        )
        .expect("valid");
        let solution = run(&problem, 1);
        assert_eq!(solution.objective, expected, "p = {p}");
        let mut chosen = solution.open.clone();
        chosen.sort_unstable();
        assert_eq!(chosen, open, "p = {p}");
        assert!(solution.bound <= expected);
        assert!(
            solution.bound >= expected - 1e-6,
            "p = {p}: the relaxation is tight here, yet the bound is {}",
            solution.bound
        );
    }
}

#[test]
fn rejects_demand_that_no_site_reaches() {
    let (demand, sites) = random(9, 5, 3, 0);
    // Demand point 2 has no pair at all.
    let triples = (0..5u32)
        .filter(|&i| i != 2)
        .flat_map(|i| (0..3u32).map(move |s| (i, s, 100.0 + (i + s) as f64)))
        .collect();
    let cost = CostMatrix::from_triples(5, triples).expect("distinct pairs");
    let problem = Problem::new(
        &demand,
        &sites,
        None,
        Some(&cost),
        Some(2),
        PerKind::default(),
    )
    .expect("ok");
    let table = DistanceTable::new(&problem).expect("small");
    let err = solve(
        &problem,
        &table,
        &Settings::default(),
        Deadline::after(None),
    )
    .expect_err("demand point 2 is stranded");
    assert!(err.to_string().starts_with("1 demand point"), "{err}");
}

#[test]
fn degenerate_instances_still_get_a_valid_plan() {
    // Every site open, and an expired deadline: the plan and bound must still be valid.
    let (demand, sites) = random(11, 30, 6, 1);
    let problem =
        Problem::new(&demand, &sites, None, None, Some(6), PerKind::default()).expect("valid");
    assert_optimal(&problem, Model::Pmedian, &run(&problem, 1), "p = m");
    let problem =
        Problem::new(&demand, &sites, None, None, Some(3), PerKind::default()).expect("valid");
    let table = DistanceTable::new(&problem).expect("small");
    let settings = Settings {
        time_limit: Some(std::time::Duration::ZERO),
        ..Settings::default()
    };
    let rushed = solve(
        &problem,
        &table,
        &settings,
        Deadline::after(settings.time_limit),
    )
    .expect("a plan even without time");
    let (optimum, _) =
        crate::plan::exact::optimum(&problem, Model::Pmedian, &Default::default(), None)
            .expect("an allowed set");
    assert_eq!(rushed.open.len(), 3);
    assert!(rushed.bound <= optimum && optimum <= rushed.objective);
    // No demand with positive weight: nothing to serve, objective and bound 0.
    let idle: Vec<_> = demand
        .iter()
        .map(|d| crate::model::DemandPoint {
            weight: 0.0,
            ..d.clone()
        })
        .collect();
    let problem =
        Problem::new(&idle, &sites, None, None, Some(2), PerKind::default()).expect("valid");
    let solution = run(&problem, 1);
    assert_eq!(
        (solution.objective, solution.bound, solution.open.len()),
        (0.0, 0.0, 2)
    );
}
