//! LSCP (placeholder).

use super::{Coverage, Deadline, Problem, Settings, Solution};
use crate::error::{Error, Result};

/// Solves the set-covering problem.
pub(super) fn solve(
    _: &Problem,
    _: &Coverage,
    _: Option<f64>,
    _: &Settings,
    _: Deadline,
) -> Result<Solution> {
    Err(Error::Invalid("lscp is not implemented yet".into()))
}
