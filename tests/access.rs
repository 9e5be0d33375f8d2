//! `siting access` end to end on the fixtures in `tests/data/access/` (answers worked out by hand
//! in its README), its bad inputs, and its agreement with the access outputs of `siting plan`.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One u: 0.01° of longitude on the equator, in metres.
const U: f64 = 1_111.950_802_335_329;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
        .display()
        .to_string()
}

fn siting(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Runs `siting access` with `args`, asserts success, and returns the output folder.
fn access(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["access"];
    all.extend_from_slice(args);
    let output = siting(&all, out.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "siting {all:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

/// A CSV file as rows of cells, header included.
fn csv(dir: &Path, name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir.join(name))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[track_caller]
fn approx(value: &Value, want: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{got} vs {want}"
    );
}

fn line_args(radius: &[&'static str]) -> Vec<String> {
    let mut args = vec![
        "--demand".to_owned(),
        fixture("access/line/demand.csv"),
        "--centres".into(),
        fixture("access/line/centres.csv"),
        "--neighbourhoods".into(),
        fixture("access/line/neighbourhoods.geojson"),
    ];
    args.extend(radius.iter().map(|s| s.to_string()));
    args
}

fn access_line(radius: &[&'static str]) -> tempfile::TempDir {
    let args = line_args(radius);
    access(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn line_with_one_radius() {
    let out = access_line(&["--radius", "3000"]);
    let a = json(out.path(), "access.json");
    // The contract's top-level fields.
    assert_eq!(a["radius_m"], 3000.0);
    assert_eq!(a["total_weight"], 13.0);
    assert_eq!(a["covered_weight"], 7.0);
    approx(&a["mean_distance_m"], 43.0 / 13.0 * U);
    approx(&a["max_distance_m"], 11.0 * U);
    approx(&a["median_distance_m"], 2.0 * U);
    approx(&a["p90_distance_m"], 11.0 * U);
    approx(&a["gini"], 588.0 / (2.0 * 13.0 * 43.0));
    approx(&a["score_2sfca"], 4.0 / 13.0);
    assert_eq!(a["distance_unit"], "metres");

    let urban = &a["by_kind"]["urban"];
    assert_eq!(urban["total_weight"], 8.0);
    assert_eq!(urban["covered_weight"], 4.0);
    assert_eq!(urban["covered_share"], 0.5);
    approx(&urban["mean_distance_m"], 19.0 / 8.0 * U);
    approx(&urban["median_distance_m"], 2.0 * U);
    approx(&urban["p90_distance_m"], 4.0 * U);
    approx(&urban["max_distance_m"], 4.0 * U);
    approx(&urban["gini"], 94.0 / (2.0 * 8.0 * 19.0));
    approx(&urban["score_2sfca"], 0.40625);
    let rural = &a["by_kind"]["rural"];
    assert_eq!(rural["covered_share"], 1.0);
    approx(&rural["mean_distance_m"], 2.0 / 3.0 * U);
    approx(&rural["median_distance_m"], U);
    approx(&rural["gini"], 1.0 / 3.0);
    approx(&rural["score_2sfca"], 0.25);
    assert_eq!(a["by_kind"]["informal"]["points"], 0);
    // The camp outside every neighbourhood has its own bucket.
    let outside = &a["outside"];
    assert_eq!(outside["points"], 1);
    assert_eq!(outside["total_weight"], 2.0);
    assert_eq!(outside["uncovered_weight"], 2.0);
    approx(&outside["max_distance_m"], 11.0 * U);

    let equity = &a["equity"];
    assert_eq!(equity["coverage_ratio_worst_to_best"], 0.5);
    assert_eq!(equity["worst_kind"], "urban");
    assert_eq!(equity["best_kind"], "rural");
    assert_eq!(equity["beyond_radius_share"]["urban"], 0.5);
    assert_eq!(equity["beyond_radius_share"]["rural"], 0.0);
    let worst = equity["worst_neighbourhoods"].as_array().unwrap();
    assert_eq!(worst.len(), 1);
    assert_eq!(worst[0]["id"], "town");
    assert_eq!(worst[0]["uncovered_weight"], 4.0);

    let caseload = &a["caseload"];
    assert_eq!(caseload["centres"], 2);
    assert_eq!(caseload["min_weight"], 5.0);
    assert_eq!(caseload["max_weight"], 8.0);
    approx(&caseload["coefficient_of_variation"], 1.5 / 6.5);

    // Tables.
    let centres = csv(out.path(), "centres.csv");
    assert_eq!(centres.len(), 3);
    let col = |rows: &[Vec<String>], name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (load, covered, util, ratio) = (
        col(&centres, "caseload_weight"),
        col(&centres, "covered_weight"),
        col(&centres, "utilisation"),
        col(&centres, "ratio_2sfca"),
    );
    assert_eq!(centres[1][0], "A");
    assert_eq!(
        [&centres[1][load], &centres[1][covered], &centres[1][ratio]],
        ["5.0", "3.0", "1.0"]
    );
    approx(
        &Value::from(centres[1][util].parse::<f64>().unwrap()),
        5.0 / 3.0,
    );
    assert_eq!(
        [
            &centres[2][0],
            &centres[2][load],
            &centres[2][covered],
            &centres[2][ratio]
        ],
        ["C", "8.0", "4.0", "0.25"]
    );
    let hoods = csv(out.path(), "neighbourhoods.csv");
    assert_eq!(hoods.len(), 3);
    assert_eq!(hoods[1][..3], ["town", "Town", "urban"]);
    assert_eq!(hoods[1][col(&hoods, "uncovered_weight")], "4.0");
    assert_eq!(hoods[1][col(&hoods, "score_2sfca")], "0.40625");
    let geo = json(out.path(), "neighbourhoods.geojson");
    let props = &geo["features"][1]["properties"];
    assert_eq!(props["id"], "village");
    assert_eq!(props["covered_share"], 1.0);
    approx(&props["score_2sfca"], 0.25);

    let assignment = csv(out.path(), "assignment.csv");
    assert_eq!(assignment[0], ["demand_id", "centre_id", "distance_m"]);
    assert_eq!(assignment.len(), 13, "every demand point has a row");
    assert_eq!(assignment[5][..2], ["D04", "A"]);
    assert_eq!(assignment[6][..2], ["D05", "C"]);
    assert_eq!(assignment[12][..2], ["H", "C"]);
}

#[test]
fn line_with_radii_per_kind() {
    let out = access_line(&["--radius-urban", "2500", "--radius-rural", "1000"]);
    let a = json(out.path(), "access.json");
    assert_eq!(a["radius_m"], Value::Null);
    assert_eq!(a["radius_by_kind"]["urban"], 2500.0);
    assert_eq!(a["by_kind"]["urban"]["covered_weight"], 4.0);
    assert_eq!(a["by_kind"]["rural"]["covered_weight"], 1.0);
    // No radius applies outside: reachable counts as covered, and there is no catchment.
    assert_eq!(a["outside"]["covered_weight"], 2.0);
    assert_eq!(a["outside"]["score_2sfca"], Value::Null);
    approx(&a["by_kind"]["urban"]["score_2sfca"], 0.4375);
    approx(&a["by_kind"]["rural"]["score_2sfca"], 0.5 / 3.0);
    approx(&a["score_2sfca"], 4.0 / 11.0);
    let equity = &a["equity"];
    assert_eq!(equity["worst_kind"], "rural");
    assert_eq!(equity["best_kind"], "urban");
    approx(&equity["coverage_ratio_worst_to_best"], 2.0 / 3.0);
    let worst: Vec<&str> = equity["worst_neighbourhoods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(worst, ["town", "village"]);
}

#[test]
fn a_cost_matrix_with_an_unreachable_point() {
    let out = access(&[
        "--demand",
        &fixture("access/cost/demand.csv"),
        "--centres",
        &fixture("access/cost/centres.csv"),
        "--cost",
        &fixture("access/cost/cost.csv"),
        "--radius",
        "2",
    ]);
    let a = json(out.path(), "access.json");
    assert_eq!(a["distance_unit"], "cost");
    assert_eq!(a["total_weight"], 7.0);
    assert_eq!(a["covered_weight"], 1.0);
    assert_eq!(a["unreachable_weight"], 1.0);
    assert_eq!(a["mean_distance_m"], 3.5);
    assert_eq!(a["median_distance_m"], 4.0);
    assert_eq!(a["p90_distance_m"], 4.0);
    assert_eq!(a["max_distance_m"], 4.0);
    approx(&a["gini"], 30.0 / 252.0);
    approx(&a["score_2sfca"], 1.0 / 7.0);
    assert!(a.get("by_kind").is_none(), "no neighbourhoods, no kinds");
    assert!(!out.path().join("neighbourhoods.geojson").exists());
    assert_eq!(
        std::fs::read_to_string(out.path().join("assignment.csv")).unwrap(),
        "demand_id,centre_id,distance_m\nX,P,1.000\nY,,\nZ,P,4.000\n"
    );
}

/// Runs `siting access` expecting exit status 2; returns stderr.
fn access_fails(args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["access"];
    all.extend_from_slice(args);
    let output = siting(&all, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{all:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_missing_centres_file_is_named() {
    let missing = fixture("access/line/no-such-centres.csv");
    let stderr = access_fails(&[
        "--demand",
        &fixture("access/line/demand.csv"),
        "--centres",
        &missing,
        "--radius",
        "3000",
    ]);
    assert!(stderr.contains(&missing), "{stderr}");
    assert!(stderr.contains("cannot read the file"), "{stderr}");
}

#[test]
fn bad_arguments_exit_with_2() {
    let demand = fixture("access/line/demand.csv");
    let centres = fixture("access/line/centres.csv");
    let base = ["--demand", &demand, "--centres", &centres];
    let stderr = access_fails(&[&base[..], &["--radius-urban", "1000"]].concat());
    assert!(stderr.contains("need --neighbourhoods"), "{stderr}");
    let stderr = access_fails(&[&base[..], &["--radius=-5"]].concat());
    assert!(stderr.contains("--radius must be"), "{stderr}");
    let stderr = access_fails(&[&base[..], &["--radius", "5", "--decay-sigma", "0"]].concat());
    assert!(stderr.contains("--decay-sigma"), "{stderr}");
    // The cost matrix names a site that is not among the centres.
    let stderr = access_fails(&[
        "--demand",
        &fixture("plan-cost/demand.csv"),
        "--centres",
        &fixture("access/cost/centres.csv"),
        "--cost",
        &fixture("plan-cost/cost.csv"),
    ]);
    assert!(stderr.contains("cost.csv: line"), "{stderr}");
}

/// `siting plan` writes the same access outputs as `siting access` on its chosen centres.
#[test]
fn plan_and_access_agree() {
    let line = fixture("plan-line");
    let plan_out = tempfile::tempdir().unwrap();
    let output = siting(
        &[
            "plan", &line, "--model", "mclp", "--p", "2", "--radius", "3000",
        ],
        plan_out.path(),
    );
    assert!(output.status.success());
    let plan = json(plan_out.path(), "plan.json");
    let chosen: Vec<&str> = plan["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // The chosen sites as a centres file.
    let dir = tempfile::tempdir().unwrap();
    let candidates = std::fs::read_to_string(PathBuf::from(&line).join("candidates.csv")).unwrap();
    let mut lines = candidates.lines();
    let mut centres = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| chosen.contains(&l.split(',').next().unwrap())) {
        centres.push_str(l);
        centres.push('\n');
    }
    let centres_path = dir.path().join("centres.csv");
    std::fs::write(&centres_path, centres).unwrap();
    let access_out = access(&[
        "--demand",
        &format!("{line}/demand.csv"),
        "--centres",
        centres_path.to_str().unwrap(),
        "--neighbourhoods",
        &format!("{line}/neighbourhoods.geojson"),
        "--radius",
        "3000",
    ]);
    for file in [
        "access.json",
        "assignment.csv",
        "centres.csv",
        "neighbourhoods.csv",
        "neighbourhoods.geojson",
    ] {
        assert_eq!(
            std::fs::read(plan_out.path().join(file)).unwrap(),
            std::fs::read(access_out.path().join(file)).unwrap(),
            "{file} differs between plan and access"
        );
    }
}

#[test]
fn outputs_do_not_depend_on_the_threads() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let run = |threads: &str| {
        let out = access(&[
            "--demand",
            demo.join("demand.csv").to_str().unwrap(),
            "--centres",
            demo.join("candidates.csv").to_str().unwrap(),
            "--neighbourhoods",
            demo.join("neighbourhoods.geojson").to_str().unwrap(),
            "--radius",
            "2000",
            "--radius-rural",
            "5000",
            "--threads",
            threads,
        ]);
        [
            "access.json",
            "assignment.csv",
            "centres.csv",
            "neighbourhoods.csv",
            "neighbourhoods.geojson",
            "map.png",
            "map.svg",
            "report.html",
        ]
        .map(|f| std::fs::read(out.path().join(f)).unwrap())
    };
    assert_eq!(run("1"), run("2"));
}
