//! Access figures of an assignment that may split a demand point between centres (a capacitated
//! one), where a point's distance is not to its nearest centre but to each centre serving it.

use super::figures::{self, Figures, Points};
use super::{DistanceUnit, Nearest};
use crate::model::{AreaKind, DemandPoint, Neighbourhood};
use crate::plan::Radius;
use crate::spatial::NeighbourhoodIndex;
use serde::Serialize;
use std::collections::BTreeMap;

/// One part of a demand point's weight and the centre that serves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// Index of the demand point.
    pub demand: usize,
    /// Index of the serving centre; `None` when no centre could take this weight.
    pub centre: Option<usize>,
    /// Weight of the part.
    pub weight: f64,
    /// Distance to the serving centre (metres or cost units).
    pub distance_m: f64,
}

/// `access.json` for a capacitated assignment: the figures of [`Figures`] with every part counted
/// as a point of its own weight at its own distance (`points` counts parts), overall, per kind
/// and outside every neighbourhood. A part is covered when its own centre lies within the radius
/// of its demand point's kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignedAccess {
    /// Metres, or cost-matrix units.
    pub distance_unit: DistanceUnit,
    /// The radius outside neighbourhoods and for kinds without their own.
    pub radius_m: Option<f64>,
    /// Per-kind radii.
    pub radius_by_kind: BTreeMap<AreaKind, f64>,
    /// All demand.
    #[serde(flatten)]
    pub overall: Figures,
    /// Per area kind (with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind: Option<BTreeMap<AreaKind, Figures>>,
    /// Outside every neighbourhood (with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<Figures>,
}

/// Measures an assignment given as `parts` of the `demand` points.
pub fn assigned_access(
    demand: &[DemandPoint],
    neighbourhoods: Option<&[Neighbourhood]>,
    parts: &[Part],
    radius: &Radius,
    distance_unit: DistanceUnit,
) -> AssignedAccess {
    let kind_of_demand: Vec<Option<AreaKind>> = match neighbourhoods {
        Some(hoods) => {
            let positions: Vec<_> = demand.iter().map(|d| d.position).collect();
            NeighbourhoodIndex::new(hoods)
                .locate_all(&positions)
                .into_iter()
                .map(|h| h.map(|h| hoods[h as usize].kind))
                .collect()
        }
        None => vec![None; demand.len()],
    };
    let weight: Vec<f64> = parts.iter().map(|p| p.weight).collect();
    let served: Vec<Option<Nearest>> = parts
        .iter()
        .map(|p| {
            p.centre.map(|site| Nearest {
                site,
                distance_m: p.distance_m,
                route_m: None,
            })
        })
        .collect();
    let covered: Vec<bool> = parts
        .iter()
        .zip(&served)
        .map(|(p, s)| {
            let r = radius.for_kind(kind_of_demand[p.demand]);
            s.is_some_and(|s| r.is_none_or(|r| s.distance_m <= r))
        })
        .collect();
    let points = Points {
        weight: &weight,
        nearest: &served,
        covered: &covered,
        scores: None,
    };
    let groups = figures::by_group(&points, figures::KIND_GROUPS, |i| {
        let kind = kind_of_demand[parts[i].demand];
        [Some(0), neighbourhoods.map(|_| figures::kind_group(kind))]
    });
    let (overall, by_kind, outside) = figures::overall_by_kind(&groups, neighbourhoods.is_some());
    AssignedAccess {
        distance_unit,
        radius_m: radius.default_m,
        radius_by_kind: radius.named_by_kind(),
        overall,
        by_kind,
        outside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PerKind;
    use geo::{MultiPolygon, Point, Rect};

    /// A (weight 3, urban) split 2 at 100 m and 1 at 300 m; B (weight 1, outside) 1 at 50 m.
    /// Radius 200 m: covered 2 + 1 = 3 of 4; mean (200 + 300 + 50) / 4 = 137.5; urban mean
    /// (200 + 300) / 3; the weighted median is the smallest distance with half the weight
    /// behind it: 50 (1), 100 (3 ≥ 2), so 100.
    #[test]
    fn split_parts_count_at_their_own_distance() {
        let point = |id: &str, x: f64, w: f64| DemandPoint {
            id: id.into(),
            position: Point::new(x, 0.5),
            weight: w,
            group: None,
        };
        let demand = [point("A", 0.5, 3.0), point("B", 5.0, 1.0)];
        let hoods = [Neighbourhood {
            id: "u".into(),
            name: "u".into(),
            kind: AreaKind::Urban,
            geometry: MultiPolygon(vec![Rect::new((0.0, 0.0), (1.0, 1.0)).to_polygon()]),
        }];
        let part = |demand, centre, weight, distance_m| Part {
            demand,
            centre: Some(centre),
            weight,
            distance_m,
        };
        let parts = [
            part(0, 0, 2.0, 100.0),
            part(0, 1, 1.0, 300.0),
            part(1, 0, 1.0, 50.0),
        ];
        let radius = Radius {
            default_m: Some(200.0),
            by_kind: PerKind::default(),
        };
        let a = assigned_access(&demand, Some(&hoods), &parts, &radius, DistanceUnit::Metres);
        assert_eq!(a.overall.total_weight, 4.0);
        assert_eq!(a.overall.covered_weight, 3.0);
        assert_eq!(a.overall.mean_distance_m, 137.5);
        assert_eq!(a.overall.median_distance_m, 100.0);
        assert_eq!(a.overall.max_distance_m, 300.0);
        let urban = &a.by_kind.as_ref().unwrap()[&AreaKind::Urban];
        assert_eq!(urban.covered_weight, 2.0);
        assert!((urban.mean_distance_m - 500.0 / 3.0).abs() < 1e-12);
        assert_eq!(a.outside.as_ref().unwrap().covered_weight, 1.0);
    }
}
