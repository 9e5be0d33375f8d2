//! Command-line arguments → checked settings → one module per subcommand.

mod access;
mod assign;
mod compare;
mod demo;
mod draw;
mod generate;
mod plan;
mod progress;
mod rotate;
mod summary;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Geographic centre-siting and coverage planner.
#[derive(Parser)]
#[command(name = "siting", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise demand, neighbourhoods and candidate sites: weight by area kind and neighbourhood.
    Summary(summary::Args),
    /// Run the main job on the embedded demo data and write the results into a folder.
    Demo(demo::Args),
    /// Choose where to open centres (mclp, lscp, pmedian, pcenter) and write the plan.
    Plan(Box<plan::Args>),
    /// Plan every variant of a scenario file and compare them side by side.
    Compare(compare::Args),
    /// Measure how well a given set of centres serves each area kind and neighbourhood.
    Access(Box<access::Args>),
    /// Assign every unit of demand to a centre within its capacity at the least total distance.
    Assign(Box<assign::Args>),
    /// Plan a monthly rotation of a roaming service desk over the neighbourhoods.
    Rotate(Box<rotate::Args>),
    /// Write a deterministic synthetic instance folder (demand.csv, candidates.csv, neighbourhoods.geojson, roads.geojson).
    Generate(generate::Args),
}

/// Runs the command line and maps the outcome to an exit status: 0 success, 2 bad input or
/// arguments, 1 anything else.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Summary(args) => summary::run(args),
        Command::Plan(args) => plan::run(*args),
        Command::Demo(args) => demo::run(args),
        Command::Access(args) => access::run(*args),
        Command::Compare(args) => compare::run(args),
        Command::Assign(args) => assign::run(*args),
        Command::Rotate(args) => rotate::run(*args),
        Command::Generate(args) => generate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report_error(&err),
    }
}

fn report_error(err: &siting::Error) -> ExitCode {
    // A closed pipe (`siting summary | head`) is the reader's choice, not a failure.
    if let siting::Error::Write { source, .. } = err
        && source.kind() == std::io::ErrorKind::BrokenPipe
    {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {err}");
    let mut cause = std::error::Error::source(err);
    while let Some(c) = cause {
        eprintln!("  caused by: {c}");
        cause = c.source();
    }
    ExitCode::from(if err.is_input_error() { 2 } else { 1 })
}

/// Sets the size of rayon's global pool (`--threads`); results never depend on it.
fn set_threads(threads: Option<usize>) -> siting::Result<()> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| siting::Error::Invalid(format!("--threads {threads}: {e}")))?;
    }
    Ok(())
}

/// Parses `KIND=VALUE,...` (e.g. `urban=50,rural=31`); kinds not named keep `default`.
fn parse_per_kind<T: std::str::FromStr + Copy>(
    text: &str,
    default: T,
    what: &str,
) -> std::result::Result<siting::model::PerKind<T>, String> {
    let mut values = siting::model::PerKind([default; 3]);
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (kind, value) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not KIND=VALUE (e.g. urban=50)"))?;
        let kind: siting::model::AreaKind = kind.trim().parse()?;
        *values.get_mut(kind) = value
            .trim()
            .parse::<T>()
            .map_err(|_| format!("{value:?} is not {what}"))?;
    }
    Ok(values)
}

/// Warns on stderr about demand the road network leaves unreachable or on detached roads: it
/// stays in every figure (uncovered, no centre), and the planner should know why.
fn warn_network(access: &siting::access::Access) {
    let Some(n) = &access.network else {
        return;
    };
    let d = &n.demand;
    if d.unreachable_points > 0 {
        eprintln!(
            "warning: {} demand points (weight {}) lie more than {} m from every road and are \
             unreachable; raise --snap-max or add the missing roads",
            d.unreachable_points, d.unreachable_weight, d.snap_max_m
        );
    }
    if d.detached_points > 0 {
        eprintln!(
            "warning: {} demand points (weight {}) lie on roads not connected to the main network \
             ({} of its {} parts are detached); they reach only centres on the same piece",
            d.detached_points,
            d.detached_weight,
            n.parts.saturating_sub(1),
            n.parts
        );
    }
}

/// Prints the loaders' warnings on stderr.
fn warn_all(warnings: &[siting::io::Warning]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// Writes `bytes` to `path` whole or not at all, naming the file if that fails.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> siting::Result<()> {
    use std::io::Write;
    write_with(path, |w| w.write_all(bytes))
}

/// Creates an output folder (and its parents).
fn create_dir(path: &std::path::Path) -> siting::Result<()> {
    std::fs::create_dir_all(path).map_err(|e| siting::Error::write(path, e))
}

/// Hands a buffered writer to `write` and puts the result at `path` whole or not at all
/// ([`siting::io::write_atomically`]), naming the file if anything fails.
fn write_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> siting::Result<()> {
    siting::io::write_atomically(path, write).map_err(|e| siting::Error::write(path, e))
}

/// Prints to stdout; a closed pipe comes back as an error that `main` treats as success.
fn print(text: &str) -> siting::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| siting::Error::write("stdout", e))
}

/// A planner's data as read from files.
pub struct Data {
    demand: Vec<siting::model::DemandPoint>,
    sites: Vec<siting::model::Site>,
    hoods: Option<Vec<siting::model::Neighbourhood>>,
    cost: Option<siting::model::CostMatrix>,
    network: Option<siting::network::Network>,
}

impl Data {
    /// Where travel costs come from: the cost matrix, the road network, or the great circle.
    fn source(&self) -> siting::cost::CostSource<'_> {
        match (&self.cost, &self.network) {
            (Some(matrix), _) => siting::cost::CostSource::Matrix(matrix),
            (None, Some(network)) => siting::cost::CostSource::Network(network),
            (None, None) => siting::cost::CostSource::GreatCircle,
        }
    }
}

/// The input files of a run: demand, sites (candidates or centres), and the optional ones.
pub struct Files<'a> {
    /// How the point and polygon inputs name their fields and kinds.
    fields: &'a siting::io::FieldMap,
    demand: &'a std::path::Path,
    sites: &'a std::path::Path,
    hoods: Option<&'a std::path::Path>,
    cost: Option<&'a std::path::Path>,
    network: Option<&'a NetworkSpec>,
}

/// Reads demand and sites, and the neighbourhoods (showing their warnings), cost matrix and road
/// network when named; the cost matrix is checked against the ids of the other two.
fn load(files: Files) -> siting::Result<Data> {
    use siting::io;
    if let (Some(cost), Some(network)) = (files.cost, files.network) {
        return Err(siting::Error::Invalid(format!(
            "both a cost matrix ({}) and a road network ({}) are given: costs come from one of \
             them, so name only one",
            cost.display(),
            network.path.display()
        )));
    }
    // The two largest inputs are read side by side: each has serial stretches.
    let (demand, network) = rayon::join(
        || io::read_demand(files.demand, files.fields),
        || files.network.map(NetworkSpec::build).transpose(),
    );
    let demand = demand?;
    let sites = io::read_sites(files.sites, files.fields)?;
    let hoods = files
        .hoods
        .map(|path| io::read_neighbourhoods(path, files.fields))
        .transpose()?;
    if let Some(loaded) = &hoods {
        warn_all(&loaded.warnings);
    }
    if let Some(loaded) = &hoods {
        check_not_swapped(
            &loaded.value,
            &[
                (files.demand, demand.iter().map(|d| d.position).collect()),
                (files.sites, sites.iter().map(|s| s.position).collect()),
            ],
        )?;
    }
    let cost = files
        .cost
        .map(|path| io::read_cost(path, &demand, &sites))
        .transpose()?;
    let network = network?;
    Ok(Data {
        demand,
        sites,
        hoods: hoods.map(|l| l.value),
        cost,
        network,
    })
}

/// Fails (exit 2, naming the file) when a file's points look like longitude and latitude
/// swapped against the neighbourhoods: inside the valid ranges, so no reader can tell alone.
fn check_not_swapped(
    hoods: &[siting::model::Neighbourhood],
    files: &[(&std::path::Path, Vec<geo::Point<f64>>)],
) -> siting::Result<()> {
    let index = siting::spatial::NeighbourhoodIndex::new(hoods);
    for (path, points) in files {
        if let Some(swapped) = index.looks_swapped(points) {
            return Err(siting::ReadError::file(path, swapped.to_string()).into());
        }
    }
    Ok(())
}

/// Reads the demand and the open centres of `access` and `assign`, with the neighbourhoods, cost
/// matrix and road network their flags name.
fn load_centres(
    fields: &FieldArgs,
    demand: &std::path::Path,
    centres: &std::path::Path,
    hoods: Option<&std::path::Path>,
    cost: Option<&std::path::Path>,
    network: &NetworkArgs,
) -> siting::Result<Data> {
    let network = network.spec()?;
    load(Files {
        fields: &fields.map()?,
        demand,
        sites: centres,
        hoods,
        cost,
        network: network.as_ref(),
    })
}

/// How the inputs name their fields and kinds, shared by every command that reads them: GIS
/// files made by others rarely use siting's own names.
#[derive(clap::Args, Clone, Default)]
struct FieldArgs {
    /// The field (column or property) of every input that holds ids [default: id].
    #[arg(long)]
    id_field: Option<String>,
    /// The field of the demand that holds weights [default: weight].
    #[arg(long)]
    weight_field: Option<String>,
    /// The field of the neighbourhoods that holds their name [default: name].
    #[arg(long)]
    name_field: Option<String>,
    /// The field of the neighbourhoods that holds their kind [default: kind].
    #[arg(long)]
    kind_field: Option<String>,
    /// What the neighbourhoods' kind values mean, besides urban, rural and informal, e.g.
    /// "شهری=urban,روستایی=rural,غیررسمی=informal" (Arabic and Persian yeh and kaf match).
    #[arg(long)]
    kind_map: Option<String>,
}

impl FieldArgs {
    /// The field map these flags give.
    fn map(&self) -> siting::Result<siting::io::FieldMap> {
        let mut map = siting::io::FieldMap::new();
        if let Some(name) = &self.id_field {
            map = map.id_field(name);
        }
        if let Some(name) = &self.weight_field {
            map = map.weight_field(name);
        }
        if let Some(name) = &self.name_field {
            map = map.name_field(name);
        }
        if let Some(name) = &self.kind_field {
            map = map.kind_field(name);
        }
        if let Some(text) = &self.kind_map {
            let pairs = siting::io::parse_kind_map(text)
                .map_err(|e| siting::Error::Invalid(format!("--kind-map: {e}")))?;
            map = pairs
                .iter()
                .fold(map, |map, (value, kind)| map.kind_value(value, *kind));
        }
        Ok(map)
    }
}

/// The road-network flags, shared by `plan`, `access`, `assign` and `rotate`.
#[derive(clap::Args, Clone, Default)]
struct NetworkArgs {
    /// Road network: an OpenStreetMap extract (.osm.pbf) or GeoJSON LineStrings. Every distance
    /// then runs along the roads, from each place's nearest point on a road.
    #[arg(long)]
    network: Option<std::path::PathBuf>,
    /// Who travels on the network: walk (every walkable way, both ways) or drive (car roads,
    /// one-way streets respected) [default: walk].
    #[arg(long)]
    travel: Option<siting::model::Travel>,
    /// What network costs measure: distance (metres) or time (minutes at each road's speed; the
    /// radius flags then read minutes) [default: distance].
    #[arg(long)]
    by: Option<siting::network::By>,
    /// Places farther than this many metres from every road are unreachable [default: 1000].
    #[arg(long)]
    snap_max: Option<f64>,
}

impl NetworkArgs {
    /// The network these flags name, if any.
    fn spec(&self) -> siting::Result<Option<NetworkSpec>> {
        NetworkSpec::new(self.network.clone(), self.travel, self.by, self.snap_max)
    }
}

/// A road network to load and how to cost it.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    path: std::path::PathBuf,
    travel: siting::model::Travel,
    by: siting::network::By,
    snap_max_m: f64,
}

impl NetworkSpec {
    /// The spec of a network file with its settings, defaults filled in; settings without a
    /// network are an error, since they would silently do nothing.
    fn new(
        path: Option<std::path::PathBuf>,
        travel: Option<siting::model::Travel>,
        by: Option<siting::network::By>,
        snap_max: Option<f64>,
    ) -> siting::Result<Option<Self>> {
        let Some(path) = path else {
            if travel.is_some() || by.is_some() || snap_max.is_some() {
                return Err(siting::Error::Invalid(
                    "--travel, --by and --snap-max need a road network: give --network FILE (or a \
                     roads.osm.pbf / roads.geojson in the instance folder)"
                        .into(),
                ));
            }
            return Ok(None);
        };
        // An empty path (`network = ""` in a scenario variant) asks for straight lines.
        if path.as_os_str().is_empty() {
            return Ok(None);
        }
        // A bad limit is the flag's fault, not the road file's: say so before reading it.
        if let Some(m) = snap_max
            && !(m.is_finite() && m >= 0.0)
        {
            return Err(siting::Error::Invalid(format!(
                "--snap-max must be a non-negative number of metres, not {m}"
            )));
        }
        Ok(Some(NetworkSpec {
            path,
            travel: travel.unwrap_or_default(),
            by: by.unwrap_or_default(),
            snap_max_m: snap_max.unwrap_or(siting::network::DEFAULT_SNAP_MAX_M),
        }))
    }

    /// Reads the roads and builds the routable network.
    fn build(&self) -> siting::Result<siting::network::Network> {
        let roads = siting::io::read_roads(&self.path, self.travel)?;
        siting::network::Network::new(&roads, self.by, self.travel, self.snap_max_m).map_err(|e| {
            match e {
                siting::Error::Invalid(problem) => {
                    siting::Error::Read(siting::ReadError::file(&self.path, problem))
                }
                other => other,
            }
        })
    }
}

/// An instance folder's road network: roads.osm.pbf, else roads.geojson, if either is there.
fn folder_network(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    ["roads.osm.pbf", "roads.geojson"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

/// The service-radius flags, shared by `plan` and `access`.
#[derive(clap::Args)]
struct RadiusArgs {
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
}

impl RadiusArgs {
    /// The radius rule these flags give.
    fn radius(&self) -> siting::plan::Radius {
        siting::plan::Radius {
            default_m: self.radius,
            by_kind: self.by_kind(),
        }
    }

    /// The per-kind radii, in `AreaKind` order.
    fn by_kind(&self) -> siting::model::PerKind<Option<f64>> {
        siting::model::PerKind([self.radius_urban, self.radius_rural, self.radius_informal])
    }
}
