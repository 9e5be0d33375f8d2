//! The flags and files shared by every command that draws: map.png, map.svg and report.html.

use siting::Result;
use siting::map::{MapInput, MapMeasure, Scene};
use siting::report::{ReportInput, report};
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

/// Draws map.png and map.svg into `out` and returns the PNG's bytes; `None` with `--no-map`.
pub fn write_maps(out: &Path, drawing: Drawing, input: MapInput) -> Result<Option<Vec<u8>>> {
    if !drawing.maps {
        return Ok(None);
    }
    let scene = Scene::new(&input);
    let png = scene.png()?;
    super::write_file(&out.join("map.png"), &png)?;
    super::write_file(&out.join("map.svg"), scene.svg()?.as_bytes())?;
    Ok(Some(png))
}

/// Draws map.png and map.svg (unless `--no-map`) and writes report.html, with the map, into
/// `out`. The map shows what the report does, under the report's title and `subtitle`. Returns
/// the map's PNG bytes, for a report that gathers several.
pub fn write_drawings(
    out: &Path,
    drawing: Drawing,
    subtitle: &str,
    report_input: ReportInput,
) -> Result<Option<Vec<u8>>> {
    let map_png = write_maps(
        out,
        drawing,
        MapInput {
            title: report_input.title,
            subtitle,
            demand: report_input.access.demand,
            neighbourhoods: report_input.access.neighbourhoods,
            measures: report_input.measures,
            measure: drawing.measure,
            numbered: None,
            network: report_input.access.source.network(),
        },
    )?;
    let html = report(&ReportInput {
        map_png: map_png.as_deref(),
        ..report_input
    })?;
    super::write_file(&out.join("report.html"), html.as_bytes())?;
    Ok(map_png)
}
