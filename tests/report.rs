//! Maps and `report.html` end to end on the demo: the files decode and parse, and the report
//! states the figures of plan.json and access.json. `.ci/browser-check` renders the same report in
//! headless Chromium.

// Test helpers fail loudly by design: a panic here is a failed test, not a crash.
#![allow(clippy::unwrap_used)]

use scraper::{Html, Selector};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run(args: &[&str], out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_siting"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn demo(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["demo"];
    args.extend_from_slice(extra);
    run(&args, out.path());
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn page(out: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(out.join("report.html")).unwrap())
}

/// The `data-value` of the element with this id: the exact figure behind the formatted text.
fn figure(page: &Html, id: &str) -> f64 {
    let selector = Selector::parse(&format!("#{id}")).unwrap();
    let element = page
        .select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no #{id}"));
    element.value().attr("data-value").unwrap().parse().unwrap()
}

fn texts(page: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

fn decode_png(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(info.buffer_size());
    (info, pixels)
}

#[test]
fn the_demo_map_decodes_and_draws_every_colour_class_it_uses() {
    let out = demo(&[]);
    let (info, pixels) = decode_png(&std::fs::read(out.path().join("map.png")).unwrap());
    assert_eq!((info.width, info.height), (1400, 1000));
    let distinct: std::collections::BTreeSet<&[u8]> = pixels.chunks(3).collect();
    assert!(distinct.len() > 50, "{} colours", distinct.len());
    // The worst covered class (ColorBrewer OrRd's darkest, RGB 179,0,0) fills the demo's many
    // uncovered rural neighbourhoods.
    assert!(distinct.contains(&[179_u8, 0, 0][..]));
}

#[test]
fn the_demo_svg_parses_and_names_the_worst_served_neighbourhoods_in_logical_order() {
    let out = demo(&[]);
    let svg = std::fs::read_to_string(out.path().join("map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let polygons = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .count();
    let hoods =
        json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/neighbourhoods.geojson"));
    assert!(polygons >= hoods["features"].as_array().unwrap().len());
    let text: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    let access = json(&out.path().join("access.json"));
    for worst in access["equity"]["worst_neighbourhoods"]
        .as_array()
        .unwrap()
        .iter()
        .take(5)
    {
        let name = worst["name"].as_str().unwrap();
        assert!(text.contains(name), "{name} is not on the map");
    }
}

#[test]
fn the_report_states_the_plans_figures() {
    let out = demo(&[]);
    let plan = json(&out.path().join("plan.json"));
    let access = json(&out.path().join("access.json"));
    let page = page(out.path());

    assert_eq!(figure(&page, "gap"), plan["gap"].as_f64().unwrap());
    assert_eq!(
        figure(&page, "objective"),
        plan["objective"].as_f64().unwrap()
    );
    assert_eq!(figure(&page, "bound"), plan["bound"].as_f64().unwrap());
    assert_eq!(figure(&page, "centres"), plan["p"].as_f64().unwrap());
    assert_eq!(
        figure(&page, "covered-weight"),
        plan["covered_weight"].as_f64().unwrap()
    );
    assert_eq!(
        figure(&page, "total-weight"),
        plan["total_weight"].as_f64().unwrap()
    );
    for (kind, figures) in access["by_kind"].as_object().unwrap() {
        // serde_json's default float parser may land one ulp off the written value.
        let expected = figures["covered_share"].as_f64().unwrap();
        let shown = figure(&page, &format!("covered-share-{kind}"));
        assert!(
            (shown - expected).abs() <= 1e-15 * expected.abs(),
            "{kind}: {shown} vs {expected}"
        );
    }
    // The formatted headline, as a planner reads it.
    let share =
        100.0 * plan["covered_weight"].as_f64().unwrap() / plan["total_weight"].as_f64().unwrap();
    assert_eq!(texts(&page, "#covered-share"), [format!("{share:.1}%")]);

    let worst: Vec<String> = access["equity"]["worst_neighbourhoods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        texts(&page, "#worst tbody td[dir=auto]:nth-child(2)"),
        worst
    );
    assert_eq!(
        texts(&page, "#caseloads tbody tr").len(),
        plan["chosen"].as_array().unwrap().len()
    );
    // Two inline charts: distances by kind, and coverage as centres open in plan.json's
    // opening order, which starts with the existing centres.
    assert_eq!(texts(&page, ".chart svg").len(), 2);
    let sorted = |ids: &[Value]| {
        let mut ids: Vec<String> = ids.iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        ids.sort_unstable();
        ids
    };
    let fixed = sorted(plan["fixed"].as_array().unwrap());
    let first = sorted(&plan["opening_order"].as_array().unwrap()[..fixed.len()]);
    assert_eq!(first, fixed);
}

#[test]
fn the_report_is_self_contained_and_embeds_the_map_it_wrote() {
    let out = demo(&[]);
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let page = Html::parse_document(&html);
    let img = Selector::parse("img").unwrap();
    let sources: Vec<&str> = page
        .select(&img)
        .map(|e| e.value().attr("src").unwrap())
        .collect();
    assert_eq!(sources.len(), 1);
    let embedded = sources[0].strip_prefix("data:image/png;base64,").unwrap();
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(embedded)
        .unwrap();
    assert_eq!(png, std::fs::read(out.path().join("map.png")).unwrap());
    let linked = Selector::parse("[src], [href]").unwrap();
    for element in page.select(&linked) {
        for attr in ["src", "href"] {
            if let Some(url) = element.value().attr(attr) {
                assert!(url.starts_with("data:"), "{attr}={url} would be fetched");
            }
        }
    }
    assert!(html.contains("@font-face") && html.contains("data:font/ttf;base64,"));
    assert!(!html.contains("<script"));
}

#[test]
fn no_map_skips_the_maps_but_keeps_the_report() {
    let out = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    run(
        &[
            "plan",
            demo.to_str().unwrap(),
            "--model",
            "mclp",
            "--p",
            "8",
            "--radius",
            "2000",
            "--no-map",
        ],
        out.path(),
    );
    assert!(!out.path().join("map.png").exists() && !out.path().join("map.svg").exists());
    let page = page(out.path());
    assert!(texts(&page, "img").is_empty());
    assert_eq!(figure(&page, "centres"), 8.0);
}

#[test]
fn the_distance_map_uses_its_own_legend_and_colours() {
    let covered = demo(&[]);
    let distance = demo(&["--map-measure", "distance"]);
    let read =
        |dir: &tempfile::TempDir| std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    assert!(read(&covered).contains("Share of target population covered"));
    assert!(read(&distance).contains("Mean distance to the nearest centre"));
    assert_ne!(
        std::fs::read(covered.path().join("map.png")).unwrap(),
        std::fs::read(distance.path().join("map.png")).unwrap()
    );
}

#[test]
fn access_reports_have_no_opening_order_chart() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let out = tempfile::tempdir().unwrap();
    run(
        &[
            "access",
            "--demand",
            demo.join("demand.csv").to_str().unwrap(),
            "--centres",
            demo.join("candidates.csv").to_str().unwrap(),
            "--neighbourhoods",
            demo.join("neighbourhoods.geojson").to_str().unwrap(),
            "--radius",
            "2000",
        ],
        out.path(),
    );
    let page = page(out.path());
    assert_eq!(texts(&page, ".chart svg").len(), 1);
    assert_eq!(figure(&page, "centres"), 300.0);
    assert!(texts(&page, "#gap").is_empty());
}

#[test]
fn compare_reports_every_variant_side_by_side_whatever_the_jobs() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/scenario.toml");
    let compare = |jobs: &str| {
        let out = tempfile::tempdir().unwrap();
        run(
            &["compare", scenario.to_str().unwrap(), "--jobs", jobs],
            out.path(),
        );
        out
    };
    let (one, three) = (compare("1"), compare("3"));
    for file in [
        "compare.csv",
        "report.html",
        "twenty/report.html",
        "twenty/map.png",
    ] {
        assert_eq!(
            std::fs::read(one.path().join(file)).unwrap(),
            std::fs::read(three.path().join(file)).unwrap(),
            "{file} depends on --jobs"
        );
    }
    let csv = std::fs::read_to_string(one.path().join("compare.csv")).unwrap();
    let variants: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        variants,
        [
            "twelve",
            "twenty",
            "twelve-no-quota-rural-8km",
            "twelve-straight-lines"
        ]
    );
    let page = page(one.path());
    assert_eq!(
        texts(&page, "#compare tbody td[dir=auto]:first-child"),
        variants
    );
    assert_eq!(texts(&page, "figure img").len(), variants.len());
    // Each variant's map in the comparison is the one in its folder.
    let twenty = std::fs::read(one.path().join("twenty/map.png")).unwrap();
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(twenty);
    assert!(
        std::fs::read_to_string(one.path().join("report.html"))
            .unwrap()
            .contains(&encoded)
    );
}

#[test]
fn without_neighbourhoods_the_map_draws_every_household_covered_or_not() {
    // Eleven households on a line, one centre covering some of them (tests/data/README.md).
    let line = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan-line");
    let out = tempfile::tempdir().unwrap();
    run(
        &[
            "plan",
            "--demand",
            line.join("demand.csv").to_str().unwrap(),
            "--candidates",
            line.join("candidates.csv").to_str().unwrap(),
            "--model",
            "mclp",
            "--p",
            "1",
            "--radius",
            "3000",
        ],
        out.path(),
    );
    let svg = std::fs::read_to_string(out.path().join("map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let dots = |fill: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("1"))
            .filter(|n| n.attribute("fill") == Some(fill))
            .count()
    };
    let plan = json(&out.path().join("plan.json"));
    let covered_points = json(&out.path().join("access.json"))["covered_weight"]
        .as_f64()
        .unwrap();
    assert_eq!(plan["total_weight"], 11.0);
    // Unit weights: covered weight counts covered households; grey dots, then dark ones.
    assert_eq!(dots("#969696") as f64, covered_points);
    assert_eq!(dots("#280050") as f64, 11.0 - covered_points);
}
