//! Renders results for people: text tables now, maps and HTML later. Writes to `impl Write`,
//! never prints.

mod compare;
mod table;

pub use compare::{CompareRow, write_compare, write_compare_csv};
pub use table::write_summary;
