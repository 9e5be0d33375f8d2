//! GeoPackage and Shapefile inputs end to end, on GDAL-made fixtures (`tests/data/gis/`, see its
//! README): the same instance as CSV/GeoJSON, as GeoPackage and as Shapefile, in UTM 39N and Web
//! Mercator, gives the same plan; field mapping reads a Windows-1256 planner's shapefile; broken
//! inputs stop with exit status 2 naming the file, the feature and the problem; and the
//! GeoPackage and workbook outputs are deterministic and read back.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
        .display()
        .to_string()
}

fn gis(path: &str) -> String {
    data(&format!("gis/{path}"))
}

fn siting(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `siting` with `args` and `--out` a new folder, asserts success, returns the folder.
fn run(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut all = args.to_vec();
    let dir = out.path().display().to_string();
    all.extend(["--out", &dir]);
    let output = siting(&all);
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

/// An instance as the three input flags name it.
struct Inputs {
    demand: String,
    candidates: String,
    neighbourhoods: String,
}

impl Inputs {
    fn tiny() -> Self {
        Inputs {
            demand: data("tiny/demand.csv"),
            candidates: data("tiny/candidates.csv"),
            neighbourhoods: data("tiny/neighbourhoods.geojson"),
        }
    }

    /// The three layers of one GeoPackage.
    fn gpkg(file: &str) -> Self {
        let file = gis(file);
        Inputs {
            demand: format!("{file}:demand"),
            candidates: format!("{file}:candidates"),
            neighbourhoods: format!("{file}:neighbourhoods"),
        }
    }

    /// The three shapefiles of one folder.
    fn shp(folder: &str) -> Self {
        Inputs {
            demand: gis(&format!("{folder}/demand.shp")),
            candidates: gis(&format!("{folder}/candidates.shp")),
            neighbourhoods: gis(&format!("{folder}/neighbourhoods.shp")),
        }
    }

    fn plan(&self, settings: &[&str]) -> tempfile::TempDir {
        let mut args = vec![
            "plan",
            "--demand",
            &self.demand,
            "--candidates",
            &self.candidates,
            "--neighbourhoods",
            &self.neighbourhoods,
            "--no-map",
        ];
        args.extend(settings);
        run(&args)
    }
}

/// Numbers within `tolerance` (reprojection moves points by well under a millimetre), every
/// other value equal; `seconds` is a timing and differs.
#[track_caller]
fn assert_close(a: &Value, b: &Value, tolerance: f64, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tolerance, "{at}: {x} vs {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{at}"
            );
            for (key, value) in x.iter().filter(|(k, _)| *k != "seconds") {
                assert_close(value, &y[key], tolerance, &format!("{at}.{key}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_close(x, y, tolerance, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// `assignment.csv` rows: the same demand ids and centres in the same order, distances within
/// `tolerance` metres.
#[track_caller]
fn assert_same_assignment(a: &Path, b: &Path, tolerance: f64) {
    let rows = |dir: &Path| -> Vec<Vec<String>> {
        std::fs::read_to_string(dir.join("assignment.csv"))
            .unwrap()
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    };
    let (a, b) = (rows(a), rows(b));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x[..2], y[..2], "{x:?} vs {y:?}");
        if let (Ok(dx), Ok(dy)) = (x[2].parse::<f64>(), y[2].parse::<f64>()) {
            assert!((dx - dy).abs() <= tolerance, "{x:?} vs {y:?}");
        } else {
            assert_eq!(x[2], y[2]);
        }
    }
}

/// Plan, access figures and assignment agree with the CSV/GeoJSON run.
#[track_caller]
fn assert_same_plan(base: &Path, other: &Path, what: &str) {
    let (a, b) = (json(base, "plan.json"), json(other, "plan.json"));
    assert_eq!(a["chosen"], b["chosen"], "{what}: chosen sites");
    assert_close(&a, &b, 0.01, &format!("{what}: plan.json"));
    assert_close(
        &json(base, "access.json"),
        &json(other, "access.json"),
        0.01,
        &format!("{what}: access.json"),
    );
    assert_same_assignment(base, other, 0.002);
}

#[test]
fn the_tiny_instance_plans_the_same_from_every_format_and_crs() {
    let variants = [
        ("GeoPackage UTM 39N", Inputs::gpkg("tiny-utm39.gpkg")),
        ("GeoPackage Web Mercator", Inputs::gpkg("tiny-3857.gpkg")),
        ("Shapefile UTM 39N", Inputs::shp("shp-utm39")),
        ("Shapefile Web Mercator", Inputs::shp("shp-3857")),
    ];
    for settings in [
        &["--model", "mclp", "--p", "2", "--radius", "1500"][..],
        &["--model", "pmedian", "--p", "2"][..],
    ] {
        let base = Inputs::tiny().plan(settings);
        for (what, inputs) in &variants {
            let other = inputs.plan(settings);
            assert_same_plan(base.path(), other.path(), &format!("{what} {settings:?}"));
        }
    }
}

#[test]
fn the_demo_city_plans_the_same_from_a_utm_geopackage() {
    let demo = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/demo")
            .join(name)
            .display()
            .to_string()
    };
    let csv = Inputs {
        demand: demo("demand.csv"),
        candidates: demo("candidates.csv"),
        neighbourhoods: demo("neighbourhoods.geojson"),
    };
    let settings = [
        "--model",
        "mclp",
        "--p",
        "12",
        "--radius-urban",
        "1500",
        "--radius",
        "5000",
        "--min-sites",
        "urban=4,rural=3,informal=2",
    ];
    let base = csv.plan(&settings);
    let gpkg = Inputs::gpkg("demo-utm39.gpkg").plan(&settings);
    assert_same_plan(base.path(), gpkg.path(), "demo");
}

#[test]
fn a_windows_1256_shapefile_reads_through_the_field_map() {
    let summary = |args: &[&str]| {
        let mut all = vec!["summary", "--json"];
        all.extend(args);
        let output = siting(&all);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    let (demand, hoods) = (
        gis("shp-1256/demand.shp"),
        gis("shp-1256/neighbourhoods.shp"),
    );
    let mapped = summary(&[
        "--demand",
        &demand,
        "--neighbourhoods",
        &hoods,
        "--id-field",
        "kod",
        "--weight-field",
        "khanevar",
        "--name-field",
        "نام",
        "--kind-field",
        "نوع",
        "--kind-map",
        "شهری=urban,روستایی=rural,غیررسمی=informal",
    ]);
    let tiny = Inputs::tiny();
    let original = summary(&[
        "--demand",
        &tiny.demand,
        "--neighbourhoods",
        &tiny.neighbourhoods,
    ]);
    assert_eq!(mapped, original);
    // The Persian name survived Windows-1256.
    assert_eq!(mapped["demand"]["by_neighbourhood"][1]["name"], "مرکز شهر");
}

#[test]
fn access_reads_centres_and_demand_from_a_geopackage() {
    let tiny = Inputs::tiny();
    let gpkg = Inputs::gpkg("tiny-3857.gpkg");
    let access = |inputs: &Inputs| {
        run(&[
            "access",
            "--demand",
            &inputs.demand,
            "--centres",
            &inputs.candidates,
            "--neighbourhoods",
            &inputs.neighbourhoods,
            "--radius",
            "1500",
            "--no-map",
        ])
    };
    let (a, b) = (access(&tiny), access(&gpkg));
    assert_close(
        &json(a.path(), "access.json"),
        &json(b.path(), "access.json"),
        0.01,
        "access.json",
    );
    assert_same_assignment(a.path(), b.path(), 0.002);
    assert!(b.path().join("access.gpkg").is_file());
    assert!(b.path().join("access.xlsx").is_file());
}

#[test]
fn plan_gpkg_and_xlsx_are_deterministic_and_read_back() {
    let settings = ["--model", "mclp", "--p", "2", "--radius", "1500"];
    let (a, b) = (
        Inputs::tiny().plan(&settings),
        Inputs::tiny().plan(&settings),
    );
    for name in ["plan.gpkg", "plan.xlsx"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name} differs between two identical runs"
        );
    }
    // Our own reader takes the output layers as inputs: the same points and neighbourhoods.
    let gpkg = a.path().join("plan.gpkg").display().to_string();
    let summary = |demand: &str, hoods: &str| {
        let output = siting(&[
            "summary",
            "--json",
            "--demand",
            demand,
            "--neighbourhoods",
            hoods,
        ]);
        assert_eq!(output.status.code(), Some(0));
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    let tiny = Inputs::tiny();
    assert_eq!(
        summary(&format!("{gpkg}:demand"), &format!("{gpkg}:neighbourhoods")),
        summary(&tiny.demand, &tiny.neighbourhoods)
    );
}

/// Runs `siting summary` on a broken input, expects exit status 2 and every `needles` in the
/// message.
#[track_caller]
fn refused(flag: &str, path: &str, extra: &[&str], needles: &[&str]) {
    let mut args = vec!["summary", flag, path];
    args.extend(extra);
    let output = siting(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{path}: {stderr}");
    for needle in std::iter::once(&path).chain(needles) {
        assert!(
            stderr.contains(needle),
            "{path}: {needle:?} not in {stderr}"
        );
    }
}

#[test]
fn bad_geometries_name_the_feature() {
    refused(
        "--demand",
        &gis("bad/line-in-demand.gpkg"),
        &[],
        &[
            "feature 2 (id \"C\")",
            "field \"geometry\"",
            "expected Point, found LineString",
        ],
    );
    refused(
        "--neighbourhoods",
        &gis("bad/short-ring.gpkg"),
        &[],
        &["feature 1 (id \"N2\")", "the outer ring has 3 positions"],
    );
    refused(
        "--demand",
        &gis("bad/duplicate-id.gpkg"),
        &[],
        &["feature 2 (id \"H1\")", "duplicate id", "feature 0"],
    );
}

#[test]
fn unknown_coordinate_systems_are_refused() {
    refused(
        "--demand",
        &gis("bad/natural-earth.gpkg"),
        &[],
        &["field \"crs\"", "unknown coordinate system"],
    );
    refused(
        "--demand",
        &gis("bad/local-prj/demand.shp"),
        &[],
        &["unknown coordinate system Site grid"],
    );
    refused(
        "--demand",
        &gis("bad/no-prj/demand.shp"),
        &[],
        &["no demand.prj beside it"],
    );
}

#[test]
fn broken_files_are_refused() {
    refused(
        "--demand",
        &gis("bad/truncated.gpkg"),
        &[],
        &["not a readable GeoPackage"],
    );
    refused(
        "--demand",
        &gis("bad/not-a-geopackage.gpkg"),
        &[],
        &["not a readable GeoPackage"],
    );
    refused(
        "--demand",
        &gis("bad/truncated-shp/demand.shp"),
        &[],
        &["feature 3", "cannot read the shape"],
    );
    refused(
        "--neighbourhoods",
        &gis("bad/unknown-cpg/neighbourhoods.shp"),
        &["--id-field", "kod", "--kind-field", "نوع"],
        &["\"KOI9-X\""],
    );
}

#[test]
fn missing_fields_layers_and_kinds_are_named() {
    let tiny = gis("tiny-utm39.gpkg");
    refused(
        "--demand",
        &format!("{tiny}:demand"),
        &["--weight-field", "households"],
        &["field \"households\"", "missing field", "id, weight"],
    );
    refused(
        "--demand",
        &tiny,
        &[],
        &[
            "3 layers (candidates, demand, neighbourhoods)",
            "FILE.gpkg:LAYER",
        ],
    );
    refused(
        "--demand",
        &format!("{tiny}:people"),
        &[],
        &["no feature layer \"people\""],
    );
    refused(
        "--neighbourhoods",
        &gis("shp-1256/neighbourhoods.shp"),
        &["--id-field", "kod", "--kind-field", "نوع"],
        &[
            "feature 0 (id \"U1\")",
            "field \"نوع\"",
            "unknown kind \"شهري\"",
        ],
    );
    // A named weight column is required in CSV files too.
    refused(
        "--demand",
        &data("tiny/demand.csv"),
        &["--weight-field", "households"],
        &["missing column \"households\""],
    );
}

/// Keeps the fixture list and this file in step: every `bad/` entry is exercised above.
#[test]
fn every_bad_fixture_is_tested() {
    let source = std::fs::read_to_string(file!()).unwrap();
    let bad = PathBuf::from(gis("bad"));
    for entry in std::fs::read_dir(bad).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            source.contains(&format!("bad/{name}")),
            "tests/data/gis/bad/{name} is not tested"
        );
    }
}
