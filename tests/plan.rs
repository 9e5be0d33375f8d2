//! `siting plan` end to end on fixtures whose answers are worked out by hand in
//! `tests/data/README.md`.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Runs `siting plan` with `args` and returns plan.json.
fn plan(args: &[&str]) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .arg("plan")
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "siting plan {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.path().join("plan.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn chosen(plan: &serde_json::Value) -> Vec<&str> {
    plan["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn line() -> String {
    fixture("plan-line").display().to_string()
}

#[test]
fn mclp_opens_the_site_covering_most() {
    let p = plan(&[&line(), "--model", "mclp", "--p", "1", "--radius", "3000"]);
    assert_eq!(chosen(&p), ["B"]);
    assert_eq!(p["objective"], 5.0);
    assert_eq!(p["covered_weight"], 5.0);
    assert_eq!(p["total_weight"], 11.0);
    assert_eq!(p["gap"], 0.0);
}

#[test]
fn fixed_sites_stay_open_and_count_towards_p() {
    let fixed = fixture("plan-line/candidates-a-fixed.csv")
        .display()
        .to_string();
    let p = plan(&[
        &line(),
        "--candidates",
        &fixed,
        "--model",
        "mclp",
        "--p",
        "2",
        "--radius",
        "3000",
    ]);
    assert_eq!(chosen(&p), ["A", "B"]);
    assert_eq!(p["objective"], 8.0);
    assert_eq!(p["fixed"], serde_json::json!(["A"]));
}

#[test]
fn a_quota_forces_a_site_of_its_kind() {
    let p = plan(&[
        &line(),
        "--model",
        "mclp",
        "--p",
        "1",
        "--radius",
        "3000",
        "--min-sites",
        "rural=1",
    ]);
    assert_eq!(chosen(&p), ["C"]);
    assert_eq!(p["objective"], 3.0);
    assert_eq!(p["open_by_kind"]["rural"], 1);
}

#[test]
fn per_kind_radii_apply_to_demand_by_its_neighbourhood() {
    let p = plan(&[
        &line(),
        "--model",
        "mclp",
        "--p",
        "1",
        "--radius-urban",
        "1000",
        "--radius-rural",
        "2500",
    ]);
    assert_eq!(chosen(&p), ["C"]);
    assert_eq!(p["objective"], 3.0);
}

#[test]
fn lscp_needs_all_three_sites_on_the_line() {
    let p = plan(&[&line(), "--model", "lscp", "--radius", "3000"]);
    assert_eq!(chosen(&p), ["A", "B", "C"]);
    assert_eq!(p["objective"], 3.0);
    assert_eq!(p["bound"], 3.0);
}

#[test]
fn pmedian_and_pcenter_pick_the_middle_of_the_line() {
    let median = plan(&[&line(), "--model", "pmedian", "--p", "1"]);
    assert_eq!(chosen(&median), ["B"]);
    let objective = median["objective"].as_f64().unwrap();
    assert!((objective - 33_358.524_07).abs() < 1e-3, "{objective}");
    let center = plan(&[&line(), "--model", "pcenter", "--p", "1"]);
    assert_eq!(chosen(&center), ["B"]);
    let objective = center["objective"].as_f64().unwrap();
    assert!((objective - 5_559.754_01).abs() < 1e-3, "{objective}");
}

#[test]
fn a_cost_matrix_replaces_distance_and_missing_pairs_are_unreachable() {
    let folder = fixture("plan-cost").display().to_string();
    let mclp = plan(&[&folder, "--model", "mclp", "--p", "1", "--radius", "4"]);
    assert_eq!(chosen(&mclp), ["P"]);
    assert_eq!(mclp["objective"], 6.0);
    let lscp = plan(&[&folder, "--model", "lscp", "--radius", "4"]);
    assert_eq!(chosen(&lscp), ["P", "Q"]);
    let median = plan(&[&folder, "--model", "pmedian", "--p", "1"]);
    assert_eq!(chosen(&median), ["Q"]);
    assert_eq!(median["objective"], 36.0);
}

#[test]
fn the_same_seed_gives_byte_identical_outputs_whatever_the_threads() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let run = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_siting"))
            .args([
                "plan",
                demo.to_str().unwrap(),
                "--model",
                "mclp",
                "--p",
                "12",
                "--radius",
                "2000",
            ])
            .args(["--seed", "7", "--threads", threads, "--out"])
            .arg(out.path())
            .status()
            .unwrap();
        assert!(status.success());
        [
            "access.json",
            "assignment.csv",
            "centres.geojson",
            "map.png",
            "map.svg",
            "report.html",
        ]
        .map(|f| std::fs::read(out.path().join(f)).unwrap())
    };
    assert_eq!(run("1"), run("2"));
}

/// Runs `siting plan` expecting bad input: exit status 2, and returns stderr.
fn plan_rejects(args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .arg("plan")
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "siting plan {args:?} should fail with 2"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn per_kind_radii_without_neighbourhoods_are_rejected() {
    let folder = fixture("plan-cost").display().to_string();
    let stderr = plan_rejects(&[
        &folder,
        "--model",
        "mclp",
        "--p",
        "1",
        "--radius-urban",
        "4",
    ]);
    assert!(stderr.contains("need --neighbourhoods"), "{stderr}");
}

#[test]
fn impossible_quotas_and_p_are_explained() {
    let stderr = plan_rejects(&[
        &line(),
        "--model",
        "mclp",
        "--p",
        "1",
        "--radius",
        "3000",
        "--min-sites",
        "urban=1,rural=1",
    ]);
    assert!(stderr.contains("quotas need 2 more sites"), "{stderr}");
    let stderr = plan_rejects(&[&line(), "--model", "mclp", "--p", "4", "--radius", "3000"]);
    assert!(stderr.contains("only 3 candidate sites"), "{stderr}");
    let stderr = plan_rejects(&[&line(), "--model", "mclp", "--radius", "3000"]);
    assert!(stderr.contains("mclp needs --p"), "{stderr}");
}

/// `plan-cost` with P and Q both open and room for 4 each (tests/data/README.md): X goes to P (1),
/// Y to Q (1), and Z's 5 split 3 to P (3 × 4) and 2 to Q (2 × 5): 24 in all.
#[test]
fn capacity_reports_the_plans_capacitated_outcome() {
    let folder = fixture("plan-cost").display().to_string();
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args([
            "plan",
            &folder,
            "--model",
            "pmedian",
            "--p",
            "2",
            "--capacity",
            "4",
            "--out",
        ])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(out.path().join("capacitated/assign.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["total_cost"], 24.0);
    assert_eq!(report["unassigned_weight"], 0.0);
    // Its access figures: 7 of weight at 24 in all, so a mean of 24/7; the farthest part is Z's 5.
    let text = std::fs::read_to_string(out.path().join("capacitated/access.json")).unwrap();
    let access: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(access["total_weight"], 7.0);
    assert!((access["mean_distance_m"].as_f64().unwrap() - 24.0 / 7.0).abs() < 1e-12);
    assert_eq!(access["max_distance_m"], 5.0);
    let stderr = plan_rejects(&[&folder, "--model", "pmedian", "--p", "2", "--capacity", "3"]);
    assert!(stderr.contains("1 short"), "{stderr}");
}

/// Capacities can only move demand away from its nearest centre: the capacitated assignment covers
/// no more weight, overall and in every kind, and its mean distance is no shorter.
#[test]
fn capacities_never_improve_on_nearest_centre_access() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args([
            "plan",
            demo.to_str().unwrap(),
            "--model",
            "mclp",
            "--p",
            "12",
            "--radius",
            "3000",
        ])
        .args(["--radius-urban", "1500", "--capacity", "2000", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.path().join(name)).unwrap()).unwrap()
    };
    let (nearest, capacitated) = (read("access.json"), read("capacitated/access.json"));
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    assert_eq!(f(&nearest["total_weight"]), f(&capacitated["total_weight"]));
    assert!(f(&capacitated["covered_weight"]) <= f(&nearest["covered_weight"]));
    assert!(f(&capacitated["mean_distance_m"]) >= f(&nearest["mean_distance_m"]) - 1e-9);
    for kind in ["urban", "rural", "informal"] {
        let (n, c) = (&nearest["by_kind"][kind], &capacitated["by_kind"][kind]);
        assert!(f(&c["covered_weight"]) <= f(&n["covered_weight"]), "{kind}");
    }
}
