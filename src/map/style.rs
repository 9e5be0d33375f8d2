//! The map's visual vocabulary: class breaks and colours of the choropleth, and how each area kind
//! and centre is drawn. Every distinction is carried by shape, width or dash as well as colour, so
//! the map reads in grey and for colour-blind viewers.

use super::MapMeasure;
use crate::access::DistanceUnit;
use crate::model::AreaKind;
use plotters::style::{Color, RGBColor, ShapeStyle};

/// ColorBrewer OrRd, 5 classes (colour-blind safe, prints in grey): light is good, dark is bad.
const ORANGE_RED: [RGBColor; 5] = [
    RGBColor(254, 240, 217),
    RGBColor(253, 204, 138),
    RGBColor(252, 141, 89),
    RGBColor(227, 74, 51),
    RGBColor(179, 0, 0),
];

/// Fill of a neighbourhood without target population: nothing to measure.
pub const NO_DEMAND: RGBColor = RGBColor(224, 224, 224);
/// Page and sea.
pub const PAPER: RGBColor = RGBColor(255, 255, 255);
/// Text, outlines, existing centres.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Okabe–Ito blue: newly proposed centres and service radii, apart from every fill colour.
pub const NEW_CENTRE: RGBColor = RGBColor(0, 114, 178);
/// Covered demand, shown only on maps without neighbourhoods.
pub const COVERED: RGBColor = RGBColor(150, 150, 150);
/// Uncovered demand: dots or density shading.
pub const UNCOVERED: RGBColor = RGBColor(40, 0, 80);

/// A service-radius circle, on the map and in its legend.
pub fn radius_line() -> ShapeStyle {
    NEW_CENTRE.mix(0.8).stroke_width(1)
}

/// A road under the neighbourhoods, faint: major roads a little heavier.
pub fn road_line(major: bool) -> ShapeStyle {
    INK.mix(if major { 0.5 } else { 0.3 })
        .stroke_width(if major { 2 } else { 1 })
}

/// A road a centre reaches within its service radius, on the map and in its legend.
pub fn reach_line() -> ShapeStyle {
    NEW_CENTRE.mix(0.85).stroke_width(3)
}

/// An uncovered household's dot, on the map and in its legend.
pub fn uncovered_dot() -> ShapeStyle {
    UNCOVERED.mix(0.7).filled()
}

/// Five classes of the mapped measure, worst last, with their legend labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Upper bounds of the first four classes; the fifth is open.
    breaks: [f64; 4],
    measure: MapMeasure,
    unit: DistanceUnit,
}

impl Classes {
    /// Covered share: fifths of 100%. Mean distance: multiples of the service radius, because
    /// "within half the radius" means the same in town and country; 1, 2, 5, 10 km without one.
    pub fn new(measure: MapMeasure, radius_m: Option<f64>, unit: DistanceUnit) -> Self {
        let breaks = match (measure, radius_m) {
            (MapMeasure::Covered, _) => [0.8, 0.6, 0.4, 0.2],
            (MapMeasure::Distance, Some(r)) if r > 0.0 => [r / 2.0, r, 2.0 * r, 4.0 * r],
            (MapMeasure::Distance, _) => [1000.0, 2000.0, 5000.0, 10_000.0],
        };
        Classes {
            breaks,
            measure,
            unit,
        }
    }

    /// The class of a value, 0 (best) to 4 (worst).
    pub fn class(&self, value: f64) -> usize {
        match self.measure {
            MapMeasure::Covered => self.breaks.iter().take_while(|&&b| value < b).count(),
            MapMeasure::Distance => self.breaks.iter().take_while(|&&b| value > b).count(),
        }
    }

    /// Fill colour of a class.
    pub fn colour(class: usize) -> RGBColor {
        ORANGE_RED[class.min(4)]
    }

    /// Legend labels, best class first.
    pub fn labels(&self) -> [String; 5] {
        let b = self.breaks;
        match self.measure {
            MapMeasure::Covered => {
                let pct = |x: f64| format!("{:.0}%", 100.0 * x);
                [
                    format!("{} – 100%", pct(b[0])),
                    format!("{} – {}", pct(b[1]), pct(b[0])),
                    format!("{} – {}", pct(b[2]), pct(b[1])),
                    format!("{} – {}", pct(b[3]), pct(b[2])),
                    format!("under {}", pct(b[3])),
                ]
            }
            MapMeasure::Distance => {
                let d = |x: f64| distance_label(x, self.unit);
                [
                    format!("up to {}", d(b[0])),
                    format!("{} – {}", d(b[0]), d(b[1])),
                    format!("{} – {}", d(b[1]), d(b[2])),
                    format!("{} – {}", d(b[2]), d(b[3])),
                    format!("over {}", d(b[3])),
                ]
            }
        }
    }
}

/// A distance for a label: km from 1 km, m below; cost units as they are.
pub fn distance_label(value: f64, unit: DistanceUnit) -> String {
    match unit {
        DistanceUnit::Cost => format!("{value:.4}"),
        DistanceUnit::Minutes => format!("{value:.1} min"),
        DistanceUnit::Metres if value >= 1000.0 => {
            format!("{} km", trim(value / 1000.0))
        }
        DistanceUnit::Metres => format!("{value:.0} m"),
    }
}

/// A number with at most one decimal and no trailing ".0".
fn trim(x: f64) -> String {
    let text = format!("{x:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// How the outline of each kind of neighbourhood is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outline {
    /// Line width in pixels.
    pub width: u32,
    /// Dashed (rural) or solid.
    pub dashed: bool,
}

impl Outline {
    /// Urban thin solid, rural thin dashed, informal thick solid: told apart without colour.
    pub fn of(kind: AreaKind) -> Self {
        match kind {
            AreaKind::Urban => Outline {
                width: 1,
                dashed: false,
            },
            AreaKind::Rural => Outline {
                width: 1,
                dashed: true,
            },
            AreaKind::Informal => Outline {
                width: 3,
                dashed: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_share_classes_put_poor_coverage_last() {
        let c = Classes::new(MapMeasure::Covered, Some(2000.0), DistanceUnit::Metres);
        let classes: Vec<usize> = [1.0, 0.8, 0.79, 0.5, 0.2, 0.19, 0.0]
            .into_iter()
            .map(|v| c.class(v))
            .collect();
        assert_eq!(classes, [0, 0, 1, 2, 3, 4, 4]);
        assert_eq!(c.labels()[0], "80% – 100%");
        assert_eq!(c.labels()[4], "under 20%");
    }

    #[test]
    fn distance_classes_are_multiples_of_the_radius() {
        let c = Classes::new(MapMeasure::Distance, Some(2000.0), DistanceUnit::Metres);
        let classes: Vec<usize> = [0.0, 1000.0, 1001.0, 2000.0, 4000.0, 8000.0, 8001.0]
            .into_iter()
            .map(|v| c.class(v))
            .collect();
        assert_eq!(classes, [0, 0, 1, 1, 2, 3, 4]);
        assert_eq!(c.labels()[1], "1 km – 2 km");
        assert_eq!(c.labels()[4], "over 8 km");
        assert_eq!(distance_label(750.0, DistanceUnit::Metres), "750 m");
        assert_eq!(distance_label(1500.0, DistanceUnit::Metres), "1.5 km");
    }
}
