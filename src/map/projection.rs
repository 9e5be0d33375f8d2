//! A map projection for one area: Lambert azimuthal equal-area on the sphere, centred on the area.
//!
//! Equal-area, because a choropleth and a density shading compare areas; centred, because then
//! distortion grows only with the distance from the centre: at 300 km, the radius of a large
//! province, lengths are off by less than 0.1%, so the scale bar and the true-scale radius circles
//! hold across the map. The sphere is the one `spatial` measures distances on.

use crate::spatial::EARTH_RADIUS_M;
use geo::Point;

/// Projects WGS84 lon/lat to metres east and north of a centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lon0: f64,
    sin_lat0: f64,
    cos_lat0: f64,
}

impl Projection {
    /// The projection centred on `centre` (lon/lat degrees).
    pub fn centred_on(centre: Point<f64>) -> Self {
        let lat0 = centre.y().to_radians();
        Projection {
            lon0: centre.x().to_radians(),
            sin_lat0: lat0.sin(),
            cos_lat0: lat0.cos(),
        }
    }

    /// Metres east (x) and north (y) of the centre, on the map.
    ///
    /// The antipode of the centre, where the projection is undefined, lands on the outer circle
    /// instead of producing a NaN; no area a planner maps comes near it.
    pub fn project(&self, at: Point<f64>) -> (f64, f64) {
        let (sin_lat, cos_lat) = at.y().to_radians().sin_cos();
        let (sin_dlon, cos_dlon) = (at.x().to_radians() - self.lon0).sin_cos();
        let cos_c = self.sin_lat0 * sin_lat + self.cos_lat0 * cos_lat * cos_dlon;
        let k = (2.0 / (1.0 + cos_c).max(1e-12)).sqrt();
        (
            EARTH_RADIUS_M * k * cos_lat * sin_dlon,
            EARTH_RADIUS_M * k * (self.cos_lat0 * sin_lat - self.sin_lat0 * cos_lat * cos_dlon),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::haversine_m;
    use geo::{Area, GeodesicArea, MapCoords, Polygon, polygon};

    const ISFAHAN: (f64, f64) = (51.67, 32.65);

    fn planar_distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        (a.0 - b.0).hypot(a.1 - b.1)
    }

    #[test]
    fn distances_from_the_centre_are_great_circle_distances_within_a_tenth_of_a_percent() {
        let centre = Point::new(ISFAHAN.0, ISFAHAN.1);
        let projection = Projection::centred_on(centre);
        assert_eq!(projection.project(centre), (0.0, 0.0));
        for (dlon, dlat) in [
            (2.5, 0.0),
            (0.0, -2.5),
            (1.7, 1.9),
            (-3.0, 0.4),
            (0.01, 0.0),
        ] {
            let at = Point::new(ISFAHAN.0 + dlon, ISFAHAN.1 + dlat);
            let on_map = planar_distance(projection.project(at), (0.0, 0.0));
            let true_m = haversine_m(centre, at);
            assert!(
                (on_map / true_m - 1.0).abs() < 1e-3,
                "{dlon},{dlat}: {on_map} vs {true_m}"
            );
        }
    }

    #[test]
    fn north_is_up_and_east_is_right_on_the_central_meridian() {
        let projection = Projection::centred_on(Point::new(ISFAHAN.0, ISFAHAN.1));
        let (x, y) = projection.project(Point::new(ISFAHAN.0, ISFAHAN.1 + 1.0));
        assert!(x.abs() < 1e-6 && y > 110_000.0);
        let (x, y) = projection.project(Point::new(ISFAHAN.0 + 1.0, ISFAHAN.1));
        // A degree of longitude is cos(32.65°) ≈ 84% of a degree of latitude.
        assert!((x / 111_195.0 - 32.65_f64.to_radians().cos()).abs() < 1e-3 && y > 0.0);
    }

    #[test]
    fn areas_are_kept_a_degree_from_the_centre() {
        let projection = Projection::centred_on(Point::new(ISFAHAN.0, ISFAHAN.1));
        let cell: Polygon<f64> = polygon![
            (x: 52.5, y: 33.5), (x: 53.0, y: 33.5), (x: 53.0, y: 34.0), (x: 52.5, y: 34.0)
        ];
        let projected = cell.map_coords(|c| {
            let (x, y) = projection.project(Point::from(c));
            geo::coord! { x: x, y: y }
        });
        let on_map = projected.unsigned_area();
        // Geodesic area is on the ellipsoid; the sphere of the projection differs by well under 1%.
        let on_earth = cell.geodesic_area_unsigned();
        assert!(
            (on_map / on_earth - 1.0).abs() < 0.01,
            "{on_map} vs {on_earth}"
        );
    }
}
