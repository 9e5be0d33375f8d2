//! `siting rotate`: a monthly rotation of a roaming service desk over the neighbourhoods, written
//! as rotation.csv and rotation.geojson, and drawn on map.png and map.svg.

use geo::Point;
use siting::access::{AccessInput, AccessParams, DistanceUnit, measure};
use siting::assign::rotate::{RotateParams, Visit, rotate};
use siting::map::{MapInput, Numbered, distance_label};
use siting::model::{Neighbourhood, PerKind};
use siting::plan::Radius;
use siting::report::{grouped, summary_line};
use siting::{Result, io};
use std::path::PathBuf;

/// Flags of `siting rotate` (see `../shared/interface.md`).
#[derive(clap::Args)]
pub struct Args {
    /// Demand points (CSV id,lon,lat,weight[,group] or GeoJSON Points).
    #[arg(long)]
    demand: PathBuf,
    /// Neighbourhood polygons (GeoJSON with id, name, kind): the places the desk can visit.
    #[arg(long)]
    neighbourhoods: PathBuf,
    /// The open centres, in the candidates format; their radius decides who is already covered.
    #[arg(long)]
    centres: PathBuf,
    /// Months to plan.
    #[arg(long, default_value_t = 12)]
    months: usize,
    /// Priority multiplier per kind of the visited neighbourhood, e.g. informal=2 (others 1).
    #[arg(long, value_parser = parse_priority)]
    priority: Option<PerKind<f64>>,
    /// Radius in metres (minutes with --by time) of a centre's coverage and of the desk's reach
    /// from its stop.
    #[arg(long, default_value_t = 5000.0)]
    radius: f64,
    #[command(flatten)]
    network: super::NetworkArgs,
    #[command(flatten)]
    fields: super::FieldArgs,
    #[command(flatten)]
    drawing: super::draw::MapArgs,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// map.png and map.svg: the centres' coverage, with each month's stop numbered and named in
/// the legend.
fn draw_rotation(args: &Args, data: &super::Data, visits: &[Visit]) -> Result<()> {
    let (demand, centres) = (&data.demand, &data.sites);
    let hoods: &[Neighbourhood] = data.hoods.as_deref().unwrap_or_default();
    let open: Vec<usize> = (0..centres.len()).collect();
    let measures = measure(
        &AccessInput {
            demand,
            sites: centres,
            open: &open,
            neighbourhoods: Some(hoods),
            source: data.source(),
        },
        &AccessParams::new(Radius::uniform(args.radius)),
    )?;
    let stops: Vec<(Point<f64>, String)> = visits
        .iter()
        .map(|v| {
            let reached = grouped(v.new_weight);
            let name = &hoods[v.neighbourhood].name;
            // The name last: a number after right-to-left text would join its run.
            let label = format!("month {}: +{reached} in {name}", v.month);
            (demand[v.stop].position, label)
        })
        .collect();
    let title = format!("Roaming service desk: {} months", visits.len());
    let reached = grouped(visits.last().map_or(0.0, |v| v.cumulative_weight));
    let subtitle = format!(
        "the desk reaches {reached} households beyond {} of every centre; {}",
        distance_label(args.radius, DistanceUnit::Metres),
        summary_line(&measures, None)
    );
    let drawing = args.drawing.drawing();
    super::draw::write_maps(
        &args.out,
        drawing,
        MapInput {
            title: &title,
            subtitle: &subtitle,
            demand,
            neighbourhoods: Some(hoods),
            measures: &measures,
            measure: drawing.measure,
            numbered: Some(Numbered {
                heading: "Desk stops, month by month",
                places: &stops,
            }),
            network: data.network.as_ref(),
        },
    )?;
    Ok(())
}

fn parse_priority(text: &str) -> std::result::Result<PerKind<f64>, String> {
    super::parse_per_kind(text, 1.0, "a number")
}

pub fn run(args: Args) -> Result<()> {
    let mut params = RotateParams::new(args.months, args.radius);
    if let Some(p) = args.priority {
        params = params.priority(p);
    }
    params.check()?;
    let network = args.network.spec()?;
    let data = super::load(super::Files {
        fields: &args.fields.map()?,
        demand: &args.demand,
        sites: &args.centres,
        hoods: Some(&args.neighbourhoods),
        cost: None,
        network: network.as_ref(),
    })?;
    let (demand, centres) = (&data.demand, &data.sites);
    let hoods: &[Neighbourhood] = data.hoods.as_deref().unwrap_or_default();
    let visits = rotate(demand, hoods, centres, data.source(), &params)?;
    super::create_dir(&args.out)?;
    super::write_with(&args.out.join("rotation.csv"), |w| {
        io::write_rotation_csv(w, &visits, demand, hoods)
    })?;
    super::write_with(&args.out.join("rotation.geojson"), |w| {
        io::write_rotation_geojson(w, &visits, demand, hoods)
    })?;
    draw_rotation(&args, &data, &visits)?;
    let reached = visits.last().map_or(0.0, |v| v.cumulative_weight);
    super::print(&format!(
        "{} months planned; {reached} uncovered weight reached\nWrote {}\n",
        visits.len(),
        args.out.display()
    ))
}
