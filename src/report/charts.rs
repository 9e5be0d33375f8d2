//! The report's charts, drawn with plotters as SVG for inlining in `report.html`.

use crate::Result;
use crate::access::DistanceUnit;
use crate::map::render_failed;
use crate::map::text::{self, FAMILY};
use crate::model::AreaKind;
use plotters::coord::types::RangedCoordf64;
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

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes and what the chart shows on them.
struct Frame<'a> {
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_desc: &'a str,
    y_desc: &'a str,
    /// Whole numbers on the x axis (counts of centres).
    whole_x: bool,
    legend: SeriesLabelPosition,
}

/// An SVG chart: white ground, grid and axis titles, the series `draw` adds, then their legend.
fn svg_chart(frame: Frame, draw: impl FnOnce(&mut Chart) -> Result<()>) -> Result<String> {
    text::register()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(render_failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(frame.x, frame.y)
            .map_err(render_failed)?;
        // Ticks between whole numbers stay unlabelled rather than repeat a rounded label.
        let whole = |x: &f64| {
            if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        };
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(frame.x_desc)
            .y_desc(frame.y_desc)
            .label_style((FAMILY, 13))
            .light_line_style(RGBColor(235, 235, 235));
        if frame.whole_x {
            mesh.x_label_formatter(&whole);
        }
        mesh.draw().map_err(render_failed)?;
        draw(&mut chart)?;
        chart
            .configure_series_labels()
            .position(frame.legend)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FAMILY, 13))
            .draw()
            .map_err(render_failed)?;
        root.present().map_err(render_failed)?;
    }
    Ok(svg)
}

/// The share of each kind's target population within each distance of its nearest centre (a
/// weighted cumulative distribution), each with a thin dashed line at its service radius, up to
/// the share that radius covers.
pub fn distance_chart(curves: &[Curve], unit: DistanceUnit) -> Result<String> {
    let (scale, x_desc) = match unit {
        DistanceUnit::Metres => (1000.0, "distance to the nearest centre (km)"),
        DistanceUnit::Cost => (1.0, "cost to the nearest centre"),
        DistanceUnit::Minutes => (1.0, "minutes to the nearest centre"),
    };
    let x_max = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0).chain(c.radius))
        .fold(0.0_f64, f64::max)
        / scale;
    let frame = Frame {
        x: 0.0..if x_max > 0.0 { x_max * 1.05 } else { 1.0 },
        y: 0.0..100.0,
        x_desc,
        y_desc: "% of target population within",
        whole_x: false,
        legend: SeriesLabelPosition::LowerRight,
    };
    svg_chart(frame, |chart| {
        for curve in curves {
            let (colour, width, dashed) = line_style(curve.kind);
            let style = colour.stroke_width(width);
            if let Some(r) = curve.radius {
                let x = r / scale;
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x, 0.0), (x, 100.0 * curve.share_at(r))],
                        3,
                        3,
                        colour.stroke_width(1),
                    ))
                    .map_err(render_failed)?;
            }
            let points: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|&(d, share)| (d / scale, 100.0 * share))
                .collect();
            let drawn = if dashed {
                chart.draw_series(DashedLineSeries::new(points, 6, 3, style))
            } else {
                chart.draw_series(LineSeries::new(points, style))
            };
            drawn
                .map_err(render_failed)?
                .label(&curve.label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
        }
        Ok(())
    })
}

/// Coverage as centres open in the plan's order: a bar per centre for what it adds (existing
/// centres in grey, new ones in blue) and a line for the running total, both as a share of all
/// target population.
pub fn coverage_chart(covered: &[f64], existing: &[bool], total_weight: f64) -> Result<String> {
    let share = |w: f64| 100.0 * w / total_weight.max(f64::MIN_POSITIVE);
    let top = covered.last().map_or(1.0, |&w| share(w)).max(1.0) * 1.1;
    let frame = Frame {
        x: 0.0..(covered.len() as f64 + 0.5),
        y: 0.0..top.min(100.0),
        x_desc: "centres open, in the plan's order",
        y_desc: "% of target population covered",
        whole_x: true,
        legend: SeriesLabelPosition::UpperLeft,
    };
    let (grey, blue, ink) = (
        RGBColor(90, 90, 90),
        RGBColor(0, 114, 178),
        RGBColor(33, 33, 33),
    );
    svg_chart(frame, |chart| {
        let gains = covered.iter().scan(0.0, |before, &after| {
            let gain = after - *before;
            *before = after;
            Some(gain)
        });
        chart
            .draw_series(gains.enumerate().map(|(k, gain)| {
                let colour = if existing.get(k).copied().unwrap_or(false) {
                    grey
                } else {
                    blue
                };
                let x = k as f64 + 1.0;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, share(gain))], colour.filled())
            }))
            .map_err(render_failed)?
            .label("added by this centre (grey: existing)")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], blue.filled()));
        let line = ink.stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                covered
                    .iter()
                    .enumerate()
                    .map(|(k, &w)| (k as f64 + 1.0, share(w))),
                line,
            ))
            .map_err(render_failed)?
            .label("covered so far")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], line));
        Ok(())
    })
}
