//! Draws a [`Scene`] on any plotters backend: the map panel, then the legend.

use super::MapMeasure;
use super::render_failed;
use super::scene::{Area, DENSITY_CELL, PANEL, Scene, Uncovered};
use super::style::{
    COVERED, Classes, INK, NEW_CENTRE, NO_DEMAND, Outline, PAPER, UNCOVERED, radius_line,
    reach_line, road_line, uncovered_dot,
};
use super::text::{FAMILY, TextMode};
use crate::Result;
use crate::model::AreaKind;
use crate::report::grouped;
use plotters::coord::Shift;
use plotters::element::{DashedPathElement, Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Canvas<DB> = DrawingArea<DB, Shift>;

/// A drawing surface and how it wants its text.
struct Painter<'a, DB: DrawingBackend> {
    canvas: &'a Canvas<DB>,
    mode: TextMode,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    fn draw<E>(&self, element: &E) -> Result<()>
    where
        for<'b> &'b E: PointCollection<'b, (i32, i32)>,
        E: Drawable<DB>,
    {
        self.canvas.draw(element).map_err(render_failed)
    }

    /// Text starting at `at`, vertically centred on it.
    fn text(&self, text: &str, at: (i32, i32), size: f64, colour: RGBColor) -> Result<()> {
        self.anchored(text, at, size, colour, HPos::Left)
    }

    /// Text centred on `at`.
    fn centred(&self, text: &str, at: (i32, i32), size: f64) -> Result<()> {
        self.anchored(text, at, size, INK, HPos::Center)
    }

    fn anchored(
        &self,
        text: &str,
        at: (i32, i32),
        size: f64,
        colour: RGBColor,
        horizontal: HPos,
    ) -> Result<()> {
        let style = TextStyle::from((FAMILY, size).into_font())
            .color(&colour)
            .pos(Pos::new(horizontal, VPos::Center));
        self.draw(&Text::new(self.mode.prepare(text).into_owned(), at, style))
    }
}

/// Draws the whole map.
pub fn map<DB: DrawingBackend>(canvas: &Canvas<DB>, scene: &Scene, mode: TextMode) -> Result<()> {
    canvas.fill(&PAPER).map_err(render_failed)?;
    let paint = Painter { canvas, mode };
    paint.text(&scene.title, (PANEL.0, 28), 26.0, INK)?;
    paint.text(&scene.subtitle, (PANEL.0, 62), 16.0, INK)?;
    let (left, top, width, height) = PANEL;
    paint.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        INK.stroke_width(1),
    ))?;
    fills(&paint, &scene.areas)?;
    for (major, road) in &scene.roads {
        paint.draw(&PathElement::new(road.clone(), road_line(*major)))?;
    }
    for &at in &scene.covered {
        paint.draw(&Circle::new(at, 1, COVERED.filled()))?;
    }
    uncovered(&paint, &scene.uncovered)?;
    outlines(&paint, &scene.areas)?;
    for ring in &scene.circles {
        paint.draw(&PathElement::new(ring.clone(), radius_line()))?;
    }
    for piece in &scene.reach {
        paint.draw(&PathElement::new(piece.clone(), reach_line()))?;
    }
    for marker in &scene.markers {
        centre(&paint, marker.at, marker.existing, marker.size)?;
    }
    for (n, badge) in scene.badges.iter().enumerate() {
        number(&paint, badge.at, n + 1)?;
    }
    scale_bar(&paint, scene.scale_bar)?;
    north_arrow(&paint, (left + width - 40, top + 50))?;
    legend(&paint, scene)
}

fn fills<DB: DrawingBackend>(paint: &Painter<DB>, areas: &[Area]) -> Result<()> {
    for area in areas {
        for (exterior, holes) in &area.parts {
            paint.draw(&Polygon::new(exterior.clone(), area.fill.filled()))?;
            for hole in holes {
                paint.draw(&Polygon::new(hole.clone(), PAPER.filled()))?;
            }
        }
    }
    Ok(())
}

/// Outlines after every fill, rural first and informal last, so the thick informal line is on top.
fn outlines<DB: DrawingBackend>(paint: &Painter<DB>, areas: &[Area]) -> Result<()> {
    for kind in [AreaKind::Rural, AreaKind::Urban, AreaKind::Informal] {
        for area in areas.iter().filter(|a| a.kind == kind) {
            for (exterior, holes) in &area.parts {
                for ring in std::iter::once(exterior).chain(holes) {
                    outline(paint, ring, kind)?;
                }
            }
        }
    }
    Ok(())
}

fn outline<DB: DrawingBackend>(
    paint: &Painter<DB>,
    ring: &[(i32, i32)],
    kind: AreaKind,
) -> Result<()> {
    let Outline { width, dashed } = Outline::of(kind);
    let style = INK.stroke_width(width);
    if dashed {
        paint.draw(&DashedPathElement::new(ring.iter().copied(), 4, 3, style))
    } else {
        paint.draw(&PathElement::new(ring.to_vec(), style))
    }
}

fn uncovered<DB: DrawingBackend>(paint: &Painter<DB>, uncovered: &Uncovered) -> Result<()> {
    match uncovered {
        Uncovered::Dots(dots) => {
            for &at in dots {
                paint.draw(&Circle::new(at, 1, uncovered_dot()))?;
            }
        }
        Uncovered::Density(cells) => {
            for &((x, y), opacity) in cells {
                paint.draw(&Rectangle::new(
                    [(x, y), (x + DENSITY_CELL, y + DENSITY_CELL)],
                    UNCOVERED.mix(opacity).filled(),
                ))?;
            }
        }
    }
    Ok(())
}

/// An existing centre is a dark square, a new one a blue circle; both ringed in white so they
/// stand out on any fill.
fn centre<DB: DrawingBackend>(
    paint: &Painter<DB>,
    at: (i32, i32),
    existing: bool,
    size: i32,
) -> Result<()> {
    let (x, y) = at;
    if existing {
        paint.draw(&Rectangle::new(
            [(x - size, y - size), (x + size, y + size)],
            INK.mix(0.85).filled(),
        ))?;
        paint.draw(&Rectangle::new(
            [(x - size, y - size), (x + size, y + size)],
            PAPER.stroke_width(1),
        ))
    } else {
        paint.draw(&Circle::new(at, size, NEW_CENTRE.mix(0.85).filled()))?;
        paint.draw(&Circle::new(at, size, PAPER.stroke_width(1)))
    }
}

/// A numbered white disc for a worst-served neighbourhood.
fn number<DB: DrawingBackend>(paint: &Painter<DB>, at: (i32, i32), n: usize) -> Result<()> {
    paint.draw(&Circle::new(at, 10, PAPER.filled()))?;
    paint.draw(&Circle::new(at, 10, INK.stroke_width(2)))?;
    paint.centred(&n.to_string(), at, 13.0)
}

/// Alternating black and white halves, labelled 0 and the length, in the panel's lower left.
fn scale_bar<DB: DrawingBackend>(paint: &Painter<DB>, (px, metres): (i32, f64)) -> Result<()> {
    let (x, y) = (PANEL.0 + 20, PANEL.1 + PANEL.3 - 30);
    let half = px / 2;
    paint.draw(&Rectangle::new([(x, y), (x + half, y + 6)], INK.filled()))?;
    paint.draw(&Rectangle::new(
        [(x + half, y), (x + px, y + 6)],
        PAPER.filled(),
    ))?;
    paint.draw(&Rectangle::new(
        [(x, y), (x + px, y + 6)],
        INK.stroke_width(1),
    ))?;
    paint.text("0", (x - 3, y - 10), 13.0, INK)?;
    paint.text(
        &super::distance_label(metres, crate::access::DistanceUnit::Metres),
        (x + px - 10, y - 10),
        13.0,
        INK,
    )
}

/// An arrow pointing to the top of the map: the projection is centred on the area, so its
/// meridians run up the page, straight in the middle and within a degree or two at the edges.
fn north_arrow<DB: DrawingBackend>(paint: &Painter<DB>, (x, y): (i32, i32)) -> Result<()> {
    paint.draw(&Polygon::new(
        vec![(x, y - 22), (x - 9, y + 8), (x, y + 2), (x + 9, y + 8)],
        INK.filled(),
    ))?;
    paint.centred("N", (x, y + 22), 15.0)
}

/// The legend, in the strip right of the panel.
fn legend<DB: DrawingBackend>(paint: &Painter<DB>, scene: &Scene) -> Result<()> {
    let x = PANEL.0 + PANEL.2 + 25;
    let mut y = PANEL.1 + 10;
    let heading = |y: &mut i32, text: &str| -> Result<()> {
        paint.text(text, (x, *y), 16.0, INK)?;
        *y += 26;
        Ok(())
    };
    let line = |y: &mut i32, text: &str| -> Result<()> {
        paint.text(text, (x + 34, *y), 13.0, INK)?;
        *y += 22;
        Ok(())
    };
    if !scene.areas.is_empty() {
        heading(
            &mut y,
            match scene.measure {
                MapMeasure::Covered => "Share of target population covered",
                MapMeasure::Distance => "Mean distance to the nearest centre",
            },
        )?;
        for (class, label) in scene.classes.labels().iter().enumerate() {
            swatch(paint, (x, y), Classes::colour(class))?;
            line(&mut y, label)?;
        }
        swatch(paint, (x, y), NO_DEMAND)?;
        line(&mut y, "no target population")?;
        y += 10;
        heading(&mut y, "Area kind (outline)")?;
        let present = |kind: AreaKind| scene.areas.iter().any(|a| a.kind == kind);
        for kind in AreaKind::ALL.into_iter().filter(|&k| present(k)) {
            outline(paint, &[(x, y), (x + 26, y)], kind)?;
            line(&mut y, kind.as_str())?;
        }
        y += 10;
    }
    heading(&mut y, "Centres (size: caseload)")?;
    let caseload = |y: &mut i32, existing: bool, text: &str| -> Result<()> {
        centre(paint, (x + 13, *y), existing, 8)?;
        line(y, text)
    };
    for (existing, text) in [(true, "existing"), (false, "new")] {
        if scene.markers.iter().any(|m| m.existing == existing) {
            caseload(&mut y, existing, text)?;
        }
    }
    if scene.max_caseload > 0.0 {
        let largest = scene.markers.iter().map(|m| m.size).max().unwrap_or(16);
        centre(paint, (x + 13, y + 6), false, largest)?;
        y += 6;
        paint.text(
            &format!("largest: {}", grouped(scene.max_caseload)),
            (x + 40, y),
            13.0,
            INK,
        )?;
        y += 28;
    }
    if !scene.circles.is_empty() {
        paint.draw(&Circle::new((x + 13, y), 9, radius_line()))?;
        line(&mut y, "service radius, to scale")?;
    }
    if !scene.roads.is_empty() {
        paint.draw(&PathElement::new(
            vec![(x + 2, y), (x + 24, y)],
            road_line(false),
        ))?;
        line(&mut y, "road")?;
        paint.draw(&PathElement::new(
            vec![(x + 2, y), (x + 24, y)],
            reach_line(),
        ))?;
        line(&mut y, "reached within the radius, along roads")?;
    }
    y += 10;
    if scene.covered.is_empty() {
        heading(&mut y, "Uncovered target population")?;
    } else {
        heading(&mut y, "Target population")?;
        paint.draw(&Circle::new((x + 13, y), 2, COVERED.filled()))?;
        line(&mut y, "covered, one dot per point")?;
    }
    match &scene.uncovered {
        Uncovered::Dots(_) => {
            paint.draw(&Circle::new((x + 13, y), 2, uncovered_dot()))?;
            line(
                &mut y,
                if scene.covered.is_empty() {
                    "one dot per point"
                } else {
                    "uncovered"
                },
            )?;
        }
        Uncovered::Density(_) => {
            for (i, opacity) in [0.25, 0.55, 0.9].into_iter().enumerate() {
                let left = x + 2 + 9 * i as i32;
                paint.draw(&Rectangle::new(
                    [(left, y - 4), (left + 8, y + 4)],
                    UNCOVERED.mix(opacity).filled(),
                ))?;
            }
            line(&mut y, "density (log scale)")?;
        }
    }
    if !scene.badges.is_empty() {
        y += 10;
        heading(&mut y, &scene.badge_heading)?;
        for (n, badge) in scene.badges.iter().enumerate() {
            number(paint, (x + 13, y), n + 1)?;
            line(&mut y, &badge.label)?;
        }
    }
    Ok(())
}

fn swatch<DB: DrawingBackend>(
    paint: &Painter<DB>,
    (x, y): (i32, i32),
    fill: RGBColor,
) -> Result<()> {
    paint.draw(&Rectangle::new(
        [(x, y - 7), (x + 26, y + 7)],
        fill.filled(),
    ))?;
    paint.draw(&Rectangle::new(
        [(x, y - 7), (x + 26, y + 7)],
        INK.stroke_width(1),
    ))
}
