//! Capacitated caseload assignment: every unit of demand to an open centre within its capacity, at
//! the least total weighted distance.

pub mod flow;
