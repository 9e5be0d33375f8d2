//! Small random instances, and the checks every distance-based solver must pass against the
//! exhaustive oracle ([`super::exact`]).

use crate::cost::CostSource;

use super::{Deadline, DistanceTable, Model, Problem, Radius, Settings, Solution, exact};
use crate::error::Result;
use crate::model::{AreaKind, CostMatrix, DemandPoint, Neighbourhood, PerKind, Site};
use crate::spatial::haversine_m;
use geo::{MultiPolygon, Point, Rect};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// West and east edges of the test box (about 19 km wide) near Isfahan.
const LON: (f64, f64) = (51.6, 51.8);
/// South and north edges (about 22 km).
const LAT: (f64, f64) = (32.5, 32.7);

/// `n_demand` points with weights 1..9 and `n_sites` sites, uniform in the box; the first
/// `fixed` sites are existing centres.
pub fn random(
    seed: u64,
    n_demand: usize,
    n_sites: usize,
    fixed: usize,
) -> (Vec<DemandPoint>, Vec<Site>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let point = |rng: &mut ChaCha8Rng| {
        Point::new(
            rng.random_range(LON.0..LON.1),
            rng.random_range(LAT.0..LAT.1),
        )
    };
    let demand = (0..n_demand)
        .map(|i| DemandPoint {
            id: format!("d{i}"),
            position: point(&mut rng),
            weight: rng.random_range(1..10) as f64,
            group: None,
        })
        .collect();
    let sites = (0..n_sites)
        .map(|i| Site {
            id: format!("s{i}"),
            position: point(&mut rng),
            capacity: None,
            fixed: i < fixed,
        })
        .collect();
    (demand, sites)
}

/// Three vertical strips covering the box: urban (west), rural (middle), informal (east).
pub fn strips() -> Vec<Neighbourhood> {
    let width = (LON.1 - LON.0) / 3.0;
    AreaKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let x0 = LON.0 + width * i as f64;
            Neighbourhood {
                id: format!("n{i}"),
                name: kind.to_string(),
                kind,
                geometry: MultiPolygon(vec![
                    Rect::new((x0, LAT.0), (x0 + width, LAT.1)).to_polygon(),
                ]),
            }
        })
        .collect()
}

/// A road-like cost matrix: great-circle metres times a detour factor in 1..1.5, with about
/// `missing` of the pairs left out (unreachable), but never all of a demand point's pairs.
pub fn road_costs(seed: u64, demand: &[DemandPoint], sites: &[Site], missing: f64) -> CostMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut triples = Vec::new();
    for (i, d) in demand.iter().enumerate() {
        let keep_anyway = rng.random_range(0..sites.len());
        for (s, site) in sites.iter().enumerate() {
            if s != keep_anyway && rng.random_range(0.0..1.0) < missing {
                continue;
            }
            let detour = rng.random_range(1.0..1.5);
            triples.push((
                i as u32,
                s as u32,
                haversine_m(d.position, site.position) * detour,
            ));
        }
    }
    CostMatrix::from_triples(demand.len(), triples).expect("pairs are distinct")
}

/// Asserts that `solution` is an allowed plan whose objective is the exact optimum (relative
/// 1e-9), recomputed from first principles, and that its bound does not exceed the optimum.
pub fn assert_optimal(problem: &Problem, model: Model, solution: &Solution, label: &str) {
    assert_best(problem, model, &Radius::default(), None, solution, label);
}

/// [`assert_optimal`] for any model: `radius` for the covering ones, `target_weight` for LSCP
/// with a target coverage. The bound must lie on the right side of the optimum: above it for
/// MCLP, below it for the others.
pub fn assert_best(
    problem: &Problem,
    model: Model,
    radius: &Radius,
    target_weight: Option<f64>,
    solution: &Solution,
    label: &str,
) {
    let (optimum, _) = exact::optimum(problem, model, radius, target_weight)
        .expect("the instance has an allowed set");
    let rules = &problem.rules;
    let mut open = solution.open.clone();
    open.sort_unstable();
    open.dedup();
    assert_eq!(
        open.len(),
        solution.open.len(),
        "{label}: a site is opened twice"
    );
    if let (Some(p), false) = (rules.p, model == Model::Lscp) {
        assert_eq!(
            open.len(),
            p,
            "{label}: {:?} is not {p} sites",
            solution.open
        );
    }
    assert!(
        rules.fixed_sites().iter().all(|s| open.contains(s)),
        "{label}: a fixed site is closed in {open:?}"
    );
    assert_eq!(rules.unmet(&rules.counts(&open)), 0, "{label}: quota unmet");
    let fixed_count = rules.fixed_sites().len();
    assert!(
        solution.open[..fixed_count].iter().all(|&s| rules.fixed[s]),
        "{label}: fixed sites do not come first in {:?}",
        solution.open
    );
    let recomputed = match (model, target_weight) {
        (Model::Lscp, Some(target)) => {
            assert!(
                exact::objective(problem, Model::Mclp, radius, &open) >= target * (1.0 - 1e-12),
                "{label}: the plan misses the target weight"
            );
            open.len() as f64
        }
        _ => exact::objective(problem, model, radius, &open),
    };
    let close = |a: f64, b: f64| a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
    assert!(
        close(solution.objective, recomputed),
        "{label}: reported objective {} but the plan gives {recomputed}",
        solution.objective
    );
    assert!(
        close(solution.objective, optimum),
        "{label}: objective {} but the optimum is {optimum}",
        solution.objective
    );
    if model.maximises() {
        assert!(
            solution.bound >= optimum * (1.0 - 1e-12),
            "{label}: upper bound {} below the optimum {optimum}",
            solution.bound
        );
    } else {
        assert!(
            solution.bound <= optimum * (1.0 + 1e-12),
            "{label}: lower bound {} exceeds the optimum {optimum}",
            solution.bound
        );
        assert!(solution.bound >= 0.0, "{label}: negative bound");
    }
}

/// Checks a distance-based solver (`solve(problem, seed)`) against the oracle on four families
/// of 20 random instances each: plain (p = 2 to 4), with fixed sites, with quotas, and on a sparse
/// cost matrix. Returns how many plain instances the solver proved optimal (bound = objective).
pub fn check_random_families(model: Model, solve: impl Fn(&Problem, u64) -> Solution) -> usize {
    let mut proven = 0;
    let mut with_quotas = 0;
    let hoods = strips();
    for seed in 0..20 {
        let (demand, sites) = random(seed, 30, 10, 0);
        let p = 2 + seed as usize % 3;
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            Some(p),
            PerKind::default(),
        )
        .expect("valid");
        let solution = solve(&problem, seed);
        assert_optimal(&problem, model, &solution, &format!("plain seed {seed}"));
        proven += usize::from(solution.bound == solution.objective);

        let (demand, sites) = random(100 + seed, 30, 10, 1 + seed as usize % 2);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            Some(3),
            PerKind::default(),
        )
        .expect("valid");
        let solution = solve(&problem, seed);
        assert_optimal(&problem, model, &solution, &format!("fixed seed {seed}"));

        // A random draw may lack enough sites of a kind for its quota: skipped, and counted.
        let (demand, sites) = random(200 + seed, 30, 10, seed as usize % 2);
        if let Ok(problem) = Problem::new(
            &demand,
            &sites,
            Some(&hoods),
            CostSource::GreatCircle,
            Some(4),
            quotas(seed),
        ) {
            let solution = solve(&problem, seed);
            assert_optimal(&problem, model, &solution, &format!("quota seed {seed}"));
            with_quotas += 1;
        }

        let (demand, sites) = random(300 + seed, 30, 10, seed as usize % 2);
        let cost = road_costs(seed, &demand, &sites, 0.3);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::Matrix(&cost),
            Some(3),
            PerKind::default(),
        )
        .expect("valid");
        let solution = solve(&problem, seed);
        assert_optimal(&problem, model, &solution, &format!("cost seed {seed}"));
    }
    assert!(
        with_quotas >= 12,
        "only {with_quotas} quota instances were valid"
    );
    proven
}

/// The same plan from the default thread pool and from one thread, on a larger instance.
pub fn check_thread_independent(solve: impl Fn(&Problem, u64) -> Solution + Sync) {
    let (demand, sites) = random(7, 200, 40, 0);
    let problem = Problem::new(
        &demand,
        &sites,
        None,
        CostSource::GreatCircle,
        Some(6),
        PerKind::default(),
    )
    .expect("valid");
    let first = solve(&problem, 3);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let second = pool.install(|| solve(&problem, 3));
    assert_eq!(first, second);
    assert!(first.bound <= first.objective);
}

/// Demand and sites on a line, with a cost matrix giving |x − y| so that answers can be worked
/// by hand: demand at 0, 1, 2, 10, 11, 12 (weight 1) and at 100 (weight 0, to be ignored),
/// sites at 1, 6, 11 and 100.
pub fn line() -> (Vec<DemandPoint>, Vec<Site>, CostMatrix) {
    let xs = [0.0, 1.0, 2.0, 10.0, 11.0, 12.0, 100.0];
    let ys = [1.0, 6.0, 11.0, 100.0];
    let demand: Vec<DemandPoint> = xs
        .iter()
        .enumerate()
        .map(|(i, &x)| DemandPoint {
            id: format!("d{i}"),
            position: Point::new(51.6 + x * 1e-3, 32.6),
            weight: if x == 100.0 { 0.0 } else { 1.0 },
            group: None,
        })
        .collect();
    let sites: Vec<Site> = ys
        .iter()
        .enumerate()
        .map(|(s, &y)| Site {
            id: format!("s{s}"),
            position: Point::new(51.6 + y * 1e-3, 32.6),
            capacity: None,
            fixed: false,
        })
        .collect();
    let triples = (0..xs.len())
        .flat_map(|i| (0..ys.len()).map(move |s| (i as u32, s as u32, (xs[i] - ys[s]).abs())))
        .collect();
    let cost = CostMatrix::from_triples(xs.len(), triples).expect("distinct pairs");
    (demand, sites, cost)
}

/// The quotas `(urban, rural, informal)` asked for by seed, small enough for p = 3 or 4.
pub fn quotas(seed: u64) -> PerKind<usize> {
    match seed % 3 {
        0 => PerKind([1, 1, 1]),
        1 => PerKind([0, 2, 0]),
        _ => PerKind([2, 0, 1]),
    }
}

/// A distance-based solver as `pmedian` and `pcenter` expose it.
pub type DistanceSolver = fn(&Problem, &DistanceTable, &Settings, Deadline) -> Result<Solution>;

/// Runs `solve` with `seed` and no time limit.
pub fn run_with(solve: DistanceSolver, problem: &Problem, seed: u64) -> Solution {
    run_settings(solve, problem, seed, false)
}

/// Runs `solve` in exact mode with `seed` and no time limit.
pub fn run_exact(solve: DistanceSolver, problem: &Problem, seed: u64) -> Solution {
    run_settings(solve, problem, seed, true)
}

fn run_settings(solve: DistanceSolver, problem: &Problem, seed: u64, exact: bool) -> Solution {
    let table = DistanceTable::new(problem).expect("small table");
    let settings = Settings {
        seed,
        exact,
        ..Settings::default()
    };
    solve(problem, &table, &settings, Deadline::after(None)).expect("solvable")
}

/// Exact mode must prove every optimum of the random families, and even when its search is cut
/// short by the deadline its bound must stay at or below the optimum (p-median, p-center), on
/// instances large enough that the heuristic alone rarely closes the gap.
pub fn check_exact(model: Model, solve: DistanceSolver) {
    let proven = check_random_families(model, |problem, seed| run_exact(solve, problem, seed));
    assert_eq!(proven, 20, "exact mode proved only {proven} of 20");
    for seed in 0..6 {
        let (demand, sites) = random(500 + seed, 40, 14, 0);
        let problem = Problem::new(
            &demand,
            &sites,
            None,
            CostSource::GreatCircle,
            Some(3 + seed as usize % 3),
            PerKind::default(),
        )
        .expect("valid");
        let exact = run_exact(solve, &problem, seed);
        assert_optimal(&problem, model, &exact, &format!("exact seed {seed}"));
        assert_eq!(exact.bound, exact.objective, "seed {seed}: not proven");
        let table = DistanceTable::new(&problem).expect("small table");
        let settings = Settings {
            seed,
            exact: true,
            time_limit: Some(std::time::Duration::from_micros(200 * seed)),
            ..Settings::default()
        };
        let rushed = solve(
            &problem,
            &table,
            &settings,
            Deadline::after(settings.time_limit),
        )
        .expect("a plan even when rushed");
        assert!(
            rushed.bound <= exact.objective * (1.0 + 1e-12) && exact.objective <= rushed.objective,
            "seed {seed}: rushed bound {} or objective {} against the optimum {}",
            rushed.bound,
            rushed.objective,
            exact.objective
        );
    }
}

/// A demand point that reaches no site (no pair in the cost matrix; off the roads) is left out
/// of the objective, as if it were not there: the plan equals the plan without it. `plan::solve`
/// reports its weight as `uncoverable_weight`.
pub fn check_leaves_out_stranded_demand(solve: DistanceSolver) {
    let (demand, sites) = random(9, 5, 3, 0);
    let cost = |stranded: Option<u32>, n: usize| {
        let triples = (0..n as u32)
            .filter(|&i| Some(i) != stranded)
            .flat_map(|i| (0..3u32).map(move |s| (i, s, 100.0 + ((i * 7 + s * 3) % 11) as f64)))
            .collect();
        CostMatrix::from_triples(n, triples).expect("distinct pairs")
    };
    // Demand point 4 has no pair at all.
    let with = cost(Some(4), 5);
    let without = cost(None, 4);
    let solved = |demand: &[DemandPoint], cost: &CostMatrix| {
        let problem = Problem::new(
            demand,
            &sites,
            None,
            CostSource::Matrix(cost),
            Some(2),
            PerKind::default(),
        )
        .expect("ok");
        run_with(solve, &problem, 1)
    };
    let a = solved(&demand, &with);
    let b = solved(&demand[..4], &without);
    assert_eq!(
        (a.objective, a.bound, a.open),
        (b.objective, b.bound, b.open)
    );
}

/// Every site open, an expired deadline, and no weight at all: the plan and its bound must
/// still be valid.
pub fn check_degenerate_instances(model: Model, solve: DistanceSolver) {
    let (demand, sites) = random(11, 30, 6, 1);
    let problem = Problem::new(
        &demand,
        &sites,
        None,
        CostSource::GreatCircle,
        Some(6),
        PerKind::default(),
    )
    .expect("valid");
    assert_optimal(&problem, model, &run_with(solve, &problem, 1), "p = m");
    let problem = Problem::new(
        &demand,
        &sites,
        None,
        CostSource::GreatCircle,
        Some(3),
        PerKind::default(),
    )
    .expect("valid");
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
        exact::optimum(&problem, model, &Default::default(), None).expect("an allowed set");
    assert_eq!(rushed.open.len(), 3);
    assert!(rushed.bound <= optimum && optimum <= rushed.objective);
    // No demand with positive weight: nothing to serve, objective and bound 0.
    let idle: Vec<_> = demand
        .iter()
        .map(|d| DemandPoint {
            weight: 0.0,
            ..d.clone()
        })
        .collect();
    let problem = Problem::new(
        &idle,
        &sites,
        None,
        CostSource::GreatCircle,
        Some(2),
        PerKind::default(),
    )
    .expect("valid");
    let solution = run_with(solve, &problem, 1);
    assert_eq!(
        (solution.objective, solution.bound, solution.open.len()),
        (0.0, 0.0, 2)
    );
}
