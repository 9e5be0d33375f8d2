use super::*;
use crate::model::AreaKind;

/// Writes `text` as `scenario.toml` next to empty demand and candidates files.
fn scenario(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["demand.csv", "candidates.csv"] {
        std::fs::write(dir.path().join(name), "").expect("write input");
    }
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).expect("write scenario");
    (dir, path)
}

fn read_err(text: &str) -> ReadError {
    let (_dir, path) = scenario(text);
    read_scenario(&path).expect_err("should be rejected")
}

const GOOD: &str = r#"
demand = "demand.csv"
candidates = "candidates.csv"
model = "mclp"
p = 12
radius = 3000
radius_urban = 1500.5
min_sites = { urban = 4, rural = 3 }
seed = 7

[[variant]]
name = "twelve"

[[variant]]
name = "twenty"
p = 20
min_sites = {}
radius_rural = 8000
"#;

#[test]
fn reads_base_and_variants_over_it() {
    let (dir, path) = scenario(GOOD);
    let s = read_scenario(&path).expect("good scenario");
    assert_eq!(s.base.demand, Some(dir.path().join("demand.csv")));
    assert_eq!(s.base.cost, None);
    assert_eq!(s.base.model, Some(Model::Mclp));
    assert_eq!(s.base.radius, Some(3000.0));
    assert_eq!(*s.base.radius_by_kind.get(AreaKind::Urban), Some(1500.5));
    assert_eq!(s.base.min_sites, Some(PerKind([4, 3, 0])));
    let names: Vec<_> = s.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["twelve", "twenty"]);
    assert_eq!(s.variants[0].options, s.base);
    let twenty = &s.variants[1].options;
    assert_eq!(twenty.p, Some(20));
    assert_eq!(
        twenty.min_sites,
        Some(PerKind([0, 0, 0])),
        "{{}} drops quotas"
    );
    assert_eq!(twenty.radius_by_kind.0, [Some(1500.5), Some(8000.0), None]);
    assert_eq!((twenty.seed, twenty.radius), (Some(7), Some(3000.0)));
    assert_eq!(twenty.candidates, s.base.candidates);
}

#[test]
fn flags_override_the_file_key_by_key() {
    let (_dir, path) = scenario(GOOD);
    let base = read_scenario(&path).expect("good scenario").base;
    let flags = PlanOptions {
        p: Some(5),
        radius_by_kind: PerKind([None, Some(9.0), None]),
        ..PlanOptions::default()
    };
    let merged = flags.over(base.clone());
    assert_eq!(merged.p, Some(5));
    assert_eq!(merged.radius_by_kind.0, [Some(1500.5), Some(9.0), None]);
    assert_eq!(merged.model, base.model);
    assert_eq!(merged.min_sites, base.min_sites);
}

#[test]
fn unknown_key_names_key_and_line() {
    let err = read_err("model = \"mclp\"\n\n[[variant]]\nname = \"a\"\nradious = 5\n");
    assert_eq!(err.location, Location::Line(5), "{err}");
    assert_eq!(err.field.as_deref(), Some("radious"), "{err}");
    assert!(err.problem.contains("unknown field"), "{err}");
    assert!(err.to_string().contains("scenario.toml: line 5"), "{err}");
}

#[test]
fn unknown_kind_in_quota_is_an_error() {
    let err = read_err("p = 3\nmin_sites = { urban = 1, suburban = 2 }\n");
    assert_eq!(err.location, Location::Line(2), "{err}");
    assert!(err.problem.contains("suburban"), "{err}");
}

#[test]
fn wrong_type_names_key_and_line() {
    let err = read_err("model = \"mclp\"\np = \"twelve\"\n");
    assert_eq!(err.location, Location::Line(2), "{err}");
    assert_eq!(err.field.as_deref(), Some("p"), "{err}");
    assert!(err.problem.contains("invalid type"), "{err}");
    let err = read_err("model = \"k-means\"\n");
    assert_eq!(
        (err.location, err.field.as_deref()),
        (Location::Line(1), Some("model"))
    );
}

#[test]
fn missing_input_names_key_line_and_file() {
    let err = read_err("demand = \"demand.csv\"\ncandidates = \"nowhere.csv\"\n");
    assert_eq!(err.location, Location::Line(2), "{err}");
    assert_eq!(err.field.as_deref(), Some("candidates"), "{err}");
    assert!(err.problem.contains("nowhere.csv"), "{err}");
}

#[test]
fn missing_scenario_file_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("absent.toml");
    let err = read_scenario(&path).expect_err("no file");
    assert_eq!((err.path, err.location), (path, Location::File));
}

#[test]
fn variant_names_are_required_unique_and_folder_safe() {
    let err = read_err("[[variant]]\np = 1\n\n[[variant]]\nname = \"a\"\n");
    assert_eq!(err.field.as_deref(), Some("name"), "{err}");
    assert!(err.problem.contains("needs a name"), "{err}");
    let err = read_err("[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n");
    assert!(err.problem.contains("unique"), "{err}");
    let err = read_err("[[variant]]\nname = \"../up\"\n");
    assert_eq!(err.location, Location::Line(2), "{err}");
}

#[test]
fn a_top_level_name_is_a_missing_variant_header() {
    let err = read_err("p = 1\nname = \"wide\"\nradius = 5\n");
    assert_eq!(err.location, Location::Line(2), "{err}");
    assert!(err.problem.contains("[[variant]] header missing"), "{err}");
}

#[test]
fn numbers_out_of_range_name_key_and_line() {
    for (line, problem) in [
        (
            "radius = -5",
            "must be a non-negative number of metres, not -5",
        ),
        (
            "radius_rural = nan",
            "must be a non-negative number of metres, not NaN",
        ),
        (
            "target_coverage = 1.5",
            "must be a share between 0 and 1, not 1.5",
        ),
        (
            "time_limit = -1.0",
            "must be a non-negative number of seconds, not -1",
        ),
    ] {
        let key = line.split(" = ").next().expect("key");
        // Also inside a variant, where the base could not have caught it.
        let text = format!("demand = \"demand.csv\"\n\n[[variant]]\nname = \"v\"\n{line}\n");
        let err = read_err(&text);
        assert_eq!(err.location, Location::Line(5), "{line}");
        assert_eq!(err.field.as_deref(), Some(key), "{line}");
        assert_eq!(err.problem, problem, "{line}");
    }
}
