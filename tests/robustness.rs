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

/// `n` demand points over the demo's area, a different weight each, for a run long enough to be
/// killed at many moments.
fn many_points(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("id,lon,lat,weight\n");
    for i in 0..n {
        let (x, y) = (
            (i * 7919 % 1000) as f64 / 1000.0,
            (i * 104_729 % 1000) as f64 / 1000.0,
        );
        text.push_str(&format!(
            "p{i},{:.6},{:.6},{}\n",
            48.10 + 0.08 * x,
            30.38 + 0.08 * y,
            1 + i % 5
        ));
    }
    let path = dir.join("many.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The files of a folder and their bytes.
fn contents(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_run_killed_at_any_moment_leaves_each_output_as_it_was_or_complete() {
    let dir = tempfile::tempdir().unwrap();
    let demand = many_points(dir.path(), 300_000);
    let hoods = demo("neighbourhoods.geojson");
    let centres = demo("candidates.csv");
    let access = |radius: &str, out: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_siting"));
        command
            .args(["access", "--demand"])
            .arg(&demand)
            .arg("--centres")
            .arg(&centres);
        command
            .arg("--neighbourhoods")
            .arg(&hoods)
            .args(["--radius", radius, "--out"])
            .arg(out);
        command
    };
    // Before: outputs of another radius; after: what the killed run would have written.
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    let start = std::time::Instant::now();
    assert!(access("800", &before).status().unwrap().success());
    let whole = start.elapsed();
    assert!(access("1500", &after).status().unwrap().success());
    let (old, new) = (contents(&before), contents(&after));
    assert!(old.iter().any(|(name, bytes)| new.get(name) != Some(bytes)));

    let mut states = std::collections::BTreeSet::new();
    for k in 1..=24 {
        let out = dir.path().join(format!("killed-{k}"));
        std::fs::create_dir(&out).unwrap();
        for (name, bytes) in &old {
            std::fs::write(out.join(name), bytes).unwrap();
        }
        let mut child = access("1500", &out)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * k / 20);
        child.kill().ok(); // SIGKILL; it may have finished already
        child.wait().unwrap();
        for (name, bytes) in contents(&out) {
            let was = old.get(&name) == Some(&bytes);
            let done = new.get(&name) == Some(&bytes);
            assert!(
                was || done || name.ends_with(".part"),
                "killed at {k}/20: {name} is neither"
            );
            states.insert((name.ends_with(".part"), was, done));
        }
    }
    // The kills landed before, during and after the writing.
    assert!(states.contains(&(false, true, false)) && states.contains(&(false, false, true)));
}
