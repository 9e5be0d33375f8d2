//! The good paths of the real binary: `summary` on the hand-made tiny instance (expected numbers in
//! `tests/data/tiny/README.md`), `demo` from any folder, and `generate` reproducing `data/demo/`.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tiny(name: &str) -> PathBuf {
    manifest_dir().join("tests/data/tiny").join(name)
}

/// Runs `siting` in `dir`, asserts that it succeeds with nothing on stderr, and returns stdout.
fn run_ok(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the siting binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "siting {args:?} failed\nstderr: {stderr}"
    );
    assert!(stderr.is_empty(), "siting {args:?}: stderr: {stderr}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// `siting summary` on the whole tiny instance, from the tiny folder (so paths are relative).
fn tiny_summary(json: bool) -> String {
    let mut args = vec![
        "summary",
        "--demand",
        "demand.csv",
        "--neighbourhoods",
        "neighbourhoods.geojson",
        "--candidates",
        "candidates.csv",
    ];
    if json {
        args.push("--json");
    }
    run_ok(&tiny(""), &args)
}

fn tiny_summary_json() -> Value {
    serde_json::from_str(&tiny_summary(true)).expect("summary --json prints JSON")
}

fn tally(points: u64, weight: f64) -> Value {
    json!({ "points": points, "weight": weight })
}

#[test]
fn summary_totals_by_kind_and_outside() {
    let s = tiny_summary_json();
    let d = &s["demand"];
    assert_eq!(d["points"], 12);
    assert_eq!(d["weight"], 57.5);
    assert_eq!(d["by_kind"]["urban"], tally(4, 8.5));
    assert_eq!(d["by_kind"]["rural"], tally(3, 13.0));
    assert_eq!(d["by_kind"]["informal"], tally(3, 22.0));
    // H02 sits in U1's hole: outside, not urban.
    assert_eq!(
        d["outside"],
        json!({ "points": 2, "weight": 14.0, "ids": ["H02", "060750101.00"] })
    );
}

#[test]
fn summary_per_neighbourhood_and_sites() {
    let s = tiny_summary_json();
    let per_hood: Vec<(String, String, u64, f64)> = s["demand"]["by_neighbourhood"]
        .as_array()
        .expect("by_neighbourhood is a list")
        .iter()
        .map(|n| {
            (
                n["id"].as_str().expect("id").to_owned(),
                n["kind"].as_str().expect("kind").to_owned(),
                n["points"].as_u64().expect("points"),
                n["weight"].as_f64().expect("weight"),
            )
        })
        .collect();
    let expected = [
        ("U1", "urban", 2, 5.0),
        ("U2", "urban", 1, 2.5),
        ("U3", "urban", 1, 1.0),
        ("R1", "rural", 1, 6.0),
        ("R2", "rural", 1, 0.0),
        ("R3", "rural", 1, 7.0),
        ("I1", "informal", 1, 5.0),
        ("I2", "informal", 0, 0.0),
        // The MultiPolygon: H09 in one part, H10 in the other.
        ("0700.50", "informal", 2, 17.0),
    ]
    .map(|(id, kind, points, weight)| (id.to_owned(), kind.to_owned(), points, weight));
    assert_eq!(per_hood, expected);
    assert_eq!(
        s["neighbourhoods"],
        json!({ "urban": 3, "rural": 3, "informal": 3 })
    );
    assert_eq!(
        s["sites"],
        json!({
            "candidates": 4,
            "fixed": 1,
            "by_kind": { "urban": 1, "rural": 1, "informal": 1 },
            "outside": 1
        })
    );
}

#[test]
fn kinds_and_outside_add_up_to_the_total() {
    let s = tiny_summary_json();
    let d = &s["demand"];
    let buckets = ["urban", "rural", "informal"]
        .map(|k| &d["by_kind"][k])
        .into_iter()
        .chain([&d["outside"]]);
    let (points, weight) = buckets.fold((0, 0.0), |(p, w), t| {
        (
            p + t["points"].as_u64().expect("points"),
            w + t["weight"].as_f64().expect("weight"),
        )
    });
    assert_eq!(points, d["points"].as_u64().expect("total points"));
    assert_eq!(weight, d["weight"].as_f64().expect("total weight"));
    // Per kind, the neighbourhoods add up to the kind's total.
    for kind in ["urban", "rural", "informal"] {
        let hoods = d["by_neighbourhood"].as_array().expect("list");
        let of_kind = hoods.iter().filter(|n| n["kind"] == kind);
        let points: u64 = of_kind
            .clone()
            .map(|n| n["points"].as_u64().expect("n"))
            .sum();
        let weight: f64 = of_kind.map(|n| n["weight"].as_f64().expect("w")).sum();
        assert_eq!(tally(points, weight), d["by_kind"][kind], "{kind}");
    }
}

#[test]
fn ids_are_repeated_exactly() {
    let text = tiny_summary(true);
    // Leading zero and decimals kept, as text, in both the JSON and the table.
    assert!(text.contains(r#""060750101.00""#), "{text}");
    assert!(text.contains(r#""0700.50""#), "{text}");
    assert!(text.contains(r#""name": "مرکز شهر""#), "{text}");
    let table = tiny_summary(false);
    assert!(
        table.contains("outside every neighbourhood: H02, 060750101.00\n"),
        "{table}"
    );
    assert!(table.contains("\n  0700.50 "), "{table}");
}

#[test]
fn summary_of_demand_alone_has_no_kinds() {
    let out = run_ok(&tiny(""), &["summary", "--demand", "demand.csv", "--json"]);
    let s: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(s, json!({ "demand": { "points": 12, "weight": 57.5 } }));
}

/// The demo's totals, as stated in `data/demo/README.md`.
fn check_demo_summary(path: &Path) {
    let text = std::fs::read_to_string(path).expect("summary.json is written");
    let s: Value = serde_json::from_str(&text).expect("summary.json is JSON");
    let d = &s["demand"];
    assert_eq!(d["points"], 8503);
    assert_eq!(d["weight"], 20040.0);
    assert_eq!(d["by_kind"]["urban"]["weight"], 11000.0);
    assert_eq!(d["by_kind"]["rural"]["weight"], 5000.0);
    assert_eq!(d["by_kind"]["informal"]["weight"], 4000.0);
    assert_eq!(d["outside"]["weight"], 40.0);
    assert_eq!(
        s["neighbourhoods"],
        json!({ "urban": 15, "rural": 37, "informal": 11 })
    );
    assert_eq!(s["sites"]["candidates"], 300);
    assert_eq!(s["sites"]["fixed"], 5);
}

#[test]
fn demo_runs_from_another_folder() {
    let cwd = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    let out_dir = out.path().join("demo");
    let stdout = run_ok(
        cwd.path(),
        &["demo", "--out", out_dir.to_str().expect("UTF-8 temp path")],
    );
    assert!(stdout.contains("Demand: 8503 points"), "{stdout}");
    check_demo_summary(&out_dir.join("summary.json"));
    assert!(out_dir.join("summary.txt").is_file());
    // The embedded inputs are copied out unchanged.
    for name in ["demand.csv", "candidates.csv", "neighbourhoods.geojson"] {
        let copied = std::fs::read(out_dir.join("input").join(name)).expect("input copied");
        let committed = std::fs::read(manifest_dir().join("data/demo").join(name)).expect("demo");
        assert!(
            copied == committed,
            "input/{name} differs from data/demo/{name}"
        );
    }
    // Nothing is written into the current folder when --out points elsewhere.
    let left: Vec<_> = std::fs::read_dir(cwd.path()).expect("list").collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn demo_default_output_is_relative_to_the_current_folder() {
    let cwd = tempfile::tempdir().expect("temp dir");
    run_ok(cwd.path(), &["demo"]);
    check_demo_summary(&cwd.path().join("siting-demo/summary.json"));
}

fn generate_demo(out: &Path) {
    run_ok(
        manifest_dir(),
        &[
            "generate",
            "--preset",
            "demo",
            "--seed",
            "1",
            "--out",
            out.to_str().expect("UTF-8 temp path"),
        ],
    );
}

const INSTANCE_FILES: [&str; 4] = [
    "demand.csv",
    "candidates.csv",
    "neighbourhoods.geojson",
    "roads.geojson",
];

/// `data/demo/` is exactly what `siting generate --preset demo --seed 1` writes, so it can be
/// regenerated; running it twice gives the same bytes.
#[test]
fn generate_reproduces_the_committed_demo_byte_for_byte() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
    generate_demo(&first);
    generate_demo(&second);
    for name in INSTANCE_FILES {
        let a = std::fs::read(first.join(name)).expect("generated");
        let b = std::fs::read(second.join(name)).expect("generated");
        let committed = std::fs::read(manifest_dir().join("data/demo").join(name)).expect("demo");
        assert!(a == b, "{name}: two runs differ");
        assert!(
            a == committed,
            "{name}: generated file differs from data/demo/{name}"
        );
    }
    let mut written: Vec<_> = std::fs::read_dir(&first)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "candidates.csv",
            "demand.csv",
            "neighbourhoods.geojson",
            "roads.geojson"
        ]
    );
}
