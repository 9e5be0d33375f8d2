//! Scenario files through the real binary: `siting compare` on the demo's three variants, flags
//! over a scenario in `siting plan`, and bad scenarios failing with status 2 and a located message.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo_scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/scenario.toml")
}

fn siting(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .output()
        .expect("the siting binary runs")
}

fn run_ok(args: &[&str]) -> String {
    let output = siting(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "siting {args:?}: {stderr}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Runs a command that must fail on bad input and returns its stderr.
fn run_bad(args: &[&str]) -> String {
    let output = siting(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "siting {args:?}: {stderr}");
    stderr
}

fn plan_json(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
    serde_json::from_str(&text).expect("plan.json is JSON")
}

#[test]
fn compare_runs_the_demo_variants_side_by_side() {
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = demo_scenario();
    let stdout = run_ok(&[
        "compare",
        scenario.to_str().expect("UTF-8 path"),
        "--out",
        out.path().to_str().expect("UTF-8 path"),
    ]);
    let mut reader = csv::Reader::from_path(out.path().join("compare.csv")).expect("compare.csv");
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "variant",
            "model",
            "centres",
            "covered_share",
            "covered_share_urban",
            "covered_share_rural",
            "covered_share_informal",
            "mean_distance_m",
            "gini",
            "gap",
            "most_uncovered"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        names,
        [
            "twelve",
            "twenty",
            "twelve-no-quota-rural-8km",
            "twelve-straight-lines"
        ]
    );
    let number = |row: &csv::StringRecord, col: usize| -> f64 { row[col].parse().expect("number") };
    for row in &rows {
        assert_eq!(&row[1], "mclp");
        for col in 3..=6 {
            let share = number(row, col);
            assert!((0.0..=1.0).contains(&share), "{row:?}");
        }
        assert!(
            number(row, 7) > 0.0 && (0.0..1.0).contains(&number(row, 8)),
            "{row:?}"
        );
        assert!((0.0..0.01).contains(&number(row, 9)), "gap {row:?}");
        assert!(stdout.contains(&row[0]), "{stdout}");
        // Each variant's full plan sits in its own folder, agreeing with the table.
        let plan = plan_json(&out.path().join(&row[0]));
        assert_eq!(plan["p"].as_f64(), Some(number(row, 2)));
        let access: Value = serde_json::from_slice(
            &std::fs::read(out.path().join(&row[0]).join("access.json")).expect("access.json"),
        )
        .expect("access.json is JSON");
        assert_eq!(
            access["equity"]["worst_neighbourhoods"][0]["name"].as_str(),
            Some(&row[10])
        );
    }
    let (twelve, twenty, wide, straight) = (&rows[0], &rows[1], &rows[2], &rows[3]);
    assert_eq!(
        (number(twelve, 2), number(twenty, 2), number(wide, 2)),
        (12.0, 20.0, 12.0)
    );
    assert!(
        number(twenty, 3) >= number(twelve, 3),
        "more centres cover less"
    );
    // Dropping the quotas and widening the rural radius can only help the same budget in
    // total (not each kind: without quotas the budget may leave the villages, as it does along
    // the roads).
    assert!(number(wide, 3) >= number(twelve, 3));
    // No road is shorter than the straight line, so every set of centres covers at least as
    // much on straight lines; both plans are proven optimal, so the straight-line one covers
    // at least as much.
    assert_eq!((number(twelve, 9), number(straight, 9)), (0.0, 0.0));
    assert!(number(straight, 3) >= number(twelve, 3));
    let twelve_plan = plan_json(&out.path().join("twelve"));
    let straight_access: Value = serde_json::from_slice(
        &std::fs::read(out.path().join("twelve").join("access.json")).expect("access.json"),
    )
    .expect("JSON");
    // The road plan's own centres on straight lines cover at least what they cover on roads.
    let versus = &straight_access["roads_versus_straight"]["overall"];
    assert!(
        versus["straight_covered_weight"].as_f64() >= versus["road_covered_weight"].as_f64(),
        "{versus}"
    );
    assert_eq!(versus["road_covered_weight"], twelve_plan["covered_weight"]);
}

#[test]
fn compare_is_deterministic() {
    let scenario = demo_scenario();
    let scenario = scenario.to_str().expect("UTF-8 path");
    let tables: Vec<Vec<u8>> = (0..2)
        .map(|_| {
            let out = tempfile::tempdir().expect("temp dir");
            run_ok(&[
                "compare",
                scenario,
                "--out",
                out.path().to_str().expect("UTF-8"),
            ]);
            std::fs::read(out.path().join("compare.csv")).expect("compare.csv")
        })
        .collect();
    assert_eq!(tables[0], tables[1]);
}

#[test]
fn plan_runs_a_scenario_with_flags_over_it() {
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = demo_scenario();
    let scenario = scenario.to_str().expect("UTF-8 path");
    let dir = |name: &str| out.path().join(name);
    let path = |name: &str| dir(name).to_str().expect("UTF-8 path").to_owned();
    run_ok(&["plan", scenario, "--out", &path("base")]);
    run_ok(&[
        "plan",
        scenario,
        "--p",
        "20",
        "--radius-rural",
        "8000",
        "--out",
        &path("flags"),
    ]);
    let (base, flags) = (plan_json(&dir("base")), plan_json(&dir("flags")));
    assert_eq!(base["p"], 12);
    assert_eq!(base["radius_by_kind"]["rural"], 5000.0);
    assert_eq!(flags["p"], 20, "--p beats the file's p = 12");
    assert_eq!(flags["radius_by_kind"]["rural"], 8000.0);
    assert_eq!(
        flags["radius_by_kind"]["urban"], 1500.0,
        "the file fills in the rest"
    );
    assert_eq!(flags["model"], "mclp");
}

#[test]
fn bad_scenarios_fail_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write scenario");
        path.to_str().expect("UTF-8 path").to_owned()
    };
    let out = dir.path().join("out");
    let out = out.to_str().expect("UTF-8 path");

    let typo = write("typo.toml", "model = \"mclp\"\np = 3\nradious = 100\n");
    let stderr = run_bad(&["plan", &typo, "--out", out]);
    assert!(
        stderr.contains("typo.toml: line 3: field \"radious\": unknown field"),
        "{stderr}"
    );
    let stderr = run_bad(&["compare", &typo, "--out", out]);
    assert!(stderr.contains("line 3"), "{stderr}");

    let missing = write(
        "missing.toml",
        "model = \"mclp\"\ndemand = \"nowhere.csv\"\n",
    );
    let stderr = run_bad(&["plan", &missing, "--out", out]);
    assert!(
        stderr.contains("missing.toml: line 2: field \"demand\": no such file")
            && stderr.contains("nowhere.csv"),
        "{stderr}"
    );

    let scenario = demo_scenario();
    let stderr = run_bad(&[
        "plan",
        scenario.to_str().expect("UTF-8"),
        "--model",
        "kmeans",
        "--out",
        out,
    ]);
    assert!(stderr.contains("kmeans"), "{stderr}");

    let demo = scenario.parent().expect("data/demo");
    let modelless = write(
        "modelless.toml",
        &format!(
            "demand = {:?}\ncandidates = {:?}\np = 2\n\
             [[variant]]\nname = \"a\"\nmodel = \"mclp\"\n[[variant]]\nname = \"b\"\n",
            demo.join("demand.csv"),
            demo.join("candidates.csv")
        ),
    );
    let stderr = run_bad(&["compare", &modelless, "--out", out]);
    assert!(stderr.contains("variant \"b\": no model"), "{stderr}");

    let single = write("single.toml", "model = \"mclp\"\n");
    let stderr = run_bad(&["compare", &single, "--out", out]);
    assert!(stderr.contains("no [[variant]]"), "{stderr}");
    let stderr = run_bad(&["plan", &single, "--out", out]);
    assert!(stderr.contains("no demand"), "{stderr}");

    let negative = write(
        "negative.toml",
        "model = \"mclp\"\n[[variant]]\nname = \"a\"\nradius_rural = -5\n",
    );
    let stderr = run_bad(&["compare", &negative, "--out", out]);
    assert!(
        stderr.contains(
            "negative.toml: line 4: field \"radius_rural\": must be a non-negative number of metres, not -5"
        ),
        "{stderr}"
    );
    let share = write("share.toml", "model = \"lscp\"\ntarget_coverage = 1.5\n");
    let stderr = run_bad(&["plan", &share, "--out", out]);
    assert!(
        stderr.contains("share.toml: line 2: field \"target_coverage\": must be a share between 0 and 1, not 1.5"),
        "{stderr}"
    );
}

#[test]
fn bad_drawing_and_jobs_flags_are_usage_errors() {
    let scenario = demo_scenario();
    let scenario = scenario.to_str().expect("UTF-8");
    let out = tempfile::tempdir().expect("temp dir");
    let out = out.path().to_str().expect("UTF-8 path");
    let stderr = run_bad(&["demo", "--map-measure", "height", "--out", out]);
    assert!(
        stderr.contains("unknown map measure \"height\": expected covered or distance"),
        "{stderr}"
    );
    let stderr = run_bad(&["compare", scenario, "--jobs", "0", "--out", out]);
    assert!(stderr.contains("--jobs"), "{stderr}");
}

#[test]
fn compare_network_flags_apply_over_every_variant() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .arg("compare")
        .arg(demo_scenario())
        .args(["--snap-max", "150"])
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let access = |variant: &str| -> Value {
        serde_json::from_slice(
            &std::fs::read(out.path().join(variant).join("access.json")).expect("file"),
        )
        .expect("JSON")
    };
    assert_eq!(access("twelve")["network"]["demand"]["snap_max_m"], 150.0);
    // The straight-line variant's `network = ""` still plans without roads.
    assert!(access("twelve-straight-lines").get("network").is_none());
}
