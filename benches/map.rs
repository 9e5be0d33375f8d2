//! The map and report stage at three sizes (10,000, 100,000 and 1,500,000 households with 1,200
//! neighbourhoods) and on the generated national preset: `map::Scene::new` (project, classify,
//! bin), `Scene::png` and `Scene::svg` (draw and encode), and `report::report` (report.html with
//! its charts and the PNG embedded). The plan and its access figures are computed once per size,
//! outside the timed closures, as `siting plan` computes them.

// Fixed synthetic inputs: a failure here is a broken bench, not a user error.
#![allow(clippy::unwrap_used)]

mod common;

use siting::cost::CostSource;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main,
};
use geo::{MultiPolygon, Rect};
use siting::access::{AccessInput, AccessParams, Measures, measure};
use siting::generate::{Preset, generate};
use siting::map::{MapInput, MapMeasure, Scene};
use siting::model::{AreaKind, DemandPoint, Neighbourhood, PerKind, Site};
use siting::plan::{Model, PlanParams, PlanReport, Problem, Radius, Settings, solve};
use siting::report::{ReportInput, report, summary_line};
use std::hint::black_box;
use std::time::Duration;

/// Households and candidates of the synthetic sizes, and the centres opened (the programme's 97).
const SIZES: [(usize, usize); 3] = [(10_000, 1_000), (100_000, 5_000), (1_500_000, 20_000)];
const CENTRES: usize = 97;
/// The generated national preset opens the 2,400 centres.
const NATIONAL_CENTRES: usize = 2_400;
/// Grid of neighbourhoods over the region, as `benches/province_hoods.py` draws it.
const GRID: (usize, usize) = (40, 30);

/// A 40 × 30 grid of rectangles over the region, labelled by the household weight each holds:
/// the heaviest 10% of cells urban, the next ~7% informal, the rest rural (the labelling of
/// `benches/province_hoods.py`, so the bench sees the 1,200-neighbourhood scenario).
fn grid_hoods(demand: &[DemandPoint]) -> Vec<Neighbourhood> {
    let (nx, ny) = GRID;
    let dx = (common::LON.end - common::LON.start) / nx as f64;
    let dy = (common::LAT.end - common::LAT.start) / ny as f64;
    let mut weight = vec![0.0; nx * ny];
    for d in demand {
        let i = (((d.position.x() - common::LON.start) / dx) as usize).min(nx - 1);
        let j = (((d.position.y() - common::LAT.start) / dy) as usize).min(ny - 1);
        weight[i * ny + j] += d.weight;
    }
    let mut ranked = weight.clone();
    ranked.sort_by(|a, b| b.total_cmp(a));
    let (urban_cut, informal_cut) = (ranked[ranked.len() / 10], ranked[ranked.len() / 6]);
    (0..nx * ny)
        .map(|c| {
            let (i, j) = (c / ny, c % ny);
            let (x0, y0) = (
                common::LON.start + i as f64 * dx,
                common::LAT.start + j as f64 * dy,
            );
            let kind = if weight[c] > urban_cut {
                AreaKind::Urban
            } else if weight[c] > informal_cut {
                AreaKind::Informal
            } else {
                AreaKind::Rural
            };
            Neighbourhood {
                id: format!("N{i:02}{j:02}"),
                name: format!("cell {i},{j}"),
                kind,
                geometry: MultiPolygon(vec![Rect::new((x0, y0), (x0 + dx, y0 + dy)).to_polygon()]),
            }
        })
        .collect()
}

/// One instance planned and measured: what `siting plan` hands to the drawing stage.
struct Planned {
    label: String,
    demand: Vec<DemandPoint>,
    sites: Vec<Site>,
    hoods: Vec<Neighbourhood>,
    open: Vec<usize>,
    radius: Radius,
    report: PlanReport,
    measures: Measures,
}

/// Plans MCLP with `p` centres and measures access, as `siting plan` does before it draws. No
/// time limit, so the plan, and so every map and report, is the same on any machine.
fn plan(
    label: String,
    demand: Vec<DemandPoint>,
    sites: Vec<Site>,
    hoods: Vec<Neighbourhood>,
    p: usize,
    radius: Radius,
) -> Planned {
    let problem = Problem::new(
        &demand,
        &sites,
        Some(hoods.as_slice()),
        CostSource::GreatCircle,
        Some(p),
        PerKind::default(),
    )
    .unwrap();
    let params = PlanParams {
        model: Model::Mclp,
        radius,
        target_coverage: None,
    };
    let outcome = solve(&problem, &params, &Settings::default()).unwrap();
    let open = outcome.solution.open.clone();
    let input = AccessInput {
        demand: &demand,
        sites: &sites,
        open: &open,
        neighbourhoods: Some(hoods.as_slice()),
        source: CostSource::GreatCircle,
    };
    let measures = measure(&input, &AccessParams::new(radius)).unwrap();
    let report = PlanReport::new(&problem, &params, &outcome, &measures.access, 1, 0.0);
    drop(problem);
    Planned {
        label,
        demand,
        sites,
        hoods,
        open,
        radius,
        report,
        measures,
    }
}

/// The radii: 2 km in urban and informal neighbourhoods, 10 km in rural ones.
fn radius() -> Radius {
    Radius {
        default_m: Some(5_000.0),
        by_kind: PerKind([Some(2_000.0), Some(10_000.0), Some(2_000.0)]),
    }
}

fn instances() -> Vec<Planned> {
    let mut planned: Vec<Planned> = SIZES
        .iter()
        .map(|&(n, m)| {
            let (demand, sites) = common::clustered(n, m, 7);
            let hoods = grid_hoods(&demand);
            plan(format!("{n}x{m}"), demand, sites, hoods, CENTRES, radius())
        })
        .collect();
    let national = generate(Preset::National, 1);
    let label = format!(
        "national_{}x{}",
        national.demand.len(),
        national.sites.len()
    );
    planned.push(plan(
        label,
        national.demand,
        national.sites,
        national.neighbourhoods,
        NATIONAL_CENTRES,
        Radius::uniform(5_000.0),
    ));
    planned
}

/// A group of ten samples; above 500k points each sample is one iteration (flat sampling), so
/// the whole bench stays at a few minutes on two cores.
fn stage<'c>(c: &'c mut Criterion, name: &str, n: usize) -> BenchmarkGroup<'c, WallTime> {
    let big = n > 500_000;
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    if big {
        group.sampling_mode(SamplingMode::Flat);
    }
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(if big { 10 } else { 5 }));
    group.throughput(Throughput::Elements(n as u64));
    group
}

fn benches(c: &mut Criterion) {
    for planned in instances() {
        let n = planned.demand.len();
        let title = format!("mclp plan: {} centres", planned.open.len());
        let subtitle = summary_line(&planned.measures, Some(&planned.report));
        let map_input = MapInput {
            title: &title,
            subtitle: &subtitle,
            demand: &planned.demand,
            neighbourhoods: Some(planned.hoods.as_slice()),
            measures: &planned.measures,
            measure: MapMeasure::Covered,
            numbered: None,
            network: None,
        };
        let scene = Scene::new(&map_input);
        let png = scene.png().unwrap();
        let report_input = ReportInput {
            title: &title,
            plan: Some(&planned.report),
            access: AccessInput {
                demand: &planned.demand,
                sites: &planned.sites,
                open: &planned.open,
                neighbourhoods: Some(planned.hoods.as_slice()),
                source: CostSource::GreatCircle,
            },
            radius: &planned.radius,
            measures: &planned.measures,
            map_png: Some(&png),
        };
        let html = report(&report_input).unwrap();
        eprintln!(
            "{}: {} neighbourhoods, {} centres, map.png {} bytes, map.svg {} bytes, report.html {} bytes",
            planned.label,
            planned.hoods.len(),
            planned.open.len(),
            png.len(),
            scene.svg().unwrap().len(),
            html.len()
        );

        let id = BenchmarkId::from_parameter(&planned.label);

        let mut group = stage(c, "map_scene", n);
        group.bench_function(id.clone(), |b| b.iter(|| black_box(Scene::new(&map_input))));
        group.finish();

        let mut group = stage(c, "map_png", n);
        group.bench_function(id.clone(), |b| b.iter(|| black_box(scene.png().unwrap())));
        group.finish();

        let mut group = stage(c, "map_svg", n);
        group.bench_function(id.clone(), |b| b.iter(|| black_box(scene.svg().unwrap())));
        group.finish();

        let mut group = stage(c, "report_html", n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| black_box(report(&report_input).unwrap()))
        });
        group.finish();

        // The whole drawing stage of `siting plan` (files aside): scene, PNG, SVG and report.
        let mut group = stage(c, "map_and_report", n);
        group.bench_function(id, |b| {
            b.iter(|| {
                let scene = Scene::new(&map_input);
                let png = scene.png().unwrap();
                let svg = scene.svg().unwrap();
                let html = report(&ReportInput {
                    map_png: Some(&png),
                    ..report_input
                })
                .unwrap();
                black_box((svg, html))
            })
        });
        group.finish();
    }
}

criterion_group!(map, benches);
criterion_main!(map);
