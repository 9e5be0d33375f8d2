//! `siting compare`: plan every variant of a scenario and set their figures side by side.

use super::Data;
use super::plan::{Inputs, headline, plan_loaded, settle};
use rayon::prelude::*;
use siting::io::PlanOptions;
use siting::report::{CompareRow, compare_report, write_compare, write_compare_csv};
use siting::{Error, Result, io};
use std::path::PathBuf;

/// Flags of `siting compare`.
#[derive(clap::Args)]
pub struct Args {
    /// A scenario file (.toml) with one or more [[variant]] tables.
    scenario: PathBuf,
    /// Output folder: each variant's plan goes into a subfolder named after it, the table into
    /// compare.csv and report.html.
    #[arg(long)]
    out: PathBuf,
    /// Variants solved at once. Variants with the same input files share them, read once, but
    /// each holds its own model and measures, so at province scale (about 0.5 GB a plan for
    /// 1.5 M points) lower it to fit the machine's memory; the results do not depend on it.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,
    /// The road network and its settings for every variant, over the scenario's.
    #[command(flatten)]
    network: super::NetworkArgs,
}

/// Runs the variants, `--jobs` at a time, in file order; every solve shares rayon's one pool of
/// threads, so running two at once mostly fills the cores while one writes its outputs or
/// works through a sequential stretch.
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
            let flags = PlanOptions {
                title: Some(title),
                network: args.network.network.clone(),
                travel: args.network.travel,
                by: args.network.by,
                snap_max: args.network.snap_max,
                ..PlanOptions::default()
            };
            settle(flags.over(variant.options.clone()))
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
    // Variants usually differ in parameters, not files: each distinct set of inputs is read once
    // and kept for the whole run.
    let mut loaded: Vec<(&Inputs, Data)> = Vec::new();
    let mut data_of = Vec::with_capacity(runs.len());
    for (_, (inputs, _)) in &runs {
        let index = match loaded.iter().position(|(seen, _)| *seen == inputs) {
            Some(index) => index,
            None => {
                loaded.push((inputs, inputs.load()?));
                loaded.len() - 1
            }
        };
        data_of.push(index);
    }
    super::create_dir(&args.out)?;
    let mut text = String::new();
    let mut rows = Vec::with_capacity(runs.len());
    let mut maps = Vec::with_capacity(runs.len());
    let jobs = usize::from(args.jobs);
    for (batch, data_of) in runs.chunks(jobs).zip(data_of.chunks(jobs)) {
        let planned = batch
            .par_iter()
            .zip(data_of)
            .map(|((name, (_, request)), &data)| {
                plan_loaded(&loaded[data].1, request, &args.out.join(name))
            })
            .collect::<Result<Vec<_>>>()?;
        for ((name, _), planned) in batch.iter().zip(planned) {
            text += &format!("{name}: {}\n", headline(&planned.report));
            rows.push(CompareRow::new(name, &planned.report, &planned.access));
            maps.push(planned.map_png);
        }
    }
    let csv = args.out.join("compare.csv");
    super::write_with(&csv, |w| write_compare_csv(w, &rows))?;
    let title = scenario
        .base
        .title
        .as_deref()
        .unwrap_or("Variants compared");
    let html = compare_report(title, &rows, &maps);
    super::write_file(&args.out.join("report.html"), html.as_bytes())?;
    let mut table = Vec::new();
    write_compare(&mut table, &rows).map_err(|e| Error::write("stdout", e))?;
    super::print(&format!(
        "{text}\n{}\nWrote {}\n",
        String::from_utf8_lossy(&table),
        args.out.display()
    ))
}
