//! `siting demo`: the main job on the embedded demo data, from any folder.

use super::plan::{Inputs, Request, headline, plan};
use siting::model::PerKind;
use siting::plan::{Model, PlanParams, Radius};
use std::path::PathBuf;

/// The demo instance, compiled into the binary so that `siting demo` needs no files.
const DEMO_FILES: [(&str, &str); 3] = [
    ("demand.csv", include_str!("../../data/demo/demand.csv")),
    (
        "candidates.csv",
        include_str!("../../data/demo/candidates.csv"),
    ),
    (
        "neighbourhoods.geojson",
        include_str!("../../data/demo/neighbourhoods.geojson"),
    ),
];

/// Flags of `siting demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Output folder; the demo's inputs are copied into its `input/` subfolder.
    #[arg(long, default_value = "siting-demo")]
    out: PathBuf,
}

/// The demo's question: where should 12 centres go (the 5 existing ones kept), at least 4 in the
/// city, 3 in villages and 2 in informal settlements, so that most households live within a
/// 1.5 km walk in town or a 5 km trip in the countryside?
fn demo_request() -> Request {
    Request {
        params: PlanParams {
            model: Model::Mclp,
            radius: Radius {
                default_m: Some(3_000.0),
                by_kind: PerKind([Some(1_500.0), Some(5_000.0), Some(1_500.0)]),
            },
            target_coverage: None,
        },
        p: Some(12),
        quota: PerKind([4, 3, 2]),
        seed: 1,
        time_limit: None,
    }
}

pub fn run(args: Args) -> siting::Result<()> {
    let input = args.out.join("input");
    super::create_dir(&input)?;
    for (name, text) in DEMO_FILES {
        super::write_file(&input.join(name), text.as_bytes())?;
    }
    let inputs = Inputs {
        demand: input.join("demand.csv"),
        candidates: input.join("candidates.csv"),
        neighbourhoods: Some(input.join("neighbourhoods.geojson")),
        cost: None,
    };
    let summary = super::summary::summarise(
        Some(&inputs.demand),
        inputs.neighbourhoods.as_deref(),
        Some(&inputs.candidates),
    )?;
    super::write_with(&args.out.join("summary.json"), |w| {
        super::summary::render(&summary, true, w)
    })?;
    let mut table = Vec::new();
    super::summary::render(&summary, false, &mut table)
        .map_err(|e| siting::Error::write("summary.txt", e))?;
    super::write_file(&args.out.join("summary.txt"), &table)?;
    let planned = plan(&inputs, &demo_request(), &args.out)?;
    super::print(&format!(
        "{}\n{}\nWrote {}\n",
        String::from_utf8_lossy(&table),
        headline(&planned.report),
        args.out.display()
    ))
}
