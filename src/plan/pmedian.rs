//! p-median (placeholder until the solver lands).

use super::{Deadline, DistanceTable, Problem, Settings, Solution};
use crate::error::{Error, Result};

/// Solves the p-median problem.
pub(super) fn solve(_: &Problem, _: &DistanceTable, _: &Settings, _: Deadline) -> Result<Solution> {
    Err(Error::Invalid("pmedian is not implemented yet".into()))
}
