//! MCLP (placeholder).

use super::{Coverage, Deadline, Problem, Settings, Solution};
use crate::error::{Error, Result};

/// Solves the maximal covering problem.
pub(super) fn solve(_: &Problem, _: &Coverage, _: &Settings, _: Deadline) -> Result<Solution> {
    Err(Error::Invalid("mclp is not implemented yet".into()))
}
