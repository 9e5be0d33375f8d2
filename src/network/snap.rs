//! Snapping places onto the nearest point of a road: an R-tree over every straight segment of
//! the edges' shapes, in 3-D unit vectors so that "nearest" is exact on the sphere everywhere.

use super::graph::Graph;
use crate::spatial::{UnitVector, haversine_m};
use geo::Point;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

/// Where a place meets the network: a point on one edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge.
    pub edge: u32,
    /// Metres along the edge's shape from its `from` vertex.
    pub offset_m: f64,
    /// Straight-line metres from the place to the snap point.
    pub leg_m: f64,
}

type Segment = GeomWithData<Line<[f64; 3]>, u32>;

/// An R-tree over the segments of every edge's shape; a segment is named by the index of its
/// first shape point.
#[derive(Debug, Clone)]
pub(super) struct Snapper {
    tree: RTree<Segment>,
}

impl Snapper {
    /// Indexes every segment of `graph`.
    pub(super) fn new(graph: &Graph) -> Self {
        let mut segments = Vec::with_capacity(graph.points.len());
        for e in 0..graph.edges.len() {
            let (start, end) = (graph.shape[e] as usize, graph.shape[e + 1] as usize);
            for i in start..end - 1 {
                let a = UnitVector::from(graph.points[i]).0;
                let b = UnitVector::from(graph.points[i + 1]).0;
                segments.push(Segment::new(Line::new(a, b), i as u32));
            }
        }
        Snapper {
            tree: RTree::bulk_load(segments),
        }
    }

    /// The nearest point of any road to `place`.
    pub(super) fn snap(&self, graph: &Graph, place: Point<f64>) -> Snap {
        let p = UnitVector::from(place).0;
        // The best-first iterator, not `nearest_neighbor`: it never misses on rounding (rstar
        // documents that the single search can) and measures faster on a province's roads.
        let segment = self
            .tree
            .nearest_neighbor_iter(&p)
            .next()
            .expect("a graph has at least one edge, so at least one segment");
        let i = segment.data as usize;
        let [a, b] = [segment.geom().from, segment.geom().to];
        let ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        let ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
        let len_2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
        let t = if len_2 > 0.0 {
            ((ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len_2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let at = point_of([a[0] + t * ab[0], a[1] + t * ab[1], a[2] + t * ab[2]]);
        let edge = graph.shape.partition_point(|&s| s as usize <= i) - 1;
        let segment_m = graph.along_m[i + 1] - graph.along_m[i];
        Snap {
            edge: edge as u32,
            // At the segment's end exactly, so that a snap onto a vertex sits on it.
            offset_m: if t == 1.0 {
                graph.along_m[i + 1]
            } else {
                graph.along_m[i] + t * segment_m
            },
            leg_m: haversine_m(place, at),
        }
    }
}

/// The lon/lat of a (not necessarily unit) 3-D vector's direction.
fn point_of(v: [f64; 3]) -> Point<f64> {
    let lon = v[1].atan2(v[0]).to_degrees();
    let lat = v[2].atan2(v[0].hypot(v[1])).to_degrees();
    Point::new(lon, lat)
}
