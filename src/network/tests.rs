//! The network's costs against an independent computation: every raw road segment as its own
//! arc (no contraction), each place snapped by a brute-force search over all segments and
//! spliced into its segment, and Floyd–Warshall over the lot.

use super::*;
use crate::spatial::haversine_m;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A jittered street grid of `size × size` junctions about 400 m apart near Isfahan, streets
/// broken into roads at random junctions, with shape points between junctions, some blocks
/// missing, some one-way (drawn either way), speeds 20 to 80 km/h; and a detached square far
/// to the east.
pub(crate) fn random_roads(seed: u64, size: usize) -> Vec<Road> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let step = 0.004;
    let node: Vec<Vec<Point<f64>>> = (0..size)
        .map(|i| {
            (0..size)
                .map(|j| {
                    Point::new(
                        51.65 + step * j as f64 + rng.random_range(-0.0008..0.0008),
                        32.60 + step * i as f64 + rng.random_range(-0.0008..0.0008),
                    )
                })
                .collect()
        })
        .collect();
    let mut roads = Vec::new();
    let mut street = |rng: &mut ChaCha8Rng, points: Vec<Point<f64>>| {
        let mut line = vec![points[0]];
        let mut flush = |rng: &mut ChaCha8Rng, line: &mut Vec<Point<f64>>| {
            if line.len() >= 2 {
                let oneway = rng.random_range(0..5) == 0;
                let mut drawn = std::mem::take(line);
                if oneway && rng.random_range(0..2) == 0 {
                    drawn.reverse();
                }
                roads.push(Road {
                    line: drawn,
                    oneway,
                    speed_kmh: rng.random_range(20..=80) as f64,
                    major: false,
                });
            }
            line.clear();
        };
        for w in points.windows(2) {
            if rng.random_range(0..10) == 0 {
                flush(rng, &mut line);
                line.push(w[1]);
                continue;
            }
            let mid = Point::new(
                (w[0].x() + w[1].x()) / 2.0 + rng.random_range(-0.0005..0.0005),
                (w[0].y() + w[1].y()) / 2.0 + rng.random_range(-0.0005..0.0005),
            );
            line.push(mid);
            line.push(w[1]);
            if rng.random_range(0..3) == 0 {
                flush(rng, &mut line);
                line.push(w[1]);
            }
        }
        flush(rng, &mut line);
    };
    for (i, row) in node.iter().enumerate() {
        street(&mut rng, row.clone());
        street(&mut rng, (0..size).map(|r| node[r][i]).collect());
    }
    let island = [
        (51.9, 32.6),
        (51.905, 32.6),
        (51.905, 32.605),
        (51.9, 32.605),
        (51.9, 32.6),
    ];
    roads.push(Road {
        line: island.iter().map(|&(x, y)| Point::new(x, y)).collect(),
        oneway: false,
        speed_kmh: 30.0,
        major: false,
    });
    roads
}

/// Random places over the grid, a few near the island, one far from every road.
pub(crate) fn random_places(seed: u64, n: usize, size: usize) -> Vec<Point<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37);
    let span = 0.004 * size as f64;
    let mut places: Vec<Point<f64>> = (0..n)
        .map(|i| match i % 10 {
            9 => Point::new(
                51.9 + rng.random_range(-0.001..0.006),
                32.6 + rng.random_range(-0.001..0.006),
            ),
            _ => Point::new(
                51.65 + rng.random_range(-0.002..span),
                32.60 + rng.random_range(-0.002..span),
            ),
        })
        .collect();
    places.push(Point::new(52.5, 33.5));
    places
}

/// The nearest point of a segment to `p` by ternary search on haversine distance, and that
/// distance: independent of the 3-D projection the network uses.
fn nearest_on(a: Point<f64>, b: Point<f64>, p: Point<f64>) -> (f64, f64) {
    let at = |t: f64| Point::new(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()));
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..200 {
        let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
        if haversine_m(p, at(m1)) <= haversine_m(p, at(m2)) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    // Settle onto an end when the search converged there, so that places snapped to the same
    // vertex compare equal.
    let t = match (lo + hi) / 2.0 {
        t if t < 1e-9 => 0.0,
        t if t > 1.0 - 1e-9 => 1.0,
        t => t,
    };
    (t, haversine_m(p, at(t)))
}

/// Costs between every origin and site by brute force (see the module doc).
fn brute_force(
    roads: &[Road],
    by: By,
    snap_max_m: f64,
    origins: &[Point<f64>],
    sites: &[Point<f64>],
) -> Vec<Vec<f64>> {
    // Raw segments: (a, b, oneway, cost per metre).
    let mut segments = Vec::new();
    for road in roads {
        for w in road.line.windows(2) {
            if w[0] != w[1] {
                segments.push((w[0], w[1], road.oneway, by.cost_per_m(road.speed_kmh)));
            }
        }
    }
    let mut vertex: Vec<Point<f64>> = Vec::new();
    let id = |p: Point<f64>, vertex: &mut Vec<Point<f64>>| {
        vertex.iter().position(|&q| q == p).unwrap_or_else(|| {
            vertex.push(p);
            vertex.len() - 1
        })
    };
    // Each place's snap: (segment, t, leg).
    let snap = |p: Point<f64>| {
        segments
            .iter()
            .enumerate()
            .map(|(k, &(a, b, _, _))| {
                let (t, d) = nearest_on(a, b, p);
                (k, t, d)
            })
            .min_by(|x, y| x.2.total_cmp(&y.2))
            .expect("there are segments")
    };
    let places: Vec<Point<f64>> = origins.iter().chain(sites).copied().collect();
    let snaps: Vec<(usize, f64, f64)> = places.iter().map(|&p| snap(p)).collect();
    // Split each segment at the places snapped onto it, in order of t.
    let mut arcs: Vec<(usize, usize, f64)> = Vec::new();
    let mut place_vertex = vec![0; places.len()];
    for (k, &(a, b, oneway, per_m)) in segments.iter().enumerate() {
        // The segment's start, the places on it by t, its end: a place at t = 1 still lies
        // before the end vertex.
        let mut on: Vec<(f64, Option<usize>)> = (0..snaps.len())
            .filter(|&i| snaps[i].0 == k)
            .map(|i| (snaps[i].1, Some(i)))
            .collect();
        on.sort_by(|x, y| x.0.total_cmp(&y.0));
        let stops: Vec<(f64, Option<usize>)> = std::iter::once((0.0, None))
            .chain(on)
            .chain(std::iter::once((1.0, None)))
            .collect();
        let length = haversine_m(a, b);
        let mut ids = Vec::new();
        for &(t, place) in &stops {
            let v = match place {
                Some(i) => {
                    vertex.push(Point::new(f64::NAN, i as f64));
                    let v = vertex.len() - 1;
                    place_vertex[i] = v;
                    v
                }
                None => id(if t == 0.0 { a } else { b }, &mut vertex),
            };
            ids.push((t, v));
        }
        for w in ids.windows(2) {
            let c = (w[1].0 - w[0].0) * length * per_m;
            arcs.push((w[0].1, w[1].1, c));
            // Two places at the same point reach each other whatever the direction.
            if !oneway || c == 0.0 {
                arcs.push((w[1].1, w[0].1, c));
            }
        }
    }
    let n = vertex.len();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (v, row) in d.iter_mut().enumerate() {
        row[v] = 0.0;
    }
    for &(a, b, c) in &arcs {
        d[a][b] = d[a][b].min(c);
    }
    for k in 0..n {
        for i in 0..n {
            if d[i][k].is_infinite() {
                continue;
            }
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    let leg = |i: usize| {
        let l = snaps[i].2;
        (l <= snap_max_m).then(|| l * by.leg_cost_per_m())
    };
    (0..origins.len())
        .map(|o| {
            (0..sites.len())
                .map(|s| {
                    let j = origins.len() + s;
                    match (leg(o), leg(j)) {
                        (Some(a), Some(b)) => a + d[place_vertex[o]][place_vertex[j]] + b,
                        _ => f64::INFINITY,
                    }
                })
                .collect()
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 0.01 + 1e-7 * b.abs()
}

#[test]
fn every_search_agrees_with_floyd_warshall_on_the_raw_segments() {
    for seed in 0..16 {
        let by = if seed % 2 == 0 {
            By::Distance
        } else {
            By::Time
        };
        let roads = random_roads(seed, 4);
        let network = Network::new(&roads, by, Travel::Drive, 600.0).unwrap();
        let origins = random_places(seed, 25, 4);
        let site_points = random_places(seed + 100, 9, 4);
        let want = brute_force(&roads, by, 600.0, &origins, &site_points);
        let (o, s) = (network.place(&origins), network.place(&site_points));
        let all: Vec<usize> = (0..origins.len()).collect();
        let rows = network.rows(&o, &s, &all);
        let table = network.table(&o, &s);
        let m = site_points.len();
        for i in 0..origins.len() {
            for j in 0..m {
                assert!(
                    close(rows[i][j], want[i][j]),
                    "seed {seed} rows {i}->{j}: {} vs {}",
                    rows[i][j],
                    want[i][j]
                );
                assert!(
                    close(table[i * m + j], want[i][j]),
                    "seed {seed} table {i}->{j}"
                );
            }
        }
        // Within a limit: exactly the pairs the brute force puts within it (away from the edge).
        let limit: Vec<f64> = (0..origins.len())
            .map(|i| {
                if by == By::Distance {
                    300.0 + 150.0 * (i % 7) as f64
                } else {
                    2.0 + (i % 5) as f64
                }
            })
            .collect();
        let within = network.within(&o, &s, &limit);
        for i in 0..origins.len() {
            let got: Vec<u32> = within[i].iter().map(|x| x.0).collect();
            let expected: Vec<u32> = (0..m as u32)
                .filter(|&j| want[i][j as usize] <= limit[i])
                .collect();
            let near_edge = (0..m).any(|j| (want[i][j] - limit[i]).abs() < 0.05);
            if !near_edge {
                assert_eq!(
                    got, expected,
                    "seed {seed} within, origin {i}: {:?} want {:?} limit {}",
                    &within[i], want[i], limit[i]
                );
            }
            for &(j, c) in &within[i] {
                assert!(close(c, want[i][j as usize]));
            }
        }
        // The k nearest: the brute force's order of costs.
        for k in [1, 3] {
            let nearest = network.nearest(&o, &s, k);
            for i in 0..origins.len() {
                let mut order: Vec<(u32, f64)> = (0..m as u32)
                    .map(|j| (j, want[i][j as usize]))
                    .filter(|x| x.1.is_finite())
                    .collect();
                order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                order.truncate(k);
                assert_eq!(
                    nearest[i].len(),
                    order.len(),
                    "seed {seed} k {k} origin {i}"
                );
                for (got, want) in nearest[i].iter().zip(&order) {
                    assert!(
                        close(got.1, want.1),
                        "seed {seed} k {k} origin {i}: {got:?} vs {want:?}"
                    );
                    // The way's metres: its cost by distance; by time, between the minutes at
                    // the fastest road (80 km/h) and at walking pace.
                    let (minutes, metres) = (got.1, got.2);
                    match by {
                        By::Distance => assert!(close(metres, minutes), "{got:?}"),
                        By::Time => assert!(
                            metres * 60.0 / 80_000.0 <= minutes + 1e-9
                                && minutes <= metres * 60.0 / 4_500.0 + 1e-9,
                            "seed {seed}: {got:?}"
                        ),
                    }
                }
            }
        }
    }
}

#[test]
fn network_distance_is_never_shorter_than_the_straight_line() {
    for seed in 0..6 {
        let roads = random_roads(seed, 5);
        let network = Network::new(&roads, By::Distance, Travel::Walk, 1000.0).unwrap();
        let origins = random_places(seed, 40, 5);
        let sites = random_places(seed + 7, 12, 5);
        let table = network.table(&network.place(&origins), &network.place(&sites));
        for (i, &a) in origins.iter().enumerate() {
            for (j, &b) in sites.iter().enumerate() {
                let d = table[i * sites.len() + j];
                assert!(
                    d >= haversine_m(a, b) - 1e-6,
                    "seed {seed}: {d} < {}",
                    haversine_m(a, b)
                );
            }
        }
    }
}

#[test]
fn contraction_keeps_junctions_and_road_ends_only() {
    // One L-shaped road of five points crossed at its middle point by another road.
    let p = |x: f64, y: f64| Point::new(51.0 + x * 0.001, 32.0 + y * 0.001);
    let roads = vec![
        Road {
            line: vec![
                p(0.0, 0.0),
                p(1.0, 0.0),
                p(2.0, 0.0),
                p(2.0, 1.0),
                p(2.0, 2.0),
            ],
            oneway: false,
            speed_kmh: 30.0,
            major: false,
        },
        Road {
            line: vec![p(2.0, -1.0), p(2.0, 0.0)],
            oneway: true,
            speed_kmh: 30.0,
            major: false,
        },
        Road {
            line: vec![p(5.0, 5.0), p(6.0, 5.0), p(6.0, 5.0)],
            oneway: false,
            speed_kmh: 30.0,
            major: false,
        },
    ];
    let graph = Graph::build(&roads, By::Distance).unwrap();
    // Ends (0,0), (2,2), (2,-1), (5,5), (6,5) and the junction (2,0).
    assert_eq!(graph.vertex_count(), 6);
    assert_eq!(graph.edge_count(), 4);
    assert_eq!(graph.road_vertex_count(), 8);
    assert_eq!(graph.part_count(), 2);
    assert_eq!(graph.detached_vertex_count(), 2);
    let total: f64 = graph.edges().iter().map(|e| e.length_m).sum();
    let direct: f64 = roads
        .iter()
        .flat_map(|r| r.line.windows(2).map(|w| haversine_m(w[0], w[1])))
        .sum();
    assert!((total - direct).abs() < 1e-6);
}

#[test]
fn a_file_of_single_points_is_an_error() {
    let p = Point::new(51.0, 32.0);
    let roads = vec![Road {
        line: vec![p, p],
        oneway: false,
        speed_kmh: 30.0,
        major: false,
    }];
    let err = Graph::build(&roads, By::Distance).unwrap_err();
    assert!(err.to_string().contains("no road of any length"), "{err}");
}

#[test]
fn snap_summary_counts_every_place_once() {
    let roads = random_roads(3, 4);
    let network = Network::new(&roads, By::Distance, Travel::Walk, 500.0).unwrap();
    let places = random_places(3, 50, 4);
    let weight: Vec<f64> = (0..places.len()).map(|i| 1.0 + i as f64).collect();
    let placed = network.place(&places);
    let summary = network.snap_summary(&placed, &weight);
    assert_eq!(summary.points, places.len());
    assert_eq!(summary.total_weight, weight.iter().sum::<f64>());
    // The far place is beyond every limit; places near the island are detached.
    let last = *weight.last().unwrap();
    assert!(summary.unreachable_weight >= last);
    assert!(summary.detached_points >= 1);
    let unreachable: f64 = (0..places.len())
        .filter(|&i| placed.snap(i).is_none())
        .map(|i| weight[i])
        .sum();
    assert_eq!(summary.unreachable_weight, unreachable);
    assert!(
        summary.within_50_m <= summary.within_200_m
            && summary.within_200_m <= summary.within_1000_m
    );
}

#[test]
fn the_reach_of_a_centre_is_the_road_within_its_radius() {
    for seed in 0..4 {
        let roads = random_roads(seed, 4);
        let by = if seed % 2 == 0 {
            By::Distance
        } else {
            By::Time
        };
        let network = Network::new(&roads, by, Travel::Drive, 600.0).unwrap();
        let centre = random_places(seed + 50, 1, 4)[0];
        let bound = if by == By::Distance { 700.0 } else { 3.0 };
        let sites = network.place(&[centre]);
        let pieces = network.reach(centre, bound);
        // Sound: every point of every piece (its ends and middles) reaches the centre in time.
        let mut inside = Vec::new();
        for piece in &pieces {
            inside.extend(piece.iter().copied());
            inside.extend(
                piece
                    .windows(2)
                    .map(|w| Point::new((w[0].x() + w[1].x()) / 2.0, (w[0].y() + w[1].y()) / 2.0)),
            );
        }
        let table = network.table(&network.place(&inside), &sites);
        for (p, c) in inside.iter().zip(&table) {
            assert!(
                // Lon/lat interpolation and re-snapping move a point by millimetres.
                *c <= bound * (1.0 + 1e-5),
                "seed {seed}: {p:?} costs {c} > {bound}"
            );
        }
        // Complete: the reached length equals the length of road whose points reach the
        // centre, estimated from 12 samples along every edge.
        let graph = network.graph();
        let (mut samples, mut weights) = (Vec::new(), Vec::new());
        for (e, edge) in graph.edges().iter().enumerate() {
            for k in 0..12 {
                let x = (k as f64 + 0.5) / 12.0 * edge.length_m;
                let piece = graph.cut(e, x, x);
                samples.push(piece[0]);
                weights.push(edge.length_m / 12.0);
            }
        }
        let costs = network.table(&network.place(&samples), &sites);
        let sampled: f64 = costs
            .iter()
            .zip(&weights)
            .filter(|(c, _)| **c <= bound)
            .map(|(_, w)| w)
            .sum();
        let drawn: f64 = pieces
            .iter()
            .flat_map(|p| p.windows(2).map(|w| haversine_m(w[0], w[1])))
            .sum();
        assert!(
            (drawn - sampled).abs() <= 0.05 * sampled + 50.0,
            "seed {seed}: {drawn} vs {sampled}"
        );
    }
}
