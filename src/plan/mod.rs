//! Choosing where to open centres: the four classic location models, each solved by a fast
//! heuristic and reported with a proven bound on the optimum.
//!
//! - [`Model::Mclp`]: maximal covering (Church & ReVelle 1974): open p sites, maximise covered weight.
//! - [`Model::Lscp`]: set covering (Toregas et al. 1971): fewest sites covering all coverable demand.
//! - [`Model::Pmedian`]: minimise total weighted distance to the nearest open site.
//! - [`Model::Pcenter`]: minimise the largest distance to the nearest open site.
//!
//! Every model honours fixed (existing) sites and per-kind quotas, and runs on great-circle
//! distances or on a cost matrix.

mod cover;
mod coverage;
pub mod exact;
mod lscp;
mod mclp;
mod pcenter;
mod pmedian;
mod problem;
mod radius;
mod report;
mod select;
mod swaps;
#[cfg(test)]
pub(crate) mod test_instances;

pub use coverage::Coverage;
pub use problem::{Clients, DistanceTable, MAX_TABLE_ENTRIES, Problem, Rules};
pub use radius::Radius;
pub use report::{PlanReport, sort_ids};

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The location model to solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// Maximal covering location problem.
    Mclp,
    /// Location set covering problem.
    Lscp,
    /// p-median.
    Pmedian,
    /// p-center.
    Pcenter,
}

impl FromStr for Model {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "mclp" => Ok(Model::Mclp),
            "lscp" => Ok(Model::Lscp),
            "pmedian" => Ok(Model::Pmedian),
            "pcenter" => Ok(Model::Pcenter),
            other => Err(format!(
                "unknown model {other:?}: expected mclp, lscp, pmedian or pcenter"
            )),
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Mclp => "mclp",
            Model::Lscp => "lscp",
            Model::Pmedian => "pmedian",
            Model::Pcenter => "pcenter",
        })
    }
}

impl Model {
    /// True when a larger objective is better.
    pub fn maximises(self) -> bool {
        self == Model::Mclp
    }
}

/// Receives progress reports from long solves; the library never prints.
pub trait Observer: Sync {
    /// A new stage begins (`total` steps, 0 when unknown).
    fn stage(&self, _name: &str, _total: u64) {}
    /// `done` steps of the current stage are finished.
    fn progress(&self, _done: u64) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}

/// Search settings shared by every model.
pub struct Settings<'o> {
    /// Seed for restarts and tie-breaking perturbations.
    pub seed: u64,
    /// Stop improving after this long (a valid plan and bound are still returned).
    pub time_limit: Option<Duration>,
    /// Keep searching until the plan is proven optimal (p-median: branch-and-bound on the
    /// Lagrangian bound; p-center: every radius decided exactly), or until `time_limit`.
    pub exact: bool,
    /// Where progress goes.
    pub observer: &'o dyn Observer,
}

impl Default for Settings<'_> {
    fn default() -> Self {
        Settings {
            seed: 1,
            time_limit: None,
            exact: false,
            observer: &Silent,
        }
    }
}

/// When the search must stop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// A deadline `limit` from now (never, without a limit).
    pub fn after(limit: Option<Duration>) -> Self {
        Deadline(limit.map(|l| Instant::now() + l))
    }

    /// True once the time is up.
    pub fn expired(&self) -> bool {
        self.0.is_some_and(|t| Instant::now() >= t)
    }
}

/// A solver's answer, before it is dressed up as a [`PlanReport`].
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Open sites in the order they were opened (fixed first), so a report can show the marginal
    /// value of each added centre.
    pub open: Vec<usize>,
    /// The model's objective for `open`.
    pub objective: f64,
    /// A proven bound on the optimum: upper for MCLP, lower for the others.
    pub bound: f64,
}

impl Solution {
    /// Relative distance between objective and bound; 0 means proven optimal, 1 means nothing is
    /// known (e.g. an infinite objective when some demand cannot reach any open site).
    pub fn gap(&self, model: Model) -> f64 {
        let (hi, lo) = if model.maximises() {
            (self.bound, self.objective)
        } else {
            (self.objective, self.bound)
        };
        if !(hi.is_finite() && lo.is_finite()) {
            // An unreachable client makes the objective infinite: nothing is proven.
            return 1.0;
        }
        let scale = hi.abs().max(lo.abs());
        if scale == 0.0 || hi <= lo {
            0.0
        } else {
            (hi - lo) / scale
        }
    }
}

/// What to solve.
#[derive(Debug, Clone)]
pub struct PlanParams {
    /// The model.
    pub model: Model,
    /// The service radius rule (MCLP, LSCP; reported for the others).
    pub radius: Radius,
    /// LSCP: cover at least this share of the total weight instead of all coverable demand.
    pub target_coverage: Option<f64>,
}

/// A solution and what the model could not reach at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The plan.
    pub solution: Solution,
    /// Weight that no candidate covers (MCLP, LSCP: within the radius; others: reachable at all).
    pub uncoverable_weight: f64,
}

/// Solves `problem` for `params`.
pub fn solve(problem: &Problem, params: &PlanParams, settings: &Settings) -> Result<Outcome> {
    let deadline = Deadline::after(settings.time_limit);
    let weight = &problem.clients.weight;
    match params.model {
        Model::Mclp | Model::Lscp => {
            settings.observer.stage("coverage lists", 0);
            let coverage = Coverage::new(problem, &params.radius, weight)?;
            let total_weight: f64 = weight.iter().sum();
            let mut solution = if params.model == Model::Mclp {
                mclp::solve(problem, &coverage, settings, deadline)
            } else {
                let target = params.target_coverage.map(|share| (share, total_weight));
                lscp::solve(problem, &coverage, target, settings, deadline)
            }?;
            solution.open = coverage.opening_order(&problem.rules, &solution.open);
            let uncoverable_weight = coverage.uncoverable_weight;
            Ok(Outcome {
                solution,
                uncoverable_weight,
            })
        }
        Model::Pmedian | Model::Pcenter => {
            if params.target_coverage.is_some() {
                return Err(Error::Invalid(
                    "--target-coverage applies to lscp only".into(),
                ));
            }
            settings.observer.stage("distances", 0);
            let table = DistanceTable::new(problem)?;
            let uncoverable_weight = (0..weight.len())
                .filter(|&c| table.row(c).iter().all(|d| d.is_infinite()))
                .map(|c| weight[c])
                .sum();
            let solution = if params.model == Model::Pmedian {
                pmedian::solve(problem, &table, settings, deadline)
            } else {
                pcenter::solve(problem, &table, settings, deadline)
            }?;
            Ok(Outcome {
                solution,
                uncoverable_weight,
            })
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod gap_tests {
    use super::*;

    #[test]
    fn gap_is_relative_and_never_nan() {
        let s = |objective, bound| Solution {
            open: vec![],
            objective,
            bound,
        };
        assert_eq!(s(90.0, 100.0).gap(Model::Mclp), 0.1);
        assert_eq!(s(100.0, 90.0).gap(Model::Pmedian), 0.1);
        assert_eq!(s(5.0, 5.0).gap(Model::Lscp), 0.0);
        assert_eq!(s(f64::INFINITY, 3.0).gap(Model::Pmedian), 1.0);
        assert_eq!(s(0.0, 0.0).gap(Model::Pcenter), 0.0);
    }
}
