//! `report.html`: one self-contained page a planner can open offline or email. Maps come in as
//! PNG data URIs, charts as inline SVG, and the font as a data URI, so nothing is fetched.

use super::CompareRow;
use super::charts::{Curve, coverage_chart, distance_chart};
use crate::Result;
use crate::access::{
    AccessInput, DistanceUnit, Figures, Measures, coverage_by_opening, distance_distribution,
    point_kind,
};
use crate::map::{distance_label, text};
use crate::model::AreaKind;
use crate::plan::{PlanReport, Radius};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// What a report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The page's heading.
    pub title: &'a str,
    /// The plan, when the centres were chosen by `siting plan`.
    pub plan: Option<&'a PlanReport>,
    /// The demand, sites and open centres measured; for a plan, `open` is in opening order.
    pub access: AccessInput<'a>,
    /// The service radius rule of the figures.
    pub radius: &'a Radius,
    /// The access figures.
    pub measures: &'a Measures,
    /// The map as PNG bytes, unless maps were turned off.
    pub map_png: Option<&'a [u8]>,
}

/// Points per distance curve: smooth on the page, small in the file.
const CURVE_STEPS: usize = 200;
/// Rows of the caseload table before the rest are summarised.
const CASELOAD_ROWS: usize = 200;

/// The report of a plan or an access run.
pub fn report(input: &ReportInput) -> Result<String> {
    let access = &input.measures.access;
    let distance_svg = distance_chart(&distance_curves(input), access.distance_unit)?;
    let coverage_svg = input
        .plan
        .map(|_| {
            let curve = coverage_by_opening(
                &input.access,
                input.radius,
                &input.measures.neighbourhood_of,
            );
            let sites = input.access.sites;
            let fixed: Vec<bool> = input.access.open.iter().map(|&s| sites[s].fixed).collect();
            coverage_chart(&curve, &fixed, access.overall.total_weight)
        })
        .transpose()?;
    let body = html! {
        h1 { (input.title) }
        (headline(input))
        @if let Some(png) = input.map_png {
            section {
                h2 { "Map" }
                figure {
                    img src=(format!("data:image/png;base64,{}", BASE64.encode(png)))
                        alt="Map of the neighbourhoods coloured by the share of their target population within reach, with the centres and their service radii";
                    figcaption { "Also written as map.png and map.svg next to this report." }
                }
            }
        }
        (by_kind_table(input))
        (roads_table(input))
        section {
            h2 { "Distance to the nearest centre" }
            p { "The share of each area kind's target population within a given distance of its nearest centre; the thin dashed line under each curve marks its service radius. A curve that rises late means a kind that travels further." }
            div.chart { (PreEscaped(&distance_svg)) }
        }
        @if let Some(svg) = &coverage_svg {
            section {
                h2 { "Coverage as centres open" }
                p { "Each bar is what one more centre adds, in the plan's order of opening (plan.json's opening_order): the existing centres first, then at each step the centre that adds the most to the plan's objective. The line is the share covered so far; where the bars flatten, more centres buy little, and the first bars say which centres to open first if they cannot all open at once." }
                div.chart { (PreEscaped(svg)) }
            }
        }
        (worst_table(input))
        (caseload_table(input))
        (about(input))
    };
    Ok(page(input.title, body))
}

/// The report of `siting compare`: the variants' figures side by side, then their maps (`maps`
/// holds each row's map.png, `None` where none was drawn).
pub fn compare_report(title: &str, rows: &[CompareRow], maps: &[Option<Vec<u8>>]) -> String {
    page(
        title,
        html! {
            h1 { (title) }
            (compare_table(rows))
            @if maps.iter().any(Option::is_some) {
                section {
                    h2 { "Maps" }
                    div.maps {
                        @for (row, map) in rows.iter().zip(maps) {
                            @if let Some(png) = map {
                                figure {
                                    img src=(format!("data:image/png;base64,{}", BASE64.encode(png)))
                                        alt=(format!("Map of variant {}", row.variant));
                                    figcaption dir="auto" { (row.variant) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The page around a body: styles and the embedded font.
fn page(title: &str, body: Markup) -> String {
    let font = BASE64.encode(text::FONT);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style {
                    (PreEscaped(format!("@font-face {{ font-family: 'Siting Sans'; src: url(data:font/ttf;base64,{font}) format('truetype'); }}")))
                    (PreEscaped(STYLE))
                }
            }
            body { main { (body) } }
        }
    }
    .into_string()
}

const STYLE: &str = "
body { font-family: 'Siting Sans', sans-serif; color: #212121; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 16px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p { line-height: 1.5; max-width: 75ch; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .value { font-size: 24px; font-weight: bold; }
.card .label { font-size: 13px; color: #555; }
.maps { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
figure { margin: 0; }
figure img, .chart svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 13px; color: #555; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 10px; }
th { text-align: start; background: #f3f3f3; }
td.n { text-align: end; font-variant-numeric: tabular-nums; }
@media print { body { background: #fff; } main { padding: 0; } }
";

fn headline(input: &ReportInput) -> Markup {
    let access = &input.measures.access;
    let overall = &access.overall;
    let existing = input.measures.centres.iter().filter(|c| c.fixed).count();
    let centres = input.measures.centres.len();
    html! {
        div.cards {
            div.card {
                div.value id="covered-share" data-value=(overall.covered_share) { (percent(overall.covered_share)) }
                div.label {
                    "of the target population covered: "
                    span id="covered-weight" data-value=(overall.covered_weight) { (grouped(overall.covered_weight)) }
                    " of "
                    span id="total-weight" data-value=(overall.total_weight) { (grouped(overall.total_weight)) }
                }
            }
            @for (kind, figures) in access.kinds_with_demand() {
                div.card {
                    div.value id=(format!("covered-share-{kind}")) data-value=(figures.covered_share) { (percent(figures.covered_share)) }
                    div.label { (kind) " covered (" (grouped(figures.covered_weight)) " of " (grouped(figures.total_weight)) ")" }
                }
            }
            div.card {
                div.value id="centres" data-value=(centres) { (centres) }
                div.label { "centres open: " (existing) " existing, " (centres - existing) " new" }
            }
            div.card {
                div.value id="mean-distance" data-value=(overall.mean_distance_m) { (distance_label(overall.mean_distance_m, access.distance_unit)) }
                div.label { "mean distance to the nearest centre" }
            }
            @if let Some(plan) = input.plan {
                div.card {
                    div.value id="gap" data-value=(plan.gap) {
                        @if plan.gap == 0.0 { "0" } @else { (format!("{:.2}%", 100.0 * plan.gap)) }
                    }
                    div.label {
                        "gap to the proven bound"
                        @if plan.gap == 0.0 { " (proven optimal)" }
                        ": " (plan.model) " objective "
                        span id="objective" data-value=(plan.objective) { (number(plan.objective)) }
                        ", bound "
                        span id="bound" data-value=(plan.bound) { (number(plan.bound)) }
                    }
                }
            }
        }
    }
}

fn by_kind_table(input: &ReportInput) -> Markup {
    let access = &input.measures.access;
    let unit = access.distance_unit;
    let mut rows: Vec<(String, &Figures)> = access
        .kinds_with_demand()
        .map(|(k, f)| (k.to_string(), f))
        .collect();
    if let Some(outside) = access.outside.as_ref().filter(|f| f.total_weight > 0.0) {
        rows.push(("outside every neighbourhood".into(), outside));
    }
    rows.push(("all".into(), &access.overall));
    html! {
        section {
            h2 { "Access by area kind" }
            table id="by-kind" {
                thead { tr {
                    th { "area" } th { "target population" } th { "covered" } th { "covered share" }
                    th { "mean distance" } th { "median" } th { "90th percentile" } th { "max" } th { "Gini" }
                } }
                tbody {
                    @for (name, f) in &rows {
                        tr {
                            td { (name) }
                            td.n { (grouped(f.total_weight)) }
                            td.n { (grouped(f.covered_weight)) }
                            td.n { (percent(f.covered_share)) }
                            td.n { (distance_label(f.mean_distance_m, unit)) }
                            td.n { (distance_label(f.median_distance_m, unit)) }
                            td.n { (distance_label(f.p90_distance_m, unit)) }
                            td.n { (distance_label(f.max_distance_m, unit)) }
                            td.n { (format!("{:.3}", f.gini)) }
                        }
                    }
                }
            }
            @if let Some(ratio) = access.equity.coverage_ratio_worst_to_best {
                p { "Worst-served kind over best-served kind, covered share: " strong { (format!("{ratio:.2}")) } " (1 is an even share)." }
            }
        }
    }
}

/// With a road network: the covered share along the roads against straight lines, per kind,
/// and the neighbourhoods that lose most.
fn roads_table(input: &ReportInput) -> Markup {
    let access = &input.measures.access;
    let Some(versus) = &access.roads_versus_straight else {
        return html! {};
    };
    let mut rows: Vec<(String, &crate::access::Both)> = versus
        .by_kind
        .iter()
        .filter(|(_, b)| b.total_weight > 0.0)
        .map(|(k, b)| (k.to_string(), b))
        .collect();
    rows.push(("all".into(), &versus.overall));
    let change = |b: &crate::access::Both| {
        format!(
            "{:+.1} points",
            100.0 * (b.road_share() - b.straight_share())
        )
    };
    html! {
        section {
            h2 { "What the roads change" }
            p { "The same centres, measured along the roads (from each home's nearest road, by the shortest way) and on straight lines. Where a river, a motorway or a missing link stands between people and a centre, a straight-line plan counts them as served when they are not." }
            table id="roads-versus-straight" {
                thead { tr { th { "area" } th { "target population" } th { "covered, straight lines" } th { "covered, along roads" } th { "change" } } }
                tbody {
                    @for (name, b) in &rows {
                        tr {
                            td { (name) }
                            td.n { (grouped(b.total_weight)) }
                            td.n data-value=(b.straight_share()) { (percent(b.straight_share())) }
                            td.n data-value=(b.road_share()) { (percent(b.road_share())) }
                            td.n { (change(b)) }
                        }
                    }
                }
            }
            @if !versus.losing_most.is_empty() {
                h3 { "Neighbourhoods that lose most on the roads" }
                table id="roads-losing" {
                    thead { tr { th { "neighbourhood" } th { "kind" } th { "target population" } th { "covered, straight" } th { "covered, roads" } th { "lost" } } }
                    tbody {
                        @for l in &versus.losing_most {
                            tr {
                                td dir="auto" { (l.name) }
                                td { (l.kind) }
                                td.n { (grouped(l.both.total_weight)) }
                                td.n { (percent(l.both.straight_share())) }
                                td.n { (percent(l.both.road_share())) }
                                td.n data-value=(l.lost_weight) { (grouped(l.lost_weight)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn worst_table(input: &ReportInput) -> Markup {
    let worst = &input.measures.access.equity.worst_neighbourhoods;
    html! {
        @if !worst.is_empty() {
            section {
                h2 { "Worst-served neighbourhoods" }
                p { "The neighbourhoods with the most target population beyond every centre's reach, most first; the first five are numbered on the map." }
                table id="worst" {
                    thead { tr { th { "#" } th { "neighbourhood" } th { "id" } th { "kind" } th { "target population" } th { "uncovered" } th { "uncovered share" } } }
                    tbody {
                        @for (n, w) in worst.iter().enumerate() {
                            tr {
                                td.n { (n + 1) }
                                td dir="auto" { (w.name) }
                                td dir="auto" { (w.id) }
                                td { (w.kind) }
                                td.n { (grouped(w.total_weight)) }
                                td.n { (grouped(w.uncovered_weight)) }
                                td.n { (percent(w.uncovered_share)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn caseload_table(input: &ReportInput) -> Markup {
    let unit = input.measures.access.distance_unit;
    let mut centres: Vec<_> = input.measures.centres.iter().collect();
    centres.sort_by(|a, b| b.caseload_weight.total_cmp(&a.caseload_weight));
    let caseload = &input.measures.access.caseload;
    html! {
        section {
            h2 { "Caseload per centre" }
            p {
                "Target population for which each centre is the nearest, largest first. Mean caseload "
                (grouped(caseload.mean_weight)) ", from " (grouped(caseload.min_weight)) " to " (grouped(caseload.max_weight))
                " (coefficient of variation " (format!("{:.2}", caseload.coefficient_of_variation)) ")."
            }
            table id="caseloads" {
                thead { tr { th { "centre" } th { "status" } th { "area kind" } th { "caseload" } th { "of which covered" } th { "mean distance" } th { "max distance" } } }
                tbody {
                    @for c in centres.iter().take(CASELOAD_ROWS) {
                        tr {
                            td dir="auto" { (c.id) }
                            td { @if c.fixed { "existing" } @else { "new" } }
                            td { (c.kind.map_or("outside", AreaKind::as_str)) }
                            td.n { (grouped(c.caseload_weight)) }
                            td.n { (grouped(c.covered_weight)) }
                            td.n { (distance_label(c.mean_distance_m, unit)) }
                            td.n { (distance_label(c.max_distance_m, unit)) }
                        }
                    }
                }
            }
            @if centres.len() > CASELOAD_ROWS {
                p { (centres.len() - CASELOAD_ROWS) " smaller centres are listed in centres.csv." }
            }
        }
    }
}

fn compare_table(rows: &[CompareRow]) -> Markup {
    let share = |s: Option<f64>| s.map_or_else(|| "–".to_owned(), percent);
    html! {
        section {
            h2 { "Variants compared" }
            table id="compare" {
                thead { tr {
                    th { "variant" } th { "model" } th { "centres" } th { "covered" } th { "urban" } th { "rural" }
                    th { "informal" } th { "mean distance" } th { "Gini" } th { "gap" } th { "most uncovered neighbourhood" }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td dir="auto" { (r.variant) }
                            td { (r.model) }
                            td.n { (r.centres) }
                            td.n { (percent(r.covered_share)) }
                            td.n { (share(r.covered_share_urban)) }
                            td.n { (share(r.covered_share_rural)) }
                            td.n { (share(r.covered_share_informal)) }
                            td.n { (distance_label(r.mean_distance_m, DistanceUnit::Metres)) }
                            td.n { (format!("{:.3}", r.gini)) }
                            td.n { (format!("{:.2}%", 100.0 * r.gap)) }
                            td dir="auto" { (r.most_uncovered.as_deref().unwrap_or("–")) }
                        }
                    }
                }
            }
            p { "Each variant's own report.html is in its folder." }
        }
    }
}

fn about(input: &ReportInput) -> Markup {
    let access = &input.measures.access;
    let radii: Vec<String> = access
        .radius_by_kind
        .iter()
        .map(|(k, r)| format!("{k} {}", distance_label(*r, access.distance_unit)))
        .chain(
            access
                .radius_m
                .map(|r| format!("elsewhere {}", distance_label(r, access.distance_unit))),
        )
        .collect();
    html! {
        section {
            h2 { "About this report" }
            p {
                "Covered means within the service radius of an open centre"
                @if !radii.is_empty() { " (" (radii.join(", ")) ")" }
                ". Distances are great-circle metres unless a cost matrix was given. "
                "The map uses a Lambert azimuthal equal-area projection centred on the area; the radius circles are geodesic, drawn at the radius of the kind of area each centre stands in. "
                "Text uses the DejaVu Sans font (Bitstream Vera licence), embedded in this file."
            }
        }
    }
}

/// One curve per area kind with target population, and one for everyone.
fn distance_curves(input: &ReportInput) -> Vec<Curve> {
    let measures = input.measures;
    let weights: Vec<f64> = input.access.demand.iter().map(|d| d.weight).collect();
    let kind_of = |i: usize| point_kind(&measures.neighbourhood_of, input.access.neighbourhoods, i);
    let mut curves: Vec<Curve> = measures
        .access
        .kinds_with_demand()
        .map(|(kind, _)| Curve {
            label: kind.to_string(),
            kind: Some(kind),
            radius: input.radius.for_kind(Some(kind)),
            points: distance_distribution(
                &weights,
                &measures.nearest,
                |i| kind_of(i) == Some(kind),
                CURVE_STEPS,
            ),
        })
        .collect();
    curves.push(Curve {
        label: "all".into(),
        kind: None,
        // One radius for everyone only when no kind has its own.
        radius: input
            .radius
            .default_m
            .filter(|_| input.radius.named_by_kind().is_empty()),
        points: distance_distribution(&weights, &measures.nearest, |_| true, CURVE_STEPS),
    });
    curves
}

/// The map's subtitle: coverage overall and per kind, the centres, and how good the plan is
/// proven to be. Nothing timed, so the same input draws the same map.
pub fn summary_line(measures: &Measures, plan: Option<&PlanReport>) -> String {
    let access = &measures.access;
    let kinds: Vec<String> = access
        .kinds_with_demand()
        .map(|(k, f)| format!("{k} {}", percent(f.covered_share)))
        .collect();
    let mut line = format!(
        "{} of the target population covered",
        percent(access.overall.covered_share)
    );
    if !kinds.is_empty() {
        line += &format!(" ({})", kinds.join(", "));
    }
    let existing = measures.centres.iter().filter(|c| c.fixed).count();
    line += &format!("; {}, {existing} existing", centres(measures.centres.len()));
    if let Some(plan) = plan {
        line += &match plan.gap {
            0.0 => format!("; {} plan, proven optimal", plan.model),
            gap => format!(
                "; {} plan within {:.2}% of optimal",
                plan.model,
                100.0 * gap
            ),
        };
    }
    line
}

/// "1 centre", "12 centres".
pub fn centres(count: usize) -> String {
    format!("{count} centre{}", if count == 1 { "" } else { "s" })
}

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// A weight with thousands separators; one decimal when it is not whole.
pub fn grouped(weight: f64) -> String {
    let whole = weight.round();
    if (weight - whole).abs() > 1e-9 {
        return format!("{weight:.1}");
    }
    let digits = format!("{:.0}", whole.abs());
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if whole < 0.0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// An objective or bound: whole numbers grouped, others to six significant digits.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        grouped(x)
    } else {
        format!("{x:.6}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_grouped_by_thousands() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1,000");
        assert_eq!(grouped(1_551_770.0), "1,551,770");
        assert_eq!(grouped(-12_345.0), "-12,345");
        assert_eq!(grouped(12.5), "12.5");
    }
}
