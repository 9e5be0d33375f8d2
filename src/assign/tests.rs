//! Tests of the assignment: feasibility, optimality against the all-arcs solution, rounding,
//! balance and the errors a planner meets.

use super::*;
use crate::cost::CostSource;
use crate::model::CostMatrix;
use geo::Point;
use proptest::prelude::*;

fn point(id: &str, lon: f64, lat: f64, weight: f64) -> DemandPoint {
    DemandPoint {
        id: id.into(),
        position: Point::new(lon, lat),
        weight,
        group: None,
    }
}

fn centre(id: &str, lon: f64, lat: f64, capacity: Option<f64>) -> Site {
    Site {
        id: id.into(),
        position: Point::new(lon, lat),
        capacity,
        fixed: false,
    }
}

/// Every point's rows add up to its weight, and no centre exceeds its capacity.
fn assert_feasible(demand: &[DemandPoint], result: &Assignment) {
    let mut sent = vec![0.0; demand.len()];
    for r in &result.rows {
        sent[r.demand] += r.weight;
    }
    for (d, s) in demand.iter().zip(&sent) {
        assert!(
            (d.weight - s).abs() <= 1e-9 * d.weight.max(1.0),
            "{}: {s}",
            d.id
        );
    }
    for c in &result.report.centres {
        if let Some(cap) = c.capacity {
            assert!(
                c.load <= cap * (1.0 + 1e-9) + 1e-9,
                "{}: {} > {cap}",
                c.id,
                c.load
            );
        }
    }
    assert_eq!(result.report.unassigned_weight, 0.0);
}

#[test]
fn a_full_centre_passes_the_cheapest_movers_on() {
    // Three households on a line of longitudes near the equator; centre a has room for 2.
    let demand = [
        point("h1", 0.00, 0.0, 1.0),
        point("h2", 0.01, 0.0, 1.0),
        point("h3", 0.02, 0.0, 1.0),
    ];
    let sites = [
        centre("a", 0.0, 0.0, Some(2.0)),
        centre("b", 0.05, 0.0, Some(5.0)),
    ];
    let result = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new(),
    )
    .unwrap();
    assert_feasible(&demand, &result);
    let to: Vec<&str> = result
        .rows
        .iter()
        .map(|r| sites[r.centre.unwrap()].id.as_str())
        .collect();
    // h3 is nearest to a (2.2 km vs 3.3 km) but gains least by staying.
    assert_eq!(to, ["a", "a", "b"]);
    assert_eq!(result.report.gap, 0.0);
}

#[test]
fn infeasible_capacity_says_by_how_much() {
    let demand = [point("h1", 0.0, 0.0, 5.0), point("h2", 0.0, 0.1, 2.5)];
    let sites = [
        centre("a", 0.0, 0.0, Some(3.0)),
        centre("b", 0.0, 0.1, None),
    ];
    let err = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new().capacity(3.0),
    )
    .unwrap_err();
    assert!(err.to_string().contains("1.5 short"), "{err}");
    let err = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"b\" has no capacity"), "{err}");
}

#[test]
fn identical_coordinates_are_merged_and_split_back_in_input_order() {
    let demand = [
        point("x", 0.0, 0.0, 2.0),
        point("y", 0.0, 0.0, 2.0),
        point("z", 0.0, 0.0, 0.0),
    ];
    let sites = [
        centre("near", 0.0, 0.0, Some(3.0)),
        centre("far", 0.0, 0.1, Some(3.0)),
    ];
    let result = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new(),
    )
    .unwrap();
    assert_eq!(result.report.clients, 1);
    let rows: Vec<(usize, &str, f64)> = result
        .rows
        .iter()
        .map(|r| (r.demand, sites[r.centre.unwrap()].id.as_str(), r.weight))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "near", 2.0),
            (1, "far", 1.0),
            (1, "near", 1.0),
            (2, "near", 0.0)
        ]
    );
    let no_split = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new().no_split(),
    )
    .unwrap();
    assert_eq!(no_split.rows.len(), 3);
    assert!(no_split.report.total_cost >= no_split.report.lower_bound);
    assert_eq!(no_split.report.lower_bound, result.report.total_cost);
    assert_feasible(&demand, &no_split);
}

#[test]
fn balance_keeps_every_load_near_the_mean() {
    // All demand sits on centre a; balance 0.2 forces 0.8–1.2 of the mean (4) on each.
    let demand: Vec<DemandPoint> = (0..12)
        .map(|i| point(&format!("h{i}"), 0.001 * i as f64, 0.0, 1.0))
        .collect();
    let sites = [
        centre("a", 0.0, 0.0, None),
        centre("b", 0.5, 0.0, None),
        centre("c", 0.0, 0.5, None),
    ];
    let result = assign(
        &demand,
        &sites,
        CostSource::GreatCircle,
        &AssignParams::new().balance(0.2),
    )
    .unwrap();
    assert_feasible(&demand, &result);
    for c in &result.report.centres {
        assert!(
            c.load >= 3.2 - 1e-9 && c.load <= 4.8 + 1e-9,
            "{}: {}",
            c.id,
            c.load
        );
    }
}

#[test]
fn a_cost_matrix_replaces_distance_and_unlisted_pairs_stay_unassigned() {
    let demand = [point("d1", 0.0, 0.0, 2.0), point("d2", 1.0, 1.0, 1.0)];
    let sites = [
        centre("a", 0.0, 0.0, Some(2.0)),
        centre("b", 0.0, 0.0, Some(2.0)),
    ];
    let matrix = CostMatrix::from_triples(2, vec![(0, 0, 5.0), (0, 1, 7.0)]).unwrap();
    let result = assign(
        &demand,
        &sites,
        CostSource::of(Some(&matrix)),
        &AssignParams::new(),
    )
    .unwrap();
    assert_eq!(result.report.total_cost, 10.0);
    assert_eq!(result.report.unassigned_weight, 1.0);
    assert_eq!(result.rows.last().unwrap().centre, None);
}

fn instance() -> impl Strategy<Value = (Vec<DemandPoint>, Vec<Site>)> {
    (
        prop::collection::vec((-0.2f64..0.2, -0.2f64..0.2, 0u8..5), 1..60),
        prop::collection::vec((-0.2f64..0.2, -0.2f64..0.2, 0u8..30), 1..12),
    )
        .prop_map(|(points, centres)| {
            let demand: Vec<DemandPoint> = points
                .iter()
                .enumerate()
                // Snap to a grid so that some points share coordinates.
                .map(|(i, &(x, y, w))| {
                    point(
                        &format!("d{i}"),
                        (x * 20.0).round() / 20.0,
                        y,
                        w as f64 * 0.5,
                    )
                })
                .collect();
            let total = total_weight(&demand);
            let raw: f64 = centres.iter().map(|c| c.2 as f64 + 1.0).sum();
            let sites = centres
                .iter()
                .enumerate()
                // Capacities scaled to 1.0–1.3 × the demand, so that capacity binds.
                .map(|(j, &(x, y, c))| {
                    let share = (c as f64 + 1.0) / raw;
                    centre(
                        &format!("c{j}"),
                        51.0 + x,
                        32.0 + y,
                        Some(share * total * 1.15),
                    )
                })
                .collect();
            (demand, sites)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Few nearest arcs, raised until proven, give the same cost as every arc from the start.
    #[test]
    fn raising_k_until_proven_matches_all_arcs((demand, sites) in instance()) {
        let few = assign(&demand, &sites, CostSource::GreatCircle, &AssignParams::new().initial_arcs(1)).unwrap();
        let all = assign(&demand, &sites, CostSource::GreatCircle, &AssignParams::new().initial_arcs(sites.len())).unwrap();
        assert_feasible(&demand, &few);
        let (a, b) = (few.report.total_cost, all.report.total_cost);
        prop_assert!((a - b).abs() <= 1e-9 * b.max(1.0), "{} vs {}", a, b);
    }

    /// Whole points only: feasible when it succeeds, never below the split optimum.
    #[test]
    fn no_split_is_feasible_and_above_its_bound((demand, sites) in instance()) {
        if let Ok(result) = assign(&demand, &sites, CostSource::GreatCircle, &AssignParams::new().no_split()) {
            assert_feasible(&demand, &result);
            prop_assert_eq!(result.rows.len(), demand.len());
            prop_assert!(result.report.total_cost >= result.report.lower_bound * (1.0 - 1e-12));
        }
    }
}
