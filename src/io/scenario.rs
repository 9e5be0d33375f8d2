//! Scenario files: one TOML file that names a plan's inputs and parameters, and variants of it to
//! compare.
//!
//! ```toml
//! demand = "demand.csv"            # relative paths resolve from this file's folder
//! candidates = "candidates.csv"
//! neighbourhoods = "neighbourhoods.geojson"
//! model = "mclp"
//! p = 12
//! radius = 3000
//! radius_urban = 1500
//! min_sites = { urban = 4, rural = 3 }
//!
//! [[variant]]
//! name = "twenty"                  # also the variant's output folder
//! p = 20
//! ```
//!
//! Every key is optional and a variant may set any key of the base; what it sets replaces the
//! base's value whole (`min_sites = {}` drops the quotas). Unknown keys, wrong types and missing
//! files are [`ReadError`]s naming the file, the line and the key.

use crate::error::{Location, ReadError};
use crate::model::{PerKind, Travel};
use crate::network::By;
use crate::plan::{Model, Radius};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The settings of one plan run, each optional so that layers merge: a scenario's base, a variant
/// over it, command-line flags over both. Field names are the flags of `siting plan`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanOptions {
    /// Demand points file.
    pub demand: Option<PathBuf>,
    /// Candidate sites file.
    pub candidates: Option<PathBuf>,
    /// Neighbourhoods file.
    pub neighbourhoods: Option<PathBuf>,
    /// Cost matrix file.
    pub cost: Option<PathBuf>,
    /// Road network file (OpenStreetMap PBF or GeoJSON lines).
    pub network: Option<PathBuf>,
    /// Travel profile on the network.
    pub travel: Option<Travel>,
    /// Network costs by distance or time.
    pub by: Option<By>,
    /// Farthest a place may lie from every road, metres.
    pub snap_max: Option<f64>,
    /// The location model.
    pub model: Option<Model>,
    /// Centres to open, fixed ones included.
    pub p: Option<usize>,
    /// Service radius wherever no per-kind radius applies.
    pub radius: Option<f64>,
    /// Per-kind service radii (urban, rural, informal).
    pub radius_by_kind: PerKind<Option<f64>>,
    /// LSCP: share of the weight to cover.
    pub target_coverage: Option<f64>,
    /// Minimum open centres per kind; replaced whole when overridden.
    pub min_sites: Option<PerKind<usize>>,
    /// Seed of the randomised restarts.
    pub seed: Option<u64>,
    /// Time limit in seconds.
    pub time_limit: Option<f64>,
    /// Search until the plan is proven optimal (or the time limit).
    pub exact: Option<bool>,
    /// Heading of the map and the report.
    pub title: Option<String>,
}

impl PlanOptions {
    /// These options where set, `base`'s elsewhere: flags over a scenario, a variant over its base.
    pub fn over(self, base: PlanOptions) -> PlanOptions {
        let [u, r, i] = self.radius_by_kind.0;
        let [bu, br, bi] = base.radius_by_kind.0;
        PlanOptions {
            demand: self.demand.or(base.demand),
            candidates: self.candidates.or(base.candidates),
            neighbourhoods: self.neighbourhoods.or(base.neighbourhoods),
            cost: self.cost.or(base.cost),
            network: self.network.or(base.network),
            travel: self.travel.or(base.travel),
            by: self.by.or(base.by),
            snap_max: self.snap_max.or(base.snap_max),
            model: self.model.or(base.model),
            p: self.p.or(base.p),
            radius: self.radius.or(base.radius),
            radius_by_kind: PerKind([u.or(bu), r.or(br), i.or(bi)]),
            target_coverage: self.target_coverage.or(base.target_coverage),
            min_sites: self.min_sites.or(base.min_sites),
            seed: self.seed.or(base.seed),
            time_limit: self.time_limit.or(base.time_limit),
            exact: self.exact.or(base.exact),
            title: self.title.or(base.title),
        }
    }
}

/// A scenario file, read and checked: its base settings and its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The file as the user named it.
    pub path: PathBuf,
    /// The top-level settings, input paths resolved from the file's folder.
    pub base: PlanOptions,
    /// The `[[variant]]` tables in file order, each already merged over the base.
    pub variants: Vec<Variant>,
}

/// One `[[variant]]` of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Its `name`: unique in the file, and usable as a folder name.
    pub name: String,
    /// Its settings over the base's.
    pub options: PlanOptions,
}

/// The top level and every `[[variant]]` share this shape; `variant` is only allowed at the top
/// and `name` is required in a variant (checked after parsing, where the spans still tell the
/// line).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    name: Option<Spanned<String>>,
    #[serde(default)]
    variant: Vec<Spanned<Table>>,
    demand: Option<Spanned<PathBuf>>,
    candidates: Option<Spanned<PathBuf>>,
    neighbourhoods: Option<Spanned<PathBuf>>,
    cost: Option<Spanned<PathBuf>>,
    network: Option<Spanned<PathBuf>>,
    travel: Option<Travel>,
    by: Option<By>,
    snap_max: Option<Spanned<f64>>,
    model: Option<Model>,
    p: Option<usize>,
    radius: Option<Spanned<f64>>,
    radius_urban: Option<Spanned<f64>>,
    radius_rural: Option<Spanned<f64>>,
    radius_informal: Option<Spanned<f64>>,
    target_coverage: Option<Spanned<f64>>,
    min_sites: Option<MinSites>,
    seed: Option<u64>,
    time_limit: Option<Spanned<f64>>,
    exact: Option<bool>,
    title: Option<String>,
}

/// The ranges numbers must fall in, checked where the file still tells the line.
const METRES: (fn(f64) -> bool, &str) =
    (Radius::is_valid, "must be a non-negative number of metres");
const SHARE: (fn(f64) -> bool, &str) = (
    |x| (0.0..=1.0).contains(&x),
    "must be a share between 0 and 1",
);
const SECONDS: (fn(f64) -> bool, &str) = (
    |x| x.is_finite() && x >= 0.0,
    "must be a non-negative number of seconds",
);

/// `min_sites = { urban = 50, rural = 31 }`; kinds left out need no centres.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinSites {
    #[serde(default)]
    urban: usize,
    #[serde(default)]
    rural: usize,
    #[serde(default)]
    informal: usize,
}

/// Reads a scenario file: parses it, resolves input paths from its folder and checks they exist.
pub fn read_scenario(path: &Path) -> Result<Scenario, ReadError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ReadError::file(path, format!("cannot read: {e}")))?;
    let file = File { path, text: &text };
    let table: Table = toml::from_str(&text).map_err(|e| file.parse_error(&e))?;
    if let Some(name) = &table.name {
        // Most likely a variant whose [[variant]] header is missing.
        return Err(file.error(
            name.span(),
            "name",
            "only a [[variant]] has a name; is a [[variant]] header missing above it?",
        ));
    }
    let mut names = BTreeSet::new();
    let variants = table
        .variant
        .iter()
        .map(|variant| {
            let name = file.variant_name(variant)?;
            if !names.insert(name.clone()) {
                return Err(file.error(
                    variant.span(),
                    "name",
                    format!("a second variant named {name:?}: names must be unique"),
                ));
            }
            Ok(name)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let base = file.options(&table)?;
    let variants = variants
        .into_iter()
        .zip(&table.variant)
        .map(|(name, variant)| {
            Ok(Variant {
                name,
                options: file.options(variant.get_ref())?.over(base.clone()),
            })
        })
        .collect::<Result<_, ReadError>>()?;
    Ok(Scenario {
        path: path.to_owned(),
        base,
        variants,
    })
}

/// The file being read, to turn spans into located errors.
struct File<'a> {
    path: &'a Path,
    text: &'a str,
}

impl File<'_> {
    /// The 1-based line holding byte `offset`.
    fn line(&self, offset: usize) -> u64 {
        let before = self.text.get(..offset).unwrap_or(self.text);
        before.bytes().filter(|&b| b == b'\n').count() as u64 + 1
    }

    fn error(&self, span: Range<usize>, key: &str, problem: impl Into<String>) -> ReadError {
        ReadError {
            path: self.path.to_owned(),
            location: Location::Line(self.line(span.start)),
            field: Some(key.to_owned()),
            problem: problem.into(),
        }
    }

    /// A TOML or serde error at its line, with the key written on that line when there is one
    /// (toml's messages name unknown keys but not the key of a value of the wrong type).
    fn parse_error(&self, err: &toml::de::Error) -> ReadError {
        let Some(span) = err.span() else {
            return ReadError::file(self.path, err.message().trim());
        };
        let line_start = self.text[..span.start.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = self.text[line_start..].lines().next().unwrap_or("");
        let key = line
            .split_once('=')
            .map(|(key, _)| key.trim().trim_matches('"').to_owned())
            .filter(|key| !key.is_empty() && !key.starts_with('['));
        ReadError {
            path: self.path.to_owned(),
            location: Location::Line(self.line(span.start)),
            field: key,
            problem: err.message().trim().to_owned(),
        }
    }

    fn variant_name(&self, variant: &Spanned<Table>) -> Result<String, ReadError> {
        let table = variant.get_ref();
        if let Some(nested) = table.variant.first() {
            return Err(self.error(nested.span(), "variant", "a variant cannot hold variants"));
        }
        let Some(name) = &table.name else {
            return Err(self.error(
                variant.span(),
                "name",
                "every [[variant]] needs a name (it names the output folder)",
            ));
        };
        let text = name.get_ref();
        let usable = !text.is_empty()
            && text != "."
            && text != ".."
            && !text.contains(['/', '\\'])
            && !text.chars().any(char::is_control);
        if !usable {
            return Err(self.error(
                name.span(),
                "name",
                format!("{text:?} cannot be a folder name"),
            ));
        }
        Ok(text.clone())
    }

    /// A table's settings, its input paths resolved from the scenario's folder and checked.
    fn options(&self, table: &Table) -> Result<PlanOptions, ReadError> {
        let folder = self.path.parent().unwrap_or(Path::new(""));
        let input = |value: &Option<Spanned<PathBuf>>, key: &str| {
            value
                .as_ref()
                .map(|spanned| {
                    let path = folder.join(spanned.get_ref());
                    if path.is_file() {
                        Ok(path)
                    } else {
                        Err(self.error(
                            spanned.span(),
                            key,
                            format!("no such file: {}", path.display()),
                        ))
                    }
                })
                .transpose()
        };
        let number =
            |value: &Option<Spanned<f64>>, key: &str, (valid, rule): (fn(f64) -> bool, &str)| {
                value
                    .as_ref()
                    .map(|spanned| {
                        let x = *spanned.get_ref();
                        if valid(x) {
                            Ok(x)
                        } else {
                            Err(self.error(spanned.span(), key, format!("{rule}, not {x}")))
                        }
                    })
                    .transpose()
            };
        Ok(PlanOptions {
            demand: input(&table.demand, "demand")?,
            candidates: input(&table.candidates, "candidates")?,
            neighbourhoods: input(&table.neighbourhoods, "neighbourhoods")?,
            cost: input(&table.cost, "cost")?,
            // `network = ""` plans on straight lines even where the base names a network.
            network: match &table.network {
                Some(path) if path.get_ref().as_os_str().is_empty() => Some(PathBuf::new()),
                other => input(other, "network")?,
            },
            travel: table.travel,
            by: table.by,
            snap_max: number(&table.snap_max, "snap_max", METRES)?,
            model: table.model,
            p: table.p,
            radius: number(&table.radius, "radius", METRES)?,
            radius_by_kind: PerKind([
                number(&table.radius_urban, "radius_urban", METRES)?,
                number(&table.radius_rural, "radius_rural", METRES)?,
                number(&table.radius_informal, "radius_informal", METRES)?,
            ]),
            target_coverage: number(&table.target_coverage, "target_coverage", SHARE)?,
            min_sites: table
                .min_sites
                .as_ref()
                .map(|m| PerKind([m.urban, m.rural, m.informal])),
            seed: table.seed,
            time_limit: number(&table.time_limit, "time_limit", SECONDS)?,
            exact: table.exact,
            title: table.title.clone(),
        })
    }
}

#[cfg(test)]
#[path = "scenario_tests.rs"]
mod tests;
