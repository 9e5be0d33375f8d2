//! `siting demo`: the main job on the embedded demo data, from any folder.

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

pub fn run(args: Args) -> siting::Result<()> {
    let input = args.out.join("input");
    super::create_dir(&input)?;
    for (name, text) in DEMO_FILES {
        super::write_file(&input.join(name), text.as_bytes())?;
    }
    let summary = super::summary::summarise(
        Some(&input.join("demand.csv")),
        Some(&input.join("neighbourhoods.geojson")),
        Some(&input.join("candidates.csv")),
    )?;
    let mut json = Vec::new();
    super::summary::render(&summary, true, &mut json)
        .map_err(|e| siting::Error::write("summary.json", e))?;
    super::write_file(&args.out.join("summary.json"), &json)?;
    let mut table = Vec::new();
    super::summary::render(&summary, false, &mut table)
        .map_err(|e| siting::Error::write("summary.txt", e))?;
    super::write_file(&args.out.join("summary.txt"), &table)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    use std::io::Write;
    out.write_all(&table)
        .and_then(|()| writeln!(out, "\nWrote {}", args.out.display()))
        .map_err(|e| siting::Error::write("stdout", e))
}
