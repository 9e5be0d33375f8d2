//! Which neighbourhood contains a point: an R-tree over polygon envelopes, then exact
//! point-in-polygon tests with `geo` (holes respected).

use crate::model::Neighbourhood;
use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Points looked at by [`NeighbourhoodIndex::looks_swapped`].
pub const SWAP_SAMPLE: usize = 20_000;

/// The evidence that a file's coordinates are swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swapped {
    /// Points looked at.
    pub sampled: usize,
    /// Of those, inside some neighbourhood as given.
    pub inside: usize,
    /// Of those, inside some neighbourhood with longitude and latitude swapped.
    pub inside_swapped: usize,
}

impl std::fmt::Display for Swapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "longitude and latitude look swapped: of {} points, {} fall inside a neighbourhood as \
             given and {} once swapped (the order is lon, lat; x, y)",
            self.sampled, self.inside, self.inside_swapped
        )
    }
}

/// Neighbourhood polygons indexed by bounding box.
pub struct NeighbourhoodIndex<'a> {
    tree: RTree<Entry>,
    polygons: Vec<&'a MultiPolygon<f64>>,
}

impl<'a> NeighbourhoodIndex<'a> {
    /// Indexes the neighbourhoods by envelope; polygons with no coordinates are never matched.
    pub fn new(neighbourhoods: &'a [Neighbourhood]) -> Self {
        let entries = neighbourhoods
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let rect = n.geometry.bounding_rect()?;
                let envelope = Rectangle::from_corners(rect.min().into(), rect.max().into());
                let index = u32::try_from(i).expect("fewer than 2^32 neighbourhoods");
                Some(GeomWithData::new(envelope, index))
            })
            .collect();
        NeighbourhoodIndex {
            tree: RTree::bulk_load(entries),
            polygons: neighbourhoods.iter().map(|n| &n.geometry).collect(),
        }
    }

    /// The neighbourhood containing `point`, as an index into the indexed slice.
    ///
    /// A point on a border shared by several polygons belongs to the one that comes first in the
    /// file (lowest index), so the answer never depends on tree layout or thread scheduling.
    pub fn locate(&self, point: Point<f64>) -> Option<u32> {
        let xy = [point.x(), point.y()];
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point(xy))
            .map(|entry| entry.data)
            .filter(|&i| self.polygons[i as usize].intersects(&point))
            .min()
    }

    /// Whether `points` look like latitude/longitude swapped: most of them outside every
    /// neighbourhood, and most inside once swapped. Both orders are valid positions wherever
    /// |lon| <= 90 (all of Iran), so the ranges alone cannot tell. Looks at an evenly spread
    /// sample of at most [`SWAP_SAMPLE`] points.
    pub fn looks_swapped(&self, points: &[Point<f64>]) -> Option<Swapped> {
        let step = points.len().div_ceil(SWAP_SAMPLE).max(1);
        let sample: Vec<Point<f64>> = points.iter().step_by(step).copied().collect();
        let inside = |p: &Point<f64>| self.locate(*p).is_some();
        let as_given = sample.par_iter().filter(|p| inside(p)).count();
        let swapped = sample
            .par_iter()
            .filter(|p| p.x().abs() <= 90.0 && inside(&Point::new(p.y(), p.x())))
            .count();
        (2 * as_given < sample.len() && 2 * swapped > sample.len()).then_some(Swapped {
            sampled: sample.len(),
            inside: as_given,
            inside_swapped: swapped,
        })
    }

    /// [`locate`](Self::locate) for every point, in parallel; the output is in input order.
    pub fn locate_all(&self, points: &[Point<f64>]) -> Vec<Option<u32>> {
        points.par_iter().map(|&p| self.locate(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AreaKind;
    use geo::{Coord, LineString, Polygon, coord};
    use proptest::prelude::*;

    fn square(x0: f64, y0: f64, size: f64) -> LineString<f64> {
        LineString::from(vec![
            (x0, y0),
            (x0 + size, y0),
            (x0 + size, y0 + size),
            (x0, y0 + size),
            (x0, y0),
        ])
    }

    fn hood(id: &str, polygon: Polygon<f64>) -> Neighbourhood {
        Neighbourhood {
            id: id.into(),
            name: id.into(),
            kind: AreaKind::Urban,
            geometry: MultiPolygon(vec![polygon]),
        }
    }

    #[test]
    fn swapped_points_are_told_from_points_outside() {
        // A neighbourhood around (51, 32), lon > lat as in Iran.
        let hoods = [hood("a", Polygon::new(square(50.0, 31.0, 2.0), vec![]))];
        let index = NeighbourhoodIndex::new(&hoods);
        let inside: Vec<Point<f64>> = (0..100)
            .map(|i| Point::new(50.5 + f64::from(i) / 100.0, 32.0))
            .collect();
        let flipped: Vec<Point<f64>> = inside.iter().map(|p| Point::new(p.y(), p.x())).collect();
        assert_eq!(index.looks_swapped(&inside), None);
        let swapped = index
            .looks_swapped(&flipped)
            .expect("every point is inside once swapped");
        assert_eq!(
            (swapped.sampled, swapped.inside, swapped.inside_swapped),
            (100, 0, 100)
        );
        // Far away but not swapped: nothing to say.
        let elsewhere: Vec<Point<f64>> = inside
            .iter()
            .map(|p| Point::new(p.x() - 20.0, p.y()))
            .collect();
        assert_eq!(index.looks_swapped(&elsewhere), None);
        // Half in and half swapped: the majority decides, and here none.
        let mixed: Vec<Point<f64>> = inside[..50].iter().chain(&flipped[50..]).copied().collect();
        assert_eq!(index.looks_swapped(&mixed), None);
    }

    #[test]
    fn holes_are_outside_and_shared_borders_go_to_the_first_polygon() {
        let with_hole = Polygon::new(square(0.0, 0.0, 2.0), vec![square(0.5, 0.5, 1.0)]);
        let right = Polygon::new(square(2.0, 0.0, 2.0), vec![]);
        let hoods = [hood("a", with_hole), hood("b", right)];
        let index = NeighbourhoodIndex::new(&hoods);
        assert_eq!(index.locate(Point::new(0.2, 0.2)), Some(0));
        assert_eq!(index.locate(Point::new(1.0, 1.0)), None, "inside the hole");
        assert_eq!(index.locate(Point::new(3.0, 1.0)), Some(1));
        assert_eq!(index.locate(Point::new(2.0, 1.0)), Some(0), "shared border");
        assert_eq!(index.locate(Point::new(5.0, 1.0)), None);
    }

    /// Random triangles (possibly overlapping) near a region; the answer must equal a scan of all
    /// polygons in file order.
    fn triangle(lon: f64, lat: f64) -> impl Strategy<Value = Polygon<f64>> {
        prop::collection::vec((-1.0f64..1.0, -1.0f64..1.0), 3).prop_map(move |c| {
            let pts: Vec<Coord<f64>> = c
                .iter()
                .map(|&(dx, dy)| coord! { x: lon + dx, y: lat + dy })
                .collect();
            Polygon::new(LineString::from(pts), vec![])
        })
    }

    proptest! {
        #[test]
        fn join_matches_brute_force(
            (polygons, points) in prop_oneof![Just((51.7, 32.6)), Just((179.0, 60.0))].prop_flat_map(|(lon, lat)| (
                prop::collection::vec(triangle(lon, lat), 1..20),
                prop::collection::vec((-1.2f64..1.2, -1.2f64..1.2).prop_map(move |(dx, dy)| Point::new(lon + dx, lat + dy)), 0..100),
            ))
        ) {
            let hoods: Vec<Neighbourhood> = polygons.into_iter().enumerate().map(|(i, p)| hood(&i.to_string(), p)).collect();
            let index = NeighbourhoodIndex::new(&hoods);
            let got = index.locate_all(&points);
            let want: Vec<Option<u32>> = points.iter().map(|p| {
                hoods.iter().position(|h| h.geometry.intersects(p)).map(|i| i as u32)
            }).collect();
            prop_assert_eq!(got, want);
        }
    }
}
