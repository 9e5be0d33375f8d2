//! CSV readers and writers: demand, candidate sites, cost matrices.

use super::FieldMap;
use super::fields::{self, FieldProblem, SeenIds};
use crate::error::{Location, ReadError};
use crate::model::{CostMatrix, DemandPoint, Site};
use csv::{ByteRecord, ReaderBuilder, Trim};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The column positions of a header line, looked up by name.
struct Columns<'p> {
    path: &'p Path,
    names: Vec<String>,
}

impl Columns<'_> {
    fn optional(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    fn required(&self, name: &str) -> Result<usize, ReadError> {
        self.optional(name).ok_or_else(|| ReadError {
            path: self.path.to_owned(),
            location: Location::Line(1),
            field: Some(name.to_owned()),
            problem: format!(
                "missing column {name:?} (the header is {:?})",
                self.names.join(",")
            ),
        })
    }
}

/// One data row, with its line number for messages.
struct Row<'r> {
    record: &'r ByteRecord,
    line: u64,
}

impl Row<'_> {
    fn text(&self, column: usize, field: &'static str) -> Result<&str, FieldProblem> {
        let bytes = self.record.get(column).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| FieldProblem::new(field, "is not valid UTF-8 text"))
    }

    fn number(&self, column: usize, field: &'static str) -> Result<f64, FieldProblem> {
        fields::number(field, self.text(column, field)?)
    }

    fn position(&self, lon: usize, lat: usize) -> Result<geo::Point<f64>, FieldProblem> {
        fields::position(self.number(lon, "lon")?, self.number(lat, "lat")?)
    }
}

/// Opens `path`, reads its header, finds the columns with `bind`, and calls `parse_row` on every
/// data row. Errors name the line and the column as the file names it (through `map`); an empty
/// file or a header with no rows is an error, because a plan on nothing is a mistake.
fn read_rows<C, T>(
    path: &Path,
    map: &FieldMap,
    what: &str,
    bind: impl FnOnce(&Columns) -> Result<C, ReadError>,
    mut parse_row: impl FnMut(&C, &Row) -> Result<T, FieldProblem>,
) -> Result<Vec<T>, ReadError> {
    let mut reader = ReaderBuilder::new()
        .trim(Trim::All)
        .from_path(path)
        .map_err(|e| ReadError::file(path, format!("cannot read the file: {e}")))?;
    let csv_error = |e: csv::Error| {
        // A directory opens fine and fails on the first read: that is not a CSV problem.
        if e.is_io_error() {
            return ReadError::file(path, format!("cannot read the file: {e}"));
        }
        let location = e
            .position()
            .map_or(Location::File, |p| Location::Line(p.line()));
        ReadError {
            path: path.to_owned(),
            location,
            field: None,
            problem: format!("malformed CSV: {e}"),
        }
    };
    let names: Vec<String> = reader
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(ReadError::file(
            path,
            format!("the file is empty: expected a header line and {what}"),
        ));
    }
    let columns = bind(&Columns { path, names })?;
    let mut out = Vec::new();
    let mut record = ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            record: &record,
            line,
        };
        let value = parse_row(&columns, &row).map_err(|p| ReadError {
            path: path.to_owned(),
            location: Location::Line(line),
            field: Some(map.column(p.field).to_owned()),
            problem: p.problem,
        })?;
        out.push(value);
    }
    if out.is_empty() {
        return Err(ReadError::file(
            path,
            format!("no rows after the header: expected {what}"),
        ));
    }
    Ok(out)
}

/// A line number as [`SeenIds`] reports it.
#[derive(Clone)]
struct Line(u64);

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.0)
    }
}

/// Reads `id,lon,lat[,weight][,group]`; a missing weight column means every weight is 1.
pub(super) fn read_demand_csv(path: &Path, map: &FieldMap) -> Result<Vec<DemandPoint>, ReadError> {
    let mut seen = SeenIds::with_capacity(1024);
    read_rows(
        path,
        map,
        "demand points (id,lon,lat,weight)",
        |c| {
            Ok((
                c.required(map.column("id"))?,
                c.required("lon")?,
                c.required("lat")?,
                if map.is_mapped("weight") {
                    Some(c.required(map.column("weight"))?)
                } else {
                    c.optional("weight")
                },
                c.optional("group"),
            ))
        },
        |&(id_col, lon, lat, weight, group), row| {
            let id = fields::id(row.text(id_col, "id")?)?;
            seen.insert(&id, Line(row.line))?;
            let position = row.position(lon, lat)?;
            let weight = match weight {
                Some(c) => fields::non_negative("weight", row.number(c, "weight")?)?,
                None => 1.0,
            };
            let group = match group {
                Some(c) => Some(row.text(c, "group")?.to_owned()).filter(|g| !g.is_empty()),
                None => None,
            };
            Ok(DemandPoint {
                id,
                position,
                weight,
                group,
            })
        },
    )
}

/// Reads `id,lon,lat[,capacity][,fixed]`.
pub(super) fn read_sites_csv(path: &Path, map: &FieldMap) -> Result<Vec<Site>, ReadError> {
    let mut seen = SeenIds::with_capacity(1024);
    read_rows(
        path,
        map,
        "candidate sites (id,lon,lat[,capacity][,fixed])",
        |c| {
            Ok((
                c.required(map.column("id"))?,
                c.required("lon")?,
                c.required("lat")?,
                c.optional("capacity"),
                c.optional("fixed"),
            ))
        },
        |&(id_col, lon, lat, capacity, fixed), row| {
            let id = fields::id(row.text(id_col, "id")?)?;
            seen.insert(&id, Line(row.line))?;
            let position = row.position(lon, lat)?;
            let capacity = match capacity.map(|c| row.text(c, "capacity")).transpose()? {
                Some(text) if !text.is_empty() => Some(fields::non_negative(
                    "capacity",
                    fields::number("capacity", text)?,
                )?),
                _ => None,
            };
            let fixed = match fixed {
                Some(c) => fields::flag("fixed", row.text(c, "fixed")?)?,
                None => false,
            };
            Ok(Site {
                id,
                position,
                capacity,
                fixed,
            })
        },
    )
}

/// Reads `demand_id,candidate_id,metres`; ids must name loaded demand points and sites.
pub fn read_cost_csv(
    path: &Path,
    demand: &[DemandPoint],
    sites: &[Site],
) -> Result<CostMatrix, ReadError> {
    let demand_ids: HashMap<&str, u32> = demand
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();
    let site_ids: HashMap<&str, u32> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i as u32))
        .collect();
    let rows = read_rows(
        path,
        &FieldMap::default(),
        "costs (demand_id,candidate_id,metres)",
        |c| {
            Ok((
                c.required("demand_id")?,
                c.required("candidate_id")?,
                c.required("metres")?,
            ))
        },
        |&(d_col, s_col, m_col), row| {
            let d_text = row.text(d_col, "demand_id")?;
            let d = *demand_ids.get(d_text).ok_or_else(|| {
                FieldProblem::new("demand_id", format!("{d_text:?} is not a demand point id"))
            })?;
            let s_text = row.text(s_col, "candidate_id")?;
            let s = *site_ids.get(s_text).ok_or_else(|| {
                FieldProblem::new("candidate_id", format!("{s_text:?} is not a candidate id"))
            })?;
            let metres = fields::non_negative("metres", row.number(m_col, "metres")?)?;
            Ok(((d, s, metres), row.line))
        },
    )?;
    let (triples, lines): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    CostMatrix::from_triples(demand.len(), triples.clone()).map_err(|(d, s)| {
        let dup: Vec<u64> = triples
            .iter()
            .zip(&lines)
            .filter(|((td, ts, _), _)| (*td, *ts) == (d, s))
            .map(|(_, &line)| line)
            .collect();
        ReadError {
            path: path.to_owned(),
            location: Location::Line(dup[dup.len() - 1]),
            field: None,
            problem: format!(
                "the pair ({:?}, {:?}) is listed twice (lines {} and {})",
                demand[d as usize].id,
                sites[s as usize].id,
                dup[0],
                dup[dup.len() - 1]
            ),
        }
    })
}

/// Writes demand points as `id,lon,lat,weight[,group]`.
pub fn write_demand_csv(out: impl Write, points: &[DemandPoint]) -> std::io::Result<()> {
    let with_group = points.iter().any(|p| p.group.is_some());
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["id", "lon", "lat", "weight"];
    if with_group {
        header.push("group");
    }
    w.write_record(&header)?;
    for p in points {
        let mut record = vec![
            p.id.clone(),
            p.position.x().to_string(),
            p.position.y().to_string(),
            p.weight.to_string(),
        ];
        if with_group {
            record.push(p.group.clone().unwrap_or_default());
        }
        w.write_record(&record)?;
    }
    w.flush()
}

/// Writes sites as `id,lon,lat,capacity,fixed` (capacity empty when unlimited).
pub fn write_candidates_csv(out: impl Write, sites: &[Site]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["id", "lon", "lat", "capacity", "fixed"])?;
    for s in sites {
        w.write_record([
            s.id.clone(),
            s.position.x().to_string(),
            s.position.y().to_string(),
            s.capacity.map(|c| c.to_string()).unwrap_or_default(),
            s.fixed.to_string(),
        ])?;
    }
    w.flush()
}
