//! CSV readers and writers: demand, candidate sites, cost matrices.

use super::FieldMap;
use super::fields::{self, FieldProblem, Identified};
use crate::error::{Location, ReadError};
use crate::model::{CostMatrix, DemandPoint, Site};
use csv::{ByteRecord, ReaderBuilder, Trim};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Write};
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

/// One data row.
struct Row<'r> {
    record: &'r ByteRecord,
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

/// The records of a CSV file, in file order, with the line each starts on.
struct Records<T> {
    values: Vec<T>,
    lines: Vec<u64>,
}

impl<T> Records<T> {
    /// Room for `n` records: sized once, since growing millions of records would copy them
    /// into fresh memory over and over.
    fn with_capacity(n: usize) -> Self {
        Records {
            values: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
        }
    }

    /// Appends `more`, which comes after these records in the file.
    fn append(&mut self, more: Records<T>) {
        self.values.extend(more.values);
        self.lines.extend(more.lines);
    }

    /// Fails on the first id used twice, naming both lines (the id column as `map` names it).
    fn check_ids(&self, path: &Path, map: &FieldMap) -> Result<(), ReadError>
    where
        T: Identified,
    {
        fields::check_ids(&self.values, |first, repeat, problem| {
            let p = problem(&format_args!("line {}", self.lines[first]));
            ReadError {
                path: path.to_owned(),
                location: Location::Line(self.lines[repeat]),
                field: Some(map.column(p.field).to_owned()),
                problem: p.problem,
            }
        })
    }
}

/// Records are parsed in parallel in pieces of about this many bytes, cut at line ends (small
/// in tests, so that their files span many pieces and blocks).
const PIECE_BYTES: usize = if cfg!(test) { 1 << 12 } else { 1 << 20 };

/// The file is read this many bytes at a time (more when one line is longer), so that memory
/// holds the records kept and one block of text, not the whole file.
const BLOCK_BYTES: usize = if cfg!(test) { 1 << 16 } else { 32 << 20 };

/// Reads `path`, finds the columns of its header with `bind`, and calls `parse_row` on every data
/// row. Errors name the line and the column as the file names it (through `map`); an empty file
/// or a header with no rows is an error, because a plan on nothing is a mistake.
///
/// A province's households are millions of rows: the file is read in blocks of
/// [`BLOCK_BYTES`], each cut at line ends into pieces parsed in parallel. A quoted field may span
/// lines, so from the first block with a quote on the rest of the file is read in one piece.
/// Either way the first error in file order is the one reported.
fn read_rows<C: Sync, T: Send>(
    path: &Path,
    map: &FieldMap,
    what: &str,
    bind: impl FnOnce(&Columns) -> Result<C, ReadError>,
    parse_row: impl Fn(&C, &Row) -> Result<T, FieldProblem> + Sync,
) -> Result<Records<T>, ReadError> {
    let cannot_read =
        |e: std::io::Error| ReadError::file(path, format!("cannot read the file: {e}"));
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let file_bytes = file.metadata().map_or(0, |m| m.len() as usize);
    let mut text = Vec::new();
    let mut at_end = fill(&mut file, &mut text).map_err(cannot_read)?;
    let mut header = reader().from_reader(text.as_slice());
    let names: Vec<String> = header
        .byte_headers()
        .map_err(|e| csv_error(path, 0, e))?
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
    let body = header.position().byte() as usize;
    let rows = Rows {
        path,
        map,
        width: names.len(),
        columns: bind(&Columns { path, names })?,
        parse_row,
    };
    let mut lines_before = line_ends(&text[..body]);
    text.drain(..body);
    // Sized once from the first block's line length: growing millions of records would copy them
    // into fresh memory over and over.
    let per_line = text.len().max(1) / (line_ends(&text) as usize).max(1);
    let mut all = Records::with_capacity(file_bytes / per_line.max(1) + 1);
    loop {
        if memchr::memchr(b'"', &text).is_some() {
            let rest = std::io::Cursor::new(text).chain(file);
            all.append(rows.parse(rest, lines_before, 0)?);
            break;
        }
        let cut = if at_end {
            text.len()
        } else {
            match memchr::memrchr(b'\n', &text) {
                Some(last) => last + 1,
                None => {
                    at_end = fill(&mut file, &mut text).map_err(cannot_read)?;
                    continue;
                }
            }
        };
        for piece in rows.parse_in_pieces(&text[..cut], lines_before) {
            all.append(piece?);
        }
        lines_before += line_ends(&text[..cut]);
        text.drain(..cut);
        if at_end {
            break;
        }
        at_end = fill(&mut file, &mut text).map_err(cannot_read)?;
    }
    if all.values.is_empty() {
        return Err(ReadError::file(
            path,
            format!("no rows after the header: expected {what}"),
        ));
    }
    Ok(all)
}

/// Appends up to [`BLOCK_BYTES`] more of `file` to `text`; true at the end of the file.
fn fill(file: &mut std::fs::File, text: &mut Vec<u8>) -> std::io::Result<bool> {
    let wanted = BLOCK_BYTES as u64;
    let read = file.take(wanted).read_to_end(text)?;
    Ok((read as u64) < wanted)
}

/// Line ends in `text`.
fn line_ends(text: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', text).count() as u64
}

/// How a file's records become values: its header's width and columns, and the row parser.
struct Rows<'a, C, P> {
    path: &'a Path,
    map: &'a FieldMap,
    width: usize,
    columns: C,
    parse_row: P,
}

impl<C: Sync, P> Rows<'_, C, P> {
    /// `text` (whole lines) cut into pieces of about [`PIECE_BYTES`] at line ends, each parsed in
    /// parallel; the results in file order.
    fn parse_in_pieces<T: Send>(
        &self,
        text: &[u8],
        lines_before: u64,
    ) -> Vec<Result<Records<T>, ReadError>>
    where
        P: Fn(&C, &Row) -> Result<T, FieldProblem> + Sync,
    {
        let mut cuts = vec![0];
        while let Some(at) = cuts
            .last()
            .map(|&last| last + PIECE_BYTES)
            .filter(|&ahead| ahead < text.len())
            .and_then(|ahead| memchr::memchr(b'\n', &text[ahead..]).map(|at| ahead + at + 1))
        {
            cuts.push(at);
        }
        cuts.push(text.len());
        let mut lines = lines_before;
        let before: Vec<u64> = cuts
            .windows(2)
            .map(|w| {
                let here = lines;
                lines += line_ends(&text[w[0]..w[1]]);
                here
            })
            .collect();
        cuts.par_windows(2)
            .zip(before)
            .map(|(w, lines)| {
                let piece = &text[w[0]..w[1]];
                self.parse(piece, lines, line_ends(piece) as usize + 1)
            })
            .collect()
    }

    /// Parses the records of `source`, which starts after `lines_before` line ends of the file;
    /// `most` records are expected at most.
    fn parse<T>(
        &self,
        source: impl std::io::Read,
        lines_before: u64,
        most: usize,
    ) -> Result<Records<T>, ReadError>
    where
        P: Fn(&C, &Row) -> Result<T, FieldProblem>,
    {
        let (path, width) = (self.path, self.width);
        let mut reader = reader().has_headers(false).from_reader(source);
        let mut records = Records::with_capacity(most);
        let mut record = ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(path, lines_before, e))?
        {
            let line = lines_before + record.position().map_or(0, |p| p.line());
            let at_line = |field: Option<&str>, problem: String| ReadError {
                path: path.to_owned(),
                location: Location::Line(line),
                field: field.map(str::to_owned),
                problem,
            };
            if record.len() != width {
                return Err(at_line(
                    None,
                    format!(
                        "malformed CSV: found a record with {} fields, but the header has {width}",
                        record.len()
                    ),
                ));
            }
            let value = (self.parse_row)(&self.columns, &Row { record: &record })
                .map_err(|p| at_line(Some(self.map.column(p.field)), p.problem))?;
            records.values.push(value);
            records.lines.push(line);
        }
        Ok(records)
    }
}

/// The reader settings every piece of a file shares. A piece does not see the header, so
/// [`Rows::parse`] checks each record's width against the header's itself.
fn reader() -> ReaderBuilder {
    let mut builder = ReaderBuilder::new();
    builder.trim(Trim::All).flexible(true);
    builder
}

/// A CSV error as a read error, its line counted from the top of the file.
fn csv_error(path: &Path, lines_before: u64, e: csv::Error) -> ReadError {
    // A directory opens fine and fails on the first read: that is not a CSV problem.
    if e.is_io_error() {
        return ReadError::file(path, format!("cannot read the file: {e}"));
    }
    let location = e
        .position()
        .map_or(Location::File, |p| Location::Line(lines_before + p.line()));
    ReadError {
        path: path.to_owned(),
        location,
        field: None,
        problem: format!("malformed CSV: {e}"),
    }
}

/// Reads `id,lon,lat[,weight][,group]`; a missing weight column means every weight is 1.
pub(super) fn read_demand_csv(path: &Path, map: &FieldMap) -> Result<Vec<DemandPoint>, ReadError> {
    let records = read_rows(
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
    )?;
    records.check_ids(path, map)?;
    Ok(records.values)
}

/// Reads `id,lon,lat[,capacity][,fixed]`.
pub(super) fn read_sites_csv(path: &Path, map: &FieldMap) -> Result<Vec<Site>, ReadError> {
    let records = read_rows(
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
    )?;
    records.check_ids(path, map)?;
    Ok(records.values)
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
            Ok((d, s, metres))
        },
    )?;
    let Records {
        values: triples,
        lines,
    } = rows;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A demand file of `rows` rows, several pieces long, with `edit` applied to row `i`'s text.
    fn demand_file(rows: usize, edit: impl Fn(usize, String) -> String) -> tempfile::NamedTempFile {
        let mut text = String::from("id,lon,lat,weight\n");
        for i in 0..rows {
            let row = format!("household-{i:07},51.{i:06},32.{i:06},1");
            writeln!(text, "{}", edit(i, row)).expect("a String takes any text");
        }
        let file = tempfile::NamedTempFile::new().expect("the temp dir is writable");
        std::fs::write(file.path(), text).expect("the temp dir is writable");
        file
    }

    fn message(file: &tempfile::NamedTempFile) -> String {
        read_demand_csv(file.path(), &FieldMap::default())
            .expect_err("the file has a mistake")
            .to_string()
    }

    #[test]
    fn a_long_file_reads_in_pieces_in_order() {
        let file = demand_file(100_000, |_, row| row);
        assert!(
            std::fs::metadata(file.path()).map(|m| m.len()).unwrap_or(0) > 3 * BLOCK_BYTES as u64
        );
        let points = read_demand_csv(file.path(), &FieldMap::default()).expect("the file is valid");
        assert_eq!(points.len(), 100_000);
        for (i, p) in points.iter().enumerate() {
            assert_eq!(p.id, format!("household-{i:07}"));
        }
    }

    #[test]
    fn lines_are_counted_from_the_top_of_the_file_in_every_piece() {
        // Row i is on line i + 2, behind the header; both mistakes sit pieces away from the top.
        let bad = demand_file(100_000, |i, row| {
            if i == 80_000 {
                row.replace(",1", ",-1")
            } else {
                row
            }
        });
        let m = message(&bad);
        assert!(m.contains("line 80002") && m.contains("negative"), "{m}");
        let ragged = demand_file(
            100_000,
            |i, row| if i == 90_000 { format!("{row},x") } else { row },
        );
        let m = message(&ragged);
        assert!(m.contains("line 90002") && m.contains("5 fields"), "{m}");
    }

    #[test]
    fn the_first_repeated_id_names_both_lines() {
        let file = demand_file(100_000, |i, row| {
            if i == 70_000 || i == 95_000 {
                row.replace(&format!("household-{i:07}"), "household-0000003")
            } else {
                row
            }
        });
        let m = message(&file);
        assert!(
            m.contains("line 70002") && m.contains("first used at line 5"),
            "{m}"
        );
    }

    #[test]
    fn a_quote_blocks_away_from_the_top_keeps_the_count() {
        // Blocks of whole lines in parallel, then one piece from the block with the quote on.
        let file = demand_file(100_000, |i, row| match i {
            60_000 => row.replace("household-0060000", "\"household\n60000\""),
            95_000 => row.replace(",1", ",heavy"),
            _ => row,
        });
        let m = message(&file);
        assert!(m.contains("line 95003") && m.contains("weight"), "{m}");
    }

    #[test]
    fn a_quoted_field_over_two_lines_keeps_the_count() {
        let file = demand_file(10, |i, row| match i {
            2 => row.replace("household-0000002", "\"household\n2\""),
            8 => row.replace(",1", ",heavy"),
            _ => row,
        });
        let m = message(&file);
        assert!(m.contains("line 11") && m.contains("weight"), "{m}");
    }
}
