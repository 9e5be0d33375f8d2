//! `siting compare`: plan every variant of a scenario and set their figures side by side.

use super::plan::{headline, plan, settle};
use siting::io::PlanOptions;
use siting::report::{CompareRow, write_compare, write_compare_csv};
use siting::{Error, Result, io};
use std::path::PathBuf;

/// Flags of `siting compare`.
#[derive(clap::Args)]
pub struct Args {
    /// A scenario file (.toml) with one or more [[variant]] tables.
    scenario: PathBuf,
    /// Output folder: each variant's plan goes into a subfolder named after it, the table into
    /// compare.csv.
    #[arg(long)]
    out: PathBuf,
}

/// Runs the variants one after the other (each solve already uses every core), in file order.
pub fn run(args: Args) -> Result<()> {
    let scenario = io::read_scenario(&args.scenario)?;
    if scenario.variants.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no [[variant]] tables to compare (`siting plan` runs a scenario's base)",
            args.scenario.display()
        )));
    }
    // Settle every variant first, so that one missing a model fails before hours of solving.
    let runs = scenario
        .variants
        .iter()
        .map(|variant| {
            let title = variant.options.title.as_ref().map_or_else(
                || format!("Variant {}", variant.name),
                |t| format!("{t}: variant {}", variant.name),
            );
            settle(PlanOptions {
                title: Some(title),
                ..variant.options.clone()
            })
            .map(|settled| (variant.name.as_str(), settled))
            .map_err(|e| {
                Error::Invalid(format!(
                    "{}: variant {:?}: {e}",
                    args.scenario.display(),
                    variant.name
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    super::create_dir(&args.out)?;
    let mut text = String::new();
    let mut rows = Vec::with_capacity(runs.len());
    for (name, (inputs, request)) in &runs {
        let planned = plan(inputs, request, &args.out.join(name))?;
        text += &format!("{name}: {}\n", headline(&planned.report));
        rows.push(CompareRow::new(name, &planned.report, &planned.access));
    }
    let csv = args.out.join("compare.csv");
    super::write_with(&csv, |w| write_compare_csv(w, &rows))?;
    let mut table = Vec::new();
    write_compare(&mut table, &rows).map_err(|e| Error::write("stdout", e))?;
    super::print(&format!(
        "{text}\n{}\nWrote {}\n",
        String::from_utf8_lossy(&table),
        args.out.display()
    ))
}
