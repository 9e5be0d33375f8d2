//! Street grids: a town's streets, avenues, one-way couplets, alleys and informal lanes, and a
//! village's small cluster of lanes, laid over the cells of a grid where its households are.
//!
//! The grid is square to the place's own orientation (a random angle). In a town its lines are
//! `core_spacing_km` apart at the centre, widening linearly to `fringe_spacing_km` at the town's
//! radius and beyond; every crossing is jittered (more in informal settlements and villages) so
//! blocks are irregular but still share their corners. A cell that holds a household point is
//! built up:
//! - a formal cell (most of its points outside informal settlements) gets streets on all four
//!   sides; the grid lines nearest to every `avenue_spacing_km` from the centre (the two through
//!   the centre always) are avenues; near the centre of a larger town, the other east-west
//!   streets are one-way, alternately in each direction, wherever the street beside completes the
//!   block (so every one-way street has its way back, and the town stays strongly connected);
//!   dense blocks get dead-end alleys off their east-west streets, reaching two-fifths into the
//!   block from either side;
//! - an informal cell (and every cell of a village) gets only the lanes of a random spanning
//!   tree over its corners, plus a few more: lanes that dead-end and wind, fewer connections and
//!   longer ways round.
//!
//! The cells round the centre are always built, so every town and village has its crossroads
//! there. Edges the river would cross are left out and kept as the places where bridges may go.

use super::roads::{ALLEY, AVENUE, Class, Dsu, LANE, Network, RoadParams, STREET, VILLAGE_LANE};
use geo::Point;
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::f64::consts::FRAC_PI_2;

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PlaceKind {
    /// A town or city: streets, avenues, alleys, informal lanes; joined by intercity roads.
    Town,
    /// A village: a small cluster of lanes, joined by a rural road.
    Village,
}

/// A settlement whose streets cover its households.
#[derive(Debug, Clone)]
pub(super) struct Place {
    /// Its centre, lon/lat: a crossroads.
    pub centre: Point<f64>,
    /// How far its dense core reaches, km: the streets widen to the fringe spacing there.
    pub radius_km: f64,
    /// Its households' (and sites') positions, each with whether it lies in an informal
    /// settlement.
    pub points: Vec<(Point<f64>, bool)>,
    /// Town or village.
    pub kind: PlaceKind,
}

/// Extra lanes kept beyond the spanning tree, as a share of the other candidate lanes: in an
/// informal settlement, and in a village.
const EXTRA_LANES: [f64; 2] = [0.08, 0.15];
/// Crossing jitter as a share of the neighbouring spacing: formal streets, lanes.
const JITTER: [f64; 2] = [0.12, 0.3];
/// Towns at least this wide (radius, km) have one-way streets in their centre.
const ONEWAY_MIN_RADIUS_KM: f64 = 2.0;

/// A place's own plane: km along its rotated grid axes from its centre.
struct Plane {
    centre: Point<f64>,
    km_per_lon: f64,
    cos: f64,
    sin: f64,
}

impl Plane {
    fn new(centre: Point<f64>, angle: f64) -> Plane {
        Plane {
            centre,
            km_per_lon: super::city::KM_PER_DEGREE * centre.y().to_radians().cos(),
            cos: angle.cos(),
            sin: angle.sin(),
        }
    }

    fn local(&self, p: Point<f64>) -> [f64; 2] {
        let dx = (p.x() - self.centre.x()) * self.km_per_lon;
        let dy = (p.y() - self.centre.y()) * super::city::KM_PER_DEGREE;
        [
            dx * self.cos + dy * self.sin,
            -dx * self.sin + dy * self.cos,
        ]
    }

    fn lon_lat(&self, [x, y]: [f64; 2]) -> Point<f64> {
        let dx = x * self.cos - y * self.sin;
        let dy = x * self.sin + y * self.cos;
        Point::new(
            self.centre.x() + dx / self.km_per_lon,
            self.centre.y() + dy / super::city::KM_PER_DEGREE,
        )
    }
}

/// Grid line positions covering `lo..=hi` (km, `lo <= 0 <= hi`), one of them at 0 and at least
/// one on either side, `spacing(|p|)` apart; and the index of the line at 0.
fn lines(lo: f64, hi: f64, spacing: impl Fn(f64) -> f64) -> (Vec<f64>, usize) {
    let mut below = Vec::new();
    let mut p = 0.0;
    while p > lo || below.is_empty() {
        p -= spacing(-p);
        below.push(p);
    }
    below.reverse();
    let zero = below.len();
    let mut all = below;
    all.push(0.0);
    p = 0.0;
    while p < hi || all.len() == zero + 1 {
        p += spacing(p);
        all.push(p);
    }
    (all, zero)
}

/// The cell between `lines[k]` and `lines[k + 1]` that holds `p`.
fn cell_index(lines: &[f64], p: f64) -> Option<usize> {
    let k = lines.partition_point(|&x| x <= p);
    (k >= 1 && k < lines.len()).then(|| k - 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Empty,
    Formal,
    Loose,
}

/// What runs along a grid edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    None,
    Avenue,
    Street,
    /// One-way in drawn order (east along the grid's x axis, north along y).
    Forward,
    /// One-way against drawn order.
    Backward,
    Lane,
}

/// Lays `place`'s streets into `net`; returns the crossroads it made (every grid crossing some
/// street or lane uses), or the village's single vertex when villages have no lanes.
pub(super) fn lay(
    net: &mut Network,
    place: &Place,
    params: &RoadParams,
    rng: &mut ChaCha8Rng,
) -> Vec<u32> {
    let town = place.kind == PlaceKind::Town;
    let (core, fringe) = if town {
        (params.core_spacing_km, params.fringe_spacing_km)
    } else if let Some(s) = params.village_spacing_km {
        (s, s)
    } else {
        let id = net.node(place.centre);
        net.anchor(id);
        return vec![id];
    };
    let plane = Plane::new(place.centre, rng.random_range(0.0..FRAC_PI_2));
    let local: Vec<([f64; 2], bool)> = place
        .points
        .iter()
        .map(|&(p, informal)| (plane.local(p), informal))
        .collect();
    // Points far beyond the place (drawn far out, or fallen back elsewhere) are left to tracks.
    let reach = if town {
        (4.0 * place.radius_km).max(2.0)
    } else {
        1.5
    };
    let (mut lo, mut hi) = ([0.0f64; 2], [0.0f64; 2]);
    for (p, _) in &local {
        if p[0].abs() <= reach && p[1].abs() <= reach {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
    }
    let radius = place.radius_km.max(1e-6);
    let spacing = |p: f64| core + (fringe - core) * (p / radius).min(1.0);
    let (xs, zx) = lines(lo[0], hi[0], spacing);
    let (ys, zy) = lines(lo[1], hi[1], spacing);
    let (nx, ny) = (xs.len() - 1, ys.len() - 1);

    // Cells: built up where points are, formal or loose by the majority of their points.
    let mut count = vec![0u32; nx * ny];
    let mut informal = vec![0u32; nx * ny];
    for &(p, inf) in &local {
        if let (Some(i), Some(j)) = (cell_index(&xs, p[0]), cell_index(&ys, p[1])) {
            count[i + j * nx] += 1;
            informal[i + j * nx] += u32::from(inf);
        }
    }
    let mut cells: Vec<Cell> = (0..nx * ny)
        .map(|c| match count[c] {
            0 => Cell::Empty,
            n if town && 2 * informal[c] <= n => Cell::Formal,
            _ => Cell::Loose,
        })
        .collect();
    for (i, j) in [(zx - 1, zy - 1), (zx, zy - 1), (zx - 1, zy), (zx, zy)] {
        if cells[i + j * nx] == Cell::Empty {
            cells[i + j * nx] = if town { Cell::Formal } else { Cell::Loose };
        }
    }
    // Ground another place's streets already cover stays theirs (towns that grew into each
    // other meet at a seam instead of laying two grids over one another): a cell goes when its
    // middle or a corner lies there.
    for j in 0..ny {
        for i in 0..nx {
            let c = i + j * nx;
            if cells[c] != Cell::Empty {
                let middle = [(xs[i] + xs[i + 1]) / 2.0, (ys[j] + ys[j + 1]) / 2.0];
                let taken = [
                    middle,
                    [xs[i], ys[j]],
                    [xs[i + 1], ys[j]],
                    [xs[i], ys[j + 1]],
                ]
                .into_iter()
                .chain([[xs[i + 1], ys[j + 1]]])
                .any(|p| net.claimed(net.frame.km(plane.lon_lat(p))));
                if taken {
                    cells[c] = Cell::Empty;
                }
            }
        }
    }
    let cell = |i: isize, j: isize| -> Cell {
        if i < 0 || j < 0 || i as usize >= nx || j as usize >= ny {
            Cell::Empty
        } else {
            cells[i as usize + j as usize * nx]
        }
    };

    // Avenues: the lines nearest to every `avenue_spacing_km` from the centre.
    let avenues = |lines: &[f64]| -> Vec<bool> {
        let mut on = vec![false; lines.len()];
        if !town {
            return on;
        }
        let a = params.avenue_spacing_km;
        let first = (lines[0] / a).ceil() as i64;
        let last = (lines[lines.len() - 1] / a).floor() as i64;
        for k in first..=last {
            let target = k as f64 * a;
            let nearest = (0..lines.len())
                .min_by(|&x, &y| {
                    (lines[x] - target)
                        .abs()
                        .total_cmp(&(lines[y] - target).abs())
                })
                .expect("lines are not empty");
            on[nearest] = true;
        }
        on
    };
    let (x_avenue, y_avenue) = (avenues(&xs), avenues(&ys));
    // Crossings, jittered (not across an avenue, which stays straight); the centre stays put.
    let node_index = |i: usize, j: usize| i + j * (nx + 1);
    let mut at: Vec<Option<[f64; 2]>> = vec![None; (nx + 1) * (ny + 1)];
    for j in 0..=ny {
        for i in 0..=nx {
            let around = [(-1, -1), (0, -1), (-1, 0), (0, 0)]
                .map(|(di, dj)| cell(i as isize + di, j as isize + dj));
            if around.iter().all(|&c| c == Cell::Empty) {
                continue;
            }
            let share = if around.contains(&Cell::Formal) {
                JITTER[0]
            } else {
                JITTER[1]
            };
            let (mut jx, mut jy) = if (i, j) == (zx, zy) {
                (0.0, 0.0)
            } else {
                (
                    share * super::city::spacing(&xs, i) * rng.random_range(-1.0..1.0),
                    share * super::city::spacing(&ys, j) * rng.random_range(-1.0..1.0),
                )
            };
            if x_avenue[i] {
                jx = 0.0;
            }
            if y_avenue[j] {
                jy = 0.0;
            }
            at[node_index(i, j)] = Some([xs[i] + jx, ys[j] + jy]);
        }
    }
    let lon_lat: Vec<Option<Point<f64>>> = at.iter().map(|p| p.map(|p| plane.lon_lat(p))).collect();
    let km: Vec<Option<[f64; 2]>> = lon_lat.iter().map(|p| p.map(|p| net.frame.km(p))).collect();
    for j in 0..ny {
        for i in 0..nx {
            if cells[i + j * nx] != Cell::Empty {
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
                    .map(|(a, b)| km[node_index(a, b)].expect("a built cell's corners are built"));
                net.claim(&corners);
            }
        }
    }

    // Edges: formal beside a formal cell, else loose beside a loose one; none across the river.
    let h_index = |i: usize, j: usize| i + j * nx;
    let v_index = |i: usize, j: usize| i + j * (nx + 1);
    let h_ends = |i: usize, j: usize| (node_index(i, j), node_index(i + 1, j));
    let v_ends = |i: usize, j: usize| (node_index(i, j), node_index(i, j + 1));
    let state = |sides: [Cell; 2]| {
        if sides.contains(&Cell::Formal) {
            Cell::Formal
        } else if sides.contains(&Cell::Loose) {
            Cell::Loose
        } else {
            Cell::Empty
        }
    };
    let mut h_state = vec![Cell::Empty; nx * (ny + 1)];
    let mut v_state = vec![Cell::Empty; (nx + 1) * ny];
    let open = |net: &mut Network, s: Cell, (a, b): (usize, usize), avenue: bool| -> Cell {
        if s == Cell::Empty {
            return s;
        }
        let (ka, kb) = (km[a].expect("built"), km[b].expect("built"));
        if net.blocked(ka, kb) {
            if net.crosses(ka, kb) {
                let (a, b) = (lon_lat[a].expect("built"), lon_lat[b].expect("built"));
                net.cut.push((a, b, avenue));
            }
            return Cell::Empty;
        }
        s
    };
    for j in 0..=ny {
        for i in 0..nx {
            let s = state([
                cell(i as isize, j as isize - 1),
                cell(i as isize, j as isize),
            ]);
            h_state[h_index(i, j)] = open(net, s, h_ends(i, j), y_avenue[j]);
        }
    }
    for j in 0..ny {
        for i in 0..=nx {
            let s = state([
                cell(i as isize - 1, j as isize),
                cell(i as isize, j as isize),
            ]);
            v_state[v_index(i, j)] = open(net, s, v_ends(i, j), x_avenue[i]);
        }
    }

    // Loose lanes: a random spanning forest over the crossings, joined to the formal streets,
    // plus a few more.
    let mut dsu = Dsu::new((nx + 1) * (ny + 1));
    let mut loose = Vec::new();
    for j in 0..=ny {
        for i in 0..=nx {
            if i < nx {
                let (a, b) = h_ends(i, j);
                match h_state[h_index(i, j)] {
                    Cell::Formal => {
                        dsu.union(a as u32, b as u32);
                    }
                    Cell::Loose => loose.push((true, i, j)),
                    Cell::Empty => {}
                }
            }
            if j < ny {
                let (a, b) = v_ends(i, j);
                match v_state[v_index(i, j)] {
                    Cell::Formal => {
                        dsu.union(a as u32, b as u32);
                    }
                    Cell::Loose => loose.push((false, i, j)),
                    Cell::Empty => {}
                }
            }
        }
    }
    loose.shuffle(rng);
    let extra = EXTRA_LANES[usize::from(!town)];
    for (horizontal, i, j) in loose {
        let (a, b) = if horizontal {
            h_ends(i, j)
        } else {
            v_ends(i, j)
        };
        let keep = dsu.union(a as u32, b as u32) || rng.random_bool(extra);
        if !keep {
            if horizontal {
                h_state[h_index(i, j)] = Cell::Empty;
            } else {
                v_state[v_index(i, j)] = Cell::Empty;
            }
        }
    }

    // What runs along each edge.
    let way = |s: Cell, avenue: bool| match s {
        Cell::Empty => Way::None,
        Cell::Loose => Way::Lane,
        Cell::Formal if avenue => Way::Avenue,
        Cell::Formal => Way::Street,
    };
    let mut h_way: Vec<Way> = (0..nx * (ny + 1))
        .map(|e| way(h_state[e], y_avenue[e / nx]))
        .collect();
    let v_way: Vec<Way> = (0..(nx + 1) * ny)
        .map(|e| way(v_state[e], x_avenue[e % (nx + 1)]))
        .collect();
    if town && place.radius_km >= ONEWAY_MIN_RADIUS_KM {
        let core_km = (0.3 * place.radius_km).min(1.2);
        let open = |w: Way| w != Way::None;
        for j in 0..=ny {
            for i in 0..nx {
                let inside =
                    ys[j].abs() <= core_km && xs[i].abs() <= core_km && xs[i + 1].abs() <= core_km;
                if h_way[h_index(i, j)] != Way::Street || !inside {
                    continue;
                }
                // Even lines one way, odd lines the other: the way back from an edge runs round
                // its block, along the next line (odd ones use the block below).
                let even = (j as isize - zy as isize).rem_euclid(2) == 0;
                let block = if even { Some(j) } else { j.checked_sub(1) };
                let Some(b) = block.filter(|&b| b < ny) else {
                    continue;
                };
                let partner = if even { b + 1 } else { b };
                let complete = open(h_way[h_index(i, partner)])
                    && open(v_way[v_index(i, b)])
                    && open(v_way[v_index(i + 1, b)]);
                if complete {
                    h_way[h_index(i, j)] = if even { Way::Forward } else { Way::Backward };
                }
            }
        }
    }

    // Vertices, made on first use.
    let mut id: Vec<u32> = vec![u32::MAX; (nx + 1) * (ny + 1)];
    let mut vertex = |net: &mut Network, k: usize| -> u32 {
        if id[k] == u32::MAX {
            id[k] = net.node(lon_lat[k].expect("a used crossing is built"));
        }
        id[k]
    };

    // Alleys off the east-west streets of dense formal blocks.
    let mut junctions: Vec<Vec<u32>> = vec![Vec::new(); nx * (ny + 1)];
    if let (true, Some(alley_km)) = (town, params.alley_spacing_km) {
        let dense = |i: usize, j: isize| {
            cell(i as isize, j) == Cell::Formal
                && count[i + j as usize * nx] >= params.alley_min_points
        };
        for j in 0..=ny {
            for i in 0..nx {
                if !matches!(
                    h_way[h_index(i, j)],
                    Way::Avenue | Way::Street | Way::Forward | Way::Backward
                ) {
                    continue;
                }
                let up = dense(i, j as isize);
                let down = dense(i, j as isize - 1);
                if !up && !down {
                    continue;
                }
                let (a, b) = h_ends(i, j);
                let (pa, pb) = (at[a].expect("built"), at[b].expect("built"));
                let length = (pb[0] - pa[0]).hypot(pb[1] - pa[1]);
                let n = (length / alley_km).floor() as usize;
                let lerp = |p: [f64; 2], q: [f64; 2], t: f64| {
                    [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
                };
                let mut made = Vec::with_capacity(n.saturating_sub(1));
                for k in 1..n {
                    let t = k as f64 / n as f64;
                    let junction = lerp(pa, pb, t);
                    let jid = net.node(plane.lon_lat(junction));
                    net.mark_spur(jid);
                    made.push(jid);
                    for (go, row) in [(up, j + 1), (down, j.wrapping_sub(1))] {
                        if !go {
                            continue;
                        }
                        let (oa, ob) = (
                            at[node_index(i, row)].expect("a dense block's corners are built"),
                            at[node_index(i + 1, row)].expect("a dense block's corners are built"),
                        );
                        let opposite = lerp(oa, ob, t);
                        let end = lerp(junction, opposite, rng.random_range(0.3..0.42));
                        // A kink halfway, sideways by up to a tenth of the alley's length.
                        let half = lerp(junction, end, 0.5);
                        let side = rng.random_range(-0.1..0.1);
                        let bend = [
                            half[0] - side * (end[1] - junction[1]),
                            half[1] + side * (end[0] - junction[0]),
                        ];
                        let (bend_ll, end_ll) = (plane.lon_lat(bend), plane.lon_lat(end));
                        let start = net.km_of(jid);
                        let (bend_km, end_km) = (net.frame.km(bend_ll), net.frame.km(end_ll));
                        if net.blocked(start, bend_km) || net.blocked(bend_km, end_km) {
                            continue;
                        }
                        let (bid, eid) = (net.node(bend_ll), net.node(end_ll));
                        net.mark_spur(bid);
                        net.mark_spur(eid);
                        net.add(vec![jid, bid, eid], ALLEY, false);
                    }
                }
                junctions[h_index(i, j)] = made;
            }
        }
    }

    // Lines: each run of one kind of way along a grid line, through the alleys' junctions.
    let lane = if town { LANE } else { VILLAGE_LANE };
    let class_of = |w: Way| -> Class {
        match w {
            Way::Avenue => AVENUE,
            Way::Lane => lane,
            _ => STREET,
        }
    };
    let flush = |net: &mut Network, run: &mut Vec<u32>, w: Way| {
        if w != Way::None && run.len() >= 2 {
            let mut nodes = std::mem::take(run);
            if w == Way::Backward {
                nodes.reverse();
            }
            net.add(
                nodes,
                class_of(w),
                matches!(w, Way::Forward | Way::Backward),
            );
        }
        run.clear();
    };
    let mut run: Vec<u32> = Vec::new();
    for j in 0..=ny {
        let mut current = Way::None;
        for i in 0..nx {
            let w = h_way[h_index(i, j)];
            if w != current {
                flush(net, &mut run, current);
                current = w;
                if w != Way::None {
                    run.push(vertex(net, node_index(i, j)));
                }
            }
            if w != Way::None {
                run.extend_from_slice(&junctions[h_index(i, j)]);
                run.push(vertex(net, node_index(i + 1, j)));
            }
        }
        flush(net, &mut run, current);
    }
    for i in 0..=nx {
        let mut current = Way::None;
        for j in 0..ny {
            let w = v_way[v_index(i, j)];
            if w != current {
                flush(net, &mut run, current);
                current = w;
                if w != Way::None {
                    run.push(vertex(net, node_index(i, j)));
                }
            }
            if w != Way::None {
                run.push(vertex(net, node_index(i, j + 1)));
            }
        }
        flush(net, &mut run, current);
    }
    id.into_iter().filter(|&n| n != u32::MAX).collect()
}
