//! `siting`: where to open neighbourhood service centres, and who they reach.
//!
//! A catalogue of the crate, from the bottom up:
//!
//! - [`model`]: the problem's data: [`model::DemandPoint`] (target population),
//!   [`model::Neighbourhood`] (area polygons of an [`model::AreaKind`]), [`model::Site`] (candidate
//!   or existing centres) and an optional [`model::CostMatrix`].
//! - [`spatial`]: great-circle distance in metres, an R-tree over unit vectors for exact radius and
//!   nearest queries ([`spatial::PointIndex`]), and the point-in-polygon join
//!   ([`spatial::NeighbourhoodIndex`]).
//! - [`lists`]: compressed per-key lists, the shape of every "which sites for each place"
//!   answer.
//! - [`io`]: the only code that knows file formats; validating readers and writers.
//! - [`summary`]: weight by area kind and neighbourhood, with nothing dropped.
//! - [`access`]: how well a given set of centres serves the demand: nearest centre and distance,
//!   coverage, distance quantiles and Gini per area kind and neighbourhood, 2SFCA scores,
//!   caseloads ([`access::measure`]).
//! - [`assign`]: capacitated caseload assignment of given centres, exact as a min-cost
//!   transportation problem ([`assign::assign`], [`assign::flow`]).
//! - [`generate`]: deterministic synthetic instances: the embedded demo, and provinces on real
//!   2016 census counties.
//! - [`map`]: coverage maps drawn with plotters (PNG and SVG).
//! - [`report`]: text tables rendered to any `impl Write`, and the HTML report.
//! - [`error`]: the crate's error types.
//!
//! The `siting` binary is a thin command-line layer over these.

pub mod access;
pub mod assign;
pub mod cost;
pub mod error;
pub mod generate;
pub mod io;
pub mod lists;
pub mod map;
pub mod model;
pub mod network;
pub mod plan;
pub mod report;
pub mod spatial;
pub mod summary;

pub use error::{Error, ReadError, Result};
