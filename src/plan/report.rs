//! `plan.json`: what was solved, the answer, its proven bound, and what it reaches.

use super::{Model, Outcome, PlanParams, Problem};
use crate::access::Access;
use crate::model::{AreaKind, Site};
use serde::Serialize;
use std::collections::BTreeMap;

/// The plan as written to `plan.json` (field names follow the interface contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanReport {
    /// The model solved.
    pub model: Model,
    /// Centres open (fixed ones included).
    pub p: usize,
    /// Service radius outside neighbourhoods and for kinds without their own.
    pub radius_m: Option<f64>,
    /// Per-kind service radii.
    pub radius_by_kind: BTreeMap<AreaKind, f64>,
    /// Covered weight (mclp), number of sites (lscp), weighted distance (pmedian) or largest
    /// distance (pcenter).
    pub objective: f64,
    /// Proven bound on the optimal objective: upper for mclp, lower for the others.
    pub bound: f64,
    /// Relative distance between objective and bound; 0 means proven optimal.
    pub gap: f64,
    /// Weight within the radius of an open centre (reachable weight when no radius applies).
    pub covered_weight: f64,
    /// All demand weight.
    pub total_weight: f64,
    /// Weight that no candidate can cover (mclp, lscp) or reach (pmedian, pcenter).
    pub uncoverable_weight: f64,
    /// Open site ids, sorted (numerically when every id is a whole number).
    pub chosen: Vec<String>,
    /// Open site ids in an order that shows each centre's marginal value: existing centres
    /// first, then greedily by what each adds given those before it (covered weight for mclp and
    /// lscp, weighted distance saved for pmedian, farthest client first for pcenter).
    pub opening_order: Vec<String>,
    /// Existing centres that were kept open.
    pub fixed: Vec<String>,
    /// Open centres per area kind of the neighbourhood they lie in.
    pub open_by_kind: BTreeMap<AreaKind, usize>,
    /// Demand points read.
    pub demand_points: usize,
    /// Distinct demand locations the solver worked on (points at one place are merged).
    pub demand_locations: usize,
    /// Candidate sites read.
    pub candidates: usize,
    /// The seed of the randomised restarts.
    pub seed: u64,
    /// Seconds to build the model and solve it (loading excluded).
    pub seconds: f64,
}

/// Sorts ids as text, or as numbers when every id is a whole number (as the peer does).
pub fn sort_ids(ids: &mut [String]) {
    if ids
        .iter()
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    {
        ids.sort_by(|a, b| {
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        });
    } else {
        ids.sort();
    }
}

impl PlanReport {
    /// Assembles the report from a solved problem and the access figures of its centres.
    pub fn new(
        problem: &Problem,
        params: &PlanParams,
        outcome: &Outcome,
        access: &Access,
        seed: u64,
        seconds: f64,
    ) -> Self {
        let solution = &outcome.solution;
        let sites: &[Site] = problem.sites;
        let id = |s: &usize| sites[*s].id.clone();
        let mut chosen: Vec<String> = solution.open.iter().map(id).collect();
        sort_ids(&mut chosen);
        let mut open_by_kind: BTreeMap<AreaKind, usize> =
            AreaKind::ALL.iter().map(|&k| (k, 0)).collect();
        for &s in &solution.open {
            if let Some(k) = problem.rules.kind[s] {
                *open_by_kind.entry(k).or_default() += 1;
            }
        }
        PlanReport {
            model: params.model,
            p: solution.open.len(),
            radius_m: params.radius.default_m,
            radius_by_kind: access.radius_by_kind.clone(),
            objective: solution.objective,
            bound: solution.bound,
            gap: solution.gap(params.model),
            covered_weight: access.overall.covered_weight,
            total_weight: access.overall.total_weight,
            uncoverable_weight: outcome.uncoverable_weight,
            chosen,
            opening_order: solution.open.iter().map(id).collect(),
            fixed: solution
                .open
                .iter()
                .filter(|&&s| sites[s].fixed)
                .map(id)
                .collect(),
            open_by_kind,
            demand_points: problem.clients.of_demand.len(),
            demand_locations: problem.clients.len(),
            candidates: sites.len(),
            seed,
            seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_number_ids_sort_numerically_others_as_text() {
        let mut ids = vec!["10".to_owned(), "9".into(), "010".into(), "100".into()];
        sort_ids(&mut ids);
        assert_eq!(ids, ["9", "10", "010", "100"]);
        let mut ids = vec!["b".to_owned(), "a10".into(), "a9".into()];
        sort_ids(&mut ids);
        assert_eq!(ids, ["a10", "a9", "b"]);
    }
}
