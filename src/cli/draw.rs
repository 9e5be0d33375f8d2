//! The flags and files shared by every command that draws: map.png, map.svg and report.html.

use siting::Result;
use siting::map::{MapInput, MapMeasure, Scene};
use std::path::Path;

/// Map flags of `siting plan` and `siting access`.
#[derive(clap::Args, Clone)]
pub struct MapArgs {
    /// Draw map.png and map.svg (the default).
    #[arg(long, overrides_with = "no_map")]
    map: bool,
    /// Skip the maps; report.html is still written, without them.
    #[arg(long)]
    no_map: bool,
    /// What colours the neighbourhoods on the map: covered (share of the target population within
    /// reach) or distance (mean distance to the nearest centre).
    #[arg(long, default_value_t = MapMeasure::Covered)]
    map_measure: MapMeasure,
}

impl MapArgs {
    /// The settings these flags give.
    pub fn drawing(&self) -> Drawing {
        Drawing {
            maps: !self.no_map,
            measure: self.map_measure,
        }
    }
}

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawing {
    /// Whether to draw the maps at all.
    pub maps: bool,
    /// What colours the neighbourhoods.
    pub measure: MapMeasure,
}

impl Default for Drawing {
    fn default() -> Self {
        Drawing {
            maps: true,
            measure: MapMeasure::Covered,
        }
    }
}

/// Draws map.png and map.svg into `out` and returns the PNG's bytes for the report; `None` with
/// `--no-map`.
pub fn write_maps(out: &Path, drawing: Drawing, input: MapInput) -> Result<Option<Vec<u8>>> {
    if !drawing.maps {
        return Ok(None);
    }
    let scene = Scene::new(&MapInput {
        measure: drawing.measure,
        ..input
    });
    let png = scene.png()?;
    super::write_file(&out.join("map.png"), &png)?;
    super::write_file(&out.join("map.svg"), scene.svg()?.as_bytes())?;
    Ok(Some(png))
}
