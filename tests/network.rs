//! Distances along roads end to end: the river fixture worked by hand (`tests/data/network/
//! README.md`), one-way streets, the PBF and GeoJSON forms of one real network, the straight
//! line as a floor, snapping limits, and the errors a planner meets.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Metres of 0.001° on a great circle of radius 6,371,008.8 m.
const MILLI_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0 / 1000.0;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/network")
        .join(path)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `siting` with `args` and `--out` a new folder, asserts success, returns the folder.
fn ok(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut all: Vec<&str> = args.to_vec();
    let dir = out.path().to_str().unwrap().to_owned();
    all.extend(["--out", &dir, "--no-map"]);
    let output = run(&all);
    assert_eq!(
        output.status.code(),
        Some(0),
        "siting {all:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Runs `siting` expecting exit status 2, and returns stderr.
fn fails(args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut all: Vec<&str> = args.to_vec();
    let dir = out.path().to_str().unwrap().to_owned();
    all.extend(["--out", &dir]);
    let output = run(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "siting {all:?}: {stderr}");
    stderr
}

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

/// assignment.csv as (demand, centre, distance) rows.
fn assignment(dir: &Path) -> Vec<(String, String, f64)> {
    std::fs::read_to_string(dir.join("assignment.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let d = cells[2].parse().unwrap_or(f64::INFINITY);
            (cells[0].to_owned(), cells[1].to_owned(), d)
        })
        .collect()
}

/// `siting access` on the river's demand and both candidates as centres.
fn river(args: &[&str]) -> tempfile::TempDir {
    let (demand, centres) = (fixture("river/demand.csv"), fixture("river/candidates.csv"));
    let mut all = vec!["access", "--demand", &demand, "--centres", &centres];
    all.extend_from_slice(args);
    ok(&all)
}

#[test]
fn the_river_keeps_the_far_bank_far() {
    let roads = fixture("river/roads.geojson");
    let straight = river(&["--radius", "1700"]);
    let along = river(&["--radius", "1700", "--network", &roads]);
    // Straight lines: d1 is 222 m from c1 across the water.
    let rows = assignment(straight.path());
    assert_eq!((rows[0].1.as_str(), rows[1].1.as_str()), ("c1", "c2"));
    // Along the roads: d1's nearest is c2 on its own bank, d2's is c1 on its own.
    let rows = assignment(along.path());
    let leg = 0.5 * MILLI_DEGREE;
    assert_eq!(rows[0].1, "c2");
    assert!((rows[0].2 - 15.0 * MILLI_DEGREE).abs() < 0.01, "{rows:?}");
    assert_eq!(rows[1].1, "c1");
    assert!(
        (rows[1].2 - (leg + 10.0 * MILLI_DEGREE)).abs() < 0.01,
        "{rows:?}"
    );
    let access = json(along.path(), "access.json");
    assert_eq!(access["network"]["demand"]["points"], 2);
    assert_eq!(access["network"]["parts"], 1);
    assert_eq!(access["covered_weight"], 8.0);
}

#[test]
fn the_plan_on_roads_picks_the_site_on_the_near_bank() {
    let folder = tempfile::tempdir().unwrap();
    for name in ["demand.csv", "candidates.csv"] {
        std::fs::copy(fixture(&format!("river/{name}")), folder.path().join(name)).unwrap();
    }
    let dir = folder.path().to_str().unwrap();
    let args = [
        "plan", dir, "--model", "mclp", "--p", "1", "--radius", "1700",
    ];
    let straight = ok(&args);
    assert_eq!(json(straight.path(), "plan.json")["chosen"][0], "c1");
    assert_eq!(json(straight.path(), "plan.json")["objective"], 8.0);
    // The folder's roads.geojson is used without a flag.
    std::fs::copy(
        fixture("river/roads.geojson"),
        folder.path().join("roads.geojson"),
    )
    .unwrap();
    let along = ok(&args);
    let plan = json(along.path(), "plan.json");
    assert_eq!(plan["chosen"][0], "c2");
    assert_eq!(
        (plan["objective"].as_f64(), plan["bound"].as_f64()),
        (Some(5.0), Some(5.0))
    );
}

#[test]
fn a_one_way_bridge_strands_the_far_bank() {
    let roads = fixture("river/roads-oneway-north.geojson");
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("c1.csv"), "id,lon,lat\nc1,0.0,0.0\n").unwrap();
    let centres = out.path().join("c1.csv");
    let dir = river(&["--radius", "1700", "--network", &roads]);
    // Both centres: d1 still reaches c2 on its bank.
    assert_eq!(assignment(dir.path())[0].1, "c2");
    let only_c1 = ok(&[
        "access",
        "--demand",
        &fixture("river/demand.csv"),
        "--centres",
        centres.to_str().unwrap(),
        "--radius",
        "1700",
        "--network",
        &roads,
    ]);
    let rows = assignment(only_c1.path());
    assert_eq!(rows.len(), 2, "every demand point is listed");
    assert_eq!(rows[0].1, "", "d1 cannot cross the bridge southwards");
    assert_eq!(rows[1].1, "c1");
    let access = json(only_c1.path(), "access.json");
    assert_eq!(access["unreachable_weight"], 5.0);
}

#[test]
fn pbf_and_geojson_forms_of_one_network_give_the_same_outputs() {
    for travel in ["walk", "drive"] {
        let run_with = |roads: String| {
            ok(&[
                "access",
                "--demand",
                &fixture("kotka-demand.csv"),
                "--centres",
                &fixture("kotka-centres.csv"),
                "--radius",
                "600",
                "--network",
                &roads,
                "--travel",
                travel,
            ])
        };
        let pbf = run_with(fixture("test.osm.pbf"));
        let geojson = run_with(fixture(&format!("test-{travel}.geojson")));
        for file in ["assignment.csv", "access.json", "centres.csv"] {
            assert_eq!(
                std::fs::read(pbf.path().join(file)).unwrap(),
                std::fs::read(geojson.path().join(file)).unwrap(),
                "{travel}: {file}"
            );
        }
    }
}

#[test]
fn no_road_distance_is_shorter_than_the_straight_line() {
    let base = [
        "access",
        "--demand",
        &*fixture("kotka-demand.csv"),
        "--centres",
        &*fixture("kotka-centres.csv"),
        "--radius",
        "600",
    ];
    let straight = assignment(ok(&base).path());
    let roads = fixture("test.osm.pbf");
    let mut with_roads = base.to_vec();
    with_roads.extend(["--network", &roads]);
    let along = assignment(ok(&with_roads).path());
    let mut longer = 0;
    for (s, a) in straight.iter().zip(&along) {
        assert_eq!(s.0, a.0);
        // The nearest centre by road is no nearer than the nearest by straight line.
        assert!(a.2 >= s.2 - 1e-6, "{s:?} vs {a:?}");
        longer += usize::from(a.2 > s.2 * 1.01);
    }
    assert!(longer > 100, "roads lengthen most trips: {longer}");
}

#[test]
fn places_beyond_the_snapping_limit_are_counted_not_dropped() {
    let dir = river(&[
        "--radius",
        "5000",
        "--network",
        &fixture("river/roads.geojson"),
        "--snap-max",
        "20",
    ]);
    let rows = assignment(dir.path());
    assert_eq!(rows.len(), 2);
    // d2 is 55.6 m from its road: unreachable; d1 lies on its road.
    assert_eq!((rows[0].1.as_str(), rows[1].1.as_str()), ("c2", ""));
    let access = json(dir.path(), "access.json");
    assert_eq!(access["network"]["demand"]["unreachable_points"], 1);
    assert_eq!(access["network"]["demand"]["unreachable_weight"], 3.0);
    assert_eq!(access["total_weight"], 8.0);
}

#[test]
fn bad_networks_and_settings_exit_2_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let points = write(
        "points.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
    );
    let empty = write(
        "empty.geojson",
        br#"{"type":"FeatureCollection","features":[]}"#,
    );
    let corrupt = write(
        "roads.osm.pbf",
        b"\x00\x00\x00\x0dthis is not a PBF file at all",
    );
    let dots = write(
        "dots.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[0,0]]}}]}"#,
    );
    let text = write("roads.txt", b"x");
    let (demand, centres) = (fixture("river/demand.csv"), fixture("river/candidates.csv"));
    let access = |extra: &[&str]| {
        let mut args = vec!["access", "--demand", &demand, "--centres", &centres];
        args.extend(["--radius", "1000"]);
        args.extend_from_slice(extra);
        fails(&args)
    };
    let path = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let err = access(&["--network", &path(&points)]);
    assert!(
        err.contains("points.geojson") && err.contains("feature 0") && err.contains("LineString"),
        "{err}"
    );
    let err = access(&["--network", &path(&empty)]);
    assert!(
        err.contains("empty.geojson") && err.contains("no features"),
        "{err}"
    );
    let err = access(&["--network", &path(&corrupt)]);
    assert!(err.contains("roads.osm.pbf"), "{err}");
    let err = access(&["--network", &path(&dots)]);
    assert!(
        err.contains("dots.geojson") && err.contains("no road of any length"),
        "{err}"
    );
    let err = access(&["--network", &path(&text)]);
    assert!(
        err.contains("roads.txt") && err.contains(".osm.pbf"),
        "{err}"
    );
    let err = access(&["--network", &path(&points), "--travel", "bike"]);
    assert!(
        err.contains("bike") && err.contains("walk or drive"),
        "{err}"
    );
    let err = access(&["--travel", "drive"]);
    assert!(err.contains("need a road network"), "{err}");
    let roads = fixture("river/roads.geojson");
    let err = access(&["--network", &roads, "--snap-max=-5"]);
    assert!(
        err.contains("--snap-max") && !err.contains("roads.geojson"),
        "{err}"
    );
    // The same settings in a scenario are located by line.
    let scenario = |key: &str| {
        let text = format!(
            "demand = {:?}\ncandidates = {:?}\nmodel = \"mclp\"\np = 1\nradius = 100\n{key}\n",
            demand, centres
        );
        write("s.toml", text.as_bytes())
    };
    let err = fails(&["plan", &path(&scenario("travel = \"bike\""))]);
    assert!(
        err.contains("s.toml: line 6") && err.contains("bike"),
        "{err}"
    );
    let err = fails(&["plan", &path(&scenario("snap_max = -3"))]);
    assert!(
        err.contains("s.toml: line 6") && err.contains("snap_max"),
        "{err}"
    );
    let cost = write("cost.csv", b"demand_id,candidate_id,metres\nd1,c1,5\n");
    let err = access(&[
        "--network",
        &fixture("river/roads.geojson"),
        "--cost",
        &path(&cost),
    ]);
    assert!(err.contains("both a cost matrix"), "{err}");
}

#[test]
fn travel_time_reads_radii_in_minutes() {
    // Walking at 4.5 km/h: d2 → c1 is 1,167.5 m, 15.6 minutes.
    let dir = river(&[
        "--radius",
        "16",
        "--network",
        &fixture("river/roads.geojson"),
        "--by",
        "time",
    ]);
    // assignment.csv: the fastest way's metres, then its minutes.
    let text = std::fs::read_to_string(dir.path().join("assignment.csv")).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        lines[0],
        ["demand_id", "centre_id", "distance_m", "minutes"]
    );
    let metres = 0.5 * MILLI_DEGREE + 10.0 * MILLI_DEGREE;
    let minutes = metres / 4500.0 * 60.0;
    assert_eq!(lines[2][1], "c1");
    let number = |cell: &str| cell.parse::<f64>().unwrap();
    assert!((number(lines[2][2]) - metres).abs() < 1e-2, "{text}");
    assert!((number(lines[2][3]) - minutes).abs() < 1e-3, "{text}");
    let access = json(dir.path(), "access.json");
    assert_eq!(access["distance_unit"], "minutes");
    assert_eq!(access["network"]["by"], "time");
    assert_eq!(
        access["covered_weight"], 3.0,
        "d1 is 15 × 1.48 = 22 minutes from c2"
    );
}
