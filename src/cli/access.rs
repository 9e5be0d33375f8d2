//! `siting access`: measure how well a given set of centres serves the demand, and write
//! access.json, the per-neighbourhood and per-centre tables and the assignment.

use siting::access::{AccessInput, AccessParams, Measures, measure};
use siting::model::{DemandPoint, Neighbourhood, Site};
use siting::report::{ReportInput, centres, summary_line};
use siting::{Result, io};
use std::path::{Path, PathBuf};

/// Flags of `siting access` (see `../shared/interface.md`).
#[derive(clap::Args)]
pub struct Args {
    /// Demand points (CSV id,lon,lat,weight[,group] or GeoJSON Points).
    #[arg(long)]
    demand: PathBuf,
    /// The open centres, in the candidates format (CSV id,lon,lat[,capacity][,fixed] or GeoJSON
    /// Points); every site in the file is open. Capacity is the centre's 2SFCA supply (default 1).
    #[arg(long)]
    centres: PathBuf,
    /// Neighbourhood polygons (GeoJSON with id, name, kind), for figures per kind and
    /// neighbourhood and per-kind radii.
    #[arg(long)]
    neighbourhoods: Option<PathBuf>,
    #[command(flatten)]
    radii: super::RadiusArgs,
    #[command(flatten)]
    drawing: super::draw::MapArgs,
    /// Width σ of the Gaussian decay of the enhanced 2SFCA, exp(-d²/2σ²); default: half the
    /// radius that applies to each demand point.
    #[arg(long)]
    decay_sigma: Option<f64>,
    /// Cost matrix demand_id,candidate_id,metres (candidate_id names a centre); replaces
    /// great-circle distance, a missing pair is unreachable.
    #[arg(long)]
    cost: Option<PathBuf>,
    #[command(flatten)]
    network: super::NetworkArgs,
    #[command(flatten)]
    fields: super::FieldArgs,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// Writes access.json, assignment.csv, centres.csv and, with neighbourhoods,
/// neighbourhoods.geojson and neighbourhoods.csv into `out` (which must exist), and the same
/// tables as `{stem}.gpkg` (layers for QGIS) and `{stem}.xlsx` (sheets for a welfare office).
pub fn write_outputs(
    out: &Path,
    stem: &str,
    demand: &[DemandPoint],
    sites: &[Site],
    neighbourhoods: Option<&[Neighbourhood]>,
    measures: &Measures,
) -> Result<()> {
    // SQLite writes the GeoPackage on one thread, a second or more at a province's scale: the
    // other files are written meanwhile.
    let results = io::GpkgResults {
        demand,
        sites,
        neighbourhoods,
        measures,
    };
    let gpkg = out.join(format!("{stem}.gpkg"));
    let (tables, geopackage) = rayon::join(
        || write_tables(out, stem, &results),
        || io::write_gpkg(&gpkg, &results).map_err(|e| siting::Error::write(&gpkg, e)),
    );
    tables.and(geopackage)
}

/// The outputs of [`write_outputs`] but the GeoPackage.
fn write_tables(out: &Path, stem: &str, results: &io::GpkgResults) -> Result<()> {
    let io::GpkgResults {
        demand,
        sites,
        neighbourhoods,
        measures,
    } = *results;
    super::write_with(&out.join("access.json"), |w| {
        io::write_json(w, &measures.access)
    })?;
    super::write_with(&out.join("assignment.csv"), |w| {
        io::write_assignment(w, demand, sites, &measures.nearest)
    })?;
    super::write_with(&out.join("centres.csv"), |w| {
        io::write_centre_table(w, &measures.centres)
    })?;
    if let Some(hoods) = neighbourhoods {
        super::write_with(&out.join("neighbourhoods.geojson"), |w| {
            io::write_neighbourhoods(w, hoods, |h| {
                io::figure_properties(&measures.neighbourhoods[h].figures)
            })
        })?;
        super::write_with(&out.join("neighbourhoods.csv"), |w| {
            io::write_neighbourhood_table(w, &measures.neighbourhoods)
        })?;
    }
    let xlsx = out.join(format!("{stem}.xlsx"));
    let workbook = io::xlsx_workbook(measures).map_err(|e| siting::Error::write(&xlsx, e))?;
    super::write_file(&xlsx, &workbook)
}

/// One line a planner reads first.
pub fn headline(measures: &Measures) -> String {
    let a = &measures.access;
    let f = &a.overall;
    let distances = match a.distance_unit {
        siting::access::DistanceUnit::Metres => format!(
            "mean {:.0} m, median {:.0} m, 90th percentile {:.0} m, max {:.0} m",
            f.mean_distance_m, f.median_distance_m, f.p90_distance_m, f.max_distance_m
        ),
        siting::access::DistanceUnit::Minutes => format!(
            "mean {:.1} min, median {:.1} min, 90th percentile {:.1} min, max {:.1} min",
            f.mean_distance_m, f.median_distance_m, f.p90_distance_m, f.max_distance_m
        ),
        siting::access::DistanceUnit::Cost => format!(
            "mean {:.3}, median {:.3}, 90th percentile {:.3}, max {:.3} (cost units)",
            f.mean_distance_m, f.median_distance_m, f.p90_distance_m, f.max_distance_m
        ),
    };
    let mut line = format!(
        "{}: {:.1}% of the weight covered; distance to the nearest centre: {distances}",
        centres(a.caseload.centres),
        100.0 * f.covered_share,
    );
    let shares: Vec<String> = a
        .kinds_with_demand()
        .map(|(k, f)| format!("{k} {:.1}%", 100.0 * f.covered_share))
        .collect();
    if !shares.is_empty() {
        line.push_str(&format!("; covered by kind: {}", shares.join(", ")));
    }
    line
}

pub fn run(args: Args) -> Result<()> {
    super::set_threads(args.threads)?;
    let radius = args.radii.radius();
    radius.check_kinds_known(args.neighbourhoods.is_some())?;
    let mut params = AccessParams::new(radius);
    if let Some(sigma) = args.decay_sigma {
        params = params.decay_sigma_m(sigma);
    }
    params.check()?;

    let data = super::load_centres(
        &args.fields,
        &args.demand,
        &args.centres,
        args.neighbourhoods.as_deref(),
        args.cost.as_deref(),
        &args.network,
    )?;
    let (demand, sites, hoods) = (&data.demand, &data.sites, &data.hoods);
    let open: Vec<usize> = (0..sites.len()).collect();
    let input = AccessInput {
        demand,
        sites,
        open: &open,
        neighbourhoods: hoods.as_deref(),
        source: data.source(),
    };
    let measures = measure(&input, &params)?;
    super::warn_network(&measures.access);
    super::create_dir(&args.out)?;
    write_outputs(
        &args.out,
        "access",
        demand,
        sites,
        hoods.as_deref(),
        &measures,
    )?;
    let title = format!("Access to {}", centres(sites.len()));
    super::draw::write_drawings(
        &args.out,
        args.drawing.drawing(),
        &summary_line(&measures, None),
        ReportInput {
            title: &title,
            plan: None,
            access: input,
            radius: &params.radius,
            measures: &measures,
            map_png: None,
        },
    )?;
    super::print(&format!(
        "{}\nWrote {}\n",
        headline(&measures),
        args.out.display()
    ))
}
