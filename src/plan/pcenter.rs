//! p-center (placeholder until the solver lands).

use super::{Deadline, DistanceTable, Problem, Settings, Solution};
use crate::error::{Error, Result};

/// Solves the p-center problem.
pub(super) fn solve(_: &Problem, _: &DistanceTable, _: &Settings, _: Deadline) -> Result<Solution> {
    Err(Error::Invalid("pcenter is not implemented yet".into()))
}
