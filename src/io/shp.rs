//! Shapefiles (`.shp` with its `.shx`, `.dbf`, `.prj` and `.cpg`) through the `shapefile` and
//! `dbase` crates. The `.prj` must say the CRS (a shapefile without one could be in anything),
//! and the `.dbf` text is decoded in the encoding its `.cpg` names (e.g. `1256` or `CP1256` for
//! the Windows Arabic code page of older Iranian data), else in the one its header says.

use super::crs::Crs;
use super::gis::{Features, Layer, Row, Value};
use crate::error::{Location, ReadError};
use shapefile::dbase::{self, FieldIterator, FieldValue};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// Opens the shapefile `path` (the `.shp`), its attribute table and its CRS.
pub(super) fn open(path: &Path) -> Result<Layer<ShpFeatures>, ReadError> {
    let fail = |problem: String| ReadError::file(path, problem);
    let beside = |ext: &str| path.with_extension(ext);
    let prj = match std::fs::read_to_string(beside("prj")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError {
                field: Some("crs".into()),
                ..fail(format!(
                    "no {} beside it, so its coordinate system is unknown; add one (e.g. \
                     ogr2ogr -a_srs EPSG:32639)",
                    display_name(&beside("prj"))
                ))
            });
        }
        Err(e) => return Err(fail(format!("cannot read its .prj: {e}"))),
    };
    let crs = Crs::from_wkt(prj.trim()).map_err(|e| ReadError {
        field: Some("crs".into()),
        ..fail(e.to_string())
    })?;
    let shapes = shapefile::ShapeReader::from_path(path)
        .map_err(|e| fail(format!("cannot read the shapes: {e}")))?;
    let dbf = File::open(beside("dbf"))
        .map(BufReader::new)
        .map_err(|e| fail(format!("cannot read its .dbf: {e}")))?;
    let table = match encoding(&beside("cpg")).map_err(&fail)? {
        Some(encoding) => dbase::ReaderBuilder::new()
            .with_encoding(encoding)
            .build(dbf),
        None => dbase::Reader::new(dbf),
    }
    .map_err(|e| fail(format!("cannot read its .dbf: {e}")))?;
    if let Ok(count) = shapes.shape_count()
        && count != table.header().num_records as usize
    {
        return Err(fail(format!(
            "the .shp holds {count} shapes but the .dbf {} records",
            table.header().num_records
        )));
    }
    Ok(Layer {
        fields: table.fields().iter().map(|f| f.name().to_owned()).collect(),
        crs,
        features: ShpFeatures {
            path: path.to_owned(),
            reader: shapefile::Reader::new(shapes, table),
        },
    })
}

/// The encoding a `.cpg` names, if there is one; one that `dbase` cannot decode is an error
/// rather than text silently garbled.
fn encoding(cpg: &Path) -> Result<Option<dbase::encoding::DynEncoding>, String> {
    let label = match std::fs::read_to_string(cpg) {
        Ok(label) => label,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read its .cpg: {e}")),
    };
    let name = label.trim().trim_start_matches('\u{feff}');
    dbase::encoding::DynEncoding::from_name(name)
        .map(Some)
        .ok_or_else(|| {
            format!(
                "its .cpg names the encoding {name:?}, which siting cannot decode (UTF-8, \
                 1256/CP1256 and the other Windows and ISO-8859 code pages are known)"
            )
        })
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

/// A shapefile's shapes and records, read together in file order.
pub(super) struct ShpFeatures {
    path: PathBuf,
    reader: shapefile::Reader<BufReader<File>, BufReader<File>>,
}

/// Every field of a `.dbf` record, in the table's order.
struct Record(Vec<FieldValue>);

impl dbase::ReadableRecord for Record {
    fn read_using<T: Read + Seek, M: Read + Seek>(
        fields: &mut FieldIterator<T, M>,
    ) -> Result<Self, dbase::FieldError> {
        fields
            .map(|f| f.map(|named| named.value))
            .collect::<Result<_, _>>()
            .map(Record)
    }
}

impl Features for ShpFeatures {
    fn each(
        mut self,
        columns: &[Option<usize>],
        visit: &mut dyn FnMut(usize, Row) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        let mut values = vec![Value::Null; columns.len()];
        let features = self
            .reader
            .iter_shapes_and_records_as::<shapefile::Shape, Record>();
        for (index, feature) in features.enumerate() {
            let at = |field: Option<&str>, problem: String| ReadError {
                path: self.path.clone(),
                location: Location::Feature { index, id: None },
                field: field.map(str::to_owned),
                problem,
            };
            let (shape, Record(record)) = feature
                .map_err(|e| at(None, format!("cannot read the shape or its record: {e}")))?;
            for (value, column) in values.iter_mut().zip(columns) {
                *value = column
                    .and_then(|c| record.get(c))
                    .map_or(Value::Null, value_of);
            }
            let geometry = match shape {
                shapefile::Shape::NullShape => None,
                shape => Some(
                    geo::Geometry::try_from(shape)
                        .map_err(|e| at(Some("geometry"), format!("not a valid shape: {e}")))?,
                ),
            };
            visit(
                index,
                Row {
                    values: &values,
                    geometry,
                },
            )?;
        }
        Ok(())
    }
}

/// A dBase value as an attribute value; blank fields are `Null`.
fn value_of(value: &FieldValue) -> Value {
    match value {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Value::Text(s.clone()),
        FieldValue::Numeric(Some(x)) | FieldValue::Currency(x) | FieldValue::Double(x) => {
            Value::Real(*x)
        }
        FieldValue::Float(Some(x)) => Value::Real(f64::from(*x)),
        FieldValue::Integer(i) => Value::Integer(i64::from(*i)),
        FieldValue::Logical(Some(b)) => Value::Bool(*b),
        FieldValue::Date(Some(_)) | FieldValue::DateTime(_) => Value::Other("a date"),
        FieldValue::Character(None)
        | FieldValue::Numeric(None)
        | FieldValue::Float(None)
        | FieldValue::Logical(None)
        | FieldValue::Date(None) => Value::Null,
    }
}
