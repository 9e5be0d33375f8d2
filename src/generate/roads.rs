//! Synthetic road networks for the generated instances: a street grid in every town and a small
//! cluster of lanes in every village ([`streets`](super::streets)), intercity roads between the
//! towns, rural roads that tie every village and every stray piece into one network, and tracks
//! to any household or site still far from a road.
//!
//! Roads meet only where they share a vertex with exactly the same coordinates (the rule of
//! [`crate::io::read_roads_geojson`]), so every vertex is made once: rounded to 6 decimals
//! (about 0.1 m, what the files hold) and interned, and lines refer to vertices by number. Two
//! roads that cross without a shared vertex pass over each other.
//!
//! The steps, in order:
//! 1. streets: each place's grid, the largest towns first (a later place leaves out the cells
//!    an earlier one covers, so towns that grew into each other meet at a seam); where a river
//!    runs, the grid edges that would cross it are left out;
//! 2. bridges: two where the river meets the streets of the town nearest to it, plus the river's
//!    rural bridges, each joined to the nearest road on both banks;
//! 3. intercity roads: a minimum spanning tree over the towns (Kruskal on the Delaunay edges
//!    between their centres, which hold the Euclidean minimum spanning tree) plus the other edges
//!    of their relative neighbourhood graph (Toussaint 1980), which adds the loops a real network
//!    has without crossings; each from the town's street node nearest to the other town;
//! 4. linking: Kruskal over the Delaunay edges between all vertices (alleys aside), joining
//!    separate pieces (villages, outlying quarters, towns the intercity roads could not reach
//!    across the river) by the shortest link first, so each village joins the nearest town or the
//!    nearest village already joined; bridges are left out of this step's start, so each bank is
//!    joined by itself and no quarter hangs on a bridge alone; a brute-force pass joins any piece
//!    the triangulation left apart;
//! 5. tracks: a household or site farther than [`COVER_KM`] from every road on its bank gets a
//!    track to the nearest vertex it can reach without crossing the river.
//!
//! Long roads wiggle: vertices every `rural_step_km` with a smooth sideways offset (a few sine
//! waves over the road's length, up to 6% of it), so they are not ruler-straight.

use super::river::RiverSpec;
use super::streets::{self, Place, PlaceKind};
use crate::model::{self, DemandPoint, Road};
use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line as Segment};
use rustc_hash::{FxHashMap, FxHashSet};
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};
use std::cmp::Reverse;
use std::f64::consts::PI;

/// Farthest a household or site may be from a road before it gets a track, km.
pub const COVER_KM: f64 = 0.4;

/// Random stream of the roads, apart from the one that places households, so that adding or
/// changing roads never moves a household.
const STREAM: u64 = 0x524f_4144; // "ROAD"

/// Closest a road other than a bridge comes to a river, km: a margin that keeps rounding from
/// deciding whether a road crosses.
const RIVER_MARGIN_KM: f64 = 0.005;

/// How detailed the network is.
#[derive(Debug, Clone, Copy)]
pub struct RoadParams {
    /// Street spacing at a town's centre, km.
    pub core_spacing_km: f64,
    /// Street spacing at a town's fringe (its radius out and beyond), km.
    pub fringe_spacing_km: f64,
    /// Spacing of the avenues (major roads) of a town's grid, km; the two through the centre
    /// always are.
    pub avenue_spacing_km: f64,
    /// Dead-end alleys (kucheh) off the streets of dense blocks, this far apart along the street,
    /// km; `None` for none.
    pub alley_spacing_km: Option<f64>,
    /// A block is dense, and gets alleys, with at least this many households' points in it.
    pub alley_min_points: u32,
    /// Lane spacing in a village, km; `None`: a village is a single vertex on its rural road.
    pub village_spacing_km: Option<f64>,
    /// Vertex spacing along rural and intercity roads and long tracks, km.
    pub rural_step_km: f64,
}

/// A road's speed and class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Class {
    pub speed_kmh: f64,
    pub major: bool,
}

/// Town avenues and the streets through the city centre.
pub(super) const AVENUE: Class = Class {
    speed_kmh: 50.0,
    major: true,
};
/// Residential streets.
pub(super) const STREET: Class = Class {
    speed_kmh: 30.0,
    major: false,
};
/// Narrow lanes of informal settlements.
pub(super) const LANE: Class = Class {
    speed_kmh: 20.0,
    major: false,
};
/// Dead-end alleys.
pub(super) const ALLEY: Class = Class {
    speed_kmh: 20.0,
    major: false,
};
/// Village lanes.
pub(super) const VILLAGE_LANE: Class = Class {
    speed_kmh: 30.0,
    major: false,
};
/// Bridges.
const BRIDGE: Class = Class {
    speed_kmh: 50.0,
    major: true,
};
/// Tracks to farms and camps.
const TRACK: Class = Class {
    speed_kmh: 20.0,
    major: false,
};

/// A rural road: faster the longer it runs.
fn rural(length_km: f64) -> Class {
    let speed_kmh = if length_km < 4.0 {
        60.0
    } else if length_km < 10.0 {
        70.0
    } else {
        80.0
    };
    Class {
        speed_kmh,
        major: false,
    }
}

/// An intercity road: faster the longer it runs.
fn intercity(length_km: f64) -> Class {
    let speed_kmh = if length_km < 20.0 {
        90.0
    } else if length_km < 60.0 {
        100.0
    } else {
        110.0
    };
    Class {
        speed_kmh,
        major: true,
    }
}

/// A plane around the area: km east and north of a centre (equirectangular at its latitude).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    lon0: f64,
    lat0: f64,
    km_per_lon: f64,
}

impl Frame {
    pub(super) fn new(centre: Point<f64>) -> Frame {
        Frame {
            lon0: centre.x(),
            lat0: centre.y(),
            km_per_lon: super::city::KM_PER_DEGREE * centre.y().to_radians().cos(),
        }
    }

    pub(super) fn km(&self, p: Point<f64>) -> [f64; 2] {
        [
            (p.x() - self.lon0) * self.km_per_lon,
            (p.y() - self.lat0) * super::city::KM_PER_DEGREE,
        ]
    }

    pub(super) fn lon_lat(&self, [x, y]: [f64; 2]) -> Point<f64> {
        Point::new(
            self.lon0 + x / self.km_per_lon,
            self.lat0 + y / super::city::KM_PER_DEGREE,
        )
    }
}

/// One drawn line over interned vertices.
struct Line {
    nodes: Vec<u32>,
    class: Class,
    oneway: bool,
    /// Crosses the river.
    bridge: bool,
}

/// A river in the network's plane, with its bounding box.
struct Barrier {
    line: Vec<[f64; 2]>,
    min: [f64; 2],
    max: [f64; 2],
}

/// The network under construction.
pub(super) struct Network {
    pub(super) frame: Frame,
    lon_lat: Vec<Point<f64>>,
    km: Vec<[f64; 2]>,
    /// Vertices only dead-end alleys use: left out of the linking step, which needs none of them.
    spur: Vec<bool>,
    /// Vertices that must join the network though no line has reached them yet (a village that is
    /// one vertex).
    anchors: Vec<u32>,
    ids: FxHashMap<(u64, u64), u32>,
    lines: Vec<Line>,
    river: Option<Barrier>,
    /// Raster cells (of [`CLAIM_KM`]) whose centre lies in some place's built-up cell.
    claimed: FxHashSet<(i32, i32)>,
    /// Grid edges the river cut, as (from, to) lon/lat and whether they lie on an avenue: where
    /// a town's bridges may go.
    pub(super) cut: Vec<(Point<f64>, Point<f64>, bool)>,
}

impl Network {
    fn new(frame: Frame, river: Option<&[Point<f64>]>) -> Network {
        let river = river.map(|line| {
            let line: Vec<[f64; 2]> = line.iter().map(|&p| frame.km(p)).collect();
            let mut min = [f64::INFINITY; 2];
            let mut max = [f64::NEG_INFINITY; 2];
            for p in &line {
                for d in 0..2 {
                    min[d] = min[d].min(p[d]);
                    max[d] = max[d].max(p[d]);
                }
            }
            Barrier { line, min, max }
        });
        Network {
            frame,
            lon_lat: Vec::new(),
            km: Vec::new(),
            spur: Vec::new(),
            anchors: Vec::new(),
            ids: FxHashMap::default(),
            lines: Vec::new(),
            river,
            claimed: FxHashSet::default(),
            cut: Vec::new(),
        }
    }

    /// Whether `p` (km) lies in ground some place's streets already cover.
    pub(super) fn claimed(&self, p: [f64; 2]) -> bool {
        let cell = |x: f64| (x / CLAIM_KM).floor() as i32;
        self.claimed.contains(&(cell(p[0]), cell(p[1])))
    }

    /// Marks the ground of a built-up cell (a quadrilateral, km) as covered.
    pub(super) fn claim(&mut self, corners: &[[f64; 2]; 4]) {
        let cell = |x: f64| (x / CLAIM_KM).floor() as i32;
        let (mut lo, mut hi) = ([i32::MAX; 2], [i32::MIN; 2]);
        for c in corners {
            for d in 0..2 {
                lo[d] = lo[d].min(cell(c[d]));
                hi[d] = hi[d].max(cell(c[d]));
            }
        }
        for i in lo[0]..=hi[0] {
            for j in lo[1]..=hi[1] {
                let middle = [
                    (f64::from(i) + 0.5) * CLAIM_KM,
                    (f64::from(j) + 0.5) * CLAIM_KM,
                ];
                if inside(middle, corners) {
                    self.claimed.insert((i, j));
                }
            }
        }
    }

    /// The vertex at `p` (rounded to 6 decimals), made on first use.
    pub(super) fn node(&mut self, p: Point<f64>) -> u32 {
        let p = super::city::rounded(p);
        let key = (p.x().to_bits(), p.y().to_bits());
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = u32::try_from(self.lon_lat.len()).expect("fewer than 4 billion vertices");
        self.ids.insert(key, id);
        self.lon_lat.push(p);
        self.km.push(self.frame.km(p));
        self.spur.push(false);
        id
    }

    /// The vertex at `xy` km in the network's plane.
    fn node_km(&mut self, xy: [f64; 2]) -> u32 {
        self.node(self.frame.lon_lat(xy))
    }

    pub(super) fn km_of(&self, id: u32) -> [f64; 2] {
        self.km[id as usize]
    }

    pub(super) fn mark_spur(&mut self, id: u32) {
        self.spur[id as usize] = true;
    }

    pub(super) fn anchor(&mut self, id: u32) {
        self.anchors.push(id);
    }

    /// Adds a line through `nodes` (repeats in a row dropped; nothing if fewer than two are left).
    pub(super) fn add(&mut self, mut nodes: Vec<u32>, class: Class, oneway: bool) {
        nodes.dedup();
        if nodes.len() >= 2 {
            self.lines.push(Line {
                nodes,
                class,
                oneway,
                bridge: false,
            });
        }
    }

    /// Whether the segment from `a` to `b` (km) crosses the river or comes within
    /// [`RIVER_MARGIN_KM`] of it.
    pub(super) fn blocked(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let Some(river) = &self.river else {
            return false;
        };
        let m = RIVER_MARGIN_KM;
        let lo = [a[0].min(b[0]) - m, a[1].min(b[1]) - m];
        let hi = [a[0].max(b[0]) + m, a[1].max(b[1]) + m];
        if hi[0] < river.min[0]
            || lo[0] > river.max[0]
            || hi[1] < river.min[1]
            || lo[1] > river.max[1]
        {
            return false;
        }
        river.line.windows(2).any(|w| {
            let (c, d) = (w[0], w[1]);
            let outside = c[0].max(d[0]) < lo[0]
                || c[0].min(d[0]) > hi[0]
                || c[1].max(d[1]) < lo[1]
                || c[1].min(d[1]) > hi[1];
            !outside && segment_distance_2(a, b, c, d) < m * m
        })
    }

    /// Whether the segment from `a` to `b` (km) crosses the river clearly: it crosses, and both
    /// ends lie farther than [`RIVER_MARGIN_KM`] from it (a bridge).
    pub(super) fn crosses(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let Some(river) = &self.river else {
            return false;
        };
        let m2 = RIVER_MARGIN_KM * RIVER_MARGIN_KM;
        let clear = |p: [f64; 2]| {
            river
                .line
                .windows(2)
                .all(|w| point_segment_2(p, w[0], w[1]) > m2)
        };
        let crossing = river
            .line
            .windows(2)
            .filter(|w| segment_distance_2(a, b, w[0], w[1]) == 0.0)
            .count();
        crossing == 1 && clear(a) && clear(b)
    }

    fn blocked_path(&self, path: &[[f64; 2]]) -> bool {
        path.windows(2).any(|w| self.blocked(w[0], w[1]))
    }

    /// Joins `a` to `b` by a road of `class`, wiggling with vertices every `step_km` when it is
    /// longer than two steps; straight when the wiggle would cross the river. Returns the new
    /// line's vertices, or `None` (nothing added) when even the straight road would cross it.
    fn connect(
        &mut self,
        a: u32,
        b: u32,
        class: Class,
        step_km: f64,
        rng: &mut ChaCha8Rng,
    ) -> Option<&[u32]> {
        if a == b {
            return None;
        }
        let (pa, pb) = (self.km_of(a), self.km_of(b));
        let mut path = vec![pa];
        path.extend(wiggle(pa, pb, step_km, rng));
        path.push(pb);
        if self.blocked_path(&path) {
            path = vec![pa, pb];
            if self.blocked(pa, pb) {
                return None;
            }
        }
        let mut nodes = Vec::with_capacity(path.len());
        nodes.push(a);
        for &p in &path[1..path.len() - 1] {
            nodes.push(self.node_km(p));
        }
        nodes.push(b);
        self.add(nodes, class, false);
        self.lines.last().map(|l| l.nodes.as_slice())
    }

    /// Every vertex that some line uses, or that must join.
    fn used(&self) -> Vec<bool> {
        let mut used = vec![false; self.lon_lat.len()];
        for line in &self.lines {
            for &n in &line.nodes {
                used[n as usize] = true;
            }
        }
        for &n in &self.anchors {
            used[n as usize] = true;
        }
        used
    }

    /// Union-find over the vertices, joined along every line (but the bridges, with
    /// `over_bridges` false).
    fn pieces(&self, over_bridges: bool) -> Dsu {
        let mut dsu = Dsu::new(self.lon_lat.len());
        for line in &self.lines {
            if line.bridge && !over_bridges {
                continue;
            }
            for w in line.nodes.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
        dsu
    }

    /// The roads, in the order they were laid.
    fn roads(&self) -> Vec<Road> {
        self.lines
            .iter()
            .map(|line| Road {
                line: line
                    .nodes
                    .iter()
                    .map(|&n| self.lon_lat[n as usize])
                    .collect(),
                oneway: line.oneway,
                speed_kmh: line.class.speed_kmh,
                major: line.class.major,
            })
            .collect()
    }
}

/// Raster cell size of the ground places claim, km.
const CLAIM_KM: f64 = 0.1;

/// Whether `p` lies inside the polygon `ring` (even-odd rule).
fn inside(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Squared distance from `p` to the segment `ab`.
fn point_segment_2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len_2 = dx * dx + dy * dy;
    let t = if len_2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len_2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    ex * ex + ey * ey
}

/// Twice the signed area of the triangle `abc`.
fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Squared distance between the segments `ab` and `cd` (0 when they cross).
pub(super) fn segment_distance_2(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> f64 {
    let cross = orient(a, b, c) * orient(a, b, d) < 0.0 && orient(c, d, a) * orient(c, d, b) < 0.0;
    if cross {
        return 0.0;
    }
    point_segment_2(a, c, d)
        .min(point_segment_2(b, c, d))
        .min(point_segment_2(c, a, b))
        .min(point_segment_2(d, a, b))
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).hypot(b[1] - a[1])
}

/// The inner vertices of a road from `a` to `b`, every `step_km` or so: a smooth sideways
/// offset (three sine waves that vanish at both ends, the largest up to 6% of the length and at
/// most 1.5 km) plus a little noise at each vertex. None for a road shorter than two steps.
fn wiggle(a: [f64; 2], b: [f64; 2], step_km: f64, rng: &mut ChaCha8Rng) -> Vec<[f64; 2]> {
    let length = distance(a, b);
    let pieces = (length / step_km).ceil();
    // NaN (a zero step) and short roads alike: no inner vertices.
    if pieces.is_nan() || pieces < 2.0 {
        return Vec::new();
    }
    let pieces = pieces as usize;
    let amplitude = (0.06 * length).min(1.5);
    let waves = [
        rng.random_range(-1.0..1.0) * amplitude,
        rng.random_range(-0.5..0.5) * amplitude,
        rng.random_range(-0.25..0.25) * amplitude,
    ];
    let normal = [-(b[1] - a[1]) / length, (b[0] - a[0]) / length];
    (1..pieces)
        .map(|k| {
            let t = k as f64 / pieces as f64;
            let offset = waves
                .iter()
                .enumerate()
                .map(|(w, amp)| amp * ((w + 1) as f64 * PI * t).sin())
                .sum::<f64>()
                + rng.random_range(-0.08..0.08) * step_km;
            [
                a[0] + t * (b[0] - a[0]) + offset * normal[0],
                a[1] + t * (b[1] - a[1]) + offset * normal[1],
            ]
        })
        .collect()
}

/// Union-find with path halving and union by size.
pub(super) struct Dsu {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Dsu {
    pub(super) fn new(n: usize) -> Dsu {
        Dsu {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Makes room for vertices made since.
    fn grow(&mut self, n: usize) {
        while self.parent.len() < n {
            self.parent.push(self.parent.len() as u32);
            self.size.push(1);
        }
    }

    pub(super) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    pub(super) fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
        true
    }
}

/// A vertex of a Delaunay triangulation, carrying its number.
struct Site {
    at: Point2<f64>,
    id: u32,
}

impl HasPosition for Site {
    type Scalar = f64;

    fn position(&self) -> Point2<f64> {
        self.at
    }
}

/// The Delaunay edges between `points` (km), as pairs of their ids, shortest first (ties by
/// ids), each once; every pair when there are fewer than four points.
fn delaunay_edges(points: &[([f64; 2], u32)]) -> Vec<(f64, u32, u32)> {
    let mut edges: Vec<(f64, u32, u32)> = Vec::new();
    if points.len() < 4 {
        for (i, &(a, ia)) in points.iter().enumerate() {
            for &(b, ib) in &points[i + 1..] {
                edges.push((distance(a, b), ia.min(ib), ia.max(ib)));
            }
        }
    } else {
        let sites = points
            .iter()
            .map(|&([x, y], id)| Site {
                at: Point2::new(x, y),
                id,
            })
            .collect();
        let triangulation: DelaunayTriangulation<Site> =
            DelaunayTriangulation::bulk_load(sites).expect("generated coordinates are finite");
        for edge in triangulation.undirected_edges() {
            let [a, b] = edge.vertices();
            let (a, b) = (a.data(), b.data());
            let d = distance([a.at.x, a.at.y], [b.at.x, b.at.y]);
            edges.push((d, a.id.min(b.id), a.id.max(b.id)));
        }
    }
    edges.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    edges
}

/// A town as the intercity step sees it.
struct TownNodes {
    centre: [f64; 2],
    nodes: Vec<u32>,
}

/// Builds the road network of `places`, reaching every household of `demand` and every site.
/// `river`, when given, is crossed only on bridges.
pub(super) fn build(
    places: &[Place],
    demand: &[DemandPoint],
    sites: &[model::Site],
    river: Option<&RiverSpec>,
    params: &RoadParams,
    seed: u64,
) -> Vec<Road> {
    let reach: Vec<Point<f64>> = demand
        .iter()
        .map(|p| p.position)
        .chain(sites.iter().map(|s| s.position))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STREAM);
    let frame = Frame::new(middle(reach.iter().chain(places.iter().map(|p| &p.centre))));
    let river_line = river.map(RiverSpec::line);
    let mut net = Network::new(frame, river_line.as_deref());
    // The largest towns first, so where towns grew into each other the larger keeps its grid;
    // villages after every town.
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&p| {
        (
            places[p].kind != PlaceKind::Town,
            Reverse(places[p].points.len()),
        )
    });
    let mut towns = Vec::new();
    for place in order.into_iter().map(|p| &places[p]) {
        let nodes = streets::lay(&mut net, place, params, &mut rng);
        if place.kind == PlaceKind::Town {
            towns.push(TownNodes {
                centre: net.frame.km(place.centre),
                nodes,
            });
        }
    }
    if let (Some(spec), Some(line)) = (river, &river_line) {
        bridges(&mut net, spec, line, &towns, params, &mut rng);
    }
    intercity_roads(&mut net, &towns, params, &mut rng);
    link(&mut net, params, &mut rng);
    tracks(&mut net, &reach, params, &mut rng);
    net.roads()
}

/// The middle of the bounding box of `points`.
fn middle<'a>(points: impl Iterator<Item = &'a Point<f64>>) -> Point<f64> {
    let mut min = [f64::INFINITY; 2];
    let mut max = [f64::NEG_INFINITY; 2];
    for p in points {
        min = [min[0].min(p.x()), min[1].min(p.y())];
        max = [max[0].max(p.x()), max[1].max(p.y())];
    }
    if min[0] > max[0] {
        return Point::new(0.0, 0.0);
    }
    Point::new((min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0)
}

/// The point of `line` nearest to `p`, and how far along the line it is (km).
fn nearest_on(line: &[[f64; 2]], p: [f64; 2]) -> (f64, [f64; 2]) {
    let mut best = (f64::INFINITY, 0.0, line[0]);
    let mut along = 0.0;
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let span = distance(a, b);
        let t = if span > 0.0 {
            (((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / (span * span))
                .clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        let d = distance(p, q);
        if d < best.0 {
            best = (d, along + t * span, q);
        }
        along += span;
    }
    (best.1, best.2)
}

/// The point `s` km along `line`, and the line's direction there (unit vector).
fn point_along(line: &[[f64; 2]], s: f64) -> ([f64; 2], [f64; 2]) {
    let mut along = 0.0;
    let mut last = ([0.0, 0.0], [1.0, 0.0]);
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let span = distance(a, b);
        if span <= 0.0 {
            continue;
        }
        let dir = [(b[0] - a[0]) / span, (b[1] - a[1]) / span];
        let t = ((s - along) / span).clamp(0.0, 1.0);
        last = ([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], dir);
        if s <= along + span {
            return last;
        }
        along += span;
    }
    last
}

/// Half the length of a bridge built apart from any street grid, km.
const BRIDGE_HALF_KM: f64 = 0.15;

/// A town's two bridges (on the grid edges the river cut nearest to the points 0.9 km downstream
/// and 1.1 km upstream of the river point nearest its centre, avenues preferred) and the river's
/// rural bridges; each end without another road is joined to the nearest vertex on its bank.
fn bridges(
    net: &mut Network,
    spec: &RiverSpec,
    line: &[Point<f64>],
    towns: &[TownNodes],
    params: &RoadParams,
    rng: &mut ChaCha8Rng,
) {
    let line: Vec<[f64; 2]> = line.iter().map(|&p| net.frame.km(p)).collect();
    let mut targets = Vec::new();
    let town = towns
        .iter()
        .map(|t| (distance(nearest_on(&line, t.centre).1, t.centre), t.centre))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, centre)) = town {
        let (s, _) = nearest_on(&line, centre);
        targets.push((point_along(&line, s - 0.9), true));
        targets.push((point_along(&line, s + 1.1), true));
    }
    for &(lon, lat) in spec.rural_bridges {
        let (s, _) = nearest_on(&line, net.frame.km(Point::new(lon, lat)));
        targets.push((point_along(&line, s), false));
    }
    let mut ends = Vec::new();
    for ((at, dir), in_town) in targets {
        // A town bridge carries one of the cut streets within 1.5 km, an avenue if one is
        // within a kilometre more than the nearest street.
        let cut = in_town
            .then(|| {
                net.cut
                    .iter()
                    .map(|&(a, b, avenue)| {
                        let (ka, kb) = (net.frame.km(a), net.frame.km(b));
                        let mid = [(ka[0] + kb[0]) / 2.0, (ka[1] + kb[1]) / 2.0];
                        let d = distance(mid, at);
                        (d, d + if avenue { 0.0 } else { 1.0 }, a, b)
                    })
                    .filter(|c| c.0 < 1.5)
                    .min_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(_, _, a, b)| (a, b))
            })
            .flatten();
        let (a, b) = match cut {
            Some((a, b)) => (net.node(a), net.node(b)),
            None => {
                let normal = [-dir[1], dir[0]];
                let end = |sign: f64| {
                    [
                        at[0] + sign * BRIDGE_HALF_KM * normal[0],
                        at[1] + sign * BRIDGE_HALF_KM * normal[1],
                    ]
                };
                (net.node_km(end(-1.0)), net.node_km(end(1.0)))
            }
        };
        net.add(vec![a, b], BRIDGE, false);
        if let Some(line) = net.lines.last_mut() {
            line.bridge = true;
        }
        ends.extend([(a, b), (b, a)]);
    }
    // Approaches: an end no other road reaches joins the nearest vertex it can reach without
    // crossing, whatever it is (a street, a village lane, another bridge's end).
    for (end, other) in ends {
        let reached = net.lines.iter().filter(|l| l.nodes.contains(&end)).count();
        if reached > 1 {
            continue;
        }
        let used = net.used();
        let from = net.km_of(end);
        let mut near: Vec<(f64, u32)> = (0..net.km.len() as u32)
            .filter(|&n| used[n as usize] && n != end && n != other && !net.spur[n as usize])
            .map(|n| (distance(from, net.km_of(n)), n))
            .collect();
        near.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        for (d, n) in near.into_iter().take(TRACK_TRIES) {
            let class = if d < 1.0 { STREET } else { rural(d) };
            if net
                .connect(end, n, class, params.rural_step_km, rng)
                .is_some()
            {
                break;
            }
        }
    }
}

/// Intercity roads: the towns' minimum spanning tree plus the rest of their relative
/// neighbourhood graph, each road between the two towns' street nodes nearest to each other's
/// centre; links the river would cut are left out.
fn intercity_roads(
    net: &mut Network,
    towns: &[TownNodes],
    params: &RoadParams,
    rng: &mut ChaCha8Rng,
) {
    let points: Vec<([f64; 2], u32)> = towns
        .iter()
        .enumerate()
        .map(|(t, town)| (town.centre, t as u32))
        .collect();
    let edges = delaunay_edges(&points);
    let gate = |net: &Network, from: &TownNodes, to: &TownNodes| {
        from.nodes.iter().copied().min_by(|&x, &y| {
            distance(net.km_of(x), to.centre)
                .total_cmp(&distance(net.km_of(y), to.centre))
                .then(x.cmp(&y))
        })
    };
    let road = |net: &mut Network, a: usize, b: usize, length: f64, rng: &mut ChaCha8Rng| {
        let (Some(ga), Some(gb)) = (
            gate(net, &towns[a], &towns[b]),
            gate(net, &towns[b], &towns[a]),
        ) else {
            return false;
        };
        net.connect(ga, gb, intercity(length), params.rural_step_km, rng)
            .is_some()
    };
    let mut dsu = Dsu::new(towns.len());
    let mut spare = Vec::new();
    for &(length, a, b) in &edges {
        if dsu.find(a) != dsu.find(b) && road(net, a as usize, b as usize, length, rng) {
            dsu.union(a, b);
        } else {
            spare.push((length, a, b));
        }
    }
    for (length, a, b) in spare {
        let (ca, cb) = (towns[a as usize].centre, towns[b as usize].centre);
        // In the relative neighbourhood graph when no town is nearer to both ends than they
        // are to each other.
        let relative = towns.iter().enumerate().all(|(w, town)| {
            w as u32 == a
                || w as u32 == b
                || distance(ca, town.centre).max(distance(cb, town.centre)) >= length
        });
        if relative {
            road(net, a as usize, b as usize, length, rng);
        }
    }
}

/// The class of a link of `length_km` found by the linking step.
fn link_class(length_km: f64) -> Class {
    if length_km < 1.0 {
        STREET
    } else {
        rural(length_km)
    }
}

/// Joins every piece of the network into one, shortest links first (Kruskal over the Delaunay
/// edges between vertices), then by brute force for any piece the triangulation left apart (a
/// piece whose Delaunay neighbours all lie across the river).
fn link(net: &mut Network, params: &RoadParams, rng: &mut ChaCha8Rng) {
    let used = net.used();
    // Each bank is joined by itself first, so no quarter hangs on a bridge alone.
    let mut dsu = net.pieces(false);
    let points: Vec<([f64; 2], u32)> = (0..net.km.len() as u32)
        .filter(|&n| used[n as usize] && !net.spur[n as usize])
        .map(|n| (net.km_of(n), n))
        .collect();
    let edges: Vec<(f64, u32, u32)> = delaunay_edges(&points)
        .into_iter()
        .filter(|&(_, a, b)| dsu.find(a) != dsu.find(b))
        .collect();
    for (length, a, b) in edges {
        if dsu.find(a) == dsu.find(b) {
            continue;
        }
        if let Some(nodes) = net.connect(a, b, link_class(length), params.rural_step_km, rng) {
            let nodes = nodes.to_vec();
            dsu.grow(net.km.len());
            for w in nodes.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
    }
    // Whatever is still apart (the bridges counted now) joins the nearest vertex of another
    // piece it can reach.
    let mut dsu = net.pieces(true);
    loop {
        let mut root_of_first: FxHashMap<u32, usize> = FxHashMap::default();
        let mut pieces: Vec<Vec<u32>> = Vec::new();
        for &(_, n) in &points {
            let root = dsu.find(n);
            let k = *root_of_first.entry(root).or_insert_with(|| {
                pieces.push(Vec::new());
                pieces.len() - 1
            });
            pieces[k].push(n);
        }
        if pieces.len() <= 1 {
            return;
        }
        // The smallest piece first: the cheapest to search from.
        let piece = pieces
            .iter()
            .min_by_key(|p| p.len())
            .expect("two pieces or more")
            .clone();
        let root = dsu.find(piece[0]);
        let mut pairs: Vec<(f64, u32, u32)> = Vec::new();
        for &a in &piece {
            for &(_, b) in &points {
                if dsu.find(b) != root {
                    pairs.push((distance(net.km_of(a), net.km_of(b)), a, b));
                }
            }
        }
        pairs.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        let mut joined = false;
        for (length, a, b) in pairs.into_iter().take(4096) {
            if let Some(nodes) = net.connect(a, b, link_class(length), params.rural_step_km, rng) {
                let nodes = nodes.to_vec();
                dsu.grow(net.km.len());
                for w in nodes.windows(2) {
                    dsu.union(w[0], w[1]);
                }
                joined = true;
                break;
            }
        }
        if !joined {
            // Nothing can reach it without crossing the river: leave it apart.
            return;
        }
    }
}

type Indexed = GeomWithData<[f64; 2], u32>;

/// Vertices tried, nearest first, for a track or a bridge's approach.
const TRACK_TRIES: usize = 4096;

/// Tracks to every point of `reach` farther than [`COVER_KM`] from every road, each to the
/// nearest vertex it can reach without crossing the river (of the [`TRACK_TRIES`] nearest: near
/// the river, those across it may come first).
fn tracks(net: &mut Network, reach: &[Point<f64>], params: &RoadParams, rng: &mut ChaCha8Rng) {
    let segments: Vec<Segment<[f64; 2]>> = net
        .lines
        .iter()
        .flat_map(|l| l.nodes.windows(2))
        .map(|w| Segment::new(net.km_of(w[0]), net.km_of(w[1])))
        .collect();
    let mut segments = RTree::bulk_load(segments);
    let used = net.used();
    let vertices: Vec<Indexed> = (0..net.km.len() as u32)
        .filter(|&n| used[n as usize])
        .map(|n| Indexed::new(net.km_of(n), n))
        .collect();
    let mut vertices = RTree::bulk_load(vertices);
    let cover_2 = COVER_KM * COVER_KM;
    for &p in reach {
        let at = net.frame.km(super::city::rounded(p));
        // Covered by a road on the same bank.
        let covered = segments
            .locate_within_distance(at, cover_2)
            .any(|s| !net.blocked(at, s.nearest_point(&at)));
        if covered {
            continue;
        }
        let start = net.node(p);
        let mut track = None;
        for to in vertices.nearest_neighbor_iter(&at).take(TRACK_TRIES) {
            if let Some(nodes) = net.connect(start, to.data, TRACK, params.rural_step_km, rng) {
                track = Some(nodes.to_vec());
                break;
            }
        }
        if let Some(nodes) = track {
            for w in nodes.windows(2) {
                segments.insert(Segment::new(net.km_of(w[0]), net.km_of(w[1])));
            }
            for &n in &nodes[..nodes.len() - 1] {
                vertices.insert(Indexed::new(net.km_of(n), n));
            }
        }
    }
}

#[cfg(test)]
#[path = "roads_tests.rs"]
mod tests;
