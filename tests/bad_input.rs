//! Bad input makes the real binary exit with status 2 and a message that names the file, the line
//! or feature, the field and the problem. One fixture per case in `tests/data/bad/` (see its
//! README for the expected messages).

use siting::error::Location;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of bad-input fixtures.
fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

/// Runs `siting` in `dir` and returns its exit code, stdout and stderr.
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the siting binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `siting` in the fixture folder, so that file names in messages are the fixtures' names.
fn run_bad(args: &[&str]) -> (Option<i32>, String) {
    let (code, _stdout, stderr) = run_in(&bad_dir(), args);
    (code, stderr)
}

/// Asserts that `siting summary FLAG FILE` exits with 2, prints nothing on stdout, and that stderr
/// starts by naming the file and contains every one of `wanted`.
fn expect_bad(flag: &str, file: &str, wanted: &[&str]) {
    assert!(
        bad_dir().join(file).exists(),
        "fixture {file} is missing from tests/data/bad"
    );
    let (code, stdout, stderr) = run_in(&bad_dir(), &["summary", flag, file]);
    assert_eq!(
        code,
        Some(2),
        "siting summary {flag} {file}: exit status\nstderr: {stderr}"
    );
    assert!(stdout.is_empty(), "{file}: nothing on stdout, got {stdout}");
    assert!(!stderr.contains("panicked"), "{file}: panic\n{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {file}: ")),
        "{file}: the message must start by naming the file\nstderr: {stderr}"
    );
    for want in wanted {
        assert!(
            stderr.contains(want),
            "{file}: stderr lacks {want:?}\nstderr: {stderr}"
        );
    }
}

/// One `#[test]` per row: `name: FLAG FILE => [substrings of stderr]`.
macro_rules! bad_input {
    ($($name:ident: $flag:literal $file:literal => [$($want:literal),+ $(,)?];)+) => {
        $(
            #[test]
            fn $name() {
                expect_bad($flag, $file, &[$($want),+]);
            }
        )+
    };
}

bad_input! {
    // Whole-file problems.
    invalid_json: "--neighbourhoods" "neighbourhoods-invalid-json.geojson"
        => ["line 3", "invalid GeoJSON", "expected `,` or `}`"];
    empty_csv: "--demand" "demand-empty.csv" => ["the file is empty"];
    empty_geojson: "--neighbourhoods" "neighbourhoods-empty.geojson" => ["the file is empty"];
    csv_header_without_rows: "--candidates" "candidates-header-only.csv"
        => ["no rows after the header"];
    geojson_without_features: "--demand" "demand-no-features.geojson"
        => ["the FeatureCollection has no features"];
    bare_geometry: "--candidates" "candidates-bare-geometry.geojson"
        => ["expected a FeatureCollection", "bare geometry"];
    unknown_extension: "--demand" "demand-unknown-extension.txt"
        => ["unknown format", ".csv, .geojson, .json, .gpkg (or .gpkg:LAYER) or .shp"];
    csv_missing_column: "--candidates" "candidates-missing-lat.csv"
        => ["line 1", r#"field "lat""#, r#"missing column "lat""#, "id,lon,latitude"];
    csv_ragged_row: "--demand" "demand-ragged-row.csv"
        => ["line 3", "malformed CSV", "3 fields"];
    crs_not_wgs84: "--neighbourhoods" "neighbourhoods-utm-crs.geojson"
        => [r#"field "crs""#, "EPSG::32639", "not WGS84", "reproject"];

    // Geometry.
    linestring_neighbourhood: "--neighbourhoods" "neighbourhoods-linestring.geojson"
        => [r#"feature 1 (id "N2")"#, r#"field "geometry""#,
            "expected Polygon or MultiPolygon, found LineString"];
    polygon_demand_point: "--demand" "demand-polygon.geojson"
        => [r#"feature 0 (id "H1")"#, r#"field "geometry""#, "expected Point, found Polygon"];
    ring_with_3_positions: "--neighbourhoods" "neighbourhoods-short-ring.geojson"
        => [r#"feature 0 (id "N1")"#, r#"field "geometry""#, "the outer ring has 3 positions",
            "at least 4"];
    hole_with_3_positions: "--neighbourhoods" "neighbourhoods-short-hole.geojson"
        => [r#"feature 0 (id "N1")"#, r#"field "geometry""#, "hole 1 has 3 positions"];
    unclosed_ring: "--neighbourhoods" "neighbourhoods-unclosed-ring.geojson"
        => [r#"feature 0 (id "N1")"#, r#"field "geometry""#, "the outer ring is not closed"];

    // Ids.
    csv_empty_id: "--demand" "demand-empty-id.csv"
        => ["line 3", r#"field "id""#, "is missing or empty"];
    geojson_missing_id: "--demand" "demand-missing-id.geojson"
        => ["feature 1", r#"field "id""#, "is missing"];
    csv_duplicate_id: "--demand" "demand-duplicate-id.csv"
        => ["line 4", r#"field "id""#, r#"duplicate id "H1""#, "first used at line 2"];
    geojson_duplicate_id: "--neighbourhoods" "neighbourhoods-duplicate-id.geojson"
        => [r#"feature 2 (id "N1")"#, r#"field "id""#, r#"duplicate id "N1""#,
            r#"first used at feature 0 (id "N1")"#];

    // Coordinates.
    nan_longitude: "--demand" "demand-nan-lon.csv"
        => ["line 3", r#"field "lon""#, "NaN is not a finite number"];
    infinite_latitude: "--demand" "demand-infinite-lat.csv"
        => ["line 3", r#"field "lat""#, "inf is not a finite number"];
    longitude_out_of_range: "--demand" "demand-lon-out-of-range.csv"
        => ["line 3", r#"field "lon""#, "longitude 200.5 is outside -180..180"];
    csv_swapped_latlon: "--demand" "demand-swapped-latlon.csv"
        => ["line 3", r#"field "lat""#, "latitude 120.2 is outside -90..90", "appear swapped"];
    geojson_swapped_latlon: "--demand" "demand-swapped-latlon.geojson"
        => [r#"feature 0 (id "H1")"#, r#"field "lat""#, "appear swapped"];

    // Values.
    negative_weight: "--demand" "demand-negative-weight.csv"
        => ["line 3", r#"field "weight""#, "-3 is negative"];
    csv_text_weight: "--demand" "demand-text-weight.csv"
        => ["line 3", r#"field "weight""#, r#""many" is not a number"#];
    geojson_string_weight: "--demand" "demand-string-weight.geojson"
        => [r#"feature 1 (id "H2")"#, r#"field "weight""#, r#""lots" is not a number"#];
    geojson_bool_weight: "--demand" "demand-bool-weight.geojson"
        => [r#"feature 0 (id "H1")"#, r#"field "weight""#, "true is not a number"];
    unknown_kind: "--neighbourhoods" "neighbourhoods-unknown-kind.geojson"
        => [r#"feature 0 (id "N1")"#, r#"field "kind""#, r#"unknown kind "suburban""#,
            "expected urban, rural or informal"];
    missing_kind: "--neighbourhoods" "neighbourhoods-missing-kind.geojson"
        => [r#"feature 0 (id "N1")"#, r#"field "kind""#, "is missing"];
    bad_fixed_flag: "--candidates" "candidates-bad-fixed.csv"
        => ["line 3", r#"field "fixed""#, r#""maybe" is not true or false"#];
    negative_capacity: "--candidates" "candidates-negative-capacity.csv"
        => ["line 3", r#"field "capacity""#, "-500 is negative"];
}

#[test]
fn missing_file_is_named() {
    for (flag, file) in [
        ("--demand", "does-not-exist.csv"),
        ("--neighbourhoods", "does-not-exist.geojson"),
    ] {
        let (code, stderr) = run_bad(&["summary", flag, file]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {file}: cannot read the file")),
            "{stderr}"
        );
    }
}

/// Regression: a folder named like a CSV file opens and then fails on the first read; it was
/// reported as "malformed CSV".
#[test]
fn directory_is_unreadable_not_malformed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (flag, name) in [
        ("--demand", "demand.csv"),
        ("--candidates", "candidates.csv"),
        ("--neighbourhoods", "neighbourhoods.geojson"),
    ] {
        std::fs::create_dir(tmp.path().join(name)).expect("create a folder");
        let (code, _stdout, stderr) = run_in(tmp.path(), &["summary", flag, name]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {name}: cannot read the file")),
            "{stderr}"
        );
        assert!(!stderr.contains("malformed"), "{stderr}");
    }
}

#[test]
fn nothing_to_summarise_is_a_usage_error() {
    let (code, stderr) = run_bad(&["summary"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("nothing to summarise"), "{stderr}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let (code, stderr) = run_bad(&["summary", "--demmand", "demand.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--demmand"), "{stderr}");
}

/// A bow-tie polygon still loads (points are tested against it as drawn), with a warning naming it.
#[test]
fn self_intersecting_polygon_warns_and_succeeds() {
    let (code, stdout, stderr) = run_in(
        &bad_dir(),
        &[
            "summary",
            "--neighbourhoods",
            "neighbourhoods-bowtie.geojson",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr
            .starts_with(r#"warning: neighbourhoods-bowtie.geojson: feature 0 (id "N-bowtie"): "#),
        "{stderr}"
    );
    assert!(stderr.contains("self-intersection"), "{stderr}");
    assert!(stdout.contains("1 rural"), "{stdout}");
}

// The cost matrix has no command yet: its loader is tested directly, against the tiny instance.

fn read_cost(file: &str) -> Result<siting::model::CostMatrix, siting::ReadError> {
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    let demand = siting::io::read_demand(&tiny.join("demand.csv"), &Default::default())
        .expect("tiny demand loads");
    let sites = siting::io::read_sites(&tiny.join("candidates.csv"), &Default::default())
        .expect("tiny sites load");
    siting::io::read_cost(&bad_dir().join(file), &demand, &sites)
}

/// Asserts that the cost loader rejects `file` at `line` with a message containing `wanted`.
fn expect_bad_cost(file: &str, line: u64, field: Option<&str>, wanted: &[&str]) {
    let err = read_cost(file).expect_err("the cost matrix is rejected");
    assert_eq!(err.location, Location::Line(line), "{err}");
    assert_eq!(err.field.as_deref(), field, "{err}");
    let message = err.to_string();
    assert!(message.contains(file), "{message}");
    assert!(message.contains(&format!("line {line}")), "{message}");
    for want in wanted {
        assert!(message.contains(want), "lacks {want:?}: {message}");
    }
    // Bad input, so the binary would exit with 2.
    assert!(siting::Error::from(err).is_input_error());
}

#[test]
fn cost_unknown_demand_id() {
    expect_bad_cost(
        "cost-unknown-demand.csv",
        3,
        Some("demand_id"),
        &[r#"field "demand_id""#, r#""H99" is not a demand point id"#],
    );
}

#[test]
fn cost_duplicated_pair_names_both_lines() {
    expect_bad_cost(
        "cost-duplicate-pair.csv",
        5,
        None,
        &[r#"the pair ("H01", "S1") is listed twice"#, "lines 2 and 5"],
    );
}

#[test]
fn cost_negative_metres() {
    expect_bad_cost(
        "cost-negative.csv",
        3,
        Some("metres"),
        &[r#"field "metres""#, "-5 is negative"],
    );
}
