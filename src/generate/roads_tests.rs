use crate::generate::{Instance, KARUN, Preset, generate};
use crate::io::{read_roads_geojson, write_roads};
use crate::model::{Road, Travel};
use geo::{Intersects, Line, LineString, Point};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// Earth radius of the crate's haversine, metres.
const R_M: f64 = crate::spatial::EARTH_RADIUS_M;

/// The network as the reader sees it: vertices are exact coordinates (bitwise), each segment an
/// edge.
struct Graph {
    points: Vec<Point<f64>>,
    /// (from, to, one-way, road) per segment, in drawn order.
    edges: Vec<(u32, u32, bool, usize)>,
}

fn graph(roads: &[Road]) -> Graph {
    let mut ids: FxHashMap<(u64, u64), u32> = FxHashMap::default();
    let mut points = Vec::new();
    let mut id = |p: Point<f64>| {
        *ids.entry((p.x().to_bits(), p.y().to_bits()))
            .or_insert_with(|| {
                points.push(p);
                points.len() as u32 - 1
            })
    };
    let mut edges = Vec::new();
    for (r, road) in roads.iter().enumerate() {
        for w in road.line.windows(2) {
            edges.push((id(w[0]), id(w[1]), road.oneway, r));
        }
    }
    Graph { points, edges }
}

/// Component of each vertex, walking every edge both ways except those `skip` names; and the
/// number of components.
fn components(g: &Graph, skip: impl Fn(usize) -> bool) -> (Vec<u32>, u32) {
    let n = g.points.len();
    let mut next: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (e, &(a, b, _, _)) in g.edges.iter().enumerate() {
        if !skip(e) {
            next[a as usize].push(b);
            next[b as usize].push(a);
        }
    }
    let mut label = vec![u32::MAX; n];
    let mut count = 0;
    for start in 0..n {
        if label[start] != u32::MAX {
            continue;
        }
        label[start] = count;
        let mut queue = VecDeque::from([start as u32]);
        while let Some(v) = queue.pop_front() {
            for &w in &next[v as usize] {
                if label[w as usize] == u32::MAX {
                    label[w as usize] = count;
                    queue.push_back(w);
                }
            }
        }
        count += 1;
    }
    (label, count)
}

/// How many vertices one can drive to from vertex 0, and from how many one can drive to it,
/// one-way roads only in drawn order.
fn drive_reach(g: &Graph) -> (usize, usize) {
    let n = g.points.len();
    let mut forward: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut backward: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(a, b, oneway, _) in &g.edges {
        forward[a as usize].push(b);
        backward[b as usize].push(a);
        if !oneway {
            forward[b as usize].push(a);
            backward[a as usize].push(b);
        }
    }
    let reach = |next: &[Vec<u32>]| {
        let mut seen = vec![false; n];
        seen[0] = true;
        let mut queue = VecDeque::from([0u32]);
        while let Some(v) = queue.pop_front() {
            for &w in &next[v as usize] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    queue.push_back(w);
                }
            }
        }
        seen.iter().filter(|&&s| s).count()
    };
    (reach(&forward), reach(&backward))
}

/// Metres from `p` to the segment `ab`, in the plane tangent at `p` (independent of the
/// generator's own plane).
fn metres_to_segment(p: Point<f64>, a: Point<f64>, b: Point<f64>) -> f64 {
    let k = R_M * std::f64::consts::PI / 180.0;
    let kx = k * p.y().to_radians().cos();
    let (ax, ay) = ((a.x() - p.x()) * kx, (a.y() - p.y()) * k);
    let (bx, by) = ((b.x() - p.x()) * kx, (b.y() - p.y()) * k);
    let (dx, dy) = (bx - ax, by - ay);
    let len_2 = dx * dx + dy * dy;
    let t = if len_2 > 0.0 {
        (-(ax * dx + ay * dy) / len_2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (ax + t * dx).hypot(ay + t * dy)
}

/// A segment's two ends.
type Segment = (Point<f64>, Point<f64>);

/// Grid cell size for the closeness check, degrees (about 1 km or more either way at Iran's
/// latitudes, so a point's 3 x 3 cells hold every segment within 900 m of it).
const CELL_DEG: f64 = 0.01;

/// The largest distance from any of `points` to its nearest road, metres (infinite when some
/// point has no road within its 3 x 3 grid cells), and that point.
fn farthest_from_roads(
    roads: &[Road],
    points: impl Iterator<Item = Point<f64>>,
) -> (f64, Point<f64>) {
    let cell = |x: f64| (x / CELL_DEG).floor() as i64;
    let mut grid: FxHashMap<(i64, i64), Vec<Segment>> = FxHashMap::default();
    for road in roads {
        for w in road.line.windows(2) {
            let (a, b) = (w[0], w[1]);
            for i in cell(a.x().min(b.x()))..=cell(a.x().max(b.x())) {
                for j in cell(a.y().min(b.y()))..=cell(a.y().max(b.y())) {
                    grid.entry((i, j)).or_default().push((a, b));
                }
            }
        }
    }
    let mut worst = (0.0, Point::new(0.0, 0.0));
    for p in points {
        let (i, j) = (cell(p.x()), cell(p.y()));
        let mut best = f64::INFINITY;
        for di in -1..=1 {
            for dj in -1..=1 {
                for &(a, b) in grid.get(&(i + di, j + dj)).into_iter().flatten() {
                    best = best.min(metres_to_segment(p, a, b));
                }
            }
        }
        if best > worst.0 {
            worst = (best, p);
        }
    }
    worst
}

/// One connected network that every household and site is within 600 m of.
fn check_network(preset: Preset, instance: &Instance) {
    assert!(!instance.roads.is_empty(), "{preset}");
    for road in &instance.roads {
        assert!(road.line.len() >= 2, "{preset}");
        assert!(road.speed_kmh > 0.0 && road.speed_kmh <= 110.0, "{preset}");
    }
    let g = graph(&instance.roads);
    let (_, count) = components(&g, |_| false);
    assert_eq!(count, 1, "{preset}: the network falls into {count} pieces");
    let points = instance
        .demand
        .iter()
        .map(|p| p.position)
        .chain(instance.sites.iter().map(|s| s.position));
    let (metres, at) = farthest_from_roads(&instance.roads, points);
    assert!(
        metres <= 600.0,
        "{preset}: {at:?} is {metres:.0} m from a road"
    );
}

/// (road, vertices, major roads, one-way roads) of a network.
fn counts(roads: &[Road]) -> (usize, usize, usize, usize) {
    (
        roads.len(),
        roads.iter().map(|r| r.line.len()).sum(),
        roads.iter().filter(|r| r.major).count(),
        roads.iter().filter(|r| r.oneway).count(),
    )
}

#[test]
fn demo_roads_are_one_network_near_every_point() {
    let demo = generate(Preset::Demo, 1);
    check_network(Preset::Demo, &demo);
    let (roads, _, major, oneway) = counts(&demo.roads);
    assert!(
        major > 0 && oneway > 0 && roads > 1_000,
        "{roads} {major} {oneway}"
    );
    // The informal settlements' lanes and the villages' rural roads are there.
    let speeds = |v: f64| demo.roads.iter().filter(|r| r.speed_kmh == v).count();
    assert!(speeds(20.0) > 0 && speeds(60.0) > 0);
}

#[test]
fn khorramshahr_roads_are_one_network_near_every_point() {
    check_network(Preset::Khorramshahr, &generate(Preset::Khorramshahr, 1));
}

#[test]
fn gilan_roads_are_one_network_near_every_point() {
    check_network(Preset::Gilan, &generate(Preset::Gilan, 1));
}

/// Isfahan is the province-scale benchmark: it needs about a million road vertices.
#[test]
fn isfahan_roads_are_one_network_of_a_million_vertices() {
    let isfahan = generate(Preset::Isfahan, 1);
    check_network(Preset::Isfahan, &isfahan);
    let (_, vertices, _, _) = counts(&isfahan.roads);
    assert!(vertices >= 1_000_000, "{vertices}");
}

/// The whole country (several seconds in release).
#[test]
fn national_roads_are_one_network_near_every_point() {
    check_network(Preset::National, &generate(Preset::National, 1));
}

/// Every one-way street has its way back: by car, every vertex reaches every other.
#[test]
fn one_way_streets_keep_every_vertex_reachable_by_car() {
    for preset in [Preset::Demo, Preset::Khorramshahr] {
        let instance = generate(preset, 1);
        assert!(instance.roads.iter().any(|r| r.oneway), "{preset}");
        let g = graph(&instance.roads);
        assert_eq!(
            drive_reach(&g),
            (g.points.len(), g.points.len()),
            "{preset}"
        );
    }
}

/// Segments of `roads` that touch or cross `river`.
fn crossings(roads: &[Road], river: &LineString<f64>) -> Vec<(usize, Line<f64>)> {
    let mut found = Vec::new();
    for (r, road) in roads.iter().enumerate() {
        for w in road.line.windows(2) {
            let segment = Line::new(w[0], w[1]);
            if segment.intersects(river) {
                found.push((r, segment));
            }
        }
    }
    found
}

/// The Karun splits Khorramshahr (and the demo city, at the same place): roads cross it only on
/// its three bridges (two in town, one upstream), short major roads; without them the network
/// falls into the two banks, and households live on both.
#[test]
fn roads_cross_the_karun_only_on_its_bridges() {
    let river = LineString::from(KARUN.line());
    for preset in [Preset::Khorramshahr, Preset::Demo] {
        let instance = generate(preset, 1);
        let bridges = crossings(&instance.roads, &river);
        assert_eq!(bridges.len(), 3, "{preset}: {bridges:?}");
        for (r, segment) in &bridges {
            let road = &instance.roads[*r];
            assert!(road.major && road.line.len() == 2, "{preset}: {road:?}");
            let length = crate::spatial::haversine_m(segment.start.into(), segment.end.into());
            assert!(length < 500.0, "{preset}: a bridge of {length:.0} m");
        }
        let g = graph(&instance.roads);
        let bridge_edges: Vec<usize> = g
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| bridges.iter().any(|(r, _)| *r == e.3))
            .map(|(k, _)| k)
            .collect();
        let (label, count) = components(&g, |e| bridge_edges.contains(&e));
        assert_eq!(
            count, 2,
            "{preset}: the banks are not apart without the bridges"
        );
        // Households on each bank: the bank of a household's nearest vertex.
        let mut per_bank = [0usize; 2];
        for p in &instance.demand {
            let metres = |v: usize| metres_to_segment(p.position, g.points[v], g.points[v]);
            let nearest = (0..g.points.len())
                .min_by(|&a, &b| metres(a).total_cmp(&metres(b)))
                .expect("vertices");
            per_bank[label[nearest] as usize] += 1;
        }
        let fewer = per_bank[0].min(per_bank[1]);
        assert!(
            fewer * 20 > instance.demand.len(),
            "{preset}: households per bank {per_bank:?}"
        );
    }
}

/// Shared vertices survive the file: writing and reading back gives the same roads, bit for bit.
#[test]
fn roads_read_back_exactly() {
    let dir = tempfile::tempdir().expect("temp dir");
    for preset in [Preset::Demo, Preset::Khorramshahr] {
        let roads = generate(preset, 1).roads;
        let path = dir.path().join(format!("{preset}.geojson"));
        let file = std::fs::File::create(&path).expect("created");
        write_roads(std::io::BufWriter::new(file), &roads).expect("written");
        let back = read_roads_geojson(&path, Travel::Drive).expect("read");
        assert_eq!(back, roads, "{preset}");
        for (a, b) in back.iter().zip(&roads) {
            for (p, q) in a.line.iter().zip(&b.line) {
                assert_eq!(
                    (p.x().to_bits(), p.y().to_bits()),
                    (q.x().to_bits(), q.y().to_bits())
                );
            }
        }
    }
}

/// `data/demo/` is exactly what `generate --preset demo --seed 1` writes, roads included.
#[test]
fn committed_demo_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(Preset::Demo, 1).write(dir.path()).expect("writes");
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    for name in [
        "demand.csv",
        "candidates.csv",
        "neighbourhoods.geojson",
        "roads.geojson",
    ] {
        let written = std::fs::read(dir.path().join(name)).expect("written");
        let committed = std::fs::read(demo.join(name)).expect("committed");
        assert!(
            written == committed,
            "{name} differs from data/demo/{name}: regenerate it"
        );
    }
}
