//! `siting rotate` end to end on the fixture in `tests/data/rotate/` (answers worked out by hand
//! in its README) and on the embedded demo.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

/// Runs `siting rotate` on a folder with demand.csv, neighbourhoods.geojson and `centres`;
/// returns rotation.csv, rotation.geojson and the text of map.svg's labels.
fn rotate(dir: &str, centres: &str, args: &[&str]) -> (String, serde_json::Value, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .arg("rotate")
        .args(["--demand", &data(&format!("{dir}/demand.csv"))])
        .args([
            "--neighbourhoods",
            &data(&format!("{dir}/neighbourhoods.geojson")),
        ])
        .args(["--centres", &data(&format!("{dir}/{centres}"))])
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(out.path().join("rotation.csv")).unwrap();
    let geojson = std::fs::read_to_string(out.path().join("rotation.geojson")).unwrap();
    assert!(out.path().join("map.png").exists());
    let svg = std::fs::read_to_string(out.path().join("map.svg")).unwrap();
    let labels = roxmltree::Document::parse(&svg)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
        .collect();
    (csv, serde_json::from_str(&geojson).unwrap(), labels)
}

#[test]
fn the_hand_checked_rotation() {
    let (csv, geojson, labels) = rotate(
        "tests/data/rotate",
        "centres.csv",
        &["--months", "4", "--radius", "2000"],
    );
    assert_eq!(
        csv,
        "month,neighbourhood_id,name,kind,stop_demand_id,stop_lon,stop_lat,new_weight,cumulative_weight\n\
         1,B,Hood B,rural,b1,0.15,0.0,15.0,15.0\n\
         2,C,Hood C,informal,c1,0.25,0.0,12.0,27.0\n\
         3,A,Hood A,urban,a1,0.05,0.0,0.0,27.0\n\
         4,A,Hood A,urban,a1,0.05,0.0,0.0,27.0\n"
    );
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), 4);
    assert_eq!(
        features[1]["geometry"]["coordinates"][0].as_f64(),
        Some(0.25)
    );
    assert_eq!(
        features[3]["properties"]["cumulative_weight"].as_f64(),
        Some(27.0)
    );
    // The map numbers each month's stop and names it in the legend, as rotation.csv does.
    for month in [
        "month 1: +15 in Hood B",
        "month 2: +12 in Hood C",
        "month 3: +0 in Hood A",
        "month 4: +0 in Hood A",
    ] {
        assert!(
            labels.iter().any(|l| l == month),
            "{month} not in {labels:?}"
        );
    }
    assert!(labels.iter().any(|l| l == "Roaming service desk: 4 months"));
}

#[test]
fn priority_favours_informal_settlements() {
    let (csv, _, _) = rotate(
        "tests/data/rotate",
        "centres.csv",
        &[
            "--months",
            "1",
            "--radius",
            "2000",
            "--priority",
            "informal=2",
        ],
    );
    assert!(csv.lines().nth(1).unwrap().starts_with("1,C,"), "{csv}");
}

#[test]
fn runs_on_the_demo_for_twelve_months() {
    let (csv, _, _) = rotate("data/demo", "candidates.csv", &[]);
    assert_eq!(csv.lines().count(), 13, "{csv}");
}
