//! Measures of a given set of open centres: who is nearest to which centre, how far, and who is
//! covered, overall and per area kind.

mod nearest;

pub use nearest::{Nearest, nearest_centres};

use crate::model::{AreaKind, DemandPoint};
use crate::plan::Radius;
use serde::Serialize;
use std::collections::BTreeMap;

/// Access figures for one group of demand.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Number of demand points.
    pub points: usize,
    /// Their total weight.
    pub total_weight: f64,
    /// Weight within the service radius of an open centre (every reachable weight when no radius is set).
    pub covered_weight: f64,
    /// `covered_weight / total_weight` (0 when there is no weight).
    pub covered_share: f64,
    /// Weight with no reachable centre at all (cost matrix without the pair).
    pub unreachable_weight: f64,
    /// Weighted mean distance to the nearest centre, over reachable demand.
    pub mean_distance_m: f64,
    /// Largest distance to the nearest centre over reachable demand with positive weight.
    pub max_distance_m: f64,
}

#[derive(Default)]
struct Accumulator {
    points: usize,
    total: f64,
    covered: f64,
    unreachable: f64,
    reachable: f64,
    weighted_distance: f64,
    max: f64,
}

impl Accumulator {
    fn add(&mut self, weight: f64, nearest: Option<Nearest>, radius_m: Option<f64>) {
        self.points += 1;
        self.total += weight;
        match nearest {
            None => self.unreachable += weight,
            Some(n) => {
                self.reachable += weight;
                self.weighted_distance += weight * n.distance_m;
                if weight > 0.0 {
                    self.max = self.max.max(n.distance_m);
                }
                if radius_m.is_none_or(|r| n.distance_m <= r) {
                    self.covered += weight;
                }
            }
        }
    }

    fn figures(&self) -> Figures {
        let share = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        Figures {
            points: self.points,
            total_weight: self.total,
            covered_weight: self.covered,
            covered_share: share(self.covered, self.total),
            unreachable_weight: self.unreachable,
            mean_distance_m: share(self.weighted_distance, self.reachable),
            max_distance_m: self.max,
        }
    }
}

/// `access.json`: overall figures, and per kind when neighbourhoods are known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Access {
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
    /// Demand outside every neighbourhood (with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<Figures>,
}

impl Access {
    /// Aggregates the nearest-centre results. `kinds[i]` is the area kind of demand point `i`,
    /// or `None` outside every neighbourhood; `with_kinds` says whether neighbourhoods were given.
    pub fn new(
        demand: &[DemandPoint],
        kinds: &[Option<AreaKind>],
        nearest: &[Option<Nearest>],
        radius: &Radius,
        with_kinds: bool,
    ) -> Self {
        let mut overall = Accumulator::default();
        let mut by_kind: [Accumulator; 3] = Default::default();
        let mut outside = Accumulator::default();
        for ((d, &kind), &n) in demand.iter().zip(kinds).zip(nearest) {
            let r = radius.for_kind(kind);
            overall.add(d.weight, n, r);
            match kind {
                Some(k) => by_kind[k.index()].add(d.weight, n, r),
                None => outside.add(d.weight, n, r),
            }
        }
        Access {
            radius_m: radius.default_m,
            radius_by_kind: radius
                .by_kind
                .iter()
                .filter_map(|(k, r)| r.map(|r| (k, r)))
                .collect(),
            overall: overall.figures(),
            by_kind: with_kinds.then(|| {
                AreaKind::ALL
                    .iter()
                    .map(|&k| (k, by_kind[k.index()].figures()))
                    .collect()
            }),
            outside: with_kinds.then(|| outside.figures()),
        }
    }
}
