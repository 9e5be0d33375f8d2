//! An R-tree of points on the unit sphere: exact radius queries in metres and nearest neighbours.

use super::distance::{UnitVector, chord_for_metres, haversine_m, metres_for_chord};
use geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;

type Entry = GeomWithData<[f64; 3], u32>;

/// Points (by their index in the caller's slice) in an R-tree over 3-D unit vectors.
///
/// Built once with `bulk_load`, queried many times. Results carry haversine metres, so callers see
/// the same distances as the peer and as [`haversine_m`].
pub struct PointIndex {
    tree: RTree<Entry>,
    positions: Vec<Point<f64>>,
}

/// Chord tolerance for the prefilter: the exact haversine check that follows decides, so the
/// prefilter only has to be a little generous to absorb rounding between the two formulas.
const PREFILTER_SLACK: f64 = 1e-9;

impl PointIndex {
    /// Indexes `positions`; entry `i` is reported as index `i`.
    pub fn new(positions: Vec<Point<f64>>) -> Self {
        let entries = positions
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let index = u32::try_from(i).expect("fewer than 2^32 points");
                GeomWithData::new(UnitVector::from(p).0, index)
            })
            .collect();
        PointIndex {
            tree: RTree::bulk_load(entries),
            positions,
        }
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Every point within `radius_m` metres (great-circle, inclusive) of `centre`, with its
    /// distance, in no particular order.
    pub fn within(
        &self,
        centre: Point<f64>,
        radius_m: f64,
    ) -> impl Iterator<Item = (u32, f64)> + '_ {
        let chord = chord_for_metres(radius_m) + PREFILTER_SLACK;
        self.tree
            .locate_within_distance(UnitVector::from(centre).0, chord * chord)
            .filter_map(move |entry| {
                let d = haversine_m(centre, self.positions[entry.data as usize]);
                (d <= radius_m).then_some((entry.data, d))
            })
    }

    /// Every point `i` within `radius_of(i)` metres of `centre` (great-circle, inclusive), where no
    /// radius exceeds `max_radius_m`. Exact like [`within`](Self::within) but cheaper: squared
    /// chords decide, and haversine is computed only for the rare points whose chord lies within
    /// a relative 1e-9 of the threshold, where the two formulas' rounding could disagree.
    pub fn within_each(
        &self,
        centre: Point<f64>,
        max_radius_m: f64,
        radius_of: impl Fn(u32) -> f64,
    ) -> impl Iterator<Item = u32> {
        let query = UnitVector::from(centre);
        let chord = chord_for_metres(max_radius_m) + PREFILTER_SLACK;
        self.tree
            .locate_within_distance(query.0, chord * chord)
            .filter(move |entry| {
                let radius_m = radius_of(entry.data);
                self.inside(
                    centre,
                    &query,
                    entry,
                    radius_m,
                    chord_for_metres(radius_m).powi(2),
                )
            })
            .map(|entry| entry.data)
    }

    /// The indices of [`within`](Self::within), decided like [`within_each`](Self::within_each)
    /// with one radius, so the threshold is computed once per query.
    pub fn within_ids(&self, centre: Point<f64>, radius_m: f64) -> impl Iterator<Item = u32> {
        let query = UnitVector::from(centre);
        let threshold_2 = chord_for_metres(radius_m).powi(2);
        let prefilter = chord_for_metres(radius_m) + PREFILTER_SLACK;
        self.tree
            .locate_within_distance(query.0, prefilter * prefilter)
            .filter(move |entry| self.inside(centre, &query, entry, radius_m, threshold_2))
            .map(|entry| entry.data)
    }

    /// The exact membership test behind the radius queries: squared chord against the squared
    /// threshold, haversine only inside the rounding band.
    fn inside(
        &self,
        centre: Point<f64>,
        query: &UnitVector,
        entry: &Entry,
        radius_m: f64,
        threshold_2: f64,
    ) -> bool {
        let chord_2 = query.chord_2(&UnitVector(*entry.geom()));
        if chord_2 < threshold_2 * (1.0 - 1e-9) {
            true
        } else if chord_2 > threshold_2 * (1.0 + 1e-9) + 1e-24 {
            false
        } else {
            haversine_m(centre, self.positions[entry.data as usize]) <= radius_m
        }
    }

    /// Points in order of increasing distance from `centre`, with their distance in metres.
    ///
    /// Chord order equals great-circle order, so this is exact; the metres come from the chord.
    pub fn nearest(&self, centre: Point<f64>) -> impl Iterator<Item = (u32, f64)> + '_ {
        let query = UnitVector::from(centre).0;
        self.tree
            .nearest_neighbor_iter_with_distance_2(&query)
            .map(|(entry, chord_2)| (entry.data, metres_for_chord(chord_2.sqrt())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn point_near(lon: f64, lat: f64) -> impl Strategy<Value = Point<f64>> {
        (-1.0f64..1.0, -1.0f64..1.0).prop_map(move |(dx, dy)| {
            let mut x = lon + dx;
            if x > 180.0 {
                x -= 360.0;
            }
            if x < -180.0 {
                x += 360.0;
            }
            Point::new(x, (lat + dy).clamp(-90.0, 90.0))
        })
    }

    /// Test regions: mid-latitude Iran, 60°N, and straddling the antimeridian.
    fn region() -> impl Strategy<Value = (f64, f64)> {
        prop_oneof![
            Just((51.7, 32.6)),
            Just((10.0, 60.0)),
            Just((180.0, 60.0)),
            Just((180.0, 0.0))
        ]
    }

    proptest! {
        #[test]
        fn radius_query_matches_brute_force(
            (points, centre, radius_m) in region().prop_flat_map(|(lon, lat)| (
                prop::collection::vec(point_near(lon, lat), 0..200),
                point_near(lon, lat),
                0.0f64..150_000.0,
            ))
        ) {
            let index = PointIndex::new(points.clone());
            let mut got: Vec<u32> = index.within(centre, radius_m).map(|(i, _)| i).collect();
            got.sort_unstable();
            let want: Vec<u32> = (0..points.len() as u32)
                .filter(|&i| haversine_m(centre, points[i as usize]) <= radius_m)
                .collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn per_point_radius_query_matches_brute_force(
            (points, centre, radii) in region().prop_flat_map(|(lon, lat)| (
                prop::collection::vec(point_near(lon, lat), 0..200),
                point_near(lon, lat),
                prop::collection::vec(0.0f64..150_000.0, 200),
            ))
        ) {
            let index = PointIndex::new(points.clone());
            let max = radii.iter().copied().fold(0.0, f64::max);
            let mut got: Vec<u32> = index.within_each(centre, max, |i| radii[i as usize]).collect();
            got.sort_unstable();
            let mut same: Vec<u32> = index.within_ids(centre, radii[0]).collect();
            same.sort_unstable();
            let want_same: Vec<u32> = (0..points.len() as u32)
                .filter(|&i| haversine_m(centre, points[i as usize]) <= radii[0])
                .collect();
            prop_assert_eq!(same, want_same);
            let want: Vec<u32> = (0..points.len() as u32)
                .filter(|&i| haversine_m(centre, points[i as usize]) <= radii[i as usize])
                .collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn nearest_matches_brute_force(
            (points, centre) in region().prop_flat_map(|(lon, lat)| (
                prop::collection::vec(point_near(lon, lat), 1..100),
                point_near(lon, lat),
            ))
        ) {
            let index = PointIndex::new(points.clone());
            let (_, got_m) = index.nearest(centre).next().unwrap();
            let want_m = points.iter().map(|&p| haversine_m(centre, p)).fold(f64::INFINITY, f64::min);
            prop_assert!((got_m - want_m).abs() <= 1e-6 * want_m.max(1.0), "{} vs {}", got_m, want_m);
        }
    }
}
