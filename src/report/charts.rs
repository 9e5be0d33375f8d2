//! The report's charts, drawn with plotters as SVG for inlining in `report.html`.

use crate::access::DistanceUnit;
use crate::map::text::{self, FAMILY};
use crate::model::AreaKind;
use crate::{Error, Result};
use plotters::prelude::*;

/// Chart size in pixels; the page scales it to its column.
const SIZE: (u32, u32) = (860, 380);

/// One line of the distance chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Legend label.
    pub label: String,
    /// The area kind drawn, or `None` for all demand.
    pub kind: Option<AreaKind>,
    /// `(distance, share)` steps, as [`crate::access::distance_distribution`] gives them.
    pub points: Vec<(f64, f64)>,
    /// The service radius of these points, marked by a dashed line up to the curve.
    pub radius: Option<f64>,
}

impl Curve {
    /// The share within `distance`: the last step at or before it.
    fn share_at(&self, distance: f64) -> f64 {
        self.points
            .iter()
            .take_while(|p| p.0 <= distance)
            .last()
            .map_or(0.0, |p| p.1)
    }
}

/// Colour and line of a curve: the Okabe–Ito palette, and the map's width-and-dash coding of
/// kinds, so that the chart reads without colour too.
fn line_style(kind: Option<AreaKind>) -> (RGBColor, u32, bool) {
    match kind {
        None => (RGBColor(33, 33, 33), 1, false),
        Some(AreaKind::Urban) => (RGBColor(0, 114, 178), 2, false),
        Some(AreaKind::Rural) => (RGBColor(0, 158, 115), 2, true),
        Some(AreaKind::Informal) => (RGBColor(213, 94, 0), 3, false),
    }
}

fn failed<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::Render(e.to_string())
}

/// The share of each kind's target population within each distance of its nearest centre (a
/// weighted cumulative distribution), each with a thin dashed line at its service radius, up to
/// the share that radius covers.
pub fn distance_chart(curves: &[Curve], unit: DistanceUnit) -> Result<String> {
    text::register()?;
    let (scale, unit_label) = match unit {
        DistanceUnit::Metres => (1000.0, "distance to the nearest centre (km)"),
        DistanceUnit::Cost => (1.0, "cost to the nearest centre"),
    };
    let x_max = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0).chain(c.radius))
        .fold(0.0_f64, f64::max)
        / scale;
    let x_max = if x_max > 0.0 { x_max * 1.05 } else { 1.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..x_max, 0.0..100.0)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(unit_label)
            .y_desc("% of target population within")
            .label_style((FAMILY, 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(failed)?;
        for curve in curves {
            let (colour, width, dashed) = line_style(curve.kind);
            let style = colour.stroke_width(width);
            let points: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|&(d, share)| (d / scale, 100.0 * share))
                .collect();
            let legend = move |(x, y): (i32, i32)| PathElement::new([(x, y), (x + 20, y)], style);
            if let Some(r) = curve.radius {
                let x = r / scale;
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x, 0.0), (x, 100.0 * curve.share_at(r))],
                        3,
                        3,
                        colour.stroke_width(1),
                    ))
                    .map_err(failed)?;
            }
            if dashed {
                chart
                    .draw_series(DashedLineSeries::new(points, 6, 3, style))
                    .map_err(failed)?
                    .label(&curve.label)
                    .legend(legend);
            } else {
                chart
                    .draw_series(LineSeries::new(points, style))
                    .map_err(failed)?
                    .label(&curve.label)
                    .legend(legend);
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FAMILY, 13))
            .draw()
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

/// Coverage as centres open in the plan's order: a bar per centre for what it adds (existing
/// centres in grey, new ones in blue) and a line for the running total, both as a share of all
/// target population.
pub fn coverage_chart(covered: &[f64], existing: &[bool], total_weight: f64) -> Result<String> {
    text::register()?;
    let share = |w: f64| 100.0 * w / total_weight.max(f64::MIN_POSITIVE);
    let top = covered.last().map_or(1.0, |&w| share(w)).max(1.0) * 1.1;
    let n = covered.len();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..(n as f64 + 0.5), 0.0..top.min(100.0))
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc("centres open, in the plan's order")
            .y_desc("% of target population covered")
            .label_style((FAMILY, 13))
            .light_line_style(RGBColor(235, 235, 235))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(failed)?;
        let gains = covered
            .iter()
            .scan(0.0, |before, &after| {
                let gain = after - *before;
                *before = after;
                Some(gain)
            })
            .enumerate();
        chart
            .draw_series(gains.map(|(k, gain)| {
                let colour = if existing.get(k).copied().unwrap_or(false) {
                    RGBColor(90, 90, 90)
                } else {
                    RGBColor(0, 114, 178)
                };
                let x = k as f64 + 1.0;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, share(gain))], colour.filled())
            }))
            .map_err(failed)?
            .label("added by this centre")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 16, y + 5)],
                    RGBColor(0, 114, 178).filled(),
                )
            });
        chart
            .draw_series(LineSeries::new(
                covered
                    .iter()
                    .enumerate()
                    .map(|(k, &w)| (k as f64 + 1.0, share(w))),
                RGBColor(33, 33, 33).stroke_width(2),
            ))
            .map_err(failed)?
            .label("covered so far")
            .legend(|(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], RGBColor(33, 33, 33).stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FAMILY, 13))
            .draw()
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}
