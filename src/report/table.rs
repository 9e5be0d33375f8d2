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
    if let Some(n) = &summary.network {
        write_network(&mut out, n)?;
    }
    Ok(())
}

/// The road network's size and how close demand and candidates lie to it.
fn write_network(mut out: impl Write, n: &crate::network::NetworkFigures) -> io::Result<()> {
    writeln!(
        out,
        "Road network ({}, by {}): {} road vertices, {} junctions and ends, {} edges; {} connected \
         part(s), {} vertices outside the largest",
        n.travel, n.by, n.road_vertices, n.vertices, n.edges, n.parts, n.detached_vertices
    )?;
    for (what, s) in [("demand", &n.demand), ("candidates", &n.sites)] {
        if s.points == 0 {
            continue;
        }
        writeln!(
            out,
            "  {what}: {} within 50 m of a road, {} within 200 m, {} within 1000 m; {} points \
             (weight {}) beyond {} m are unreachable, {} points (weight {}) on detached roads",
            share(s.within_50_m, s.total_weight),
            share(s.within_200_m, s.total_weight),
            share(s.within_1000_m, s.total_weight),
            s.unreachable_points,
            s.unreachable_weight,
            s.snap_max_m,
            s.detached_points,
            s.detached_weight
        )?;
    }
    Ok(())
}
