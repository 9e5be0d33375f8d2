//! `siting plan`: choose centres for an instance and write the plan, its access figures and the
//! assignment of every demand point.

use super::draw::Drawing;
use super::progress::Bar;
use siting::access::{Access, AccessInput, AccessParams, measure};
use siting::assign::{AssignParams, Assignment, assign};
use siting::cost::CostSource;
use siting::io::PlanOptions;
use siting::model::{CostMatrix, DemandPoint, PerKind, Site};
use siting::plan::{Model, PlanParams, PlanReport, Problem, Radius, Settings};
use siting::report::{ReportInput, centres, summary_line};
use siting::{Error, Result, io};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Flags of `siting plan` (see `../shared/interface.md`).
#[derive(clap::Args)]
pub struct Args {
    /// An instance folder holding demand.csv, candidates.csv, and optionally
    /// neighbourhoods.geojson and cost.csv; or a scenario file (.toml), whose base settings the
    /// flags override.
    instance: Option<PathBuf>,
    /// The location model.
    #[arg(long)]
    model: Option<Model>,
    /// Centres to open, existing (fixed) ones included (mclp, pmedian, pcenter).
    #[arg(long)]
    p: Option<usize>,
    #[command(flatten)]
    radii: super::RadiusArgs,
    #[command(flatten)]
    drawing: super::draw::MapArgs,
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
    #[command(flatten)]
    network: super::NetworkArgs,
    #[command(flatten)]
    fields: super::FieldArgs,
    /// Seed for the randomised restarts [default: 1].
    #[arg(long)]
    seed: Option<u64>,
    /// Also assign every unit of demand to the open centres, each holding at most this much
    /// weight, at the least total distance; written to OUT/capacitated/.
    #[arg(long)]
    capacity: Option<f64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Stop improving after this many seconds; the plan and its bound are still valid.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Keep searching until the plan is proven optimal (pmedian: branch-and-bound; pcenter:
    /// every radius decided exactly), or until --time-limit.
    #[arg(long)]
    exact: bool,
    /// Heading of the map and the report [default: the model and the number of centres].
    #[arg(long)]
    title: Option<String>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

impl Args {
    /// The flags as options, to merge over a scenario or an instance folder.
    fn flags(&self) -> PlanOptions {
        PlanOptions {
            demand: self.demand.clone(),
            candidates: self.candidates.clone(),
            neighbourhoods: self.neighbourhoods.clone(),
            cost: self.cost.clone(),
            network: self.network.network.clone(),
            travel: self.network.travel,
            by: self.network.by,
            snap_max: self.network.snap_max,
            model: self.model,
            p: self.p,
            radius: self.radii.radius,
            radius_by_kind: self.radii.by_kind(),
            target_coverage: self.target_coverage,
            min_sites: self.min_sites,
            seed: self.seed,
            time_limit: self.time_limit,
            exact: self.exact.then_some(true),
            title: self.title.clone(),
        }
    }

    /// The flags over the first argument: a scenario's base settings or an instance folder's
    /// files.
    fn options(&self) -> Result<PlanOptions> {
        let under = match &self.instance {
            None => PlanOptions::default(),
            Some(dir) if dir.is_dir() => folder_inputs(dir),
            Some(file)
                if file
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
            {
                io::read_scenario(file)?.base
            }
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "{}: neither an instance folder nor a scenario file (.toml)",
                    other.display()
                )));
            }
        };
        Ok(self.flags().over(under))
    }
}

/// An instance folder's files: demand.csv and candidates.csv, and the optional ones it holds
/// (neighbourhoods.geojson, cost.csv, roads.osm.pbf or roads.geojson).
fn folder_inputs(dir: &Path) -> PlanOptions {
    let optional = |name: &str| Some(dir.join(name)).filter(|p| p.exists());
    PlanOptions {
        demand: Some(dir.join("demand.csv")),
        candidates: Some(dir.join("candidates.csv")),
        neighbourhoods: optional("neighbourhoods.geojson"),
        cost: optional("cost.csv"),
        network: super::folder_network(dir),
        ..PlanOptions::default()
    }
}

fn parse_min_sites(text: &str) -> std::result::Result<PerKind<usize>, String> {
    super::parse_per_kind(text, 0, "a whole number of sites")
}

/// Input files of a plan, after folder or scenario defaults and flag overrides.
#[derive(PartialEq)]
pub struct Inputs {
    pub demand: PathBuf,
    pub candidates: PathBuf,
    pub neighbourhoods: Option<PathBuf>,
    pub cost: Option<PathBuf>,
    pub network: Option<super::NetworkSpec>,
    /// How the point and polygon inputs name their fields and kinds.
    pub fields: siting::io::FieldMap,
}

/// Everything a plan run needs besides its inputs.
pub struct Request {
    pub params: PlanParams,
    pub p: Option<usize>,
    pub quota: PerKind<usize>,
    pub seed: u64,
    pub time_limit: Option<Duration>,
    /// Search until proven optimal (`--exact`).
    pub exact: bool,
    /// Also assign the demand to the open centres with this capacity each (`--capacity`).
    pub capacity: Option<f64>,
    /// Maps to draw.
    pub drawing: Drawing,
    /// Heading of the map and the report, when not the default.
    pub title: Option<String>,
}

/// Checks that merged options name the inputs and a model, and turns them into a run's settings.
pub fn settle(options: PlanOptions) -> Result<(Inputs, Request)> {
    let missing = |what: &str| {
        let folder = if what == "model" {
            ""
        } else {
            "an instance folder, "
        };
        Error::Invalid(format!(
            "no {what}: give {folder}a scenario with `{what}`, or --{what}"
        ))
    };
    let time_limit = options
        .time_limit
        .map(|s| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                Error::Invalid(format!(
                    "the time limit must be a non-negative number of seconds, not {s}"
                ))
            })
        })
        .transpose()?;
    let inputs = Inputs {
        demand: options.demand.ok_or_else(|| missing("demand"))?,
        candidates: options.candidates.ok_or_else(|| missing("candidates"))?,
        neighbourhoods: options.neighbourhoods,
        cost: options.cost,
        network: super::NetworkSpec::new(
            options.network,
            options.travel,
            options.by,
            options.snap_max,
        )?,
        fields: siting::io::FieldMap::default(),
    };
    let radius = Radius {
        default_m: options.radius,
        by_kind: options.radius_by_kind,
    };
    radius.check_kinds_known(inputs.neighbourhoods.is_some())?;
    let request = Request {
        params: PlanParams {
            model: options.model.ok_or_else(|| missing("model"))?,
            radius,
            target_coverage: options.target_coverage,
        },
        p: options.p,
        quota: options.min_sites.unwrap_or_default(),
        seed: options.seed.unwrap_or(1),
        time_limit,
        exact: options.exact.unwrap_or(false),
        capacity: None,
        drawing: Drawing::default(),
        title: options.title,
    };
    Ok((inputs, request))
}

/// A plan and the access figures of its centres.
pub struct Planned {
    /// What plan.json holds.
    pub report: PlanReport,
    /// What access.json holds.
    pub access: Access,
    /// The capacitated assignment to the open centres, when a capacity was given.
    pub capacitated: Option<Assignment>,
    /// The map as PNG bytes, unless maps were turned off.
    pub map_png: Option<Vec<u8>>,
}

/// Loads the inputs, solves, and writes plan.json, centres.geojson, the access outputs
/// (access.json, assignment.csv, centres.csv, neighbourhoods.geojson/.csv), the maps and
/// report.html into `out`. Returns the plan and its access figures for a short report.
pub fn plan(inputs: &Inputs, request: &Request, out: &Path) -> Result<Planned> {
    plan_loaded(&inputs.load()?, request, out)
}

impl Inputs {
    /// Reads the files.
    pub fn load(&self) -> Result<super::Data> {
        super::load(super::Files {
            fields: &self.fields,
            demand: &self.demand,
            sites: &self.candidates,
            hoods: self.neighbourhoods.as_deref(),
            cost: self.cost.as_deref(),
            network: self.network.as_ref(),
        })
    }
}

/// [`plan`] on inputs already read: `siting compare` reads each set of inputs once for all the
/// variants that share it.
pub fn plan_loaded(data: &super::Data, request: &Request, out: &Path) -> Result<Planned> {
    let super::Data {
        demand,
        sites,
        hoods,
        ..
    } = data;
    let source = data.source();
    let started = Instant::now();
    let problem = Problem::new(
        demand,
        sites,
        hoods.as_deref(),
        source,
        request.p,
        request.quota,
    )?;
    let bar = Bar::new();
    let settings = Settings {
        seed: request.seed,
        time_limit: request.time_limit,
        exact: request.exact,
        observer: &bar,
    };
    let outcome = siting::plan::solve(&problem, &request.params, &settings)?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish();

    let open = &outcome.solution.open;
    let access_input = AccessInput {
        demand,
        sites,
        open,
        neighbourhoods: hoods.as_deref(),
        source,
    };
    let measures = measure(&access_input, &AccessParams::new(request.params.radius))?;
    super::warn_network(&measures.access);
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
    super::access::write_outputs(out, "plan", demand, sites, hoods.as_deref(), &measures)?;
    super::write_with(&out.join("centres.geojson"), |w| {
        io::write_centres(
            w,
            demand,
            sites,
            open,
            &problem.rules.kind,
            &measures.nearest,
        )
    })?;
    let title = request
        .title
        .clone()
        .unwrap_or_else(|| format!("{} plan: {}", report.model, centres(report.p)));
    let subtitle = summary_line(&measures, Some(&report));
    let map_png = super::draw::write_drawings(
        out,
        request.drawing,
        &subtitle,
        ReportInput {
            title: &title,
            plan: Some(&report),
            access: access_input,
            radius: &request.params.radius,
            measures: &measures,
            map_png: None,
        },
    )?;
    let capacitated = request
        .capacity
        .map(|capacity| {
            let (open_sites, result) = assign_open(demand, sites, open, source, capacity)?;
            let measuring = super::assign::Measuring {
                neighbourhoods: hoods.as_deref(),
                radius: request.params.radius,
                unit: measures.access.distance_unit,
            };
            super::assign::write_outputs(
                &out.join("capacitated"),
                demand,
                &open_sites,
                &result,
                &measuring,
            )?;
            Ok::<_, Error>(result)
        })
        .transpose()?;
    Ok(Planned {
        report,
        access: measures.access,
        capacitated,
        map_png,
    })
}

/// The plan's capacitated outcome: every unit of demand assigned to the `open` centres, each
/// holding at most `capacity`, at the least total distance (exact; `siting::assign`). A cost
/// matrix is narrowed to the open centres, renumbered in opening order; a network serves as it
/// is. Returns those centres,
/// which the assignment's rows index, and the assignment.
fn assign_open(
    demand: &[DemandPoint],
    sites: &[Site],
    open: &[usize],
    source: CostSource,
    capacity: f64,
) -> Result<(Vec<Site>, Assignment)> {
    let open_sites: Vec<Site> = open.iter().map(|&s| sites[s].clone()).collect();
    let narrowed = source
        .matrix()
        .map(|matrix| {
            let mut renumber = vec![None; sites.len()];
            for (k, &s) in open.iter().enumerate() {
                renumber[s] = Some(k as u32);
            }
            let triples = (0..demand.len())
                .flat_map(|d| {
                    let renumber = &renumber;
                    matrix
                        .row(d)
                        .filter_map(move |(s, c)| renumber[s as usize].map(|k| (d as u32, k, c)))
                })
                .collect();
            CostMatrix::from_triples(demand.len(), triples)
                .map_err(|_| Error::Invalid("the cost matrix lists a pair twice".into()))
        })
        .transpose()?;
    let result = assign(
        demand,
        &open_sites,
        narrowed.as_ref().map_or(source, CostSource::Matrix),
        &AssignParams::new().capacity(capacity),
    )?;
    Ok((open_sites, result))
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
    let (mut inputs, mut request) = settle(args.options()?)?;
    inputs.fields = args.fields.map()?;
    request.capacity = args.capacity;
    request.drawing = args.drawing.drawing();
    let planned = plan(&inputs, &request, &args.out)?;
    let capacitated = planned
        .capacitated
        .as_ref()
        .map(|a| format!("capacitated: {}\n", super::assign::headline(a)))
        .unwrap_or_default();
    super::print(&format!(
        "{}\n{capacitated}Wrote {}\n",
        headline(&planned.report),
        args.out.display()
    ))
}
