//! `siting assign` end to end on the fixtures in `tests/data/assign/` (answers worked out by hand
//! in its README), and its bad inputs.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// One u: 0.01° of longitude on the equator, in metres.
const U: f64 = 1_111.950_802_335_329;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/assign")
        .join(name)
        .display()
        .to_string()
}

fn siting_assign(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siting"))
        .arg("assign")
        .args(["--demand", &fixture("demand.csv")])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Runs `siting assign`, asserts success, returns assign.json and assignment.csv.
fn assign(args: &[&str]) -> (Value, String) {
    let out = tempfile::tempdir().unwrap();
    let output = siting_assign(args, out.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = std::fs::read_to_string(out.path().join("assign.json")).unwrap();
    let csv = std::fs::read_to_string(out.path().join("assignment.csv")).unwrap();
    assert!(out.path().join("loads.csv").exists());
    (serde_json::from_str(&json).unwrap(), csv)
}

fn close(got: &Value, want: f64) {
    let got = got.as_f64().unwrap();
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
}

fn loads(json: &Value) -> Vec<f64> {
    json["centres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["load"].as_f64().unwrap())
        .collect()
}

#[test]
fn split_assignment_is_the_hand_checked_optimum() {
    let (json, csv) = assign(&["--centres", &fixture("centres.csv")]);
    close(&json["total_cost"], 23.0 * U);
    close(&json["lower_bound"], 23.0 * U);
    close(&json["total_weight"], 7.0);
    close(&json["unassigned_weight"], 0.0);
    assert_eq!(loads(&json), [3.0, 4.0]);
    assert_eq!(json["centres"][0]["utilisation"].as_f64(), Some(1.0));
    assert_eq!(
        csv,
        "demand_id,centre_id,weight,distance_m\n\
         d1,A,2,0.000\n\
         d2,A,1,2223.902\n\
         d2,B,1,8895.606\n\
         d3,B,2,6671.705\n\
         d4,B,1,1111.951\n"
    );
}

#[test]
fn no_split_gives_whole_points_and_the_split_bound() {
    let (json, csv) = assign(&["--centres", &fixture("centres.csv"), "--no-split"]);
    close(&json["total_cost"], 29.0 * U);
    close(&json["lower_bound"], 23.0 * U);
    close(&json["gap"], 6.0 / 23.0);
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.contains("d1,A,2,"), "{csv}");
}

#[test]
fn balance_bounds_loads_from_both_sides() {
    let (json, _) = assign(&[
        "--centres",
        &fixture("centres-nocap.csv"),
        "--balance",
        "0.2",
    ]);
    close(&json["total_cost"], 16.6 * U);
    let l = loads(&json);
    assert!(
        (l[0] - 4.2).abs() < 1e-9 && (l[1] - 2.8).abs() < 1e-9,
        "{l:?}"
    );
}

#[test]
fn infeasible_capacity_exits_2_with_the_deficit() {
    let out = tempfile::tempdir().unwrap();
    let output = siting_assign(
        &["--centres", &fixture("centres.csv"), "--capacity", "3"],
        out.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("infeasible capacity") && stderr.contains("1 short"),
        "{stderr}"
    );
}

#[test]
fn a_centre_without_capacity_is_named() {
    let out = tempfile::tempdir().unwrap();
    let output = siting_assign(&["--centres", &fixture("centres-nocap.csv")], out.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"A\" has no capacity"), "{stderr}");
}

/// The split optimum's access figures with a radius of 3u (3,335.85 m): d1's 2 at A (0), d2's
/// unit at A (2u) and d4 at B (1u) are covered, d2's unit at B (8u) and d3 at B (6u) are not:
/// 4 of 7. Mean 23u / 7; farthest part 8u.
#[test]
fn access_figures_measure_the_assignment_itself() {
    let out = tempfile::tempdir().unwrap();
    let output = siting_assign(
        &["--centres", &fixture("centres.csv"), "--radius", "3335.86"],
        out.path(),
    );
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(out.path().join("access.json")).unwrap();
    let access: Value = serde_json::from_str(&text).unwrap();
    close(&access["total_weight"], 7.0);
    close(&access["covered_weight"], 4.0);
    close(&access["mean_distance_m"], 23.0 * U / 7.0);
    close(&access["max_distance_m"], 8.0 * U);
}

#[test]
fn per_kind_radii_need_neighbourhoods() {
    let out = tempfile::tempdir().unwrap();
    let output = siting_assign(
        &[
            "--centres",
            &fixture("centres.csv"),
            "--radius-rural",
            "5000",
        ],
        out.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("need --neighbourhoods"), "{stderr}");
}
