//! Plain-text tables for the terminal.

use crate::summary::Summary;
use std::io::{self, Write};

/// How many outside-point ids a table lists before it says "and N more".
const IDS_SHOWN: usize = 10;

fn share(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{:.1}%", 100.0 * part / total)
    } else {
        "-".into()
    }
}

/// Writes a [`Summary`] as an aligned text table.
pub fn write_summary(mut out: impl Write, summary: &Summary) -> io::Result<()> {
    if let Some(d) = &summary.demand {
        writeln!(
            out,
            "Demand: {} points, total weight {}",
            d.total.points, d.total.weight
        )?;
        if let (Some(by_kind), Some(outside)) = (&d.by_kind, &d.outside) {
            writeln!(
                out,
                "  {:<10} {:>10} {:>14} {:>8}",
                "area kind", "points", "weight", "share"
            )?;
            let rows = by_kind
                .iter()
                .map(|(k, t)| (k.as_str(), t))
                .chain([("outside", &outside.tally)]);
            for (name, t) in rows {
                writeln!(
                    out,
                    "  {:<10} {:>10} {:>14} {:>8}",
                    name,
                    t.points,
                    t.weight,
                    share(t.weight, d.total.weight)
                )?;
            }
            if !outside.ids.is_empty() {
                let shown: Vec<&str> = outside
                    .ids
                    .iter()
                    .take(IDS_SHOWN)
                    .map(String::as_str)
                    .collect();
                let more = outside.ids.len().saturating_sub(IDS_SHOWN);
                write!(out, "  outside every neighbourhood: {}", shown.join(", "))?;
                if more > 0 {
                    write!(out, " and {more} more (see --json)")?;
                }
                writeln!(out)?;
            }
        }
        if !d.by_neighbourhood.is_empty() {
            writeln!(
                out,
                "\n  {:<16} {:<24} {:<9} {:>8} {:>12}",
                "neighbourhood", "name", "kind", "points", "weight"
            )?;
            for n in &d.by_neighbourhood {
                writeln!(
                    out,
                    "  {:<16} {:<24} {:<9} {:>8} {:>12}",
                    n.id, n.name, n.kind, n.tally.points, n.tally.weight
                )?;
            }
        }
    }
    if let Some(hoods) = &summary.neighbourhoods {
        let total: usize = hoods.values().sum();
        let parts: Vec<String> = hoods.iter().map(|(k, n)| format!("{n} {k}")).collect();
        writeln!(out, "Neighbourhoods: {total} ({})", parts.join(", "))?;
    }
    if let Some(s) = &summary.sites {
        write!(
            out,
            "Candidate sites: {} ({} existing centres)",
            s.candidates, s.fixed
        )?;
        if let (Some(by_kind), Some(outside)) = (&s.by_kind, s.outside) {
            let parts: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
            write!(out, "; {}, {outside} outside", parts.join(", "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
