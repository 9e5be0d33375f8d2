//! The routable graph: road vertices interned by their exact coordinates, chains of vertices that
//! only continue one road contracted into single edges (their shape kept for snapping and
//! drawing), adjacency in compressed rows both ways, and the connected parts.

use super::By;
use crate::error::{Error, Result};
use crate::model::Road;
use crate::spatial::haversine_m;
use geo::Point;
use rustc_hash::FxHashMap;

/// A contracted edge: the road between two junctions (or a road's ends), travelled from `from`
/// to `to`, and back too unless `oneway`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Vertex at the start of the drawn shape.
    pub from: u32,
    /// Vertex at its end.
    pub to: u32,
    /// Haversine length of the shape, metres.
    pub length_m: f64,
    /// Cost of one metre of this edge: 1 by distance, minutes per metre by time.
    pub cost_per_m: f64,
    /// Travelled only from `from` to `to`.
    pub oneway: bool,
    /// A major road (drawn heavier).
    pub major: bool,
}

impl Edge {
    /// Cost of the whole edge.
    pub fn cost(&self) -> f64 {
        self.length_m * self.cost_per_m
    }
}

/// Compressed rows: `(vertex, cost, metres)` arcs of each vertex.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    offsets: Vec<u32>,
    vertex: Vec<u32>,
    cost: Vec<f64>,
    metres: Vec<f64>,
}

impl Adjacency {
    /// Groups `(key, other, edge)` arcs by key over `0..n`, keeping input order within a key.
    fn new(n: usize, arcs: &[(u32, u32, &Edge)]) -> Self {
        let mut offsets = vec![0u32; n + 1];
        for &(key, _, _) in arcs {
            offsets[key as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut vertex = vec![0u32; arcs.len()];
        let mut cost = vec![0.0; arcs.len()];
        let mut metres = vec![0.0; arcs.len()];
        for &(key, other, edge) in arcs {
            let at = &mut next[key as usize];
            vertex[*at as usize] = other;
            cost[*at as usize] = edge.cost();
            metres[*at as usize] = edge.length_m;
            *at += 1;
        }
        Adjacency {
            offsets,
            vertex,
            cost,
            metres,
        }
    }

    /// The arcs of `v` with their lengths: `(vertex, cost, metres)`.
    pub(super) fn of_with_length(&self, v: u32) -> impl Iterator<Item = (u32, f64, f64)> + '_ {
        let range = self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize;
        self.of(v)
            .zip(self.metres[range].iter().copied())
            .map(|((w, c), m)| (w, c, m))
    }

    /// The arcs of `v`.
    pub(super) fn of(&self, v: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let range = self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize;
        self.vertex[range.clone()]
            .iter()
            .copied()
            .zip(self.cost[range].iter().copied())
    }
}

/// The road network as a graph with compact `u32` ids.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Position of each vertex.
    pub(super) vertex: Vec<Point<f64>>,
    /// The contracted edges.
    pub(super) edges: Vec<Edge>,
    /// Shape of edge `e`: `points[shape[e]..shape[e + 1]]`, from `from` to `to`.
    pub(super) shape: Vec<u32>,
    /// Shape points of every edge, one after the other.
    pub(super) points: Vec<Point<f64>>,
    /// Haversine metres from the edge's start to each shape point.
    pub(super) along_m: Vec<f64>,
    /// Arcs arriving at each vertex: `(tail, cost)`, for searches towards a place.
    pub(super) arriving: Adjacency,
    /// Arcs leaving each vertex: `(head, cost)`, for searches from a place.
    pub(super) leaving: Adjacency,
    /// Connected part of each vertex (ignoring direction); part 0 is the largest.
    pub(super) part: Vec<u32>,
    /// Vertices of the road file before contraction.
    pub(super) road_vertices: usize,
}

impl Graph {
    /// Builds the graph of `roads`, costed `by` distance or time.
    ///
    /// Fails when there is no road with length, since nothing could then be reached.
    pub fn build(roads: &[Road], by: By) -> Result<Self> {
        // Intern every road vertex by its exact coordinates.
        let mut id_of: FxHashMap<(u64, u64), u32> = FxHashMap::default();
        let mut position: Vec<Point<f64>> = Vec::new();
        let mut lines: Vec<Vec<u32>> = Vec::with_capacity(roads.len());
        for road in roads {
            let mut line: Vec<u32> = Vec::with_capacity(road.line.len());
            for p in &road.line {
                let key = (p.x().to_bits(), p.y().to_bits());
                let id = *id_of.entry(key).or_insert_with(|| {
                    position.push(*p);
                    (position.len() - 1) as u32
                });
                if line.last() != Some(&id) {
                    line.push(id);
                }
            }
            lines.push(line);
        }
        // A vertex stays a vertex where a road ends, or where it is used more than once (a
        // junction, or a road touching itself); every other one only continues its road.
        let mut uses = vec![0u8; position.len()];
        let mut keep = vec![false; position.len()];
        for line in lines.iter().filter(|l| l.len() >= 2) {
            for &v in line {
                uses[v as usize] = uses[v as usize].saturating_add(1);
            }
            keep[line[0] as usize] = true;
            keep[line[line.len() - 1] as usize] = true;
        }
        let mut compact = vec![u32::MAX; position.len()];
        let mut vertex = Vec::new();
        for v in 0..position.len() {
            if keep[v] || uses[v] > 1 {
                compact[v] = vertex.len() as u32;
                vertex.push(position[v]);
            }
        }
        let mut edges = Vec::new();
        let mut shape = vec![0u32];
        let mut points = Vec::new();
        let mut along_m = Vec::new();
        for (road, line) in roads.iter().zip(&lines) {
            if line.len() < 2 {
                continue;
            }
            let cost_per_m = by.cost_per_m(road.speed_kmh);
            let mut start = 0;
            for i in 1..line.len() {
                if compact[line[i] as usize] == u32::MAX {
                    continue;
                }
                let mut length_m = 0.0;
                for (k, &v) in line[start..=i].iter().enumerate() {
                    if k > 0 {
                        length_m += haversine_m(points[points.len() - 1], position[v as usize]);
                    }
                    points.push(position[v as usize]);
                    along_m.push(length_m);
                }
                shape.push(points.len() as u32);
                edges.push(Edge {
                    from: compact[line[start] as usize],
                    to: compact[line[i] as usize],
                    length_m,
                    cost_per_m,
                    oneway: road.oneway,
                    major: road.major,
                });
                start = i;
            }
        }
        if edges.is_empty() {
            return Err(Error::Invalid(
                "the road network has no road of any length: every line is a single point".into(),
            ));
        }
        let mut arcs_in = Vec::with_capacity(edges.len() * 2);
        let mut arcs_out = Vec::with_capacity(edges.len() * 2);
        for e in &edges {
            arcs_in.push((e.to, e.from, e));
            arcs_out.push((e.from, e.to, e));
            if !e.oneway {
                arcs_in.push((e.from, e.to, e));
                arcs_out.push((e.to, e.from, e));
            }
        }
        let part = parts(vertex.len(), &edges);
        Ok(Graph {
            arriving: Adjacency::new(vertex.len(), &arcs_in),
            leaving: Adjacency::new(vertex.len(), &arcs_out),
            vertex,
            edges,
            shape,
            points,
            along_m,
            part,
            road_vertices: position.len(),
        })
    }

    /// Number of vertices (junctions and road ends).
    pub fn vertex_count(&self) -> usize {
        self.vertex.len()
    }

    /// Number of contracted edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Distinct road vertices in the file, before contraction.
    pub fn road_vertex_count(&self) -> usize {
        self.road_vertices
    }

    /// The edges.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The shape of edge `e`, from its `from` vertex to its `to` vertex.
    pub fn shape(&self, e: usize) -> &[Point<f64>] {
        &self.points[self.shape[e] as usize..self.shape[e + 1] as usize]
    }

    /// The part of edge `e`'s shape between `from_m` and `to_m` metres along it.
    pub fn cut(&self, e: usize, from_m: f64, to_m: f64) -> Vec<Point<f64>> {
        let start = self.shape[e] as usize;
        let shape = self.shape(e);
        let along = &self.along_m[start..start + shape.len()];
        let at = |x: f64| {
            let i = along.partition_point(|&a| a <= x).clamp(1, shape.len() - 1);
            let span = along[i] - along[i - 1];
            let t = if span > 0.0 {
                (x - along[i - 1]) / span
            } else {
                0.0
            };
            let (a, b) = (shape[i - 1], shape[i]);
            Point::new(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()))
        };
        let mut line = vec![at(from_m)];
        line.extend(
            (0..shape.len())
                .filter(|&i| along[i] > from_m && along[i] < to_m)
                .map(|i| shape[i]),
        );
        line.push(at(to_m));
        line
    }

    /// Vertices outside the largest connected part.
    pub fn detached_vertex_count(&self) -> usize {
        self.part.iter().filter(|&&p| p != 0).count()
    }

    /// Number of connected parts.
    pub fn part_count(&self) -> usize {
        self.part.iter().max().map_or(0, |&p| p as usize + 1)
    }
}

/// Connected parts by union–find, numbered by size (largest first, ties by lowest vertex).
fn parts(n: usize, edges: &[Edge]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            parent[v as usize] = parent[parent[v as usize] as usize];
            v = parent[v as usize];
        }
        v
    }
    for e in edges {
        let (a, b) = (root(&mut parent, e.from), root(&mut parent, e.to));
        if a != b {
            let (lo, hi) = (a.min(b), a.max(b));
            parent[hi as usize] = lo;
        }
    }
    let roots: Vec<u32> = (0..n as u32).map(|v| root(&mut parent, v)).collect();
    let mut size = vec![0usize; n];
    for &r in &roots {
        size[r as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&v| roots[v as usize] == v).collect();
    order.sort_by_key(|&r| (std::cmp::Reverse(size[r as usize]), r));
    let mut number = vec![0u32; n];
    for (k, &r) in order.iter().enumerate() {
        number[r as usize] = k as u32;
    }
    roots.iter().map(|&r| number[r as usize]).collect()
}
