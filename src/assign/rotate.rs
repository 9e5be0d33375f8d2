//! The roaming service desk: which neighbourhood to visit each month, and where to stop in it, so
//! that the desk reaches as many people as possible whom no centre covers.
//!
//! Greedy, month by month: among the eligible neighbourhoods not yet visited in the current round,
//! visit the one whose best stop reaches the most not-yet-reached uncovered weight, times the
//! priority of its kind; once every eligible neighbourhood has been visited, a new round begins.
//! The candidate stops are the demand points inside the neighbourhood (a stop where people are).
//! Greedy is the classic choice for this kind of maximum coverage: each month's gain is
//! submodular in the set of stops, so the cumulative weight is within (1 − 1/e) of the best
//! schedule of the same length without the no-repeat rule (Nemhauser, Wolsey & Fisher 1978).
//! Gains only shrink as more people are reached, so each month re-measures only the stops whose
//! last gain could still beat the best fresh one (lazy greedy, Minoux 1978): the same choices as
//! re-measuring every stop, at a fraction of the searches along roads.

use crate::cost::{CostSource, Costs, Side};
use crate::error::{Error, Result};
use crate::model::{DemandPoint, Neighbourhood, PerKind, Site};
use crate::plan::Radius;
use crate::spatial::NeighbourhoodIndex;
use rayon::prelude::*;
use serde::Serialize;

/// Settings of the rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct RotateParams {
    /// Months to plan.
    pub months: usize,
    /// A point within this distance of a centre is covered; the desk reaches this far from its stop.
    pub radius_m: f64,
    /// Multiplier of the weight reached by a visit, per kind of the visited neighbourhood.
    pub priority: PerKind<f64>,
}

impl RotateParams {
    /// `months` months with one radius for centres and desk, every kind weighted 1.
    pub fn new(months: usize, radius_m: f64) -> Self {
        RotateParams {
            months,
            radius_m,
            priority: PerKind([1.0; 3]),
        }
    }

    /// Sets the priority multipliers per kind.
    pub fn priority(mut self, priority: PerKind<f64>) -> Self {
        self.priority = priority;
        self
    }

    /// Checks months (at least 1), radius and priorities (finite, non-negative).
    pub fn check(&self) -> Result<()> {
        if self.months == 0 {
            return Err(Error::Invalid("--months must be at least 1".into()));
        }
        if !Radius::is_valid(self.radius_m) {
            return Err(Error::Invalid(format!(
                "--radius must be a non-negative number of metres, not {}",
                self.radius_m
            )));
        }
        if let Some((kind, p)) = self
            .priority
            .iter()
            .find(|(_, p)| !(p.is_finite() && **p >= 0.0))
        {
            return Err(Error::Invalid(format!(
                "--priority {kind}={p}: a priority must be a non-negative number"
            )));
        }
        Ok(())
    }
}

/// One month of the rotation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    /// 1-based month.
    pub month: usize,
    /// Index of the visited neighbourhood.
    #[serde(skip)]
    pub neighbourhood: usize,
    /// Index of the demand point where the desk stops.
    #[serde(skip)]
    pub stop: usize,
    /// Uncovered weight reached for the first time this month.
    pub new_weight: f64,
    /// Uncovered weight reached so far, this month included.
    pub cumulative_weight: f64,
}

/// Plans the rotation. Neighbourhoods without any demand point inside are not eligible; with
/// none eligible the result is empty.
pub fn rotate(
    demand: &[DemandPoint],
    neighbourhoods: &[Neighbourhood],
    centres: &[Site],
    source: CostSource,
    params: &RotateParams,
) -> Result<Vec<Visit>> {
    params.check()?;
    let r = params.radius_m;
    let positions: Vec<_> = demand.iter().map(|d| d.position).collect();
    let rows: Vec<u32> = (0..demand.len() as u32).collect();
    let everyone = Side {
        positions: &positions,
        ids: &rows,
    };
    let centre_positions: Vec<_> = centres.iter().map(|s| s.position).collect();
    let columns: Vec<u32> = (0..centres.len() as u32).collect();
    let to_centres = Costs::new(
        source,
        everyone,
        Side {
            positions: &centre_positions,
            ids: &columns,
        },
    );
    let mut reached: Vec<bool> = demand.iter().map(|d| d.weight <= 0.0).collect();
    to_centres.within_ids(&vec![r; demand.len()], |i, list| {
        reached[i] |= !list.is_empty();
    });
    // Every demand point is a possible stop; people travel from where they live to it.
    let to_stops = Costs::new(source, everyone, everyone);
    let hood_of = NeighbourhoodIndex::new(neighbourhoods).locate_all(&positions);
    let mut stops: Vec<Vec<usize>> = vec![Vec::new(); neighbourhoods.len()];
    for (i, h) in hood_of.iter().enumerate() {
        if let Some(h) = h {
            stops[*h as usize].push(i);
        }
    }
    let eligible: Vec<usize> = (0..neighbourhoods.len())
        .filter(|&h| !stops[h].is_empty())
        .collect();
    let mut visited = vec![false; neighbourhoods.len()];
    let mut left_in_round = eligible.len();
    let mut cumulative = 0.0;
    let mut visits = Vec::with_capacity(params.months);
    let gain = |reached: &[bool], stop: usize| -> f64 {
        to_stops
            .reaching(stop, r)
            .into_iter()
            .filter(|&(j, _)| !reached[j as usize])
            // A fold from +0.0: an empty `sum()` of f64 is -0.0.
            .fold(0.0, |total, (j, _)| total + demand[j as usize].weight)
    };
    // Each stop's gain when last measured: an upper bound on its gain now.
    let mut bound: Vec<f64> = (0..demand.len())
        .into_par_iter()
        .map(|stop| {
            if hood_of[stop].is_some() {
                gain(&reached, stop)
            } else {
                0.0
            }
        })
        .collect();
    for month in 1..=params.months {
        if eligible.is_empty() {
            break;
        }
        if left_in_round == 0 {
            visited.fill(false);
            left_in_round = eligible.len();
        }
        // Candidates by bound on the score, then in neighbourhood and stop order.
        let mut candidates: Vec<(f64, usize, usize)> = eligible
            .iter()
            .filter(|&&h| !visited[h])
            .flat_map(|&h| {
                let priority = *params.priority.get(neighbourhoods[h].kind);
                stops[h].iter().map(move |&stop| (priority, h, stop))
            })
            .map(|(priority, h, stop)| (priority * bound[stop], h, stop))
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        // (score, new weight, neighbourhood, stop); ties go to the earlier neighbourhood and stop.
        let mut best: Option<(f64, f64, usize, usize)> = None;
        for &(ceiling, h, stop) in &candidates {
            if best.is_some_and(|b| ceiling < b.0) {
                break;
            }
            let priority = *params.priority.get(neighbourhoods[h].kind);
            let new = gain(&reached, stop);
            bound[stop] = new;
            let score = priority * new;
            let earlier = |b: &(f64, f64, usize, usize)| (h, stop) < (b.2, b.3);
            if best.is_none_or(|b| score > b.0 || (score == b.0 && earlier(&b))) {
                best = Some((score, new, h, stop));
            }
        }
        let Some((_, new, h, stop)) = best else {
            break;
        };
        for (j, _) in to_stops.reaching(stop, r) {
            reached[j as usize] = true;
        }
        visited[h] = true;
        left_in_round -= 1;
        cumulative += new;
        visits.push(Visit {
            month,
            neighbourhood: h,
            stop,
            new_weight: new,
            cumulative_weight: cumulative,
        });
    }
    Ok(visits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AreaKind;
    use geo::{Point, Rect};

    fn square(id: &str, kind: AreaKind, west: f64) -> Neighbourhood {
        let rect = Rect::new((west, -0.05), (west + 0.1, 0.05));
        Neighbourhood {
            id: id.into(),
            name: id.into(),
            kind,
            geometry: geo::MultiPolygon(vec![rect.to_polygon()]),
        }
    }

    fn point(id: &str, lon: f64, weight: f64) -> DemandPoint {
        DemandPoint {
            id: id.into(),
            position: Point::new(lon, 0.0),
            weight,
            group: None,
        }
    }

    /// Three neighbourhoods side by side on the equator (0.1° ≈ 11 km wide); a centre covers the
    /// first; radius 2 km, so a stop reaches only its own cluster.
    fn case() -> (Vec<DemandPoint>, Vec<Neighbourhood>, Vec<Site>) {
        let demand = vec![
            point("a1", 0.05, 50.0),
            point("b1", 0.15, 10.0),
            point("b2", 0.151, 5.0),
            point("c1", 0.25, 12.0),
        ];
        let hoods = vec![
            square("A", AreaKind::Urban, 0.0),
            square("B", AreaKind::Rural, 0.1),
            square("C", AreaKind::Informal, 0.2),
        ];
        let centres = vec![Site {
            id: "s".into(),
            position: Point::new(0.05, 0.0),
            capacity: None,
            fixed: true,
        }];
        (demand, hoods, centres)
    }

    #[test]
    fn visits_the_most_uncovered_first_and_repeats_only_after_a_full_round() {
        let (demand, hoods, centres) = case();
        let visits = rotate(
            &demand,
            &hoods,
            &centres,
            CostSource::GreatCircle,
            &RotateParams::new(4, 2000.0),
        )
        .unwrap();
        let order: Vec<(usize, f64, f64)> = visits
            .iter()
            .map(|v| (v.neighbourhood, v.new_weight, v.cumulative_weight))
            .collect();
        // B reaches 15 (b1 and b2 are 111 m apart), C 12, A nothing new (covered); then a new
        // round in which nothing is new, so the tie goes to the first neighbourhood, A.
        assert_eq!(
            order,
            [
                (1, 15.0, 15.0),
                (2, 12.0, 27.0),
                (0, 0.0, 27.0),
                (0, 0.0, 27.0)
            ]
        );
    }

    #[test]
    fn priority_favours_informal_settlements() {
        let (demand, hoods, centres) = case();
        let mut priority = PerKind([1.0; 3]);
        *priority.get_mut(AreaKind::Informal) = 2.0;
        let params = RotateParams::new(1, 2000.0).priority(priority);
        let visits = rotate(&demand, &hoods, &centres, CostSource::GreatCircle, &params).unwrap();
        assert_eq!(visits[0].neighbourhood, 2);
        assert_eq!(visits[0].new_weight, 12.0);
    }
}
