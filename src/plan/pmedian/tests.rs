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
        assert!(solution.bound <= expected);
        assert!(
            solution.bound >= expected - 1e-6,
            "p = {p}: the relaxation is tight here, yet the bound is {}",
            solution.bound
        );
    }
}

#[test]
fn leaves_out_demand_that_no_site_reaches() {
    check_leaves_out_stranded_demand(solve);
}

#[test]
fn degenerate_instances_still_get_a_valid_plan() {
    check_degenerate_instances(Model::Pmedian, solve);
}

#[test]
fn exact_mode_proves_the_brute_force_optimum() {
    check_exact(Model::Pmedian, solve);
}
