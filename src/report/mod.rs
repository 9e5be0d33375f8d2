//! Renders results for people: text tables, charts and the HTML report. Writes to `impl Write` or
//! returns text, never prints.

mod charts;
mod compare;
mod html;
mod table;

pub use charts::{Curve, coverage_chart, distance_chart};
pub use compare::{CompareRow, write_compare, write_compare_csv};
pub use html::{ReportInput, centres, compare_report, grouped, report, summary_line};
pub use table::write_summary;
