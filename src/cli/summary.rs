//! `siting summary`: totals by area kind and neighbourhood, as a table or JSON.

use siting::io;
use siting::summary::Summary;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Flags of `siting summary`; any subset of the inputs may be given.
#[derive(clap::Args)]
pub struct Args {
    /// Demand points (CSV id,lon,lat,weight[,group] or GeoJSON Points).
    #[arg(long)]
    demand: Option<PathBuf>,
    /// Neighbourhood polygons (GeoJSON with id, name, kind).
    #[arg(long)]
    neighbourhoods: Option<PathBuf>,
    /// Candidate sites (CSV id,lon,lat[,capacity][,fixed] or GeoJSON Points).
    #[arg(long)]
    candidates: Option<PathBuf>,
    #[command(flatten)]
    network: super::NetworkArgs,
    #[command(flatten)]
    fields: super::FieldArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Loads whichever inputs are named and summarises them; with a network, how close demand and
/// candidates lie to it.
pub fn summarise(
    fields: &io::FieldMap,
    demand: Option<&Path>,
    neighbourhoods: Option<&Path>,
    candidates: Option<&Path>,
    network: Option<&super::NetworkSpec>,
) -> siting::Result<Summary> {
    let demand_path = demand;
    let demand = demand.map(|p| io::read_demand(p, fields)).transpose()?;
    let hoods = neighbourhoods
        .map(|p| io::read_neighbourhoods(p, fields))
        .transpose()?;
    if let Some(loaded) = &hoods {
        super::warn_all(&loaded.warnings);
    }
    let sites = candidates.map(|p| io::read_sites(p, fields)).transpose()?;
    if let Some(loaded) = &hoods {
        let mut files = Vec::new();
        if let (Some(path), Some(points)) = (demand_path, &demand) {
            files.push((path, points.iter().map(|d| d.position).collect()));
        }
        if let (Some(path), Some(sites)) = (candidates, &sites) {
            files.push((path, sites.iter().map(|s| s.position).collect()));
        }
        super::check_not_swapped(&loaded.value, &files)?;
    }
    let summary = Summary::new(
        demand.as_deref(),
        hoods.as_ref().map(|l| l.value.as_slice()),
        sites.as_deref(),
    );
    let Some(spec) = network else {
        return Ok(summary);
    };
    let network = spec.build()?;
    let positions = |points: Vec<geo::Point<f64>>| network.place(&points);
    let demand = demand.unwrap_or_default();
    let sites = sites.unwrap_or_default();
    let figures = network.figures(
        &positions(demand.iter().map(|d| d.position).collect()),
        &demand.iter().map(|d| d.weight).collect::<Vec<_>>(),
        &positions(sites.iter().map(|s| s.position).collect()),
    );
    Ok(summary.with_network(figures))
}

/// Renders a summary as a table or pretty JSON.
pub fn render(summary: &Summary, json: bool, out: impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    if json {
        serde_json::to_writer_pretty(&mut out, summary)?;
        writeln!(out)?;
    } else {
        siting::report::write_summary(&mut out, summary)?;
    }
    out.flush()
}

pub fn run(args: Args) -> siting::Result<()> {
    if args.demand.is_none() && args.neighbourhoods.is_none() && args.candidates.is_none() {
        return Err(siting::Error::Invalid(
            "nothing to summarise: give --demand, --neighbourhoods and/or --candidates".into(),
        ));
    }
    let network = args.network.spec()?;
    let summary = summarise(
        &args.fields.map()?,
        args.demand.as_deref(),
        args.neighbourhoods.as_deref(),
        args.candidates.as_deref(),
        network.as_ref(),
    )?;
    render(&summary, args.json, std::io::stdout().lock())
        .map_err(|e| siting::Error::write("stdout", e))
}
