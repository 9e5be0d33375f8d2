//! Failure modes a planner meets sooner or later: files whose longitude and latitude are swapped
//! but still inside the valid ranges.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(name)
}

/// `demo(name)` with the lon and lat columns' values swapped, written into `dir`.
fn swapped(dir: &Path, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(demo(name)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let (lon, lat) = (
        columns.iter().position(|c| *c == "lon").unwrap(),
        columns.iter().position(|c| *c == "lat").unwrap(),
    );
    let mut out = format!("{header}\n");
    for line in lines {
        let mut fields: Vec<&str> = line.split(',').collect();
        fields.swap(lon, lat);
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    let path = dir.join(format!("swapped-{name}"));
    std::fs::write(&path, out).unwrap();
    path
}

/// Runs `siting args` into a fresh output folder: (exit code, stderr).
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .args(["--out", out.path().to_str().unwrap(), "--no-map"])
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn swapped_coordinates_inside_the_valid_ranges_are_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let hoods = demo("neighbourhoods.geojson");
    let hoods = hoods.to_str().unwrap();
    let (demand, candidates) = (demo("demand.csv"), demo("candidates.csv"));
    let bad_demand = swapped(dir.path(), "demand.csv");
    let bad_candidates = swapped(dir.path(), "candidates.csv");
    let path = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let plan = |d: &PathBuf, c: &PathBuf| {
        run(&[
            "plan",
            "--demand",
            &path(d),
            "--candidates",
            &path(c),
            "--neighbourhoods",
            hoods,
            "--model",
            "mclp",
            "--p",
            "8",
            "--radius",
            "1000",
        ])
    };
    let (code, err) = plan(&demand, &candidates);
    assert_eq!(code, Some(0), "{err}");
    for (d, c, named) in [
        (&bad_demand, &candidates, "swapped-demand.csv"),
        (&demand, &bad_candidates, "swapped-candidates.csv"),
    ] {
        let (code, err) = plan(d, c);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(named) && err.contains("swapped"), "{err}");
    }
    let (code, err) = run(&[
        "access",
        "--demand",
        &path(&bad_demand),
        "--centres",
        &path(&candidates),
        "--neighbourhoods",
        hoods,
        "--radius",
        "1000",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("swapped-demand.csv") && err.contains("swapped"),
        "{err}"
    );
}
