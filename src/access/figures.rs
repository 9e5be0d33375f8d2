//! Figures for a group of demand points (all of them, an area kind, a neighbourhood): weights,
//! coverage, the distribution of distances to the nearest centre, and mean accessibility scores.

use super::Nearest;
use crate::model::AreaKind;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Access figures for one group of demand points.
///
/// Distances are to each point's nearest open centre, in metres or in cost-matrix units. The
/// distance figures are over *reachable* demand (points with some open centre they can reach;
/// only a cost matrix can leave a point unreachable) and are 0 when the group has no reachable
/// weight. Let `d_1 <= … <= d_n` be the reachable points' distances, ties in input order, with
/// weights `w_k`, cumulative weights `C_k = w_1 + … + w_k` (summed in that order) and
/// `W = C_n`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Number of demand points.
    pub points: usize,
    /// Their total weight.
    pub total_weight: f64,
    /// Weight within the service radius of an open centre (every reachable weight when no
    /// radius applies to the point).
    pub covered_weight: f64,
    /// `covered_weight / total_weight` (0 when there is no weight).
    pub covered_share: f64,
    /// Weight beyond the radius of every open centre, the unreachable included.
    pub uncovered_weight: f64,
    /// `uncovered_weight / total_weight` (0 when there is no weight).
    pub uncovered_share: f64,
    /// Weight with no reachable centre at all (cost matrix without the pair).
    pub unreachable_weight: f64,
    /// Weighted mean distance, `Σ w_k d_k / W`.
    pub mean_distance_m: f64,
    /// Weighted median: the smallest `d_k` with `C_k >= W / 2`. This inverts the weighted
    /// empirical distribution function, as numpy's `quantile(d, 0.5, weights=w,
    /// method="inverted_cdf")` does; with unit weights and an even count it is the lower of the
    /// two middle values.
    pub median_distance_m: f64,
    /// Weighted 90th percentile: the smallest `d_k` with `C_k >= 0.9 W` (as the median).
    pub p90_distance_m: f64,
    /// Largest `d_k` over points with positive weight.
    pub max_distance_m: f64,
    /// Weighted Gini coefficient of the distances,
    /// `Σ_k Σ_l w_k w_l |d_k - d_l| / (2 W Σ_k w_k d_k)`: 0 when everyone is equally far, towards 1
    /// when a few carry all the distance; 0 when every distance is 0. Computed in one pass over
    /// the sorted distances as `Σ_k w_k d_k (C_{k-1} + C_k - W) / (W Σ_k w_k d_k)`.
    pub gini: f64,
    /// Weighted mean 2SFCA score (see [`fsca`](super::fsca)) over the group's points that have a
    /// catchment; `None` without one (no service radius) or without their weight.
    pub score_2sfca: Option<f64>,
    /// Weighted mean enhanced 2SFCA score (Gaussian decay), likewise.
    pub score_e2sfca: Option<f64>,
}

/// Per-point 2SFCA and enhanced 2SFCA scores (`None`: no catchment).
pub(crate) type Scores<'a> = (&'a [Option<f64>], &'a [Option<f64>]);

/// What the figures need to know about each demand point.
pub(crate) struct Points<'a> {
    /// Demand weights.
    pub weight: &'a [f64],
    /// Nearest open centre (`None`: unreachable).
    pub nearest: &'a [Option<Nearest>],
    /// Within the service radius of its nearest centre.
    pub covered: &'a [bool],
    /// 2SFCA and enhanced 2SFCA scores, when computed.
    pub scores: Option<Scores<'a>>,
}

/// Running sums for one group.
#[derive(Debug, Clone, Default)]
struct Tally {
    points: usize,
    total: f64,
    covered: f64,
    uncovered: f64,
    unreachable: f64,
    scored: f64,
    score: f64,
    score_decayed: f64,
    reachable: f64,
    weighted_distance: f64,
    max: f64,
    cumulative: f64,
    median: Option<f64>,
    p90: Option<f64>,
    gini: f64,
}

impl Tally {
    fn figures(&self, with_scores: bool) -> Figures {
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        let denominator = self.reachable * self.weighted_distance;
        let score = |sum: f64| (with_scores && self.scored > 0.0).then(|| sum / self.scored);
        Figures {
            points: self.points,
            total_weight: self.total,
            covered_weight: self.covered,
            covered_share: ratio(self.covered, self.total),
            uncovered_weight: self.uncovered,
            uncovered_share: ratio(self.uncovered, self.total),
            unreachable_weight: self.unreachable,
            mean_distance_m: ratio(self.weighted_distance, self.reachable),
            median_distance_m: self.median.unwrap_or(0.0),
            p90_distance_m: self.p90.unwrap_or(0.0),
            max_distance_m: self.max,
            // Rounding can leave a hair below 0 when all distances are equal.
            gini: if denominator > 0.0 {
                (self.gini / denominator).max(0.0)
            } else {
                0.0
            },
            score_2sfca: score(self.score),
            score_e2sfca: score(self.score_decayed),
        }
    }
}

/// Figures for `count` groups at once; `groups_of(i)` names the groups of point `i` (indices
/// below `count`). One pass in input order for the weights, one sort of the reachable points by
/// distance, then two streaming passes in that order for the distribution.
pub(crate) fn by_group<const K: usize>(
    points: &Points,
    count: usize,
    groups_of: impl Fn(usize) -> [Option<usize>; K],
) -> Vec<Figures> {
    let mut tallies = vec![Tally::default(); count];
    for (i, &w) in points.weight.iter().enumerate() {
        for g in groups_of(i).into_iter().flatten() {
            let t = &mut tallies[g];
            t.points += 1;
            t.total += w;
            if points.covered[i] {
                t.covered += w;
            } else {
                t.uncovered += w;
            }
            if points.nearest[i].is_none() {
                t.unreachable += w;
            }
            if let Some((score, decayed)) = points.scores
                && let (Some(a), Some(b)) = (score[i], decayed[i])
            {
                t.scored += w;
                t.score += w * a;
                t.score_decayed += w * b;
            }
        }
    }

    // Reachable points by (distance, index): a total order, so the result is unique.
    let mut order: Vec<(f64, u32)> = points
        .nearest
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            n.map(|n| {
                let i = u32::try_from(i).expect("fewer than 2^32 demand points");
                (n.distance_m, i)
            })
        })
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    for &(d, i) in &order {
        let w = points.weight[i as usize];
        for g in groups_of(i as usize).into_iter().flatten() {
            let t = &mut tallies[g];
            t.reachable += w;
            t.weighted_distance += w * d;
            if w > 0.0 {
                t.max = d;
            }
        }
    }
    for &(d, i) in &order {
        let w = points.weight[i as usize];
        for g in groups_of(i as usize).into_iter().flatten() {
            let t = &mut tallies[g];
            let before = t.cumulative;
            t.cumulative += w;
            // `reachable` was summed in this same order, so the last cumulative equals it exactly.
            if t.reachable > 0.0 {
                if t.median.is_none() && t.cumulative >= 0.5 * t.reachable {
                    t.median = Some(d);
                }
                if t.p90.is_none() && t.cumulative >= 0.9 * t.reachable {
                    t.p90 = Some(d);
                }
            }
            t.gini += w * d * (before + t.cumulative - t.reachable);
        }
    }
    let with_scores = points.scores.is_some();
    tallies.iter().map(|t| t.figures(with_scores)).collect()
}

/// Groups shared by every grouping of demand: 0 is everyone; with neighbourhoods, 1 + kind for each
/// area kind and [`OUTSIDE`] for demand in no neighbourhood. Further groups start at
/// [`KIND_GROUPS`].
pub(crate) const OUTSIDE: usize = 4;
/// Number of the groups above (overall, three kinds, outside).
pub(crate) const KIND_GROUPS: usize = 5;

/// The group of demand of area `kind` (`None`: outside every neighbourhood).
pub(crate) fn kind_group(kind: Option<AreaKind>) -> usize {
    kind.map_or(OUTSIDE, |k| 1 + k.index())
}

/// Splits the first [`KIND_GROUPS`] groups into overall, per kind and outside; without
/// neighbourhoods (`with_kinds` false) only the overall figures exist.
pub(crate) fn overall_by_kind(
    groups: &[Figures],
    with_kinds: bool,
) -> (
    Figures,
    Option<BTreeMap<AreaKind, Figures>>,
    Option<Figures>,
) {
    let by_kind = with_kinds.then(|| {
        AreaKind::ALL
            .iter()
            .map(|&k| (k, groups[kind_group(Some(k))].clone()))
            .collect()
    });
    let outside = with_kinds.then(|| groups[OUTSIDE].clone());
    (groups[0].clone(), by_kind, outside)
}
