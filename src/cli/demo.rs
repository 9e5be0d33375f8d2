//! `siting demo`: the main job on the embedded demo data, from any folder.

use super::plan::{headline, plan, settle};
use std::path::PathBuf;

/// The demo instance, compiled into the binary so that `siting demo` needs no files. Its
/// scenario asks where 12 centres should go (the 5 existing ones kept), at least 4 in the city, 3
/// in villages and 2 in informal settlements, so that most households live within a 1.5 km walk
/// in town or a 5 km trip in the countryside; its variants are for `siting compare`.
const DEMO_FILES: [(&str, &str); 5] = [
    ("demand.csv", include_str!("../../data/demo/demand.csv")),
    (
        "candidates.csv",
        include_str!("../../data/demo/candidates.csv"),
    ),
    (
        "neighbourhoods.geojson",
        include_str!("../../data/demo/neighbourhoods.geojson"),
    ),
    (
        "roads.geojson",
        include_str!("../../data/demo/roads.geojson"),
    ),
    (
        "scenario.toml",
        include_str!("../../data/demo/scenario.toml"),
    ),
];

/// Flags of `siting demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Output folder; the demo's inputs and scenario are copied into its `input/` subfolder.
    #[arg(long, default_value = "siting-demo")]
    out: PathBuf,
    #[command(flatten)]
    drawing: super::draw::MapArgs,
}

pub fn run(args: Args) -> siting::Result<()> {
    let input = args.out.join("input");
    super::create_dir(&input)?;
    for (name, text) in DEMO_FILES {
        super::write_file(&input.join(name), text.as_bytes())?;
    }
    let scenario = siting::io::read_scenario(&input.join("scenario.toml"))?;
    let (inputs, mut request) = settle(scenario.base)?;
    request.drawing = args.drawing.drawing();
    let summary = super::summary::summarise(
        &inputs.fields,
        Some(&inputs.demand),
        inputs.neighbourhoods.as_deref(),
        Some(&inputs.candidates),
        inputs.network.as_ref(),
    )?;
    super::write_with(&args.out.join("summary.json"), |w| {
        super::summary::render(&summary, true, w)
    })?;
    let mut table = Vec::new();
    super::summary::render(&summary, false, &mut table)
        .map_err(|e| siting::Error::write("summary.txt", e))?;
    super::write_file(&args.out.join("summary.txt"), &table)?;
    let planned = plan(&inputs, &request, &args.out)?;
    super::print(&format!(
        "{}\n{}\nWrote {}\n",
        String::from_utf8_lossy(&table),
        headline(&planned.report),
        args.out.display()
    ))
}
