//! Great-circle distance in metres, and the 3-D unit vectors that make radius queries exact.
//!
//! A great-circle distance `d` is a chord of length `2 sin(d / 2R)` between unit vectors, and the
//! chord grows with `d`, so "within r metres" is an exact Euclidean ball query in 3-D: no special
//! case at the antimeridian or the poles, and no degrees-as-distance error at 60°N.

use geo::{Distance, Haversine, Point};

/// The sphere radius used everywhere, in metres (the GRS80 mean radius, as in geo and the peer).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres by the haversine formula (geo's `Haversine`, R = 6,371,008.8 m).
pub fn haversine_m(a: Point<f64>, b: Point<f64>) -> f64 {
    Haversine.distance(a, b)
}

/// The unit-sphere chord length of a great-circle distance; clamped at the antipode.
pub fn chord_for_metres(distance_m: f64) -> f64 {
    let half_angle = (distance_m / (2.0 * EARTH_RADIUS_M)).min(std::f64::consts::FRAC_PI_2);
    2.0 * half_angle.sin()
}

/// The great-circle distance in metres of a unit-sphere chord length.
pub fn metres_for_chord(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (chord / 2.0).clamp(0.0, 1.0).asin()
}

/// A lon/lat position as a point on the unit sphere (x towards 0°E, z towards the north pole).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitVector(pub [f64; 3]);

impl From<Point<f64>> for UnitVector {
    fn from(p: Point<f64>) -> Self {
        let (lon, lat) = (p.x().to_radians(), p.y().to_radians());
        let (sin_lat, cos_lat) = lat.sin_cos();
        let (sin_lon, cos_lon) = lon.sin_cos();
        UnitVector([cos_lat * cos_lon, cos_lat * sin_lon, sin_lat])
    }
}

impl UnitVector {
    /// Squared chord length to `other`.
    pub fn chord_2(&self, other: &UnitVector) -> f64 {
        let [a, b, c] = self.0;
        let [x, y, z] = other.0;
        (a - x).powi(2) + (b - y).powi(2) + (c - z).powi(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = haversine_m(Point::new(51.0, 32.0), Point::new(51.0, 33.0));
        // R·π/180 exactly, for a sphere.
        assert!(
            (d - EARTH_RADIUS_M * std::f64::consts::PI / 180.0).abs() < 1e-6,
            "{d}"
        );
    }

    #[test]
    fn chord_and_haversine_agree() {
        let pairs = [
            (Point::new(179.9, 60.0), Point::new(-179.9, 60.0)),
            (Point::new(51.6, 32.6), Point::new(51.7, 32.7)),
            (Point::new(0.0, 89.9), Point::new(180.0, 89.9)),
        ];
        for (a, b) in pairs {
            let chord = UnitVector::from(a).chord_2(&UnitVector::from(b)).sqrt();
            let via_chord = metres_for_chord(chord);
            let direct = haversine_m(a, b);
            assert!(
                (via_chord - direct).abs() < 1e-6 * direct.max(1.0),
                "{via_chord} vs {direct}"
            );
            assert!((chord_for_metres(direct) - chord).abs() < 1e-12);
        }
    }

    #[test]
    fn across_the_antimeridian_is_short() {
        // 0.2° of longitude at 60°N is about 11.1 km, not most of the way round the world.
        let d = haversine_m(Point::new(179.9, 60.0), Point::new(-179.9, 60.0));
        assert!((d - 11_119.5).abs() < 1.0, "{d}");
    }
}
