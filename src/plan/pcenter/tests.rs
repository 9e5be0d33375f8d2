use super::*;
use crate::cost::CostSource;
use crate::model::PerKind;
use crate::plan::Model;
use crate::plan::test_instances::{
    check_degenerate_instances, check_exact, check_leaves_out_stranded_demand,
    check_random_families, check_thread_independent, line, run_with,
};

fn run(problem: &Problem, seed: u64) -> Solution {
    run_with(solve, problem, seed)
}

#[test]
fn matches_the_exact_optimum_on_random_families() {
    let proven = check_random_families(Model::Pcenter, run);
    // The bisection's bounds close the gap on such small instances (all of 1,000 seeds tried).
    assert!(proven >= 18, "only {proven} of 20 proven optimal");
}

#[test]
fn same_answer_on_one_thread() {
    check_thread_independent(run);
}

/// On [`line`]: p = 2: {1, 11} leaves every point within 1, and no plan does better since 0, 2,
/// 10 and 12 are each 1 from their nearest site (the bound is proven from that alone). p = 1:
/// site 6 reaches everyone within 6 (0 and 12 are the farthest); sites 1 and 11 leave a point 11
/// away. The bound: within 5, point 0 has only site 1 and point 12 only site 11, so one site
/// cannot serve both. The point at 100 has weight 0: counting it would make site 100 matter.
#[test]
fn hand_checked_line() {
    for (p, expected, open) in [(2, 1.0, vec![0, 2]), (1, 6.0, vec![1])] {
        let (demand, sites, cost) = line();
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::Matrix(&cost),
            Some(p),
            PerKind::default(),
        )
        .expect("valid");
        let solution = run(&problem, 1);
        assert_eq!(solution.objective, expected, "p = {p}");
        let mut chosen = solution.open.clone();
        chosen.sort_unstable();
        assert_eq!(chosen, open, "p = {p}");
        assert_eq!(
            solution.bound, expected,
            "p = {p}: the bound is proven here"
        );
    }
}

#[test]
fn leaves_out_demand_that_no_site_reaches() {
    check_leaves_out_stranded_demand(solve);
}

#[test]
fn degenerate_instances_still_get_a_valid_plan() {
    check_degenerate_instances(Model::Pcenter, solve);
}

#[test]
fn exact_mode_proves_the_brute_force_optimum() {
    check_exact(Model::Pcenter, solve);
}
