//! Road networks: distances and travel times along real roads.
//!
//! Roads ([`crate::model::Road`], from GeoJSON or an OpenStreetMap extract) become a [`Graph`]
//! whose chains of shape points are contracted into edges; every demand point and site is
//! snapped to the nearest point of a road ([`Snap`]), and the cost from a demand point to a site
//! is the straight leg to its road, the shortest path along the network, and the site's own leg
//! from its road. [`Places`] holds a snapped set of places; the searches between two such sets
//! (within a limit, the k nearest, every pair) are what [`crate::cost`] offers the engine.

mod graph;
mod search;
mod snap;
#[cfg(test)]
pub(crate) mod tests;

pub use graph::{Edge, Graph};
pub use snap::Snap;

use crate::error::{Error, Result};
use crate::lists::Lists;
use crate::model::{Road, Travel, WALK_KMH};
use geo::Point;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use search::Scratch;
use serde::Serialize;
use snap::Snapper;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// What a cost along the network measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// Metres.
    #[default]
    Distance,
    /// Minutes, at each road's speed (and walking pace off the road).
    Time,
}

impl By {
    /// Cost of one metre at `speed_kmh`.
    pub fn cost_per_m(self, speed_kmh: f64) -> f64 {
        match self {
            By::Distance => 1.0,
            By::Time => 60.0 / (1000.0 * speed_kmh),
        }
    }

    /// Cost of one metre between a place and its road: covered on foot.
    pub fn leg_cost_per_m(self) -> f64 {
        self.cost_per_m(WALK_KMH)
    }

    /// The unit's name in outputs.
    pub fn unit(self) -> &'static str {
        match self {
            By::Distance => "metres",
            By::Time => "minutes",
        }
    }
}

impl FromStr for By {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "distance" => Ok(By::Distance),
            "time" => Ok(By::Time),
            other => Err(format!("unknown cost {other:?}: expected distance or time")),
        }
    }
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            By::Distance => "distance",
            By::Time => "time",
        })
    }
}

thread_local! {
    /// Each worker thread's search buffers, sized to the graph on first use and reset in
    /// proportion to what a search touched, so that many small searches stay cheap.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// How far a place may be from every road before it counts as unreachable, by default.
pub const DEFAULT_SNAP_MAX_M: f64 = 1000.0;

/// A routable road network with its snapping index and settings.
#[derive(Debug, Clone)]
pub struct Network {
    graph: Graph,
    snapper: Snapper,
    by: By,
    travel: Travel,
    snap_max_m: f64,
}

impl Network {
    /// Builds the graph of `roads` costed `by` distance or time, for `travel` (which the roads
    /// were read for), with places beyond `snap_max_m` of every road unreachable.
    pub fn new(roads: &[Road], by: By, travel: Travel, snap_max_m: f64) -> Result<Self> {
        if !(snap_max_m.is_finite() && snap_max_m >= 0.0) {
            return Err(Error::Invalid(format!(
                "--snap-max must be a non-negative number of metres, not {snap_max_m}"
            )));
        }
        let graph = Graph::build(roads, by)?;
        let snapper = Snapper::new(&graph);
        Ok(Network {
            graph,
            snapper,
            by,
            travel,
            snap_max_m,
        })
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Distance or time.
    pub fn by(&self) -> By {
        self.by
    }

    /// The nearest point of any road to `place`, however far.
    pub fn snap(&self, place: Point<f64>) -> Snap {
        self.snapper.snap(&self.graph, place)
    }

    /// Snaps `positions` (in parallel) and indexes them for the searches.
    pub fn place(&self, positions: &[Point<f64>]) -> Places {
        let snaps: Vec<Snap> = positions.par_iter().map(|&p| self.snap(p)).collect();
        Places::new(self, snaps)
    }

    /// Cost and metres from each way out of a snapped origin to the vertex it leads to, leg
    /// included: `(vertex, cost, metres)`.
    fn exits(&self, s: &Snap) -> impl Iterator<Item = (u32, f64, f64)> {
        let e = &self.graph.edges[s.edge as usize];
        let leg = s.leg_m * self.by.leg_cost_per_m();
        let ahead = e.length_m - s.offset_m;
        let forward = (e.to, leg + ahead * e.cost_per_m, s.leg_m + ahead);
        // A one-way edge still lets a place snapped onto its start leave by that vertex.
        let back = (!e.oneway || s.offset_m <= 0.0).then_some((
            e.from,
            leg + s.offset_m * e.cost_per_m,
            s.leg_m + s.offset_m,
        ));
        std::iter::once(forward).chain(back)
    }

    /// Cost and metres from each vertex that leads into a snapped site to the site, leg
    /// included: `(vertex, cost, metres)`.
    fn entries(&self, s: &Snap) -> impl Iterator<Item = (u32, f64, f64)> {
        let e = &self.graph.edges[s.edge as usize];
        let leg = s.leg_m * self.by.leg_cost_per_m();
        let forward = (
            e.from,
            leg + s.offset_m * e.cost_per_m,
            s.leg_m + s.offset_m,
        );
        // A site snapped onto the end of a one-way edge is reached from that vertex too.
        let back = (!e.oneway || s.offset_m >= e.length_m).then_some((
            e.to,
            leg + (e.length_m - s.offset_m) * e.cost_per_m,
            s.leg_m + e.length_m - s.offset_m,
        ));
        std::iter::once(forward).chain(back)
    }

    /// Cost and metres from an origin to a site on the same edge without leaving it, when its
    /// direction allows.
    fn along(&self, from: &Snap, to: &Snap) -> Option<(f64, f64)> {
        if from.edge != to.edge {
            return None;
        }
        let e = &self.graph.edges[from.edge as usize];
        let legs_m = from.leg_m + to.leg_m;
        let legs = legs_m * self.by.leg_cost_per_m();
        let gap = (to.offset_m - from.offset_m).abs();
        (to.offset_m >= from.offset_m || !e.oneway)
            .then_some((legs + gap * e.cost_per_m, legs_m + gap))
    }

    /// For every origin, the sites within its `limit` (cost units) and their costs, sorted by
    /// site: one bounded search per site towards it, in parallel.
    pub fn within(&self, origins: &Places, sites: &Places, limit: &[f64]) -> Lists {
        let bound = limit.iter().copied().fold(0.0, f64::max);
        let by_site: Vec<Vec<(u32, f64)>> = (0..sites.len())
            .into_par_iter()
            .map(|s| self.reaching(origins, sites, s, bound, &|o| limit[o as usize]))
            .collect();
        // Sites in ascending order, so each origin's list comes out sorted by site.
        let entries: Vec<(u32, u32, f64)> = by_site
            .iter()
            .enumerate()
            .flat_map(|(s, list)| list.iter().map(move |&(o, c)| (o, s as u32, c)))
            .collect();
        Lists::grouped(origins.len(), &entries)
    }

    /// Settles every vertex from which the snapped site is reached within `bound`, calling
    /// `settle(vertex, cost to the site)` nearest first (this thread's buffers).
    fn towards(&self, site: &Snap, bound: f64, settle: impl FnMut(u32, f64)) {
        let seeds: Vec<(u32, f64)> = self.entries(site).map(|(v, c, _)| (v, c)).collect();
        SCRATCH.with_borrow_mut(|scratch| {
            let n = self.graph.vertex.len();
            search::bounded(&self.graph.arriving, n, &seeds, bound, scratch, settle);
        });
    }

    /// The origins `(origin, cost)` that reach site `s` within their `limit` (at most `bound`),
    /// sorted by origin: one bounded search towards the site.
    pub fn reaching(
        &self,
        origins: &Places,
        sites: &Places,
        s: usize,
        bound: f64,
        limit: &dyn Fn(u32) -> f64,
    ) -> Vec<(u32, f64)> {
        let Some(snap) = sites.snap(s) else {
            return Vec::new();
        };
        let mut best: FxHashMap<u32, f64> = FxHashMap::default();
        let mut reach = |o: u32, c: f64| {
            if c <= limit(o) {
                let b = best.entry(o).or_insert(f64::INFINITY);
                *b = b.min(c);
            }
        };
        let exits = origins.exits(self);
        self.towards(snap, bound, |v, d| {
            for &(o, a) in &exits[v as usize] {
                reach(o, d + a);
            }
        });
        for o in origins.on_edge(snap.edge) {
            let from = origins
                .snap(o as usize)
                .expect("indexed origins are snapped");
            if let Some((c, _)) = self.along(from, snap) {
                reach(o, c);
            }
        }
        let mut list: Vec<(u32, f64)> = best.into_iter().collect();
        list.sort_unstable_by_key(|x| x.0);
        list
    }

    /// For every origin, its `k` nearest sites `(site, cost, metres of that way)`, nearest first
    /// (ties: lower site): one search from all sites at once that keeps k labels per vertex.
    pub fn nearest(&self, origins: &Places, sites: &Places, k: usize) -> Vec<Vec<(u32, f64, f64)>> {
        let seeds: Vec<(u32, f64, u32, f64)> = (0..sites.len())
            .filter_map(|s| sites.snap(s).map(|snap| (s, snap)))
            .flat_map(|(s, snap)| self.entries(snap).map(move |(v, c, m)| (v, c, s as u32, m)))
            .collect();
        let labels =
            search::nearest_sources(&self.graph.arriving, self.graph.vertex.len(), &seeds, k);
        (0..origins.len())
            .into_par_iter()
            .map(|o| {
                let Some(snap) = origins.snap(o) else {
                    return Vec::new();
                };
                let mut found: Vec<(u32, f64, f64)> = Vec::new();
                for (v, a, am) in self.exits(snap) {
                    found.extend(labels.of(v).map(|(s, d, dm)| (s, a + d, am + dm)));
                }
                for s in sites.on_edge(snap.edge) {
                    let to = sites.snap(s as usize).expect("indexed sites are snapped");
                    found.extend(self.along(snap, to).map(|(c, m)| (s, c, m)));
                }
                found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                found.dedup_by_key(|a| a.0);
                found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                found.truncate(k);
                found
            })
            .collect()
    }

    /// The cost from each of `which` origins to every site (infinite when unreachable): one
    /// search from each origin.
    pub fn rows(&self, origins: &Places, sites: &Places, which: &[usize]) -> Vec<Vec<f64>> {
        let n = self.graph.vertex.len();
        let entries = sites.entries(self);
        which
            .par_iter()
            .map_init(Scratch::default, |scratch, &o| {
                let mut row = vec![f64::INFINITY; sites.len()];
                let Some(snap) = origins.snap(o) else {
                    return row;
                };
                let seeds: Vec<(u32, f64)> = self.exits(snap).map(|(v, c, _)| (v, c)).collect();
                search::bounded(
                    &self.graph.leaving,
                    n,
                    &seeds,
                    f64::INFINITY,
                    scratch,
                    |v, d| {
                        for &(s, a) in &entries[v as usize] {
                            row[s as usize] = row[s as usize].min(d + a);
                        }
                    },
                );
                for s in sites.on_edge(snap.edge) {
                    let to = sites.snap(s as usize).expect("indexed sites are snapped");
                    if let Some((c, _)) = self.along(snap, to) {
                        row[s as usize] = row[s as usize].min(c);
                    }
                }
                row
            })
            .collect()
    }

    /// Every origin–site cost, row-major by origin (infinite when unreachable): one full search
    /// towards each site.
    pub fn table(&self, origins: &Places, sites: &Places) -> Vec<f64> {
        let m = sites.len();
        let unlimited = vec![f64::INFINITY; origins.len()];
        let lists = self.within(origins, sites, &unlimited);
        let mut table = vec![f64::INFINITY; origins.len() * m];
        for (o, list) in lists.iter().enumerate() {
            for &(s, c) in list {
                table[o * m + s as usize] = c;
            }
        }
        table
    }

    /// The road pieces from which `place` (a centre) is reached within `bound` (cost units),
    /// as lon/lat polylines: its reach along the roads, what a radius circle shows on straight
    /// lines. Empty when the place is beyond the snapping limit.
    pub fn reach(&self, place: Point<f64>, bound: f64) -> Vec<Vec<Point<f64>>> {
        let snap = self.snap(place);
        if snap.leg_m > self.snap_max_m {
            return Vec::new();
        }
        let mut cost = FxHashMap::default();
        self.towards(&snap, bound, |v, d| {
            cost.insert(v, d);
        });
        let leg = snap.leg_m * self.by.leg_cost_per_m();
        let mut pieces = Vec::new();
        for (e, edge) in self.graph.edges.iter().enumerate() {
            let metres = |c: f64| (bound - c) / edge.cost_per_m;
            let length = edge.length_m;
            let mut spans: Vec<(f64, f64)> = Vec::new();
            if let Some(&d) = cost.get(&edge.to) {
                spans.push((length - metres(d), length));
            }
            if !edge.oneway
                && let Some(&d) = cost.get(&edge.from)
            {
                spans.push((0.0, metres(d)));
            }
            if snap.edge as usize == e && leg <= bound {
                let back = if edge.oneway { 0.0 } else { metres(leg) };
                spans.push((snap.offset_m - metres(leg), snap.offset_m + back));
            }
            // Reached from both ends or from the centre's own snap: draw each stretch once.
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut merged: Vec<(f64, f64)> = Vec::new();
            for (from, to) in spans {
                let (from, to) = (from.max(0.0), to.min(length));
                match merged.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ if to > from => merged.push((from, to)),
                    _ => {}
                }
            }
            pieces.extend(
                merged
                    .into_iter()
                    .map(|(from, to)| self.graph.cut(e, from, to)),
            );
        }
        pieces
    }

    /// The figures of this network for the demand (`origins`, weighted by `weight`) and sites.
    pub fn figures(&self, origins: &Places, weight: &[f64], sites: &Places) -> NetworkFigures {
        NetworkFigures {
            travel: self.travel,
            by: self.by,
            unit: self.by.unit(),
            road_vertices: self.graph.road_vertex_count(),
            vertices: self.graph.vertex_count(),
            edges: self.graph.edge_count(),
            parts: self.graph.part_count(),
            detached_vertices: self.graph.detached_vertex_count(),
            demand: self.snap_summary(origins, weight),
            sites: self.snap_summary(sites, &vec![1.0; sites.len()]),
        }
    }

    /// How close `positions` lie to the roads, weighted by `weight`.
    pub fn snap_summary(&self, places: &Places, weight: &[f64]) -> SnapSummary {
        let mut summary = SnapSummary {
            snap_max_m: self.snap_max_m,
            ..SnapSummary::default()
        };
        for (i, snap) in places.all.iter().enumerate() {
            let w = weight[i];
            summary.total_weight += w;
            summary.points += 1;
            for (limit, bucket) in [
                (50.0, &mut summary.within_50_m),
                (200.0, &mut summary.within_200_m),
                (1000.0, &mut summary.within_1000_m),
            ] {
                if snap.leg_m <= limit {
                    *bucket += w;
                }
            }
            if snap.leg_m > self.snap_max_m {
                summary.unreachable_points += 1;
                summary.unreachable_weight += w;
            } else if self.graph.part[self.graph.edges[snap.edge as usize].from as usize] != 0 {
                summary.detached_points += 1;
                summary.detached_weight += w;
            }
        }
        summary
    }
}

/// The network as the outputs describe it: its profile, its size before and after contraction,
/// its connected parts, and how close the demand and the sites lie to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkFigures {
    /// The travel profile.
    pub travel: Travel,
    /// Distance or time.
    pub by: By,
    /// The unit of every network cost: metres or minutes.
    pub unit: &'static str,
    /// Distinct road vertices in the file.
    pub road_vertices: usize,
    /// Vertices after contracting chains (junctions and road ends).
    pub vertices: usize,
    /// Edges after contraction.
    pub edges: usize,
    /// Connected parts (direction ignored).
    pub parts: usize,
    /// Vertices outside the largest part.
    pub detached_vertices: usize,
    /// How close the demand lies to the roads.
    pub demand: SnapSummary,
    /// How close the sites lie to the roads (each counted with weight 1).
    pub sites: SnapSummary,
}

/// How close places lie to the roads: weights within 50, 200 and 1000 m of a road, beyond the
/// snapping limit (unreachable), and on roads not connected to the largest part of the network.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SnapSummary {
    /// Places counted.
    pub points: usize,
    /// Their weight.
    pub total_weight: f64,
    /// Weight within 50 m of a road.
    pub within_50_m: f64,
    /// Weight within 200 m.
    pub within_200_m: f64,
    /// Weight within 1000 m.
    pub within_1000_m: f64,
    /// The snapping limit.
    pub snap_max_m: f64,
    /// Places farther than the limit from every road: unreachable.
    pub unreachable_points: usize,
    /// Their weight.
    pub unreachable_weight: f64,
    /// Places snapped to roads outside the largest connected part.
    pub detached_points: usize,
    /// Their weight.
    pub detached_weight: f64,
}

/// A set of places snapped to the network, indexed both as origins (the vertices each leads to)
/// and as destinations (the vertices that lead into each), and by edge.
#[derive(Debug, Clone)]
pub struct Places {
    all: Vec<Snap>,
    reachable: Vec<bool>,
    /// By the vertex each way out leads to; built on first use, as places serve as origins or
    /// as sites and rarely as both, and a province's households make this list large.
    exits: OnceLock<Lists>,
    /// By the vertex each way in comes from; built on first use, like `exits`.
    entries: OnceLock<Lists>,
    edge: Lists,
}

impl Places {
    fn new(network: &Network, all: Vec<Snap>) -> Self {
        let reachable: Vec<bool> = all.iter().map(|s| s.leg_m <= network.snap_max_m).collect();
        let edge: Vec<(u32, u32, f64)> = all
            .iter()
            .zip(&reachable)
            .enumerate()
            .filter(|&(_, (_, &r))| r)
            .map(|(i, (snap, _))| (snap.edge, i as u32, 0.0))
            .collect();
        Places {
            edge: Lists::grouped(network.graph.edges.len(), &edge),
            exits: OnceLock::new(),
            entries: OnceLock::new(),
            all,
            reachable,
        }
    }

    /// `(place, cost)` of the places that leave by each vertex.
    fn exits(&self, network: &Network) -> &Lists {
        self.exits
            .get_or_init(|| self.by_vertex(network, |snap| network.exits(snap)))
    }

    /// `(place, cost)` of the places that are entered from each vertex.
    fn entries(&self, network: &Network) -> &Lists {
        self.entries
            .get_or_init(|| self.by_vertex(network, |snap| network.entries(snap)))
    }

    /// The snapped places' `ways` (vertex, cost, metres) grouped by vertex, in place order.
    fn by_vertex<'p, W: Iterator<Item = (u32, f64, f64)>>(
        &'p self,
        network: &Network,
        ways: impl Fn(&'p Snap) -> W,
    ) -> Lists {
        let entries: Vec<(u32, u32, f64)> = (0..self.len())
            .filter_map(|i| self.snap(i).map(|snap| (i as u32, snap)))
            .flat_map(|(i, snap)| ways(snap).map(move |(v, c, _)| (v, i, c)))
            .collect();
        Lists::grouped(network.graph.vertex.len(), &entries)
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The snap of place `i`, or `None` when it lies beyond the snapping limit.
    pub fn snap(&self, i: usize) -> Option<&Snap> {
        self.reachable[i].then(|| &self.all[i])
    }

    /// Snapped places on edge `e`.
    fn on_edge(&self, e: u32) -> impl Iterator<Item = u32> + '_ {
        self.edge[e as usize].iter().map(|&(i, _)| i)
    }
}
