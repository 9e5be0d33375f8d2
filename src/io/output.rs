//! Writers for the result files: JSON documents, the assignment table, the open centres.

use crate::access::{CentreAccess, Figures, Nearest, NeighbourhoodAccess};
use crate::assign::rotate::Visit;
use crate::assign::{AssignRow, CentreLoad};
use crate::model::{AreaKind, DemandPoint, Neighbourhood, Site};
use geojson::{Feature, FeatureCollection, GeometryValue, JsonObject};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;

/// Pretty-printed JSON with a final newline.
pub fn write_json(mut out: impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}

/// `assignment.csv`: `demand_id,centre_id,distance_m` for every demand point, in input order,
/// and `minutes` by travel time along roads; the centre and distance are empty when no open
/// centre is reachable.
pub fn write_assignment(
    out: impl Write,
    demand: &[DemandPoint],
    sites: &[Site],
    nearest: &[Option<Nearest>],
) -> std::io::Result<()> {
    // By travel time along roads, `distance_m` is the fastest way's length and `minutes` its
    // time.
    let timed = nearest.iter().flatten().any(|n| n.route_m.is_some());
    let header: &[&str] = if timed {
        &["demand_id", "centre_id", "distance_m", "minutes"]
    } else {
        &["demand_id", "centre_id", "distance_m"]
    };
    write_rows(out, header, nearest, |i, n, w| {
        let id = demand[i].id.as_str();
        match n {
            Some(n) if timed => w.write_record([
                id,
                sites[n.site].id.as_str(),
                &format!("{:.3}", n.route_m.unwrap_or(f64::NAN)),
                &format!("{:.3}", n.distance_m),
            ]),
            Some(n) => w.write_record([
                id,
                sites[n.site].id.as_str(),
                &format!("{:.3}", n.distance_m),
            ]),
            None if timed => w.write_record([id, "", "", ""]),
            None => w.write_record([id, "", ""]),
        }
    })
}

/// `assignment.csv` of `siting assign`: `demand_id,centre_id,weight,distance_m`, one row per
/// (part of a) demand point, in the rows' order; centre and distance empty for unassigned weight.
pub fn write_split_assignment(
    out: impl Write,
    demand: &[DemandPoint],
    sites: &[Site],
    rows: &[AssignRow],
) -> std::io::Result<()> {
    let header = ["demand_id", "centre_id", "weight", "distance_m"];
    write_rows(out, &header, rows, |_, r, w| {
        let id = demand[r.demand].id.as_str();
        let weight = r.weight.to_string();
        match r.centre {
            Some(s) => w.write_record([
                id,
                sites[s].id.as_str(),
                &weight,
                &format!("{:.3}", r.distance_m),
            ]),
            None => w.write_record([id, "", &weight, ""]),
        }
    })
}

/// Rows formatted in parallel, this many to a block.
const ROW_BLOCK: usize = 1 << 14;

/// Writes `header` and a CSV record per item with `record(index, item, writer)`. Tables of a
/// province's households are millions of rows, so blocks of rows are formatted in parallel and
/// written in order: the bytes are the same as writing row by row.
fn write_rows<T: Sync>(
    mut out: impl Write,
    header: &[&str],
    items: &[T],
    record: impl Fn(usize, &T, &mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()> + Sync,
) -> std::io::Result<()> {
    let mut text = Vec::new();
    csv::Writer::from_writer(&mut text).write_record(header)?;
    out.write_all(&text)?;
    // A bounded number of blocks at a time, so that the text never all sits in memory.
    const BATCH: usize = ROW_BLOCK * 16;
    for (a, batch) in items.chunks(BATCH).enumerate() {
        let blocks: Vec<std::io::Result<Vec<u8>>> = batch
            .par_chunks(ROW_BLOCK)
            .enumerate()
            .map(|(b, block)| {
                let mut text = Vec::new();
                let mut w = csv::Writer::from_writer(&mut text);
                for (k, item) in block.iter().enumerate() {
                    record(a * BATCH + b * ROW_BLOCK + k, item, &mut w)?;
                }
                w.flush()?;
                drop(w);
                Ok(text)
            })
            .collect();
        for block in blocks {
            out.write_all(&block?)?;
        }
    }
    out.flush()
}

/// The columns of `loads.csv`, in order: the fields of [`CentreLoad`].
pub const LOAD_COLUMNS: [&str; 8] = [
    "id",
    "capacity",
    "min_load",
    "load",
    "points",
    "utilisation",
    "mean_distance_m",
    "max_distance_m",
];

/// `loads.csv` of `siting assign`: one row per centre, in input order.
pub fn write_load_table(out: impl Write, rows: &[CentreLoad]) -> std::io::Result<()> {
    write_table(out, &LOAD_COLUMNS, rows)
}

/// The columns of `rotation.csv` (and properties of `rotation.geojson`), in order.
pub const ROTATION_COLUMNS: [&str; 9] = [
    "month",
    "neighbourhood_id",
    "name",
    "kind",
    "stop_demand_id",
    "stop_lon",
    "stop_lat",
    "new_weight",
    "cumulative_weight",
];

/// One month's values, in the order of [`ROTATION_COLUMNS`].
fn visit_values(
    visit: &Visit,
    demand: &[DemandPoint],
    neighbourhoods: &[Neighbourhood],
) -> [serde_json::Value; 9] {
    let hood = &neighbourhoods[visit.neighbourhood];
    let stop = &demand[visit.stop];
    [
        visit.month.into(),
        hood.id.clone().into(),
        hood.name.clone().into(),
        hood.kind.as_str().into(),
        stop.id.clone().into(),
        stop.position.x().into(),
        stop.position.y().into(),
        visit.new_weight.into(),
        visit.cumulative_weight.into(),
    ]
}

/// `rotation.csv`: one row per month of the roaming desk.
pub fn write_rotation_csv(
    out: impl Write,
    visits: &[Visit],
    demand: &[DemandPoint],
    neighbourhoods: &[Neighbourhood],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ROTATION_COLUMNS)?;
    for v in visits {
        w.write_record(
            visit_values(v, demand, neighbourhoods)
                .iter()
                .map(|value| match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
        )?;
    }
    w.flush()
}

/// `rotation.geojson`: each month's stop as a Point with the properties of `rotation.csv`.
pub fn write_rotation_geojson(
    out: impl Write,
    visits: &[Visit],
    demand: &[DemandPoint],
    neighbourhoods: &[Neighbourhood],
) -> std::io::Result<()> {
    let features = visits.iter().map(|v| Feature {
        geometry: Some(geojson::Geometry::new(GeometryValue::from(
            &demand[v.stop].position,
        ))),
        properties: Some(
            ROTATION_COLUMNS
                .iter()
                .map(|c| c.to_string())
                .zip(visit_values(v, demand, neighbourhoods))
                .collect(),
        ),
        ..Feature::default()
    });
    serde_json::to_writer(out, &FeatureCollection::from_iter(features))
        .map_err(std::io::Error::other)
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

/// Columns of `neighbourhoods.csv`, in order: the neighbourhood, then its
/// [`Figures`](crate::access::Figures).
pub const NEIGHBOURHOOD_COLUMNS: [&str; 17] = [
    "id",
    "name",
    "kind",
    "points",
    "total_weight",
    "covered_weight",
    "covered_share",
    "uncovered_weight",
    "uncovered_share",
    "unreachable_weight",
    "mean_distance_m",
    "median_distance_m",
    "p90_distance_m",
    "max_distance_m",
    "gini",
    "score_2sfca",
    "score_e2sfca",
];

/// Columns of `centres.csv`, in order (the fields of [`CentreAccess`]).
pub const CENTRE_COLUMNS: [&str; 16] = [
    "id",
    "lon",
    "lat",
    "capacity",
    "fixed",
    "kind",
    "caseload_points",
    "caseload_weight",
    "covered_weight",
    "utilisation",
    "mean_distance_m",
    "max_distance_m",
    "catchment_demand",
    "ratio_2sfca",
    "catchment_demand_decayed",
    "ratio_e2sfca",
];

/// `neighbourhoods.csv`: one row per neighbourhood, in file order.
pub fn write_neighbourhood_table(
    out: impl Write,
    rows: &[NeighbourhoodAccess],
) -> std::io::Result<()> {
    write_table(out, &NEIGHBOURHOOD_COLUMNS, rows)
}

/// `centres.csv`: one row per open centre.
pub fn write_centre_table(out: impl Write, rows: &[CentreAccess]) -> std::io::Result<()> {
    write_table(out, &CENTRE_COLUMNS, rows)
}

/// A neighbourhood's figures as GeoJSON properties (numbers, or null where undefined), for
/// [`write_neighbourhoods`](super::write_neighbourhoods).
pub fn figure_properties(figures: &Figures) -> JsonObject {
    match serde_json::to_value(figures) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => JsonObject::new(),
    }
}

/// Writes `rows` as CSV with `columns`, each cell the row's JSON value for that column (numbers
/// as in the JSON outputs, `null` as an empty cell), so the tables and the JSON always agree.
fn write_table<T: Serialize>(out: impl Write, columns: &[&str], rows: &[T]) -> std::io::Result<()> {
    use serde_json::Value;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns)?;
    let mut record = Vec::with_capacity(columns.len());
    for row in rows {
        let value = serde_json::to_value(row).map_err(std::io::Error::other)?;
        record.clear();
        record.extend(columns.iter().map(|c| match value.get(c) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }));
        w.write_record(&record)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Figures;

    /// Blocks formatted in parallel give the bytes of one writer going row by row, across
    /// block and batch boundaries, ids that need quoting and unreachable points included.
    #[test]
    fn the_assignment_in_blocks_is_the_assignment_row_by_row() {
        let n = 16 * ROW_BLOCK + ROW_BLOCK / 2 + 3;
        let demand: Vec<DemandPoint> = (0..n)
            .map(|i| DemandPoint {
                id: if i % 1000 == 7 {
                    format!("h,{i}")
                } else {
                    format!("h{i}")
                },
                position: geo::Point::new(0.0, 0.0),
                weight: 1.0,
                group: None,
            })
            .collect();
        let sites: Vec<Site> = (0..3)
            .map(|s| Site {
                id: format!("c{s}"),
                position: geo::Point::new(0.0, 0.0),
                capacity: None,
                fixed: false,
            })
            .collect();
        let nearest: Vec<Option<Nearest>> = (0..n)
            .map(|i| {
                (i % 11 != 0).then(|| Nearest {
                    site: i % 3,
                    distance_m: i as f64 / 7.0,
                    route_m: None,
                })
            })
            .collect();
        let mut blocks = Vec::new();
        write_assignment(&mut blocks, &demand, &sites, &nearest).unwrap();
        let mut one = csv::Writer::from_writer(Vec::new());
        one.write_record(["demand_id", "centre_id", "distance_m"])
            .unwrap();
        for (d, n) in demand.iter().zip(&nearest) {
            match n {
                Some(n) => one.write_record([
                    d.id.clone(),
                    sites[n.site].id.clone(),
                    format!("{:.3}", n.distance_m),
                ]),
                None => one.write_record([d.id.clone(), String::new(), String::new()]),
            }
            .unwrap();
        }
        assert!(blocks == one.into_inner().unwrap(), "the bytes differ");
    }

    /// Every serialised field has a column and every column a field.
    #[test]
    fn the_columns_are_the_fields() {
        let keys = |value: serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let sorted = |columns: &[&str]| {
            let mut c: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
            c.sort();
            c
        };
        let hood = NeighbourhoodAccess {
            id: "n".into(),
            name: "N".into(),
            kind: AreaKind::Urban,
            figures: Figures::default(),
        };
        assert_eq!(
            keys(serde_json::to_value(&hood).unwrap()),
            sorted(&NEIGHBOURHOOD_COLUMNS)
        );
        let centre = CentreAccess {
            site: 0,
            id: "c".into(),
            lon: 0.0,
            lat: 0.0,
            capacity: None,
            fixed: false,
            kind: None,
            caseload_points: 0,
            caseload_weight: 0.0,
            covered_weight: 0.0,
            utilisation: None,
            mean_distance_m: 0.0,
            max_distance_m: 0.0,
            catchment_demand: None,
            ratio_2sfca: None,
            catchment_demand_decayed: None,
            ratio_e2sfca: None,
        };
        assert_eq!(
            keys(serde_json::to_value(&centre).unwrap()),
            sorted(&CENTRE_COLUMNS)
        );
        let load = CentreLoad {
            id: "c".into(),
            capacity: None,
            min_load: None,
            load: 0.0,
            points: 0,
            utilisation: None,
            mean_distance_m: 0.0,
            max_distance_m: 0.0,
        };
        assert_eq!(
            keys(serde_json::to_value(&load).unwrap()),
            sorted(&LOAD_COLUMNS)
        );
    }
}
