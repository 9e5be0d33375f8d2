//! Every access figure recomputed by a naive O(n·m) loop on random instances, the PySAL
//! `access` fixture, and thread-independence.

// The oracles are deliberately plain index loops over points and centres.
#![allow(clippy::needless_range_loop)]

use super::*;
use crate::cost::CostSource;
use crate::model::{CostMatrix, PerKind};
use crate::spatial::haversine_m;
use geo::{MultiPolygon, Point, Rect};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// A random instance: demand with small whole weights (so every sum is exact and the quantile
/// thresholds compare the same way in any order), sites, three strips of neighbourhoods (one
/// per kind) that leave the east of the box outside, and optionally a sparse cost matrix with
/// whole costs (many ties).
struct Case {
    demand: Vec<DemandPoint>,
    sites: Vec<Site>,
    open: Vec<usize>,
    hoods: Option<Vec<Neighbourhood>>,
    cost: Option<CostMatrix>,
    params: AccessParams,
}

fn strips() -> Vec<Neighbourhood> {
    AreaKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let x0 = 51.6 + 0.05 * i as f64;
            Neighbourhood {
                id: format!("n{i}"),
                name: format!("strip {i}"),
                kind,
                geometry: MultiPolygon(vec![Rect::new((x0, 32.6), (x0 + 0.05, 32.8)).to_polygon()]),
            }
        })
        .collect()
}

fn random_case(seed: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(0..60usize);
    let m = rng.random_range(1..9usize);
    let point = |rng: &mut ChaCha8Rng| {
        Point::new(
            51.6 + rng.random_range(0.0..0.2),
            32.6 + rng.random_range(0.0..0.2),
        )
    };
    let demand: Vec<DemandPoint> = (0..n)
        .map(|i| DemandPoint {
            id: format!("d{i}"),
            position: point(&mut rng),
            weight: f64::from(rng.random_range(0..6u32)),
            group: None,
        })
        .collect();
    let sites: Vec<Site> = (0..m)
        .map(|j| Site {
            id: format!("s{j}"),
            // Some sites share a position, to exercise ties.
            position: if j > 0 && rng.random_bool(0.2) {
                Point::new(51.65, 32.65)
            } else {
                point(&mut rng)
            },
            capacity: rng
                .random_bool(0.6)
                .then(|| f64::from(rng.random_range(0..4u32))),
            fixed: false,
        })
        .collect();
    let mut open: Vec<usize> = (0..m).filter(|_| rng.random_bool(0.6)).collect();
    if open.is_empty() && rng.random_bool(0.8) {
        open.push(rng.random_range(0..m));
    }
    open.reverse(); // any order is allowed
    let with_cost = rng.random_bool(0.3);
    let cost = with_cost.then(|| {
        let mut triples = Vec::new();
        for d in 0..n as u32 {
            for s in 0..m as u32 {
                if rng.random_bool(0.6) {
                    triples.push((d, s, f64::from(rng.random_range(0..10u32))));
                }
            }
        }
        CostMatrix::from_triples(n, triples).unwrap()
    });
    let hoods = rng.random_bool(0.7).then(strips);
    let radius_value = |rng: &mut ChaCha8Rng| -> Option<f64> {
        if !rng.random_bool(0.7) {
            return None;
        }
        Some(if with_cost {
            f64::from(rng.random_range(0..10u32))
        } else if rng.random_bool(0.3) && n > 0 {
            // Exactly a demand-site distance, to test the boundary.
            let d = &demand[rng.random_range(0..n)];
            haversine_m(d.position, sites[rng.random_range(0..m)].position)
        } else {
            rng.random_range(0.0..12_000.0)
        })
    };
    let radius = Radius {
        default_m: radius_value(&mut rng),
        by_kind: if hoods.is_some() {
            PerKind([
                radius_value(&mut rng),
                radius_value(&mut rng),
                radius_value(&mut rng),
            ])
        } else {
            PerKind::default()
        },
    };
    let mut params = AccessParams::new(radius).worst(rng.random_range(0..4));
    if rng.random_bool(0.5) {
        params = params.decay_sigma_m(if with_cost { 3.0 } else { 2_500.0 });
    }
    Case {
        demand,
        sites,
        open,
        hoods,
        cost,
        params,
    }
}

impl Case {
    fn input(&self) -> AccessInput<'_> {
        AccessInput {
            demand: &self.demand,
            sites: &self.sites,
            open: &self.open,
            neighbourhoods: self.hoods.as_deref(),
            source: CostSource::of(self.cost.as_ref()),
        }
    }

    /// Distance from demand point `i` to site `s`, `None` when unreachable.
    fn distance(&self, i: usize, s: usize) -> Option<f64> {
        match &self.cost {
            Some(m) => m.get(i, s as u32),
            None => Some(haversine_m(self.demand[i].position, self.sites[s].position)),
        }
    }

    /// The neighbourhood of point `i` by scanning the strips in file order.
    fn hood_of(&self, i: usize) -> Option<usize> {
        use geo::Intersects;
        self.hoods
            .as_ref()?
            .iter()
            .position(|h| h.geometry.intersects(&self.demand[i].position))
    }

    fn radius_of(&self, i: usize) -> Option<f64> {
        let kind = self
            .hood_of(i)
            .map(|h| self.hoods.as_ref().unwrap()[h].kind);
        self.params.radius.for_kind(kind)
    }
}

/// Relative closeness for sums taken in different orders.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-9)
}

/// Naive figures of the points `members`, from per-point facts.
#[allow(clippy::too_many_arguments)]
fn naive_figures(
    members: &[usize],
    weight: &[f64],
    nearest: &[Option<(usize, f64)>],
    covered: &[bool],
    scores: Option<figures::Scores>,
) -> Figures {
    let sum = |f: &dyn Fn(usize) -> f64| members.iter().map(|&i| f(i)).sum::<f64>();
    let total = sum(&|i| weight[i]);
    let covered_w = sum(&|i| if covered[i] { weight[i] } else { 0.0 });
    let uncovered_w = sum(&|i| if covered[i] { 0.0 } else { weight[i] });
    let unreachable = sum(&|i| if nearest[i].is_none() { weight[i] } else { 0.0 });
    let reach: Vec<(f64, usize)> = members
        .iter()
        .filter_map(|&i| nearest[i].map(|(_, d)| (d, i)))
        .collect();
    let w_reach: f64 = reach.iter().map(|&(_, i)| weight[i]).sum();
    let wd: f64 = reach.iter().map(|&(d, i)| weight[i] * d).sum();
    // Cumulative weight up to (d, i) in (distance, index) order, by a scan.
    let cumulative = |d: f64, i: usize| -> f64 {
        reach
            .iter()
            .filter(|&&(e, j)| e < d || (e == d && j <= i))
            .map(|&(_, j)| weight[j])
            .sum()
    };
    let quantile = |q: f64| -> f64 {
        if w_reach <= 0.0 {
            return 0.0;
        }
        reach
            .iter()
            .filter(|&&(d, i)| cumulative(d, i) >= q * w_reach)
            .map(|&(d, _)| d)
            .fold(f64::INFINITY, f64::min)
    };
    let max = reach
        .iter()
        .filter(|&&(_, i)| weight[i] > 0.0)
        .map(|&(d, _)| d)
        .fold(0.0, f64::max);
    let mut pairs = 0.0;
    for &(a, i) in &reach {
        for &(b, j) in &reach {
            pairs += weight[i] * weight[j] * (a - b).abs();
        }
    }
    let gini = if w_reach * wd > 0.0 {
        pairs / (2.0 * w_reach * wd)
    } else {
        0.0
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let score = |which: usize| {
        scores.and_then(|(s, e)| {
            let s = if which == 0 { s } else { e };
            let scored: f64 = members
                .iter()
                .filter(|&&i| s[i].is_some())
                .map(|&i| weight[i])
                .sum();
            let total: f64 = members
                .iter()
                .filter_map(|&i| s[i].map(|a| weight[i] * a))
                .sum();
            (scored > 0.0).then(|| total / scored)
        })
    };
    Figures {
        points: members.len(),
        total_weight: total,
        covered_weight: covered_w,
        covered_share: ratio(covered_w, total),
        uncovered_weight: uncovered_w,
        uncovered_share: ratio(uncovered_w, total),
        unreachable_weight: unreachable,
        mean_distance_m: ratio(wd, w_reach),
        median_distance_m: quantile(0.5),
        p90_distance_m: quantile(0.9),
        max_distance_m: max,
        gini,
        score_2sfca: score(0),
        score_e2sfca: score(1),
    }
}

fn assert_figures(got: &Figures, want: &Figures, what: &str) {
    assert_eq!(got.points, want.points, "{what}: points");
    // Whole weights: sums are exact.
    assert_eq!(got.total_weight, want.total_weight, "{what}: total");
    assert_eq!(got.covered_weight, want.covered_weight, "{what}: covered");
    assert_eq!(got.uncovered_weight, want.uncovered_weight, "{what}");
    assert_eq!(got.unreachable_weight, want.unreachable_weight, "{what}");
    assert_eq!(got.covered_share, want.covered_share, "{what}");
    assert_eq!(got.uncovered_share, want.uncovered_share, "{what}");
    // Quantiles and maxima are picked, not summed: exact.
    assert_eq!(
        got.median_distance_m, want.median_distance_m,
        "{what}: median"
    );
    assert_eq!(got.p90_distance_m, want.p90_distance_m, "{what}: p90");
    assert_eq!(got.max_distance_m, want.max_distance_m, "{what}: max");
    assert!(
        close(got.mean_distance_m, want.mean_distance_m),
        "{what}: mean {} vs {}",
        got.mean_distance_m,
        want.mean_distance_m
    );
    assert!(
        (got.gini - want.gini).abs() <= 1e-9,
        "{what}: gini {} vs {}",
        got.gini,
        want.gini
    );
    for (g, w, name) in [
        (got.score_2sfca, want.score_2sfca, "2sfca"),
        (got.score_e2sfca, want.score_e2sfca, "e2sfca"),
    ] {
        match (g, w) {
            (Some(g), Some(w)) => assert!(close(g, w), "{what}: {name} {g} vs {w}"),
            _ => assert_eq!(g, w, "{what}: {name}"),
        }
    }
}

/// The whole of [`measure`] against naive loops.
fn check(case: &Case) {
    let got = measure(&case.input(), &case.params).unwrap();
    let n = case.demand.len();
    let weight: Vec<f64> = case.demand.iter().map(|d| d.weight).collect();
    let mut open = case.open.clone();
    open.sort_unstable();

    // Nearest: the smallest distance over every open site, the lowest index among equals.
    let nearest: Vec<Option<(usize, f64)>> = (0..n)
        .map(|i| {
            let mut best: Option<(usize, f64)> = None;
            for &s in &open {
                if let Some(d) = case.distance(i, s)
                    && best.is_none_or(|(_, b)| d < b)
                {
                    best = Some((s, d));
                }
            }
            best
        })
        .collect();
    let got_nearest: Vec<Option<(usize, f64)>> = got
        .nearest
        .iter()
        .map(|n| n.map(|n| (n.site, n.distance_m)))
        .collect();
    assert_eq!(got_nearest, nearest, "nearest centres");

    let radius: Vec<Option<f64>> = (0..n).map(|i| case.radius_of(i)).collect();
    let covered: Vec<bool> = (0..n)
        .map(|i| nearest[i].is_some_and(|(_, d)| radius[i].is_none_or(|r| d <= r)))
        .collect();
    assert_eq!(got.covered, covered, "covered");
    let hood: Vec<Option<usize>> = (0..n).map(|i| case.hood_of(i)).collect();
    if case.hoods.is_some() {
        let got_hood: Vec<Option<usize>> = got
            .neighbourhood_of
            .iter()
            .map(|h| h.map(|h| h as usize))
            .collect();
        assert_eq!(got_hood, hood);
    }

    // 2SFCA by the definition, pair by pair.
    let scores = case.params.radius.max_m().map(|_| {
        let supply: Vec<f64> = open
            .iter()
            .map(|&s| case.sites[s].capacity.unwrap_or(1.0))
            .collect();
        let sigma = |i: usize| {
            case.params
                .decay_sigma_m
                .unwrap_or(radius[i].unwrap() / 2.0)
        };
        // exp(-d²/2σ²), and 1 at d = 0 even when σ = 0 (a zero radius).
        let decay = |d: f64, sigma: f64| {
            if d == 0.0 {
                1.0
            } else {
                (-d * d / (2.0 * sigma * sigma)).exp()
            }
        };
        let in_catchment = |i: usize, s: usize| -> Option<f64> {
            let d = case.distance(i, s)?;
            (d <= radius[i]?).then_some(d)
        };
        let mut demand_plain = vec![0.0; open.len()];
        let mut demand_decayed = vec![0.0; open.len()];
        for (k, &s) in open.iter().enumerate() {
            for i in 0..n {
                if let Some(d) = in_catchment(i, s) {
                    demand_plain[k] += weight[i];
                    demand_decayed[k] += weight[i] * decay(d, sigma(i));
                }
            }
        }
        let ratio = |k: usize, d: &[f64]| if d[k] > 0.0 { supply[k] / d[k] } else { 0.0 };
        let mut plain = vec![None; n];
        let mut decayed = vec![None; n];
        for i in 0..n {
            if radius[i].is_none() {
                continue;
            }
            let (mut a, mut b) = (0.0, 0.0);
            for (k, &s) in open.iter().enumerate() {
                if let Some(d) = in_catchment(i, s) {
                    a += ratio(k, &demand_plain);
                    b += ratio(k, &demand_decayed) * decay(d, sigma(i));
                }
            }
            plain[i] = Some(a);
            decayed[i] = Some(b);
        }
        let fsca = got.fsca.as_ref().expect("2SFCA with a radius");
        for k in 0..open.len() {
            assert_eq!(
                fsca.catchment_demand[k], demand_plain[k],
                "catchment demand"
            );
            assert!(close(fsca.catchment_demand_decayed[k], demand_decayed[k]));
            assert!(close(fsca.ratio[k], ratio(k, &demand_plain)));
            assert!(close(fsca.ratio_decayed[k], ratio(k, &demand_decayed)));
        }
        for i in 0..n {
            for (g, w) in [
                (fsca.score[i], plain[i]),
                (fsca.score_decayed[i], decayed[i]),
            ] {
                match (g, w) {
                    (Some(g), Some(w)) => assert!(close(g, w), "score of {i}: {g} vs {w}"),
                    _ => assert_eq!(g, w),
                }
            }
        }
        (plain, decayed)
    });
    if scores.is_none() {
        assert!(got.fsca.is_none());
    }
    let scores_ref = scores.as_ref().map(|(a, b)| (a.as_slice(), b.as_slice()));
    let figures =
        |members: &[usize]| naive_figures(members, &weight, &nearest, &covered, scores_ref);

    let all: Vec<usize> = (0..n).collect();
    let overall = figures(&all);
    assert_figures(&got.access.overall, &overall, "overall");
    assert_eq!(got.access.equity.gini, got.access.overall.gini);
    match &case.hoods {
        None => {
            assert!(got.access.by_kind.is_none() && got.access.outside.is_none());
            assert_eq!(got.access.equity.coverage_ratio_worst_to_best, None);
            assert!(got.neighbourhoods.is_empty());
        }
        Some(hoods) => {
            let by_kind = got.access.by_kind.as_ref().unwrap();
            for kind in AreaKind::ALL {
                let members: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| hood[i].is_some_and(|h| hoods[h].kind == kind))
                    .collect();
                assert_figures(&by_kind[&kind], &figures(&members), kind.as_str());
            }
            let outside: Vec<usize> = all.iter().copied().filter(|&i| hood[i].is_none()).collect();
            assert_figures(
                got.access.outside.as_ref().unwrap(),
                &figures(&outside),
                "outside",
            );
            assert_eq!(got.neighbourhoods.len(), hoods.len());
            for (h, row) in got.neighbourhoods.iter().enumerate() {
                let members: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| hood[i] == Some(h))
                    .collect();
                assert_eq!(row.id, hoods[h].id);
                assert_figures(&row.figures, &figures(&members), &row.id);
            }
            // Equity between kinds.
            let shares: Vec<(AreaKind, f64)> = AreaKind::ALL
                .iter()
                .map(|&k| (k, &by_kind[&k]))
                .filter(|(_, f)| f.total_weight > 0.0)
                .map(|(k, f)| (k, f.covered_share))
                .collect();
            let equity = &got.access.equity;
            let worst = shares
                .iter()
                .fold(None, |acc: Option<(AreaKind, f64)>, &x| match acc {
                    Some(a) if a.1 <= x.1 => Some(a),
                    _ => Some(x),
                });
            let best = shares
                .iter()
                .fold(None, |acc: Option<(AreaKind, f64)>, &x| match acc {
                    Some(a) if a.1 >= x.1 => Some(a),
                    _ => Some(x),
                });
            assert_eq!(equity.worst_kind, worst.map(|w| w.0));
            assert_eq!(equity.best_kind, best.map(|b| b.0));
            let ratio = worst
                .zip(best)
                .filter(|(_, b)| b.1 > 0.0)
                .map(|(w, b)| w.1 / b.1);
            assert_eq!(equity.coverage_ratio_worst_to_best, ratio);
            for kind in AreaKind::ALL {
                assert_eq!(
                    equity.beyond_radius_share.as_ref().unwrap()[&kind],
                    by_kind[&kind].uncovered_share
                );
            }
            // Worst neighbourhoods: sort everything, keep the first `worst` with uncovered weight.
            let mut ranked: Vec<(f64, usize)> = (0..hoods.len())
                .map(|h| {
                    let uncovered: f64 = all
                        .iter()
                        .filter(|&&i| hood[i] == Some(h) && !covered[i])
                        .map(|&i| weight[i])
                        .sum();
                    (uncovered, h)
                })
                .filter(|&(u, _)| u > 0.0)
                .collect();
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.truncate(case.params.worst);
            let got_worst: Vec<(f64, String)> = equity
                .worst_neighbourhoods
                .iter()
                .map(|w| (w.uncovered_weight, w.id.clone()))
                .collect();
            let want_worst: Vec<(f64, String)> = ranked
                .iter()
                .map(|&(u, h)| (u, hoods[h].id.clone()))
                .collect();
            assert_eq!(got_worst, want_worst);
        }
    }

    // Caseloads, centre by centre.
    assert_eq!(got.centres.iter().map(|c| c.site).collect::<Vec<_>>(), open);
    let mut loads = Vec::new();
    for (k, &s) in open.iter().enumerate() {
        let mine: Vec<usize> = (0..n)
            .filter(|&i| nearest[i].is_some_and(|(t, _)| t == s))
            .collect();
        let load: f64 = mine.iter().map(|&i| weight[i]).sum();
        let covered_load: f64 = mine
            .iter()
            .filter(|&&i| covered[i])
            .map(|&i| weight[i])
            .sum();
        let wd: f64 = mine
            .iter()
            .map(|&i| weight[i] * nearest[i].unwrap().1)
            .sum();
        let row = &got.centres[k];
        assert_eq!(row.id, case.sites[s].id);
        assert_eq!(row.caseload_points, mine.len());
        assert_eq!(row.caseload_weight, load);
        assert_eq!(row.covered_weight, covered_load);
        let mean = if load > 0.0 { wd / load } else { 0.0 };
        assert!(close(row.mean_distance_m, mean));
        loads.push(load);
    }
    let caseload = &got.access.caseload;
    assert_eq!(caseload.centres, open.len());
    if !open.is_empty() {
        let mean = loads.iter().sum::<f64>() / loads.len() as f64;
        let sd =
            (loads.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / loads.len() as f64).sqrt();
        assert_eq!(
            caseload.max_weight,
            loads.iter().copied().fold(0.0, f64::max)
        );
        assert_eq!(
            caseload.min_weight,
            loads.iter().copied().fold(f64::INFINITY, f64::min)
        );
        assert!(close(caseload.mean_weight, mean));
        let cv = if mean > 0.0 { sd / mean } else { 0.0 };
        assert!(close(caseload.coefficient_of_variation, cv));
    }
}

#[test]
fn every_figure_matches_a_naive_recount_on_random_instances() {
    for seed in 0..400 {
        let case = random_case(seed);
        let result = std::panic::catch_unwind(|| check(&case));
        if let Err(e) = result {
            eprintln!("seed {seed} failed");
            std::panic::resume_unwind(e);
        }
    }
}

#[test]
fn coverage_by_opening_matches_a_naive_recount_and_ends_at_the_measured_coverage() {
    for seed in 0..200 {
        let case = random_case(seed);
        let measures = measure(&case.input(), &case.params).unwrap();
        let curve = coverage_by_opening(
            &case.input(),
            &case.params.radius,
            &measures.neighbourhood_of,
        );
        assert_eq!(curve.len(), case.open.len());
        for k in 0..case.open.len() {
            // Within its radius of one of the first k + 1 centres; reachable at all without one.
            let naive: f64 = (0..case.demand.len())
                .filter(|&i| {
                    let reach = case.radius_of(i).unwrap_or(f64::INFINITY);
                    case.open[..=k]
                        .iter()
                        .any(|&s| case.distance(i, s).is_some_and(|d| d <= reach))
                })
                .map(|i| case.demand[i].weight)
                .sum();
            assert_eq!(curve[k], naive, "seed {seed}, {} centres", k + 1);
        }
        let all = curve.last().copied().unwrap_or_default();
        assert_eq!(all, measures.access.overall.covered_weight, "seed {seed}");
    }
}

#[test]
fn ties_go_to_the_lower_site_index() {
    // Two sites at one spot, and a third equally far on the other side of the point.
    let at = |id: &str, lon: f64| Site {
        id: id.into(),
        position: Point::new(lon, 0.0),
        capacity: None,
        fixed: false,
    };
    let sites = [at("x", 0.01), at("a", -0.01), at("b", -0.01)];
    let demand = [DemandPoint {
        id: "d".into(),
        position: Point::new(0.0, 0.0),
        weight: 1.0,
        group: None,
    }];
    let params = AccessParams::new(Radius::uniform(5_000.0));
    for open in [vec![2, 1], vec![1, 2]] {
        let input = AccessInput {
            demand: &demand,
            sites: &sites,
            open: &open,
            neighbourhoods: None,
            source: CostSource::GreatCircle,
        };
        assert_eq!(
            measure(&input, &params).unwrap().nearest[0].unwrap().site,
            1
        );
    }
}

#[test]
fn bad_open_lists_and_parameters_are_invalid() {
    let case = random_case(3);
    let mut input = case.input();
    let open = [0, 0];
    input.open = &open;
    assert!(matches!(
        measure(&input, &case.params),
        Err(Error::Invalid(m)) if m.contains("twice")
    ));
    let open = [99];
    input.open = &open;
    assert!(matches!(
        measure(&input, &case.params),
        Err(Error::Invalid(_))
    ));
    let bad = AccessParams::new(Radius::uniform(1.0)).decay_sigma_m(0.0);
    assert!(matches!(
        measure(&case.input(), &bad),
        Err(Error::Invalid(m)) if m.contains("--decay-sigma")
    ));
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    // Enough points for several 2SFCA blocks.
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let demand: Vec<DemandPoint> = (0..40_000)
        .map(|i| DemandPoint {
            id: i.to_string(),
            position: Point::new(
                51.6 + rng.random_range(0.0..0.2),
                32.6 + rng.random_range(0.0..0.2),
            ),
            weight: rng.random_range(0.0..3.0),
            group: None,
        })
        .collect();
    let sites: Vec<Site> = (0..30)
        .map(|j| Site {
            id: j.to_string(),
            position: Point::new(
                51.6 + rng.random_range(0.0..0.2),
                32.6 + rng.random_range(0.0..0.2),
            ),
            capacity: Some(rng.random_range(1.0..5.0)),
            fixed: false,
        })
        .collect();
    let hoods = strips();
    let open: Vec<usize> = (0..30).step_by(2).collect();
    let input = AccessInput {
        demand: &demand,
        sites: &sites,
        open: &open,
        neighbourhoods: Some(&hoods),
        source: CostSource::GreatCircle,
    };
    let params = AccessParams::new(Radius::uniform(3_000.0));
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| measure(&input, &params).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(3));
}

/// The instance in `tests/data/access/pysal/`, with the scores PySAL `access` computed for it
/// (see the README there for the script). Compared at a relative tolerance of 1e-9.
#[test]
fn scores_match_pysal_access() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/access/pysal");
    let demand = crate::io::read_demand(&dir.join("demand.csv"), &Default::default()).unwrap();
    let sites = crate::io::read_sites(&dir.join("centres.csv"), &Default::default()).unwrap();
    let cost = crate::io::read_cost(&dir.join("cost.csv"), &demand, &sites).unwrap();
    let expected = std::fs::read_to_string(dir.join("expected.csv")).unwrap();
    let open: Vec<usize> = (0..sites.len()).collect();
    let mut compared = 0;
    for (variant, cost) in [("cost", Some(&cost)), ("haversine", None)] {
        let radius = if variant == "cost" { 3_000.0 } else { 2_500.0 };
        let params = AccessParams::new(Radius::uniform(radius)).decay_sigma_m(1_000.0);
        let input = AccessInput {
            demand: &demand,
            sites: &sites,
            open: &open,
            neighbourhoods: None,
            source: CostSource::of(cost),
        };
        let got = measure(&input, &params).unwrap();
        let fsca = got.fsca.unwrap();
        for line in expected.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let [v, id, plain, decayed] = cells[..] else {
                panic!("bad expected.csv line {line:?}");
            };
            if v != variant {
                continue;
            }
            let i = demand.iter().position(|d| d.id == id).unwrap();
            for (got, want) in [(fsca.score[i], plain), (fsca.score_decayed[i], decayed)] {
                let got = got.expect("every point has a catchment");
                // PySAL leaves points with no centre in reach out of its result (NaN); they
                // score 0 here.
                let want: f64 = if want == "nan" {
                    0.0
                } else {
                    want.parse().unwrap()
                };
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs(),
                    "{variant} {id}: {got} vs PySAL {want}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 20, "only {compared} values compared");
}
