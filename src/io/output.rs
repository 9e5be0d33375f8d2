//! Writers for the result files: JSON documents, the assignment table, the open centres.

use crate::access::Nearest;
use crate::model::{AreaKind, DemandPoint, Site};
use geojson::{Feature, FeatureCollection, GeometryValue, JsonObject};
use serde::Serialize;
use std::io::Write;

/// Pretty-printed JSON with a final newline.
pub fn write_json(mut out: impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}

/// `assignment.csv`: `demand_id,centre_id,distance_m` for every demand point, in input order;
/// the centre and distance are empty when no open centre is reachable.
pub fn write_assignment(
    out: impl Write,
    demand: &[DemandPoint],
    sites: &[Site],
    nearest: &[Option<Nearest>],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["demand_id", "centre_id", "distance_m"])?;
    for (d, n) in demand.iter().zip(nearest) {
        match n {
            Some(n) => w.write_record([
                d.id.as_str(),
                sites[n.site].id.as_str(),
                &format!("{:.3}", n.distance_m),
            ])?,
            None => w.write_record([d.id.as_str(), "", ""])?,
        }
    }
    w.flush()
}

/// `centres.geojson`: each open site as a Point with its id, whether it is an existing centre,
/// its area kind, its rank in the opening order, and the weight for which it is the nearest.
pub fn write_centres(
    out: impl Write,
    demand: &[DemandPoint],
    sites: &[Site],
    open: &[usize],
    kinds: &[Option<AreaKind>],
    nearest: &[Option<Nearest>],
) -> std::io::Result<()> {
    let mut served = vec![0.0; sites.len()];
    let mut points = vec![0usize; sites.len()];
    for (d, n) in demand.iter().zip(nearest) {
        if let Some(n) = n {
            served[n.site] += d.weight;
            points[n.site] += 1;
        }
    }
    let features = open.iter().enumerate().map(|(rank, &s)| {
        let site = &sites[s];
        let mut properties = JsonObject::new();
        properties.insert("id".into(), site.id.clone().into());
        properties.insert("fixed".into(), site.fixed.into());
        properties.insert("kind".into(), kinds[s].map(AreaKind::as_str).into());
        properties.insert("opened".into(), (rank + 1).into());
        properties.insert("capacity".into(), site.capacity.into());
        properties.insert("served_weight".into(), served[s].into());
        properties.insert("served_points".into(), points[s].into());
        Feature {
            geometry: Some(geojson::Geometry::new(GeometryValue::from(&site.position))),
            properties: Some(properties),
            ..Feature::default()
        }
    });
    serde_json::to_writer(out, &FeatureCollection::new(features)).map_err(std::io::Error::other)
}
