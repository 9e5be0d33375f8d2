//! OpenStreetMap PBF extracts (`.osm.pbf`) read into the roads one travel profile may use.
//!
//! # Which ways become roads
//!
//! Every way with a `highway` tag that the profile admits becomes one [`Road`] whose line is its
//! nodes' coordinates in order. Roads meet where they share a vertex with exactly the same
//! coordinates, which is what a shared OSM node gives, so no topology is kept beyond coordinates.
//!
//! **Walk** ([`Travel::Walk`]) admits the classes of [`WALK_CLASSES`] (footways, paths, steps,
//! tracks, cycleways, every road below motorway and its links); motorways and their links are not
//! among them. Access follows OSM's hierarchy, the most specific key present deciding: `foot`,
//! else `access`; the way is closed when that value is `no` or `private`. So `access=private`
//! with `foot=yes` (or `designated`, `permissive`) is open, and `foot=no` is closed whatever
//! `access` says. `oneway` does not bind walkers: a road is two-way unless `oneway:foot` is
//! `yes|true|1` (drawn order) or `-1|reverse` (against it). Speed: [`WALK_KMH`].
//!
//! **Drive** ([`Travel::Drive`]) admits the classes for which [`drive_speed_kmh`] has a speed,
//! except `area=yes`. Access: the most specific of `motorcar`, `motor_vehicle`, `vehicle`,
//! `access` present decides, closed when `no` or `private` (so `access=no` + `motor_vehicle=yes`
//! is open and `motorcar=no` is closed). Direction: `oneway=yes|true|1` is one-way in drawn order,
//! `oneway=-1|reverse` one-way against it (the line is then stored reversed, so every one-way
//! road runs in its travel direction), `oneway=no|false|0` two-way; otherwise (no tag,
//! `reversible`, `alternating`, ...) `junction=roundabout|circular` and `highway=motorway` are
//! one-way in drawn order and the rest two-way. Speed: `maxspeed` when it parses (see
//! [`maxspeed_kmh`]: `50`, `50 km/h`, `30 mph`, `walk` = 5), else the class's usual speed.
//!
//! `major` is [`is_major`] of the class, for both profiles.
//!
//! # Geometry
//!
//! Coordinates are the file's nanodegrees divided by 10⁹ (for the usual granularity, exactly the
//! value libosmium and osmosis give). Consecutive repeats of the same position are dropped. A
//! way whose nodes are missing from the extract (ways cut at its edge) is split at the gaps: each
//! run of present nodes with at least two distinct positions is a road of its own, shorter runs
//! are dropped. Ways that lose parts this way are typically the dangling ends at the extract's
//! border; the graph builder reports the disconnected parts they leave, and a file where nothing
//! usable remains is an error that counts them. Files whose ways carry their node locations
//! (`LocationsOnWays`, e.g. from `osmium add-locations-to-ways`) are read without the nodes.
//!
//! # Reading
//!
//! Two passes over the file, each decoding blocks in parallel: the first keeps the admitted ways
//! with their node ids, the second only the coordinates of the nodes they need (a sorted id list
//! and one coordinate pair per needed node, so a province's ten million nodes cost little), and
//! decodes only the blocks the first pass saw nodes in. Roads come out sorted by way id, then in
//! the way's node order, the same on every run.

use crate::error::ReadError;
use crate::model::{Road, Travel, WALK_KMH, drive_speed_kmh, is_major};
use geo::Point;
use osmpbf::{Blob, BlobDecode, BlobReader, HeaderBlock, PrimitiveBlock};
use rayon::prelude::*;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Highway classes a walker may use (subject to access tags).
const WALK_CLASSES: &[&str] = &[
    "footway",
    "path",
    "pedestrian",
    "steps",
    "corridor",
    "platform",
    "cycleway",
    "bridleway",
    "track",
    "living_street",
    "residential",
    "service",
    "unclassified",
    "road",
    "tertiary",
    "tertiary_link",
    "secondary",
    "secondary_link",
    "primary",
    "primary_link",
    "trunk",
    "trunk_link",
];

/// Access values that close a way to the traveller the key applies to.
const CLOSED: &[&str] = &["no", "private"];

/// Speed posted as `maxspeed=walk`, in km/h.
const WALKING_PACE_KMH: f64 = 5.0;

/// Reads the roads of an `.osm.pbf` extract that `travel` may use, in way id order (the rules are
/// in the module documentation).
///
/// Fails when the file cannot be opened, is not an OpenStreetMap PBF file or is corrupt (the
/// decoder's reason is included), is a history file or needs a feature this reader lacks, has a
/// node outside the valid coordinate range, or holds no road the profile admits.
pub fn read_osm_pbf(path: &Path, travel: Travel) -> Result<Vec<Road>, ReadError> {
    let found = scan_ways(path, travel)?;
    let mut needed: Vec<i64> = found
        .ways
        .iter()
        .filter_map(|way| match &way.nodes {
            WayNodes::Refs(refs) => Some(refs.iter().copied()),
            WayNodes::Located(_) => None,
        })
        .flatten()
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let positions = if needed.is_empty() {
        Vec::new()
    } else {
        node_positions(path, &needed, &found.node_blobs)?
    };

    let mut roads = Vec::with_capacity(found.ways.len());
    let mut cut_ways = 0usize;
    let mut run: Vec<Nano> = Vec::new();
    for way in &found.ways {
        let start = roads.len();
        let mut cut = false;
        let mut visit = |at: Option<Nano>| match at {
            Some(at) => {
                if run.last() != Some(&at) {
                    run.push(at);
                }
            }
            None => {
                cut = true;
                push_run(&mut run, &way.rule, &mut roads);
            }
        };
        match &way.nodes {
            WayNodes::Refs(refs) => refs.iter().for_each(|id| {
                let at = needed.binary_search(id).ok().and_then(|i| positions[i]);
                visit(at)
            }),
            WayNodes::Located(located) => located.iter().for_each(|&at| visit(at)),
        }
        push_run(&mut run, &way.rule, &mut roads);
        if way.rule.direction == Direction::Reversed {
            roads[start..]
                .iter_mut()
                .for_each(|road| road.line.reverse());
        }
        cut_ways += usize::from(cut);
    }

    if roads.is_empty() {
        let profile = match travel {
            Travel::Walk => "walking",
            Travel::Drive => "driving",
        };
        let problem = if found.ways.is_empty() {
            format!(
                "no road is usable for {profile}: {} ways with a highway tag, none admitted",
                found.highway_ways
            )
        } else {
            format!(
                "no road is usable for {profile}: {} ways with a highway tag, {} admitted, but \
                 none keeps two distinct positions in a row ({cut_ways} of them have nodes \
                 missing from the extract)",
                found.highway_ways,
                found.ways.len()
            )
        };
        return Err(ReadError::file(path, problem));
    }
    Ok(roads)
}

/// A position in nanodegrees: (longitude, latitude).
type Nano = (i64, i64);

/// Ends the current run of present nodes: a road when it has two positions or more.
fn push_run(run: &mut Vec<Nano>, rule: &Rule, roads: &mut Vec<Road>) {
    if run.len() >= 2 {
        roads.push(Road {
            line: run
                .iter()
                .map(|&(lon, lat)| Point::new(lon as f64 / 1e9, lat as f64 / 1e9))
                .collect(),
            oneway: rule.direction != Direction::Both,
            speed_kmh: rule.speed_kmh,
            major: rule.major,
        });
    }
    run.clear();
}

/// A position within the valid range, else `None` (libosmium marks an unknown location on a way
/// with coordinates far outside it).
fn valid(lon: i64, lat: i64) -> Option<Nano> {
    let ok = (-180_000_000_000..=180_000_000_000).contains(&lon)
        && (-90_000_000_000..=90_000_000_000).contains(&lat);
    ok.then_some((lon, lat))
}

// ---- the tag rules ---------------------------------------------------------------------------

/// The tags the rules read, borrowed from one way.
#[derive(Debug, Default, Clone, Copy)]
struct Tags<'a> {
    highway: Option<&'a str>,
    access: Option<&'a str>,
    foot: Option<&'a str>,
    vehicle: Option<&'a str>,
    motor_vehicle: Option<&'a str>,
    motorcar: Option<&'a str>,
    oneway: Option<&'a str>,
    oneway_foot: Option<&'a str>,
    junction: Option<&'a str>,
    area: Option<&'a str>,
    maxspeed: Option<&'a str>,
}

impl<'a> Tags<'a> {
    fn of(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut tags = Tags::default();
        for (key, value) in pairs {
            let slot = match key {
                "highway" => &mut tags.highway,
                "access" => &mut tags.access,
                "foot" => &mut tags.foot,
                "vehicle" => &mut tags.vehicle,
                "motor_vehicle" => &mut tags.motor_vehicle,
                "motorcar" => &mut tags.motorcar,
                "oneway" => &mut tags.oneway,
                "oneway:foot" => &mut tags.oneway_foot,
                "junction" => &mut tags.junction,
                "area" => &mut tags.area,
                "maxspeed" => &mut tags.maxspeed,
                _ => continue,
            };
            *slot = Some(value);
        }
        tags
    }
}

/// Which way along its line a road may be travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Both ways.
    Both,
    /// Only in the order the way lists its nodes.
    Drawn,
    /// Only against that order.
    Reversed,
}

/// What a profile makes of an admitted way.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rule {
    direction: Direction,
    speed_kmh: f64,
    major: bool,
}

/// The rule for a way, or `None` when `travel` may not use it.
fn rule_of(tags: &Tags, travel: Travel) -> Option<Rule> {
    let highway = tags.highway?;
    let (direction, speed_kmh) = match travel {
        Travel::Walk => {
            if !walkable(tags) {
                return None;
            }
            (
                oneway_of(tags.oneway_foot).unwrap_or(Direction::Both),
                WALK_KMH,
            )
        }
        Travel::Drive => {
            let class_kmh = drive_speed_kmh(highway)?;
            if !drivable(tags) {
                return None;
            }
            let speed = tags.maxspeed.and_then(maxspeed_kmh).unwrap_or(class_kmh);
            (drive_direction(tags), speed)
        }
    };
    Some(Rule {
        direction,
        speed_kmh,
        major: is_major(highway),
    })
}

/// Open unless the most specific access value present (keys from specific to general) closes it.
fn open_to(values: &[Option<&str>]) -> bool {
    values
        .iter()
        .find_map(|v| *v)
        .is_none_or(|v| !CLOSED.contains(&v))
}

fn walkable(tags: &Tags) -> bool {
    tags.highway.is_some_and(|h| WALK_CLASSES.contains(&h)) && open_to(&[tags.foot, tags.access])
}

fn drivable(tags: &Tags) -> bool {
    tags.highway.and_then(drive_speed_kmh).is_some()
        && tags.area != Some("yes")
        && open_to(&[tags.motorcar, tags.motor_vehicle, tags.vehicle, tags.access])
}

/// An explicit `oneway`-style value: `Some(Both)` for a stated two-way, `None` when it says
/// nothing this reader understands.
fn oneway_of(value: Option<&str>) -> Option<Direction> {
    match value? {
        "yes" | "true" | "1" => Some(Direction::Drawn),
        "-1" | "reverse" => Some(Direction::Reversed),
        "no" | "false" | "0" => Some(Direction::Both),
        _ => None,
    }
}

fn drive_direction(tags: &Tags) -> Direction {
    oneway_of(tags.oneway).unwrap_or_else(|| {
        let implied = matches!(tags.junction, Some("roundabout" | "circular"))
            || tags.highway == Some("motorway");
        if implied {
            Direction::Drawn
        } else {
            Direction::Both
        }
    })
}

/// A `maxspeed` value in km/h: digits (with an optional decimal point) and an optional unit,
/// none, `km/h`, `kmh`, `kph`, `mph` or `knots`; `walk` is 5. `None` for anything else (`none`,
/// `signals`, zone codes like `FI:urban`, several values), so the class's speed applies.
fn maxspeed_kmh(value: &str) -> Option<f64> {
    let value = value.trim();
    if value == "walk" {
        return Some(WALKING_PACE_KMH);
    }
    let digits = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(digits);
    let factor = match unit.trim() {
        "" | "km/h" | "kmh" | "kph" => 1.0,
        "mph" => 1.609344,
        "knots" => 1.852,
        _ => return None,
    };
    let kmh = number.parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

// ---- the two passes ----------------------------------------------------------------------------

/// An admitted way before its nodes are placed.
struct WayRoad {
    id: i64,
    rule: Rule,
    nodes: WayNodes,
}

enum WayNodes {
    /// Node ids, placed by the second pass.
    Refs(Vec<i64>),
    /// Positions carried by the way itself (`LocationsOnWays`); `None` where unknown.
    Located(Vec<Option<Nano>>),
}

/// What the first pass found in one blob.
#[derive(Default)]
struct BlobWays {
    header: bool,
    has_nodes: bool,
    highway_ways: usize,
    ways: Vec<WayRoad>,
}

/// What the first pass found in the file.
struct FoundWays {
    /// Admitted ways in way id order (file order among equal ids).
    ways: Vec<WayRoad>,
    highway_ways: usize,
    /// Per blob in file order: does it hold nodes?
    node_blobs: Vec<bool>,
}

fn open(path: &Path) -> Result<BlobReader<BufReader<File>>, ReadError> {
    let file = File::open(path)
        .map_err(|e| ReadError::file(path, format!("cannot open the file: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| ReadError::file(path, format!("cannot read the file: {e}")))?
        .len();
    if len == 0 {
        return Err(ReadError::file(
            path,
            "the file is empty: expected an OpenStreetMap PBF extract (.osm.pbf)",
        ));
    }
    Ok(BlobReader::new(BufReader::new(file)))
}

/// The decoder's failure in words, its own reason included.
fn corrupt(e: osmpbf::Error) -> String {
    match e.kind() {
        osmpbf::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("not an OpenStreetMap PBF file, or a corrupt or truncated one: {e}"),
    }
}

/// Decodes every blob in parallel with `decode`, and returns the results in file order, or the
/// first failure in file order (so the message does not depend on thread timing).
fn each_blob<T: Send>(
    path: &Path,
    wanted: impl Fn(usize) -> bool + Sync + Send,
    decode: impl Fn(&Blob) -> Result<T, String> + Sync + Send,
) -> Result<Vec<T>, ReadError> {
    let mut done: Vec<(usize, Result<T, String>)> = open(path)?
        .enumerate()
        .filter(|(i, _)| wanted(*i))
        .par_bridge()
        .map(|(i, blob)| (i, blob.map_err(corrupt).and_then(|blob| decode(&blob))))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter()
        .map(|(_, r)| r.map_err(|problem| ReadError::file(path, problem)))
        .collect()
}

/// The first pass: the admitted ways, and which blobs hold nodes.
fn scan_ways(path: &Path, travel: Travel) -> Result<FoundWays, ReadError> {
    let blobs = each_blob(path, |_| true, |blob| ways_in(blob, travel))?;
    if !blobs.iter().any(|b| b.header) {
        return Err(ReadError::file(
            path,
            "not an OpenStreetMap PBF file: it has no OSMHeader block",
        ));
    }
    let node_blobs = blobs.iter().map(|b| b.has_nodes).collect();
    let highway_ways = blobs.iter().map(|b| b.highway_ways).sum();
    let mut ways: Vec<WayRoad> = blobs.into_iter().flat_map(|b| b.ways).collect();
    ways.sort_by_key(|w| w.id);
    Ok(FoundWays {
        ways,
        highway_ways,
        node_blobs,
    })
}

fn ways_in(blob: &Blob, travel: Travel) -> Result<BlobWays, String> {
    match blob.decode().map_err(corrupt)? {
        BlobDecode::OsmHeader(header) => {
            check_header(&header)?;
            Ok(BlobWays {
                header: true,
                ..BlobWays::default()
            })
        }
        BlobDecode::OsmData(block) => Ok(ways_of_block(&block, travel)),
        BlobDecode::Unknown(_) => Ok(BlobWays::default()),
    }
}

/// Refuses what the PBF format says a reader must refuse: features it does not know.
fn check_header(header: &HeaderBlock) -> Result<(), String> {
    for feature in header.required_features() {
        match feature.as_str() {
            "OsmSchema-V0.6" | "DenseNodes" => {}
            "HistoricalInformation" => {
                return Err(
                    "it is a history file (every version of every object): use a \
                            current extract instead of an .osh.pbf"
                        .into(),
                );
            }
            other => {
                return Err(format!(
                    "it requires the PBF feature {other:?}, which this reader does not support"
                ));
            }
        }
    }
    Ok(())
}

fn ways_of_block(block: &PrimitiveBlock, travel: Travel) -> BlobWays {
    let mut found = BlobWays::default();
    for group in block.groups() {
        found.has_nodes |= group.nodes().next().is_some() || group.dense_nodes().next().is_some();
        for way in group.ways() {
            let tags = Tags::of(way.tags());
            if tags.highway.is_none() {
                continue;
            }
            found.highway_ways += 1;
            let Some(rule) = rule_of(&tags, travel) else {
                continue;
            };
            let refs = way.refs();
            let locations = way.node_locations();
            let count = refs.len();
            let nodes = if count > 0 && locations.len() == count {
                WayNodes::Located(
                    locations
                        .map(|at| valid(at.nano_lon(), at.nano_lat()))
                        .collect(),
                )
            } else {
                WayNodes::Refs(refs.collect())
            };
            found.ways.push(WayRoad {
                id: way.id(),
                rule,
                nodes,
            });
        }
    }
    found
}

/// The second pass: the position of each `needed` node id (sorted, distinct), `None` for the
/// ones the file lacks. Only blobs that hold nodes are decoded; a later copy of a node wins.
fn node_positions(
    path: &Path,
    needed: &[i64],
    node_blobs: &[bool],
) -> Result<Vec<Option<Nano>>, ReadError> {
    let wanted = |i: usize| node_blobs.get(i).copied().unwrap_or(true);
    let blobs = each_blob(path, wanted, |blob| {
        match blob.decode().map_err(corrupt)? {
            BlobDecode::OsmData(block) => nodes_of_block(&block, needed),
            _ => Ok(Vec::new()),
        }
    })?;
    let mut positions = vec![None; needed.len()];
    for (i, at) in blobs.into_iter().flatten() {
        positions[i] = Some(at);
    }
    Ok(positions)
}

/// The needed nodes of one block, as (index in `needed`, position).
fn nodes_of_block(block: &PrimitiveBlock, needed: &[i64]) -> Result<Vec<(usize, Nano)>, String> {
    let mut found = Vec::new();
    let mut keep = |id: i64, lon: i64, lat: i64| -> Result<(), String> {
        if let Ok(i) = needed.binary_search(&id) {
            let at = valid(lon, lat).ok_or_else(|| {
                format!(
                    "node {id} has coordinates outside the valid range: longitude {}, latitude {}",
                    lon as f64 / 1e9,
                    lat as f64 / 1e9
                )
            })?;
            found.push((i, at));
        }
        Ok(())
    };
    for group in block.groups() {
        for node in group.nodes() {
            keep(node.id(), node.nano_lon(), node.nano_lat())?;
        }
        for node in group.dense_nodes() {
            keep(node.id(), node.nano_lon(), node.nano_lat())?;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_roads_geojson;
    use std::cmp::Ordering;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/network")
            .join(name)
    }

    /// Roads in an order that does not depend on the reader: by line, then attributes.
    fn canonical(mut roads: Vec<Road>) -> Vec<Road> {
        let cmp_line = |a: &Road, b: &Road| {
            for (p, q) in a.line.iter().zip(&b.line) {
                let o = p.x().total_cmp(&q.x()).then(p.y().total_cmp(&q.y()));
                if o != Ordering::Equal {
                    return o;
                }
            }
            a.line.len().cmp(&b.line.len())
        };
        roads.sort_by(|a, b| {
            cmp_line(a, b)
                .then(a.oneway.cmp(&b.oneway))
                .then(a.speed_kmh.total_cmp(&b.speed_kmh))
                .then(a.major.cmp(&b.major))
        });
        roads
    }

    fn assert_same_roads(ours: Vec<Road>, theirs: Vec<Road>, what: &str) {
        let (ours, theirs) = (canonical(ours), canonical(theirs));
        assert_eq!(ours.len(), theirs.len(), "{what}: number of roads");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!(
                a.line == b.line
                    && a.oneway == b.oneway
                    && a.major == b.major
                    && (a.speed_kmh - b.speed_kmh).abs() <= 1e-9,
                "{what}: road {i} differs:\n PBF     {a:?}\n GeoJSON {b:?}"
            );
        }
    }

    #[test]
    fn each_profile_gives_the_roads_of_the_independent_pyosmium_geojson() {
        for stem in ["test", "rules"] {
            for travel in [Travel::Walk, Travel::Drive] {
                let pbf = read_osm_pbf(&fixture(&format!("{stem}.osm.pbf")), travel)
                    .expect("the fixture reads");
                let geojson = fixture(&format!("{stem}-{travel}.geojson"));
                let expected = read_roads_geojson(&geojson, travel).expect("the oracle reads");
                assert_same_roads(pbf, expected, &format!("{stem} {travel}"));
            }
        }
    }

    #[test]
    fn the_real_fixture_gives_the_counts_in_its_readme() {
        let walk = read_osm_pbf(&fixture("test.osm.pbf"), Travel::Walk).expect("reads");
        let drive = read_osm_pbf(&fixture("test.osm.pbf"), Travel::Drive).expect("reads");
        assert_eq!((walk.len(), drive.len()), (318, 206));
        assert_eq!(drive.iter().filter(|r| r.oneway).count(), 36);
        assert_eq!(drive.iter().filter(|r| r.major).count(), 25);
    }

    #[test]
    fn ways_carrying_their_locations_read_like_ways_with_nodes() {
        for travel in [Travel::Walk, Travel::Drive] {
            let with_nodes = read_osm_pbf(&fixture("rules.osm.pbf"), travel).expect("reads");
            let located = read_osm_pbf(&fixture("rules-low.osm.pbf"), travel).expect("reads");
            assert_eq!(with_nodes, located, "{travel}");
        }
    }

    /// (plain nodes, dense nodes, ways carrying locations) present in a file.
    fn encodings(path: &Path) -> (bool, bool, bool) {
        let mut seen = (false, false, false);
        for blob in BlobReader::from_path(path).expect("fixture") {
            match blob.expect("fixture").decode().expect("fixture") {
                BlobDecode::OsmHeader(header) => {
                    seen.2 |= header
                        .optional_features()
                        .iter()
                        .any(|f| f == "LocationsOnWays");
                }
                BlobDecode::OsmData(block) => {
                    for group in block.groups() {
                        seen.0 |= group.nodes().next().is_some();
                        seen.1 |= group.dense_nodes().next().is_some();
                    }
                }
                BlobDecode::Unknown(_) => {}
            }
        }
        seen
    }

    #[test]
    fn the_fixtures_cover_dense_nodes_plain_nodes_and_locations_on_ways() {
        assert_eq!(encodings(&fixture("test.osm.pbf")), (false, true, false));
        assert_eq!(encodings(&fixture("rules.osm.pbf")), (true, false, false));
        assert_eq!(
            encodings(&fixture("rules-low.osm.pbf")),
            (false, false, true)
        );
        assert_eq!(
            encodings(&fixture("rules-no-nodes.osm.pbf")),
            (false, false, false)
        );
    }

    #[test]
    fn output_is_in_way_id_order_and_the_same_every_run() {
        let path = fixture("test.osm.pbf");
        let first = read_osm_pbf(&path, Travel::Walk).expect("reads");
        for _ in 0..3 {
            assert_eq!(read_osm_pbf(&path, Travel::Walk).expect("reads"), first);
        }
        // The oracle writes features in way id order: the same order, part for part.
        let oracle =
            read_roads_geojson(&fixture("test-walk.geojson"), Travel::Walk).expect("reads");
        let lines = |roads: &[Road]| roads.iter().map(|r| r.line.clone()).collect::<Vec<_>>();
        assert_eq!(lines(&first), lines(&oracle));
    }

    /// (way id, vertices, oneway, speed, major, first vertex's column) for the hand-made fixture,
    /// whose way N lies on latitude 35.700 + N × 0.001 with columns 0.001° apart from 51.400.
    fn summary(roads: &[Road]) -> Vec<(i64, usize, bool, f64, bool, i64)> {
        roads
            .iter()
            .map(|r| {
                let lat = r.line.iter().map(|p| p.y()).fold(f64::INFINITY, f64::min);
                let way = ((lat - 35.700) / 0.001).round() as i64;
                let column = ((r.line[0].x() - 51.400) / 0.001).round() as i64;
                (way, r.line.len(), r.oneway, r.speed_kmh, r.major, column)
            })
            .collect()
    }

    #[test]
    fn walking_rules_on_hand_made_ways() {
        let roads = read_osm_pbf(&fixture("rules.osm.pbf"), Travel::Walk).expect("reads");
        let w = WALK_KMH;
        #[rustfmt::skip]
        let expected = vec![
            (1, 3, false, w, false, 0),  // residential
            (2, 2, false, w, false, 0),  // footway (3, 4: motorways are not for walking)
            (5, 3, false, w, true, 0),   // primary, oneway=-1 does not bind walkers
            (6, 5, false, w, false, 0),  // roundabout, walked both ways
            (8, 2, false, w, false, 0),  // access=private but foot=yes (7: private)
            (10, 2, false, w, false, 0), // motorcar=no (9: access=no, motor_vehicle=yes)
            (11, 5, false, w, false, 0), // service area=yes: its outline
            (13, 2, true, w, false, 0),  // steps oneway:foot=yes (12: foot=no)
            (14, 2, false, w, false, 0),
            (15, 2, false, w, false, 0),
            (16, 2, false, w, false, 0),
            (17, 2, false, w, false, 0), // oneway=yes does not bind walkers
            (18, 2, false, w, false, 0), // cut twice: two parts, the last lone node dropped
            (18, 2, false, w, false, 2),
            (22, 2, false, w, false, 0), // a repeated node is dropped (19: one node left)
            (23, 2, false, w, true, 0),  // trunk_link vehicle=no
            (25, 2, false, w, false, 0),
            (26, 2, false, w, true, 0),
            (27, 2, false, w, false, 0), // (28: access=private, only motorcar=yes)
            (29, 2, true, w, false, 1),  // oneway:foot=-1: stored reversed
        ];
        assert_eq!(summary(&roads), expected);
    }

    #[test]
    fn driving_rules_on_hand_made_ways() {
        let roads = read_osm_pbf(&fixture("rules.osm.pbf"), Travel::Drive).expect("reads");
        #[rustfmt::skip]
        let expected = vec![
            (1, 3, false, 30.0, false, 0),
            (3, 3, true, 110.0, true, 0),      // motorway: one-way implied
            (4, 2, false, 110.0, true, 0),     // motorway oneway=no
            (5, 3, true, 48.28032, true, 2),   // oneway=-1: reversed; 30 mph
            (6, 5, true, 50.0, false, 0),      // roundabout: one-way implied
            (9, 2, false, 30.0, false, 0),     // access=no, motor_vehicle=yes (7: private, 8: foot only)
            (12, 2, false, 60.0, true, 0),     // foot=no is no matter to cars (10: motorcar=no, 11: area)
            (14, 2, false, 5.0, false, 0),     // maxspeed=walk (13: steps)
            (15, 2, false, 30.0, false, 0),    // maxspeed=none: class speed
            (16, 2, false, 40.0, false, 0),    // maxspeed=signals: class speed
            (17, 2, true, 50.0, false, 0),     // oneway=yes, 50 km/h
            (18, 2, false, 30.0, false, 0),
            (18, 2, false, 30.0, false, 2),
            (22, 2, false, 30.0, false, 0),    // (23: vehicle=no)
            (24, 2, false, 50.0, true, 0),     // motorway_link: no implied one-way
            (25, 2, false, 30.0, false, 0),    // oneway=reversible: two-way
            (26, 2, false, 70.0, true, 0),     // roundabout oneway=no
            (27, 2, false, 50.0, false, 0),    // maxspeed=FI:urban: class speed
            (28, 2, false, 30.0, false, 0),    // access=private, motorcar=yes
        ];
        assert_eq!(summary(&roads), expected);
    }

    fn temp_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new()
            .suffix(".osm.pbf")
            .tempfile()
            .expect("temp file");
        std::io::Write::write_all(&mut file, bytes).expect("write");
        file
    }

    fn problem_with(bytes: &[u8], travel: Travel) -> String {
        let file = temp_with(bytes);
        let e = read_osm_pbf(file.path(), travel).expect_err("must fail");
        assert_eq!(e.path, file.path());
        assert_eq!(e.location, crate::error::Location::File);
        e.problem
    }

    #[test]
    fn unreadable_files_are_errors_that_name_the_file() {
        let missing = fixture("no-such-file.osm.pbf");
        let e = read_osm_pbf(&missing, Travel::Walk).expect_err("missing");
        assert_eq!(e.path, missing);
        assert!(e.problem.starts_with("cannot open the file"), "{e}");

        assert!(problem_with(b"", Travel::Walk).contains("empty"));
        let text = problem_with(b"id,lon,lat\nA,51.4,35.7\n", Travel::Walk);
        assert!(text.contains("not an OpenStreetMap PBF file"), "{text}");
        let three = problem_with(b"\0\0\0", Travel::Walk);
        assert!(three.contains("no OSMHeader"), "{three}");

        let whole = std::fs::read(fixture("test.osm.pbf")).expect("fixture");
        let half = problem_with(&whole[..whole.len() / 2], Travel::Drive);
        assert!(half.contains("corrupt or truncated"), "{half}");
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_an_error_or_a_result_never_a_panic() {
        let whole = std::fs::read(fixture("rules.osm.pbf")).expect("fixture");
        for len in 0..whole.len() {
            // Nothing usable survives the loss of any byte of this two-blob file.
            problem_with(&whole[..len], Travel::Walk);
        }
        for at in 0..whole.len() {
            let mut bytes = whole.clone();
            bytes[at] ^= 0xff;
            let file = temp_with(&bytes);
            if let Err(e) = read_osm_pbf(file.path(), Travel::Drive) {
                assert_eq!(e.path, file.path());
            }
        }
    }

    #[test]
    fn a_file_without_usable_roads_is_an_error_that_counts_the_ways() {
        let path = fixture("test.osm.pbf");
        let whole = std::fs::read(&path).expect("fixture");
        let second = BlobReader::from_path(&path)
            .expect("fixture")
            .nth(1)
            .expect("a data blob after the header")
            .expect("fixture");
        let header_end = second.offset().expect("from_path gives offsets").0 as usize;
        let problem = problem_with(&whole[..header_end], Travel::Walk);
        assert_eq!(
            problem,
            "no road is usable for walking: 0 ways with a highway tag, none admitted"
        );

        // The hand-made ways without any node: every way loses every node.
        let path = fixture("rules-no-nodes.osm.pbf");
        let e = read_osm_pbf(&path, Travel::Drive).expect_err("no nodes");
        assert_eq!(e.path, path);
        assert_eq!(
            e.problem,
            "no road is usable for driving: 28 ways with a highway tag, 19 admitted, but none \
             keeps two distinct positions in a row (19 of them have nodes missing from the \
             extract)"
        );
    }

    fn tags<'a>(pairs: &[(&'a str, &'a str)]) -> Tags<'a> {
        Tags::of(pairs.iter().copied())
    }

    #[test]
    fn maxspeed_reads_numbers_units_and_walk_and_leaves_the_rest_to_the_class() {
        let cases = [
            ("50", Some(50.0)),
            (" 50 km/h ", Some(50.0)),
            ("50km/h", Some(50.0)),
            ("50 kmh", Some(50.0)),
            ("50 kph", Some(50.0)),
            ("7.5", Some(7.5)),
            ("30 mph", Some(30.0 * 1.609344)),
            ("10 knots", Some(18.52)),
            ("walk", Some(5.0)),
            ("none", None),
            ("signals", None),
            ("variable", None),
            ("FI:urban", None),
            ("50;30", None),
            ("50 mp/h", None),
            ("0", None),
            ("-30", None),
            ("mph", None),
            (".", None),
            ("", None),
        ];
        for (value, kmh) in cases {
            assert_eq!(maxspeed_kmh(value), kmh, "{value:?}");
        }
    }

    #[test]
    fn access_follows_the_most_specific_key() {
        let walk = |pairs: &[(&str, &str)]| walkable(&tags(pairs));
        let drive = |pairs: &[(&str, &str)]| drivable(&tags(pairs));
        let road = ("highway", "residential");
        assert!(walk(&[road]) && drive(&[road]));
        assert!(!walk(&[road, ("access", "no")]));
        assert!(!walk(&[road, ("access", "private")]));
        for open in ["yes", "designated", "permissive"] {
            assert!(
                walk(&[road, ("access", "private"), ("foot", open)]),
                "{open}"
            );
        }
        assert!(!walk(&[road, ("foot", "no")]));
        assert!(!walk(&[road, ("access", "yes"), ("foot", "no")]));
        assert!(walk(&[road, ("access", "destination")]));

        assert!(!drive(&[road, ("access", "private")]));
        assert!(!drive(&[road, ("motor_vehicle", "no")]));
        assert!(!drive(&[road, ("motorcar", "no")]));
        assert!(!drive(&[road, ("vehicle", "no")]));
        assert!(!drive(&[
            road,
            ("motor_vehicle", "yes"),
            ("motorcar", "no")
        ]));
        assert!(drive(&[road, ("access", "no"), ("motor_vehicle", "yes")]));
        assert!(drive(&[road, ("access", "private"), ("motorcar", "yes")]));
        assert!(drive(&[
            road,
            ("vehicle", "no"),
            ("motorcar", "designated")
        ]));
        assert!(drive(&[road, ("access", "destination")]));
        assert!(drive(&[road, ("foot", "no")]));
        assert!(!drive(&[road, ("area", "yes")]));
        assert!(walk(&[road, ("area", "yes")]));
    }

    #[test]
    fn classes_per_profile() {
        for class in [
            "footway",
            "path",
            "steps",
            "cycleway",
            "track",
            "pedestrian",
            "corridor",
        ] {
            assert!(walkable(&tags(&[("highway", class)])), "{class}");
            assert!(!drivable(&tags(&[("highway", class)])), "{class}");
        }
        for class in ["motorway", "motorway_link"] {
            assert!(!walkable(&tags(&[("highway", class)])), "{class}");
            assert!(drivable(&tags(&[("highway", class)])), "{class}");
        }
        for class in [
            "trunk",
            "primary_link",
            "residential",
            "service",
            "living_street",
            "road",
        ] {
            assert!(walkable(&tags(&[("highway", class)])), "{class}");
            assert!(drivable(&tags(&[("highway", class)])), "{class}");
        }
        for class in [
            "construction",
            "proposed",
            "abandoned",
            "bus_guideway",
            "raceway",
        ] {
            assert!(!walkable(&tags(&[("highway", class)])), "{class}");
            assert!(!drivable(&tags(&[("highway", class)])), "{class}");
        }
        assert!(rule_of(&tags(&[("building", "yes")]), Travel::Walk).is_none());
    }

    #[test]
    fn direction_per_profile() {
        let drive = |pairs: &[(&str, &str)]| drive_direction(&tags(pairs));
        let road = ("highway", "residential");
        use Direction::*;
        assert_eq!(drive(&[road]), Both);
        for v in ["yes", "true", "1"] {
            assert_eq!(drive(&[road, ("oneway", v)]), Drawn, "{v}");
        }
        for v in ["-1", "reverse"] {
            assert_eq!(drive(&[road, ("oneway", v)]), Reversed, "{v}");
        }
        for v in ["reversible", "alternating", "no"] {
            assert_eq!(drive(&[road, ("oneway", v)]), Both, "{v}");
        }
        for j in ["roundabout", "circular"] {
            assert_eq!(drive(&[road, ("junction", j)]), Drawn, "{j}");
            assert_eq!(drive(&[road, ("junction", j), ("oneway", "no")]), Both);
        }
        assert_eq!(drive(&[("highway", "motorway")]), Drawn);
        assert_eq!(drive(&[("highway", "motorway"), ("oneway", "no")]), Both);
        assert_eq!(drive(&[("highway", "motorway_link")]), Both);

        let walk = |pairs: &[(&str, &str)]| {
            rule_of(&tags(pairs), Travel::Walk)
                .expect("walkable")
                .direction
        };
        assert_eq!(walk(&[road, ("oneway", "yes")]), Both);
        assert_eq!(walk(&[road, ("junction", "roundabout")]), Both);
        assert_eq!(walk(&[road, ("oneway:foot", "yes")]), Drawn);
        assert_eq!(walk(&[road, ("oneway:foot", "-1")]), Reversed);
        assert_eq!(
            walk(&[road, ("oneway", "yes"), ("oneway:foot", "no")]),
            Both
        );
    }

    #[test]
    fn speed_and_class_per_profile() {
        let rule =
            |pairs: &[(&str, &str)], travel| rule_of(&tags(pairs), travel).expect("admitted");
        let primary = [("highway", "primary"), ("maxspeed", "80")];
        assert_eq!(rule(&primary, Travel::Walk).speed_kmh, WALK_KMH);
        assert_eq!(rule(&primary, Travel::Drive).speed_kmh, 80.0);
        assert!(rule(&primary, Travel::Drive).major);
        let service = [("highway", "service"), ("maxspeed", "none")];
        assert_eq!(rule(&service, Travel::Drive).speed_kmh, 20.0);
        assert!(!rule(&service, Travel::Drive).major);
        assert!(rule(&[("highway", "trunk_link")], Travel::Walk).major);
    }

    #[test]
    fn positions_outside_the_valid_range_are_unknown() {
        assert_eq!(
            valid(180_000_000_000, -90_000_000_000),
            Some((180_000_000_000, -90_000_000_000))
        );
        assert_eq!(valid(180_000_000_001, 0), None);
        assert_eq!(valid(0, 90_000_000_001), None);
        // libosmium's undefined location, as written on ways: i32::MAX × 100 nanodegrees.
        assert_eq!(valid(214_748_364_700, 214_748_364_700), None);
    }
}
