//! The side-by-side table of `siting compare`: one row per scenario variant.

use crate::access::Access;
use crate::model::AreaKind;
use crate::plan::{Model, PlanReport};
use serde::Serialize;
use std::io::{self, Write};

/// One variant's figures, a row of `compare.csv`: what a planner weighs between variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// The variant's name (and output folder).
    pub variant: String,
    /// The model solved.
    pub model: Model,
    /// Centres open, fixed ones included.
    pub centres: usize,
    /// Share of all demand weight within the service radius of an open centre.
    pub covered_share: f64,
    /// The same share within urban neighbourhoods (empty without urban demand).
    pub covered_share_urban: Option<f64>,
    /// Within rural neighbourhoods.
    pub covered_share_rural: Option<f64>,
    /// Within informal settlements.
    pub covered_share_informal: Option<f64>,
    /// Weighted mean distance to the nearest open centre.
    pub mean_distance_m: f64,
    /// Weighted Gini coefficient of those distances (0: everyone equally far).
    pub gini: f64,
    /// Relative gap between the plan and its proven bound (0: proven optimal).
    pub gap: f64,
    /// The neighbourhood with the most uncovered weight: whom the variant leaves furthest behind
    /// (empty without neighbourhoods or when every one is covered).
    pub most_uncovered: Option<String>,
}

impl CompareRow {
    /// The row of a solved variant, from its plan.json and access.json figures.
    pub fn new(variant: &str, report: &PlanReport, access: &Access) -> Self {
        // A kind with no demand has no share, rather than a misleading 0.
        let kind_share = |kind: AreaKind| {
            access
                .kinds_with_demand()
                .find(|&(k, _)| k == kind)
                .map(|(_, f)| f.covered_share)
        };
        CompareRow {
            variant: variant.to_owned(),
            model: report.model,
            centres: report.p,
            covered_share: access.overall.covered_share,
            covered_share_urban: kind_share(AreaKind::Urban),
            covered_share_rural: kind_share(AreaKind::Rural),
            covered_share_informal: kind_share(AreaKind::Informal),
            mean_distance_m: access.overall.mean_distance_m,
            gini: access.overall.gini,
            gap: report.gap,
            most_uncovered: access
                .equity
                .worst_neighbourhoods
                .first()
                .map(|w| w.name.clone()),
        }
    }
}

/// Writes the rows as CSV with a header (`compare.csv`), numbers at full precision.
pub fn write_compare_csv(out: impl Write, rows: &[CompareRow]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()
}

/// Writes the rows as an aligned text table for the terminal: shares and the gap in percent.
/// The most uncovered neighbourhood is left to the CSV and the HTML report, where right-to-left
/// names display properly.
pub fn write_compare(mut out: impl Write, rows: &[CompareRow]) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|r| r.variant.chars().count())
        .chain(["variant".len()])
        .max()
        .unwrap_or_default();
    writeln!(
        out,
        "{:<width$}  {:<7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>10} {:>6} {:>8}",
        "variant",
        "model",
        "centres",
        "covered",
        "urban",
        "rural",
        "informal",
        "mean m",
        "gini",
        "gap"
    )?;
    let pct = |share: Option<f64>| share.map_or("-".to_owned(), |s| format!("{:.1}%", 100.0 * s));
    for r in rows {
        writeln!(
            out,
            "{:<width$}  {:<7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>10.0} {:>6.3} {:>8}",
            r.variant,
            r.model.to_string(),
            r.centres,
            pct(Some(r.covered_share)),
            pct(r.covered_share_urban),
            pct(r.covered_share_rural),
            pct(r.covered_share_informal),
            r.mean_distance_m,
            r.gini,
            format!("{:.2}%", 100.0 * r.gap),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(variant: &str, urban: Option<f64>) -> CompareRow {
        CompareRow {
            variant: variant.to_owned(),
            model: Model::Mclp,
            centres: 12,
            covered_share: 0.875,
            covered_share_urban: urban,
            covered_share_rural: Some(0.5),
            covered_share_informal: None,
            mean_distance_m: 1234.56,
            gini: 0.41234,
            gap: 0.0,
            most_uncovered: Some("محله لاله".into()),
        }
    }

    #[test]
    fn csv_leaves_kinds_without_demand_empty() {
        let mut out = Vec::new();
        write_compare_csv(&mut out, &[row("a", Some(1.0))]).expect("write");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "variant,model,centres,covered_share,covered_share_urban,covered_share_rural,\
             covered_share_informal,mean_distance_m,gini,gap,most_uncovered\n\
             a,mclp,12,0.875,1.0,0.5,,1234.56,0.41234,0.0,محله لاله\n"
        );
    }

    #[test]
    fn table_aligns_on_the_longest_name() {
        let mut out = Vec::new();
        write_compare(&mut out, &[row("a", None), row("longer name", Some(0.25))]).expect("write");
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{text}");
        assert!(lines[1].starts_with("a            mclp"), "{text}");
        assert!(
            lines[2].contains("87.5%   25.0%   50.0%        -       1235  0.412    0.00%"),
            "{text}"
        );
    }
}
