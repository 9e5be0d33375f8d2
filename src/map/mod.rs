//! Coverage maps: the plan or the access run drawn with plotters, as PNG and SVG.
//!
//! [`Scene::new`] does the geography once (project, classify, bin); [`Scene::png`] and
//! [`Scene::svg`] then draw the same scene on two backends. Drawing is sequential and every
//! input is visited in file order, so the same input gives byte-identical files.

mod draw;
mod projection;
mod scene;
mod style;
pub mod text;

pub use projection::Projection;
pub use scene::Scene;
pub use style::distance_label;

use crate::access::Measures;
use crate::model::{DemandPoint, Neighbourhood};
use geo::Point;
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use std::fmt;
use std::str::FromStr;

/// What the neighbourhoods are coloured by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapMeasure {
    /// The share of the neighbourhood's target population within reach of a centre.
    #[default]
    Covered,
    /// The weighted mean distance to the nearest centre.
    Distance,
}

impl FromStr for MapMeasure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "covered" => Ok(MapMeasure::Covered),
            "distance" => Ok(MapMeasure::Distance),
            other => Err(format!(
                "unknown map measure {other:?}: expected covered or distance"
            )),
        }
    }
}

impl fmt::Display for MapMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MapMeasure::Covered => "covered",
            MapMeasure::Distance => "distance",
        })
    }
}

/// Everything a map shows.
#[derive(Debug, Clone, Copy)]
pub struct MapInput<'a> {
    /// The first line, e.g. the scenario's name.
    pub title: &'a str,
    /// The second line: the headline figures.
    pub subtitle: &'a str,
    /// Target population.
    pub demand: &'a [DemandPoint],
    /// Neighbourhood polygons, when given.
    pub neighbourhoods: Option<&'a [Neighbourhood]>,
    /// The access figures of the open centres, per point, neighbourhood and centre.
    pub measures: &'a Measures,
    /// What the neighbourhoods are coloured by.
    pub measure: MapMeasure,
    /// Places to number on the map; `None` numbers the most uncovered neighbourhoods.
    pub numbered: Option<Numbered<'a>>,
    /// The road network distances ran along: drawn faintly, and each centre's reach drawn as
    /// the roads it covers instead of a circle.
    pub network: Option<&'a crate::network::Network>,
}

/// Numbered places drawn on the map and listed in its legend.
#[derive(Debug, Clone, Copy)]
pub struct Numbered<'a> {
    /// The legend's heading for them.
    pub heading: &'a str,
    /// Where each number stands (lon/lat) and its legend line, in numbering order.
    pub places: &'a [(Point<f64>, String)],
}

impl Scene {
    /// The map as a PNG file's bytes.
    pub fn png(&self) -> crate::Result<Vec<u8>> {
        text::register()?;
        let (width, height) = scene::SIZE;
        let mut pixels = vec![0_u8; (width * height * 3) as usize];
        {
            let canvas = BitMapBackend::with_buffer(&mut pixels, scene::SIZE).into_drawing_area();
            draw::map(&canvas, self, text::TextMode::Bitmap)?;
            canvas.present().map_err(render_failed)?;
        }
        encode_png(&pixels, scene::SIZE)
    }

    /// The map as an SVG document.
    pub fn svg(&self) -> crate::Result<String> {
        text::register()?;
        let mut svg = String::new();
        {
            let canvas = SVGBackend::with_string(&mut svg, scene::SIZE).into_drawing_area();
            draw::map(&canvas, self, text::TextMode::Svg)?;
            canvas.present().map_err(render_failed)?;
        }
        Ok(svg)
    }
}

/// A plotters failure as the crate's error: drawing on our own canvas only fails on a defect.
pub(crate) fn render_failed<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> crate::Error {
    crate::Error::Render(e.to_string())
}

/// RGB pixels as a PNG, with the `png` crate's default (deterministic) compression.
pub(crate) fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> crate::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let fail = |e: png::EncodingError| crate::Error::Render(format!("PNG encoding: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(bytes)
}
