//! `siting plan`: choose centres for an instance and write the plan, its access figures and the
//! assignment of every demand point.

use super::progress::Bar;
use siting::access::{AccessInput, AccessParams, measure};
use siting::model::PerKind;
use siting::plan::{Model, PlanParams, PlanReport, Problem, Radius, Settings};
use siting::{Error, Result, io};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Flags of `siting plan` (see `../shared/interface.md`).
#[derive(clap::Args)]
pub struct Args {
    /// An instance folder holding demand.csv, candidates.csv, and optionally
    /// neighbourhoods.geojson and cost.csv.
    instance: Option<PathBuf>,
    /// The location model.
    #[arg(long)]
    model: Model,
    /// Centres to open, existing (fixed) ones included (mclp, pmedian, pcenter).
    #[arg(long)]
    p: Option<usize>,
    /// Service radius in metres (or cost units); applies wherever no per-kind radius does.
    #[arg(long)]
    radius: Option<f64>,
    /// Service radius for demand in urban neighbourhoods.
    #[arg(long)]
    radius_urban: Option<f64>,
    /// Service radius for demand in rural neighbourhoods.
    #[arg(long)]
    radius_rural: Option<f64>,
    /// Service radius for demand in informal settlements.
    #[arg(long)]
    radius_informal: Option<f64>,
    /// lscp: cover at least this share (0..1) of the total weight instead of all coverable demand.
    #[arg(long)]
    target_coverage: Option<f64>,
    /// Minimum open centres per area kind, e.g. `urban=50,rural=31`.
    #[arg(long, value_parser = parse_min_sites)]
    min_sites: Option<PerKind<usize>>,
    /// Demand points (overrides the instance folder's demand.csv).
    #[arg(long)]
    demand: Option<PathBuf>,
    /// Candidate sites (overrides candidates.csv).
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Neighbourhoods (overrides neighbourhoods.geojson).
    #[arg(long)]
    neighbourhoods: Option<PathBuf>,
    /// Cost matrix demand_id,candidate_id,metres (overrides cost.csv).
    #[arg(long)]
    cost: Option<PathBuf>,
    /// Seed for the randomised restarts.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Stop improving after this many seconds; the plan and its bound are still valid.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

fn parse_min_sites(text: &str) -> std::result::Result<PerKind<usize>, String> {
    super::parse_per_kind(text, 0, "a whole number of sites")
}

/// Input files of a plan, after folder defaults and flag overrides.
pub struct Inputs {
    pub demand: PathBuf,
    pub candidates: PathBuf,
    pub neighbourhoods: Option<PathBuf>,
    pub cost: Option<PathBuf>,
}

impl Inputs {
    fn resolve(args: &Args) -> Result<Self> {
        let in_folder = |name: &str| args.instance.as_ref().map(|dir| dir.join(name));
        let optional = |flag: &Option<PathBuf>, name: &str| {
            flag.clone()
                .or_else(|| in_folder(name).filter(|p| p.exists()))
        };
        if let Some(dir) = &args.instance
            && !dir.is_dir()
        {
            return Err(Error::Invalid(format!(
                "{}: not an instance folder (scenario files are not supported yet)",
                dir.display()
            )));
        }
        let required = |flag: &Option<PathBuf>, name: &str, what: &str| {
            flag.clone().or_else(|| in_folder(name)).ok_or_else(|| {
                Error::Invalid(format!("no {what}: give an instance folder or --{what}"))
            })
        };
        Ok(Inputs {
            demand: required(&args.demand, "demand.csv", "demand")?,
            candidates: required(&args.candidates, "candidates.csv", "candidates")?,
            neighbourhoods: optional(&args.neighbourhoods, "neighbourhoods.geojson"),
            cost: optional(&args.cost, "cost.csv"),
        })
    }
}

/// Everything a plan run needs besides its inputs.
pub struct Request {
    pub params: PlanParams,
    pub p: Option<usize>,
    pub quota: PerKind<usize>,
    pub seed: u64,
    pub time_limit: Option<Duration>,
}

/// Loads the inputs, solves, and writes plan.json, centres.geojson and the access outputs
/// (access.json, assignment.csv, centres.csv, neighbourhoods.geojson/.csv) into `out`. Returns the plan for a short report.
pub fn plan(inputs: &Inputs, request: &Request, out: &Path) -> Result<PlanReport> {
    let demand = io::read_demand(&inputs.demand)?;
    let sites = io::read_sites(&inputs.candidates)?;
    let hoods = inputs
        .neighbourhoods
        .as_deref()
        .map(io::read_neighbourhoods)
        .transpose()?;
    if let Some(loaded) = &hoods {
        super::warn_all(&loaded.warnings);
    }
    let hoods = hoods.map(|l| l.value);
    let cost = inputs
        .cost
        .as_deref()
        .map(|path| io::read_cost(path, &demand, &sites))
        .transpose()?;
    let started = Instant::now();
    let problem = Problem::new(
        &demand,
        &sites,
        hoods.as_deref(),
        cost.as_ref(),
        request.p,
        request.quota,
    )?;
    let bar = Bar::new();
    let settings = Settings {
        seed: request.seed,
        time_limit: request.time_limit,
        observer: &bar,
    };
    let outcome = siting::plan::solve(&problem, &request.params, &settings)?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish();

    let open = &outcome.solution.open;
    let measures = measure(
        &AccessInput {
            demand: &demand,
            sites: &sites,
            open,
            neighbourhoods: hoods.as_deref(),
            cost: cost.as_ref(),
        },
        &AccessParams::new(request.params.radius),
    )?;
    let report = PlanReport::new(
        &problem,
        &request.params,
        &outcome,
        &measures.access,
        request.seed,
        seconds,
    );

    super::create_dir(out)?;
    super::write_with(&out.join("plan.json"), |w| io::write_json(w, &report))?;
    super::access::write_outputs(out, &demand, &sites, hoods.as_deref(), &measures)?;
    super::write_with(&out.join("centres.geojson"), |w| {
        io::write_centres(
            w,
            &demand,
            &sites,
            open,
            &problem.rules.kind,
            &measures.nearest,
        )
    })?;
    Ok(report)
}

/// One line a planner reads first.
pub fn headline(report: &PlanReport) -> String {
    let share = |w: f64| 100.0 * w / report.total_weight.max(f64::MIN_POSITIVE);
    let quality = match 100.0 * report.gap {
        0.0 => "proven optimal".to_owned(),
        pct if pct < 0.01 => format!("within {pct:.1e}% of optimal"),
        pct => format!("within {pct:.2}% of optimal"),
    };
    format!(
        "{}: {} centres open, {:.1}% of the weight covered; objective {} (bound {}, {quality}) in {:.2} s",
        report.model,
        report.p,
        share(report.covered_weight),
        report.objective,
        report.bound,
        report.seconds
    )
}

pub fn run(args: Args) -> Result<()> {
    super::set_threads(args.threads)?;
    let time_limit = args
        .time_limit
        .map(|s| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                Error::Invalid(format!(
                    "--time-limit must be a non-negative number of seconds, not {s}"
                ))
            })
        })
        .transpose()?;
    let inputs = Inputs::resolve(&args)?;
    let request = Request {
        params: PlanParams {
            model: args.model,
            radius: Radius {
                default_m: args.radius,
                by_kind: PerKind([args.radius_urban, args.radius_rural, args.radius_informal]),
            },
            target_coverage: args.target_coverage,
        },
        p: args.p,
        quota: args.min_sites.unwrap_or_default(),
        seed: args.seed,
        time_limit,
    };
    let report = plan(&inputs, &request, &args.out)?;
    super::print(&format!(
        "{}\nWrote {}\n",
        headline(&report),
        args.out.display()
    ))
}
