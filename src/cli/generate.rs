//! `siting generate`: write a deterministic synthetic instance folder.

use siting::generate::Preset;
use std::path::PathBuf;

/// Flags of `siting generate`.
#[derive(clap::Args)]
pub struct Args {
    /// Which instance: demo (the synthetic city of data/demo), a real province on 2016 census
    /// counts (isfahan, gilan, khorramshahr: the last weighted by target households), or national
    /// (all 31 provinces, about 800,000 points for 24.2 M households).
    #[arg(long)]
    preset: Preset,
    /// Random seed: the same preset and seed give byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> siting::Result<()> {
    let instance = siting::generate::generate(args.preset, args.seed);
    instance.write(&args.out)?;
    super::print(&format!(
        "Wrote {}: {} demand points (weight {}), {} candidate sites, {} neighbourhoods, {} roads \
         ({} vertices)\n",
        args.out.display(),
        instance.demand.len(),
        siting::model::total_weight(&instance.demand),
        instance.sites.len(),
        instance.neighbourhoods.len(),
        instance.roads.len(),
        instance.roads.iter().map(|r| r.line.len()).sum::<usize>()
    ))
}
