//! Fairness between area kinds and neighbourhoods, and the balance of caseloads between centres.

use super::figures::Figures;
use crate::model::{AreaKind, Neighbourhood};
use serde::Serialize;
use std::collections::BTreeMap;

/// How evenly access is shared.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Equity {
    /// Weighted Gini coefficient of the distance to the nearest centre over all reachable demand
    /// (the overall [`Figures::gini`]).
    pub gini: f64,
    /// Per area kind, the share of its weight beyond the service radius (its
    /// [`Figures::uncovered_share`]); with neighbourhoods only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beyond_radius_share: Option<BTreeMap<AreaKind, f64>>,
    /// Among the kinds with demand, the kind with the lowest covered share (the first in
    /// urban, rural, informal order on ties); with neighbourhoods only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst_kind: Option<AreaKind>,
    /// The kind with the highest covered share (likewise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_kind: Option<AreaKind>,
    /// The worst kind's covered share divided by the best kind's: 1 when all kinds are served
    /// alike, towards 0 when one is left behind; `None` without neighbourhoods or when no kind
    /// has covered weight.
    pub coverage_ratio_worst_to_best: Option<f64>,
    /// The neighbourhoods with the most uncovered weight, most first (ties in file order); only
    /// those with some uncovered weight, at most [`AccessParams::worst`](super::AccessParams).
    pub worst_neighbourhoods: Vec<WorstNeighbourhood>,
}

/// A neighbourhood in the worst-served list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstNeighbourhood {
    /// Neighbourhood id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Area kind.
    pub kind: AreaKind,
    /// Total demand weight inside it.
    pub total_weight: f64,
    /// Weight beyond the radius of every open centre.
    pub uncovered_weight: f64,
    /// `uncovered_weight / total_weight`.
    pub uncovered_share: f64,
}

impl Equity {
    /// Equity figures from the overall, per-kind and per-neighbourhood figures.
    pub(crate) fn new(
        overall: &Figures,
        by_kind: Option<&BTreeMap<AreaKind, Figures>>,
        neighbourhoods: &[Neighbourhood],
        by_neighbourhood: &[Figures],
        worst: usize,
    ) -> Self {
        let mut equity = Equity {
            gini: overall.gini,
            ..Equity::default()
        };
        if let Some(by_kind) = by_kind {
            equity.beyond_radius_share = Some(
                by_kind
                    .iter()
                    .map(|(&k, f)| (k, f.uncovered_share))
                    .collect(),
            );
            let with_demand: Vec<(AreaKind, f64)> = AreaKind::ALL
                .iter()
                .filter_map(|k| by_kind.get(k).map(|f| (*k, f)))
                .filter(|(_, f)| f.total_weight > 0.0)
                .map(|(k, f)| (k, f.covered_share))
                .collect();
            let pick = |better: fn(f64, f64) -> bool| {
                with_demand
                    .iter()
                    .copied()
                    .reduce(|a, b| if better(b.1, a.1) { b } else { a })
            };
            let worst_kind = pick(|b, a| b < a);
            let best_kind = pick(|b, a| b > a);
            equity.worst_kind = worst_kind.map(|k| k.0);
            equity.best_kind = best_kind.map(|k| k.0);
            equity.coverage_ratio_worst_to_best = worst_kind
                .zip(best_kind)
                .filter(|(_, best)| best.1 > 0.0)
                .map(|(worst, best)| worst.1 / best.1);
        }
        let mut ranked: Vec<usize> = (0..by_neighbourhood.len())
            .filter(|&h| by_neighbourhood[h].uncovered_weight > 0.0)
            .collect();
        ranked.sort_by(|&a, &b| {
            by_neighbourhood[b]
                .uncovered_weight
                .total_cmp(&by_neighbourhood[a].uncovered_weight)
                .then(a.cmp(&b))
        });
        equity.worst_neighbourhoods = ranked
            .into_iter()
            .take(worst)
            .map(|h| {
                let (n, f) = (&neighbourhoods[h], &by_neighbourhood[h]);
                WorstNeighbourhood {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    kind: n.kind,
                    total_weight: f.total_weight,
                    uncovered_weight: f.uncovered_weight,
                    uncovered_share: f.uncovered_share,
                }
            })
            .collect();
        equity
    }
}

/// How evenly the demand is shared between centres, each taking the demand for which it is the
/// nearest (its caseload).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Caseload {
    /// Open centres, those nearest to nobody included.
    pub centres: usize,
    /// Smallest caseload weight (0 without centres).
    pub min_weight: f64,
    /// Largest caseload weight.
    pub max_weight: f64,
    /// Mean caseload weight: reachable weight / centres.
    pub mean_weight: f64,
    /// Coefficient of variation: the population standard deviation of the caseloads divided by
    /// their mean (0 when the mean is 0). 0 is a perfect balance.
    pub coefficient_of_variation: f64,
}

impl Caseload {
    /// Balance figures of the centres' caseload weights.
    pub(crate) fn new(loads: &[f64]) -> Self {
        if loads.is_empty() {
            return Caseload::default();
        }
        let n = loads.len() as f64;
        let mean = loads.iter().sum::<f64>() / n;
        let variance = loads.iter().map(|&x| (x - mean).powi(2)).sum::<f64>() / n;
        Caseload {
            centres: loads.len(),
            min_weight: loads.iter().copied().fold(f64::INFINITY, f64::min),
            max_weight: loads.iter().copied().fold(0.0, f64::max),
            mean_weight: mean,
            coefficient_of_variation: if mean > 0.0 {
                variance.sqrt() / mean
            } else {
                0.0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseload_balance() {
        let c = Caseload::new(&[2.0, 4.0, 6.0, 0.0]);
        assert_eq!((c.centres, c.min_weight, c.max_weight), (4, 0.0, 6.0));
        assert_eq!(c.mean_weight, 3.0);
        // Deviations -1, 1, 3, -3: variance (1 + 1 + 9 + 9) / 4 = 5.
        assert!((c.coefficient_of_variation - 5f64.sqrt() / 3.0).abs() < 1e-15);
        assert_eq!(Caseload::new(&[0.0, 0.0]).coefficient_of_variation, 0.0);
        assert_eq!(Caseload::new(&[]), Caseload::default());
    }
}
