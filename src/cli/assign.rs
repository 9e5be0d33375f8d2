//! `siting assign`: assign every unit of demand to a centre within its capacity at the least total
//! weighted distance, and write assignment.csv, loads.csv, assign.json and access.json.

use siting::access::{DistanceUnit, Part, assigned_access};
use siting::assign::{AssignParams, Assignment, assign};
use siting::model::{DemandPoint, Neighbourhood, Site};
use siting::plan::Radius;
use siting::{Result, io};
use std::path::{Path, PathBuf};

/// Flags of `siting assign` (see `../shared/interface.md`).
#[derive(clap::Args)]
pub struct Args {
    /// Demand points (CSV id,lon,lat,weight[,group] or GeoJSON Points).
    #[arg(long)]
    demand: PathBuf,
    /// The open centres, in the candidates format (CSV id,lon,lat[,capacity][,fixed] or GeoJSON
    /// Points); the capacity column gives each centre's capacity unless --capacity is given.
    #[arg(long)]
    centres: PathBuf,
    /// One capacity (in demand weight) for every centre, overriding the capacity column.
    #[arg(long)]
    capacity: Option<f64>,
    /// Each demand point to exactly one centre (heuristic; the split optimum is the lower bound).
    #[arg(long)]
    no_split: bool,
    /// Keep every centre's load within this fraction of the mean load (e.g. 0.1); centres without
    /// a capacity are then limited by the balance alone.
    #[arg(long)]
    balance: Option<f64>,
    /// Cost matrix demand_id,candidate_id,metres (candidate_id names a centre); replaces
    /// great-circle distance, a missing pair is unreachable.
    #[arg(long)]
    cost: Option<PathBuf>,
    #[command(flatten)]
    network: super::NetworkArgs,
    #[command(flatten)]
    fields: super::FieldArgs,
    /// Neighbourhood polygons (GeoJSON with id, name, kind), for access figures per kind.
    #[arg(long)]
    neighbourhoods: Option<PathBuf>,
    /// The radius within which a served part counts as covered in access.json.
    #[command(flatten)]
    radii: super::RadiusArgs,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// A weight for people: sums of fractional weights carry rounding noise below a millionth.
fn weight(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// One line a planner reads first.
pub fn headline(a: &Assignment) -> String {
    let r = &a.report;
    let mut line = format!(
        "{} of {} weight assigned to {} centres; total cost {:.1}, mean distance {:.1}, max {:.1}",
        weight(r.assigned_weight),
        weight(r.total_weight),
        r.centres.len(),
        r.total_cost,
        r.mean_distance_m,
        r.max_distance_m
    );
    if r.split {
        line.push_str(" (proven optimal)");
    } else {
        line.push_str(&format!(
            " (whole points; lower bound {:.1}, gap {:.2}%)",
            r.lower_bound,
            100.0 * r.gap
        ));
    }
    if r.unassigned_weight > 0.0 {
        line.push_str(&format!("; {} unreachable", weight(r.unassigned_weight)));
    }
    line
}

/// What the access figures of an assignment are measured against.
pub struct Measuring<'a> {
    /// Neighbourhoods, for figures per kind.
    pub neighbourhoods: Option<&'a [Neighbourhood]>,
    /// Service radius for "covered".
    pub radius: Radius,
    /// Metres, or the cost matrix's units.
    pub unit: DistanceUnit,
}

/// Writes `assignment.csv`, `loads.csv`, `assign.json` and `access.json` (the access figures of
/// the assignment itself: each split part at its own centre's distance) into `out`.
pub fn write_outputs(
    out: &Path,
    demand: &[DemandPoint],
    sites: &[Site],
    result: &Assignment,
    measuring: &Measuring,
) -> Result<()> {
    super::create_dir(out)?;
    super::write_with(&out.join("assignment.csv"), |w| {
        io::write_split_assignment(w, demand, sites, &result.rows)
    })?;
    super::write_with(&out.join("loads.csv"), |w| {
        io::write_load_table(w, &result.report.centres)
    })?;
    super::write_with(&out.join("assign.json"), |w| {
        io::write_json(w, &result.report)
    })?;
    let parts: Vec<Part> = result
        .rows
        .iter()
        .map(|r| Part {
            demand: r.demand,
            centre: r.centre,
            weight: r.weight,
            distance_m: r.distance_m,
        })
        .collect();
    let access = assigned_access(
        demand,
        measuring.neighbourhoods,
        &parts,
        &measuring.radius,
        measuring.unit,
    );
    super::write_with(&out.join("access.json"), |w| io::write_json(w, &access))
}

pub fn run(args: Args) -> Result<()> {
    super::set_threads(args.threads)?;
    let mut params = AssignParams::new();
    if let Some(c) = args.capacity {
        params = params.capacity(c);
    }
    if args.no_split {
        params = params.no_split();
    }
    if let Some(t) = args.balance {
        params = params.balance(t);
    }
    params.check()?;
    let radius = args.radii.radius();
    radius.check()?;
    radius.check_kinds_known(args.neighbourhoods.is_some())?;
    let data = super::load_centres(
        &args.fields,
        &args.demand,
        &args.centres,
        args.neighbourhoods.as_deref(),
        args.cost.as_deref(),
        &args.network,
    )?;
    let result = assign(&data.demand, &data.sites, data.source(), &params)?;
    let measuring = Measuring {
        neighbourhoods: data.hoods.as_deref(),
        radius,
        unit: data.source().unit(),
    };
    write_outputs(&args.out, &data.demand, &data.sites, &result, &measuring)?;
    super::print(&format!(
        "{}\nWrote {}\n",
        headline(&result),
        args.out.display()
    ))
}
