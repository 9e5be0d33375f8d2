//! What the roads change: the same centres measured along the roads and on straight lines, so a
//! planner sees who a straight-line plan would wrongly count as served, by kind and
//! neighbourhood.

use crate::model::{AreaKind, Neighbourhood};
use serde::Serialize;
use std::collections::BTreeMap;

/// Neighbourhoods listed as losing most.
const LOSERS: usize = 10;

/// Covered weight both ways, for one group of demand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Both {
    /// Weight of the group.
    pub total_weight: f64,
    /// Covered within the radius on straight lines.
    pub straight_covered_weight: f64,
    /// Covered within the radius along the roads.
    pub road_covered_weight: f64,
}

impl Both {
    fn add(&mut self, weight: f64, straight: bool, road: bool) {
        self.total_weight += weight;
        if straight {
            self.straight_covered_weight += weight;
        }
        if road {
            self.road_covered_weight += weight;
        }
    }

    /// Covered share on straight lines.
    pub fn straight_share(&self) -> f64 {
        share(self.straight_covered_weight, self.total_weight)
    }

    /// Covered share along the roads.
    pub fn road_share(&self) -> f64 {
        share(self.road_covered_weight, self.total_weight)
    }
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 { part / total } else { 0.0 }
}

/// A neighbourhood that the roads serve worse than straight lines suggest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loser {
    /// Neighbourhood id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: AreaKind,
    /// Its figures both ways.
    #[serde(flatten)]
    pub both: Both,
    /// Weight covered on straight lines but not along the roads, net.
    pub lost_weight: f64,
}

/// Coverage along the roads against straight lines, overall, per kind, and the neighbourhoods
/// that lose most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadsVersusStraight {
    /// All demand.
    pub overall: Both,
    /// Per area kind, with neighbourhoods.
    pub by_kind: BTreeMap<AreaKind, Both>,
    /// The neighbourhoods with the most weight covered on straight lines but not along the roads,
    /// most first (at most ten, only those that lose).
    pub losing_most: Vec<Loser>,
}

/// Compares coverage per demand point along the roads (`road`) with straight lines
/// (`straight`), with each point's neighbourhood in `neighbourhood_of` (empty without them).
pub fn compare(
    weight: &[f64],
    straight: &[bool],
    road: &[bool],
    neighbourhoods: Option<&[Neighbourhood]>,
    neighbourhood_of: &[Option<u32>],
) -> RoadsVersusStraight {
    let hoods = neighbourhoods.unwrap_or_default();
    let mut overall = Both::default();
    let mut by_kind: BTreeMap<AreaKind, Both> = BTreeMap::new();
    let mut by_hood = vec![Both::default(); hoods.len()];
    for i in 0..weight.len() {
        overall.add(weight[i], straight[i], road[i]);
        if let Some(h) = neighbourhood_of.get(i).copied().flatten() {
            let h = h as usize;
            by_hood[h].add(weight[i], straight[i], road[i]);
            by_kind
                .entry(hoods[h].kind)
                .or_default()
                .add(weight[i], straight[i], road[i]);
        }
    }
    let mut losing_most: Vec<Loser> = by_hood
        .into_iter()
        .enumerate()
        .map(|(h, both)| Loser {
            id: hoods[h].id.clone(),
            name: hoods[h].name.clone(),
            kind: hoods[h].kind,
            lost_weight: both.straight_covered_weight - both.road_covered_weight,
            both,
        })
        .filter(|l| l.lost_weight > 0.0)
        .collect();
    // Most lost first; the file's order among equals (a stable sort).
    losing_most.sort_by(|a, b| b.lost_weight.total_cmp(&a.lost_weight));
    losing_most.truncate(LOSERS);
    RoadsVersusStraight {
        overall,
        by_kind,
        losing_most,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, Rect};

    fn hood(id: &str, kind: AreaKind) -> Neighbourhood {
        Neighbourhood {
            id: id.into(),
            name: id.into(),
            kind,
            geometry: MultiPolygon(vec![Rect::new((0.0, 0.0), (1.0, 1.0)).to_polygon()]),
        }
    }

    #[test]
    fn counts_every_point_once_and_ranks_the_losers() {
        let hoods = [hood("a", AreaKind::Urban), hood("b", AreaKind::Rural)];
        let weight = [1.0, 2.0, 4.0, 8.0, 16.0];
        let straight = [true, true, true, true, false];
        let road = [true, false, false, true, true];
        let of = [Some(0), Some(0), Some(1), None, Some(1)];
        let r = compare(&weight, &straight, &road, Some(&hoods), &of);
        assert_eq!(r.overall.total_weight, 31.0);
        assert_eq!(r.overall.straight_covered_weight, 15.0);
        assert_eq!(r.overall.road_covered_weight, 25.0);
        assert_eq!(r.by_kind[&AreaKind::Urban].straight_covered_weight, 3.0);
        assert_eq!(r.by_kind[&AreaKind::Urban].road_covered_weight, 1.0);
        // a loses 2; b loses 4 but gains 16 on the roads (not a loser).
        let losers: Vec<(&str, f64)> = r
            .losing_most
            .iter()
            .map(|l| (l.id.as_str(), l.lost_weight))
            .collect();
        assert_eq!(losers, vec![("a", 2.0)]);
    }
}
