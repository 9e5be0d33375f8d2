//! The map's geography, in pixels: everything [`super::draw`] needs, computed once for both
//! backends.

use super::projection::Projection;
use super::style::{Classes, NO_DEMAND};
use super::{MapInput, MapMeasure};
use crate::access::{Access, CentreAccess, DistanceUnit};
use crate::model::{AreaKind, Neighbourhood};
use crate::report::grouped;
use geo::{
    Area as _, BoundingRect, Destination, Haversine, InteriorPoint, LineString, Point, Rect,
};
use plotters::style::RGBColor;
use rayon::prelude::*;

/// Canvas size in pixels.
pub const SIZE: (u32, u32) = (1400, 1000);
/// The map panel: left, top, width, height. The legend takes the strip to its right.
pub const PANEL: (i32, i32, i32, i32) = (20, 90, 1020, 890);
/// Above this many uncovered points, draw their density instead of each point: a dot per point
/// would bury the map (and make an SVG of hundreds of megabytes).
pub const DOT_LIMIT: usize = 20_000;
/// Side of a density cell, pixels.
pub const DENSITY_CELL: i32 = 4;
/// How many of the worst-served neighbourhoods are numbered on the map and named in the legend.
pub const WORST_LABELLED: usize = 5;

/// A pixel position.
pub type Px = (i32, i32);

/// One neighbourhood, ready to fill and outline.
#[derive(Debug, Clone)]
pub struct Area {
    /// Exterior rings, each followed by its holes: `(exterior, holes)` per polygon part.
    pub(super) parts: Vec<(Vec<Px>, Vec<Vec<Px>>)>,
    pub(super) fill: RGBColor,
    pub(super) kind: AreaKind,
}

/// Uncovered target population.
#[derive(Debug, Clone)]
pub enum Uncovered {
    /// Each uncovered point.
    Dots(Vec<Px>),
    /// Uncovered weight per [`DENSITY_CELL`] square: top-left corner and opacity (0..1).
    Density(Vec<(Px, f64)>),
}

/// A centre marker.
#[derive(Debug, Clone)]
pub struct Marker {
    pub(super) at: Px,
    /// Existing (fixed) centres are squares, new ones circles.
    pub(super) existing: bool,
    /// Radius or half side, pixels: area grows with the caseload.
    pub(super) size: i32,
}

/// A numbered place, with its legend line.
#[derive(Debug, Clone)]
pub struct Badge {
    pub(super) at: Px,
    pub(super) label: String,
}

/// The whole map, in pixels.
#[derive(Debug, Clone)]
pub struct Scene {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) measure: MapMeasure,
    pub(super) classes: Classes,
    /// Neighbourhoods, largest first so that one inside another's hole is drawn over it.
    pub(super) areas: Vec<Area>,
    pub(super) uncovered: Uncovered,
    /// Covered points, drawn faintly only when no neighbourhoods show where people live.
    pub(super) covered: Vec<Px>,
    /// Service-radius circles, true to scale, as the runs inside the panel.
    pub(super) circles: Vec<Vec<Px>>,
    /// Roads, when distances ran along them: `(major, path)`.
    pub(super) roads: Vec<(bool, Vec<Px>)>,
    /// The road pieces within each centre's service radius along the roads.
    pub(super) reach: Vec<Vec<Px>>,
    pub(super) markers: Vec<Marker>,
    /// The caseload weight the largest marker stands for.
    pub(super) max_caseload: f64,
    pub(super) badges: Vec<Badge>,
    /// The legend's heading for the badges.
    pub(super) badge_heading: String,
    /// Scale bar: length in pixels and in metres.
    pub(super) scale_bar: (i32, f64),
}

/// Projected metres to panel pixels, one scale on both axes.
struct Frame {
    projection: Projection,
    min: (f64, f64),
    max_y: f64,
    scale: f64,
    offset: (f64, f64),
}

impl Frame {
    fn new(projection: Projection, min: (f64, f64), max: (f64, f64)) -> Self {
        let (left, top, width, height) = PANEL;
        // A single point or a line still gets a 2 km frame.
        let span = ((max.0 - min.0).max(2000.0), (max.1 - min.1).max(2000.0));
        let scale = 0.96 * (f64::from(width) / span.0).min(f64::from(height) / span.1);
        let centre = ((min.0 + max.0) / 2.0, (min.1 + max.1) / 2.0);
        let min = (centre.0 - span.0 / 2.0, centre.1 - span.1 / 2.0);
        Frame {
            projection,
            min,
            max_y: centre.1 + span.1 / 2.0,
            scale,
            offset: (
                f64::from(left) + (f64::from(width) - span.0 * scale) / 2.0,
                f64::from(top) + (f64::from(height) - span.1 * scale) / 2.0,
            ),
        }
    }

    fn px(&self, at: Point<f64>) -> Px {
        let (x, y) = self.projection.project(at);
        (
            (self.offset.0 + (x - self.min.0) * self.scale).round() as i32,
            (self.offset.1 + (self.max_y - y) * self.scale).round() as i32,
        )
    }

    /// A ring in pixels, without the repeated pixels a detailed boundary has at map scale.
    fn ring(&self, ring: &LineString<f64>) -> Vec<Px> {
        self.path(ring.0.iter().map(|&c| Point::from(c)))
    }

    /// A path in pixels, without repeated pixels.
    fn path(&self, points: impl Iterator<Item = Point<f64>>) -> Vec<Px> {
        let mut out: Vec<Px> = Vec::new();
        for point in points {
            let p = self.px(point);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

impl Scene {
    /// Projects, classifies and bins everything the map shows.
    pub fn new(input: &MapInput) -> Self {
        let measures = input.measures;
        let access = &measures.access;
        let hoods = input.neighbourhoods.unwrap_or(&[]);
        let frame = frame(input);
        let classes = Classes::new(input.measure, access.radius_m, access.distance_unit);

        let mut order: Vec<(f64, usize)> = hoods
            .iter()
            .enumerate()
            .map(|(h, hood)| (exterior_area(hood), h))
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let areas = order
            .iter()
            .map(|&(_, h)| {
                let figures = &measures.neighbourhoods[h].figures;
                let value = match input.measure {
                    MapMeasure::Covered => figures.covered_share,
                    MapMeasure::Distance => figures.mean_distance_m,
                };
                Area {
                    parts: hoods[h]
                        .geometry
                        .0
                        .iter()
                        .map(|p| {
                            (
                                frame.ring(p.exterior()),
                                p.interiors().iter().map(|r| frame.ring(r)).collect(),
                            )
                        })
                        .collect(),
                    fill: if figures.total_weight > 0.0 {
                        Classes::colour(classes.class(value))
                    } else {
                        NO_DEMAND
                    },
                    kind: hoods[h].kind,
                }
            })
            .collect();

        let max_caseload = measures
            .centres
            .iter()
            .map(|c| c.caseload_weight)
            .fold(0.0, f64::max);
        let markers = measures
            .centres
            .iter()
            .map(|c| Marker {
                at: frame.px(Point::new(c.lon, c.lat)),
                existing: c.fixed,
                size: marker_size(c.caseload_weight, max_caseload, measures.centres.len()),
            })
            .collect();
        let circles = match access.distance_unit {
            _ if input.network.is_some() => Vec::new(),
            DistanceUnit::Metres => measures
                .centres
                .iter()
                .filter_map(|c| circle_radius(c, access).map(|r| circle(&frame, c, r)))
                .flat_map(|ring| inside_panel(&ring))
                .collect(),
            DistanceUnit::Cost | DistanceUnit::Minutes => Vec::new(),
        };
        let (badge_heading, badges) = match input.numbered {
            Some(numbered) => (
                numbered.heading.to_owned(),
                numbered
                    .places
                    .iter()
                    .map(|(at, label)| Badge {
                        at: frame.px(*at),
                        label: label.clone(),
                    })
                    .collect(),
            ),
            None => (
                "Most uncovered neighbourhoods".to_owned(),
                most_uncovered(access, hoods, &frame),
            ),
        };

        Scene {
            title: input.title.to_owned(),
            subtitle: input.subtitle.to_owned(),
            measure: input.measure,
            classes,
            areas,
            uncovered: uncovered(input, &frame),
            covered: if hoods.is_empty() {
                covered_dots(input, &frame)
            } else {
                Vec::new()
            },
            circles,
            roads: input.network.map_or_else(Vec::new, |n| roads(n, &frame)),
            reach: input
                .network
                .map_or_else(Vec::new, |n| reach(n, measures, access, &frame)),
            markers,
            max_caseload,
            badges,
            badge_heading,
            scale_bar: scale_bar(frame.scale),
        }
    }
}

/// The [`WORST_LABELLED`] neighbourhoods with the most uncovered weight, at an interior point.
fn most_uncovered(access: &Access, hoods: &[Neighbourhood], frame: &Frame) -> Vec<Badge> {
    access
        .equity
        .worst_neighbourhoods
        .iter()
        .take(WORST_LABELLED)
        .filter_map(|worst| {
            let hood = hoods.iter().find(|h| h.id == worst.id)?;
            Some(Badge {
                at: frame.px(hood.geometry.interior_point()?),
                label: format!("{} ({})", worst.name, grouped(worst.uncovered_weight)),
            })
        })
        .collect()
}

/// The frame around every neighbourhood, demand point and centre, projected about its middle.
fn frame(input: &MapInput) -> Frame {
    let lonlat = input
        .demand
        .par_iter()
        .map(|d| Rect::new(d.position.0, d.position.0))
        .chain(
            input
                .neighbourhoods
                .unwrap_or(&[])
                .par_iter()
                .filter_map(|h| h.geometry.bounding_rect()),
        )
        .chain(
            input
                .measures
                .centres
                .par_iter()
                .map(|c| Rect::new((c.lon, c.lat), (c.lon, c.lat))),
        )
        .reduce_with(union)
        .unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
    let projection = Projection::centred_on(lonlat.center().into());
    // Corners are not enough: in an azimuthal projection the edges bow outwards.
    let edge = |t: f64| {
        let (min, max) = (lonlat.min(), lonlat.max());
        let lon = min.x + t * (max.x - min.x);
        let lat = min.y + t * (max.y - min.y);
        [
            Point::new(lon, min.y),
            Point::new(lon, max.y),
            Point::new(min.x, lat),
            Point::new(max.x, lat),
        ]
    };
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for p in (0..=16).flat_map(|i| edge(f64::from(i) / 16.0)) {
        let (x, y) = projection.project(p);
        lo = (lo.0.min(x), lo.1.min(y));
        hi = (hi.0.max(x), hi.1.max(y));
    }
    Frame::new(projection, lo, hi)
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

/// Area of a neighbourhood's outer rings in square degrees: only the drawing order depends on it.
fn exterior_area(hood: &Neighbourhood) -> f64 {
    hood.geometry
        .0
        .iter()
        .map(|p| geo::Polygon::new(p.exterior().clone(), Vec::new()).unsigned_area())
        .sum()
}

/// Marker radius, by area: from a quarter of the largest for an empty centre up to the largest
/// for the biggest caseload. The largest is 16 px up to 100 centres and shrinks with more, down to
/// 5 px, so that a national map of thousands of centres still shows the ground under them.
fn marker_size(caseload: f64, max_caseload: f64, centres: usize) -> i32 {
    let largest = (16.0 * (100.0 / centres.max(1) as f64).sqrt()).clamp(5.0, 16.0);
    let share = if max_caseload > 0.0 {
        caseload / max_caseload
    } else {
        0.0
    };
    (largest * (0.25 + 0.75 * share.sqrt())).round() as i32
}

/// The radius drawn around a centre: the service radius of the kind of area it stands in, or the
/// default radius.
fn circle_radius(centre: &CentreAccess, access: &Access) -> Option<f64> {
    centre
        .kind
        .and_then(|k| access.radius_by_kind.get(&k).copied())
        .or(access.radius_m)
}

/// Every road edge in pixels, the pieces inside the panel, skipping those under a pixel long.
fn roads(network: &crate::network::Network, frame: &Frame) -> Vec<(bool, Vec<Px>)> {
    let graph = network.graph();
    (0..graph.edge_count())
        .into_par_iter()
        .flat_map_iter(|e| {
            let major = graph.edges()[e].major;
            let path = frame.path(graph.shape(e).iter().copied());
            let runs = if path.len() < 2 {
                Vec::new()
            } else {
                inside_panel(&path)
            };
            runs.into_iter().map(move |run| (major, run))
        })
        .collect()
}

/// The roads each centre reaches within the service radius of the kind of area it stands in.
fn reach(
    network: &crate::network::Network,
    measures: &crate::access::Measures,
    access: &Access,
    frame: &Frame,
) -> Vec<Vec<Px>> {
    measures
        .centres
        .par_iter()
        .flat_map_iter(|c| {
            let pieces = circle_radius(c, access)
                .map(|r| network.reach(Point::new(c.lon, c.lat), r))
                .unwrap_or_default();
            pieces
                .into_iter()
                .map(|piece| frame.path(piece.into_iter()))
                .filter(|path| path.len() >= 2)
                .flat_map(|path| inside_panel(&path))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A geodesic circle of `radius_m` around a centre, as 72 pixel vertices.
fn circle(frame: &Frame, centre: &CentreAccess, radius_m: f64) -> Vec<Px> {
    let origin = Point::new(centre.lon, centre.lat);
    (0..=72)
        .map(|i| frame.px(Haversine.destination(origin, f64::from(i) * 5.0, radius_m)))
        .collect()
}

/// The runs of a path that lie inside the map panel, so that a wide radius circle near the
/// edge stops there instead of crossing into the legend.
fn inside_panel(path: &[Px]) -> Vec<Vec<Px>> {
    let (left, top, width, height) = PANEL;
    let inside =
        |&(x, y): &Px| (left..=left + width).contains(&x) && (top..=top + height).contains(&y);
    path.split(|p| !inside(p))
        .filter(|run| run.len() > 1)
        .map(<[Px]>::to_vec)
        .collect()
}

/// The points with weight that are `covered` (or not), in pixels, with their weight.
fn points_where(input: &MapInput, frame: &Frame, covered: bool) -> Vec<(Px, f64)> {
    input
        .demand
        .par_iter()
        .zip(input.measures.covered.par_iter())
        .filter(|&(d, &c)| c == covered && d.weight > 0.0)
        .map(|(d, _)| (frame.px(d.position), d.weight))
        .collect()
}

/// Covered points with weight, as dots; none when there are more than [`DOT_LIMIT`].
fn covered_dots(input: &MapInput, frame: &Frame) -> Vec<Px> {
    let dots = points_where(input, frame, true);
    if dots.len() <= DOT_LIMIT {
        dots.into_iter().map(|(at, _)| at).collect()
    } else {
        Vec::new()
    }
}

/// Uncovered points as dots, or their weight binned into cells when there are too many.
fn uncovered(input: &MapInput, frame: &Frame) -> Uncovered {
    let points = points_where(input, frame, false);
    if points.len() <= DOT_LIMIT {
        return Uncovered::Dots(points.into_iter().map(|(at, _)| at).collect());
    }
    let (left, top, width, height) = PANEL;
    let columns = width / DENSITY_CELL + 1;
    let rows = height / DENSITY_CELL + 1;
    let mut cells = vec![0.0_f64; (columns * rows) as usize];
    for ((x, y), weight) in points {
        let (c, r) = ((x - left) / DENSITY_CELL, (y - top) / DENSITY_CELL);
        if (0..columns).contains(&c) && (0..rows).contains(&r) {
            cells[(r * columns + c) as usize] += weight;
        }
    }
    // Opacity on a log scale: a city block and a hamlet both stay visible.
    let max = cells.iter().copied().fold(0.0, f64::max);
    let scale = (1.0 + max).ln().max(f64::MIN_POSITIVE);
    Uncovered::Density(
        cells
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w > 0.0)
            .map(|(i, &w)| {
                let (r, c) = (i as i32 / columns, i as i32 % columns);
                (
                    (left + c * DENSITY_CELL, top + r * DENSITY_CELL),
                    0.2 + 0.7 * (1.0 + w).ln() / scale,
                )
            })
            .collect(),
    )
}

/// The longest round length (1, 2 or 5 × 10^k metres) within a fifth of the panel's width.
fn scale_bar(pixels_per_metre: f64) -> (i32, f64) {
    let target = f64::from(PANEL.2) / 5.0 / pixels_per_metre;
    let magnitude = 10f64.powf(target.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&m| m <= target)
        .unwrap_or(magnitude);
    ((metres * pixels_per_metre).round() as i32, metres)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_are_round_and_about_a_fifth_of_the_panel() {
        for pixels_per_metre in [0.001, 0.0137, 0.5, 3.0] {
            let (px, metres) = scale_bar(pixels_per_metre);
            let leading = metres / 10f64.powf(metres.log10().floor());
            assert!([1.0, 2.0, 5.0].iter().any(|l| (leading - l).abs() < 1e-9));
            let fifth = f64::from(PANEL.2) / 5.0;
            assert!(f64::from(px) <= fifth + 1.0 && f64::from(px) > fifth / 2.5 - 1.0);
        }
    }

    #[test]
    fn paths_are_cut_where_they_leave_the_panel() {
        let (left, top, _, _) = PANEL;
        let path = [
            (left + 5, top + 5),
            (left + 6, top + 5),
            (left - 3, top + 5),
            (left + 7, top + 5),
            (left + 8, top + 6),
            (left + 9, top + 7),
        ];
        assert_eq!(
            inside_panel(&path),
            [path[..2].to_vec(), path[3..].to_vec()]
        );
    }

    #[test]
    fn markers_grow_with_the_square_root_of_the_caseload_and_shrink_with_many_centres() {
        assert_eq!(marker_size(0.0, 0.0, 12), 4);
        assert_eq!(marker_size(100.0, 100.0, 12), 16);
        assert_eq!(marker_size(25.0, 100.0, 12), 10);
        assert_eq!(marker_size(100.0, 100.0, 400), 8);
        assert_eq!(marker_size(100.0, 100.0, 2400), 5);
        assert_eq!(marker_size(0.0, 100.0, 2400), 1);
    }
}
