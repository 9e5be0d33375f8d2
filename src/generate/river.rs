//! A river that roads cross only on bridges: the Karun through Khorramshahr. It runs well past
//! both ends of the generated area, so it splits the plane, and with it the network, into two
//! banks joined by a few bridges.

use super::city::KM_PER_DEGREE;
use geo::Point;
use std::f64::consts::TAU;

/// A river's course and its bridges outside towns, lon/lat degrees.
#[derive(Debug, Clone, Copy)]
pub struct RiverSpec {
    /// The course, downstream to upstream, drawn coarsely: it meanders between these points. Each
    /// point lies further along the line from the first to the last than the one before.
    pub course: &'static [(f64, f64)],
    /// Bridges away from towns, each at the river point nearest to the given place (a town's
    /// own bridges, two, are where its streets meet the river nearest its centre).
    pub rural_bridges: &'static [(f64, f64)],
}

/// The Karun from beyond its mouth in the Arvand (Shatt al-Arab) at Khorramshahr, through the
/// city about 600 m south-east of its centre, up to the north-east past the county's edge (about
/// its real course, simplified), with one bridge upstream, near Darkhovin's road.
pub const KARUN: RiverSpec = RiverSpec {
    course: &[
        (47.85, 30.22),
        (48.10, 30.385),
        (48.165, 30.428),
        (48.19, 30.4375),
        (48.215, 30.452),
        (48.25, 30.478),
        (48.30, 30.53),
        (48.335, 30.575),
        (48.37, 30.62),
        (48.60, 30.72),
    ],
    rural_bridges: &[(48.30, 30.53)],
};

/// Spacing of the drawn river's vertices, km.
const STEP_KM: f64 = 0.2;

impl RiverSpec {
    /// The river as drawn: the course with meanders (two sine waves across the main direction,
    /// the same for every seed, as a real river is), vertices every 200 m.
    pub fn line(&self) -> Vec<Point<f64>> {
        let Some(&(lon0, lat0)) = self.course.first() else {
            return Vec::new();
        };
        let kx = KM_PER_DEGREE * lat0.to_radians().cos();
        let km = |&(lon, lat): &(f64, f64)| [(lon - lon0) * kx, (lat - lat0) * KM_PER_DEGREE];
        let points: Vec<[f64; 2]> = self.course.iter().map(km).collect();
        let last = points[points.len() - 1];
        let length = last[0].hypot(last[1]).max(1e-9);
        // Meanders go across the river's main direction, so the drawn line stays a function of
        // the distance along it and never doubles back.
        let normal = [-last[1] / length, last[0] / length];
        let mut line = Vec::new();
        let mut along = 0.0;
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let span = (b[0] - a[0]).hypot(b[1] - a[1]);
            let pieces = (span / STEP_KM).ceil().max(1.0) as usize;
            for k in 0..pieces {
                let t = k as f64 / pieces as f64;
                let s = along + t * span;
                let m = 0.25 * (TAU * s / 4.3).sin() + 0.08 * (TAU * s / 1.3 + 1.0).sin();
                line.push([
                    a[0] + t * (b[0] - a[0]) + m * normal[0],
                    a[1] + t * (b[1] - a[1]) + m * normal[1],
                ]);
            }
            along += span;
        }
        line.push(last);
        line.iter()
            .map(|&[x, y]| Point::new(lon0 + x / kx, lat0 + y / KM_PER_DEGREE))
            .collect()
    }
}
