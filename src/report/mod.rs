//! Renders results for people: text tables now, maps and HTML later. Writes to `impl Write`,
//! never prints.

mod table;

pub use table::write_summary;
