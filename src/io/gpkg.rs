//! GeoPackage layers (OGC 12-128r18: SQLite with `gpkg_contents`, `gpkg_geometry_columns`,
//! `gpkg_spatial_ref_sys` and GeoPackage binary geometries), read through `rusqlite` (SQLite
//! bundled) and `geozero` (the geometry header and WKB). Rows are streamed from the SQLite
//! cursor, so memory holds the model, never the file.

use super::crs::Crs;
use super::gis::{Features, Layer, Row, Value};
use crate::error::{Location, ReadError};
use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Splits `FILE.gpkg:LAYER` into the file and the layer; a path that exists as it is names a
/// file, whatever colons it holds.
pub(super) fn split_layer(path: &Path) -> (PathBuf, Option<String>) {
    if path.exists() {
        return (path.to_owned(), None);
    }
    let text = path.to_string_lossy();
    let lower = text.to_ascii_lowercase();
    match lower.rfind(".gpkg:") {
        Some(at) => {
            let split = at + ".gpkg".len();
            (
                PathBuf::from(&text[..split]),
                Some(text[split + 1..].to_owned()),
            )
        }
        None => (path.to_owned(), None),
    }
}

/// Opens the layer that `path` names (`FILE.gpkg:LAYER`, or a file with one feature layer) and
/// its CRS. `path` names the layer in errors, as the user wrote it.
pub(super) fn open(path: &Path) -> Result<Layer<GpkgFeatures>, ReadError> {
    let (file, wanted) = split_layer(path);
    let fail = |problem: String| ReadError::file(path, problem);
    if !file.is_file() {
        return Err(fail("cannot read the file: no such file".into()));
    }
    let conn = Connection::open_with_flags(
        &file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| fail(format!("cannot open the GeoPackage: {e}")))?;
    let sql_error = |e: rusqlite::Error| fail(format!("not a readable GeoPackage: {e}"));
    let layers: Vec<(String, String, i64)> = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(sql_error)?;
    let names = || {
        layers
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (table, geometry, srs_id) = match (&wanted, layers.as_slice()) {
        (Some(name), _) => layers.iter().find(|l| &l.0 == name).ok_or_else(|| {
            fail(format!(
                "no feature layer {name:?} (the layers are {})",
                names()
            ))
        })?,
        (None, [only]) => only,
        (None, []) => return Err(fail("the GeoPackage has no feature layers".into())),
        (None, _) => {
            return Err(fail(format!(
                "the GeoPackage holds {} layers ({}): name one as FILE.gpkg:LAYER",
                layers.len(),
                names()
            )));
        }
    };
    let crs = crs_of(&conn, *srs_id).map_err(|problem| ReadError {
        path: path.to_owned(),
        location: Location::File,
        field: Some("crs".into()),
        problem,
    })?;
    let quoted = quote(table);
    let (fields, key): (Vec<String>, _) = conn
        .prepare(&format!("PRAGMA table_info({quoted})"))
        .and_then(|mut s| {
            let columns = s
                .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let key = columns.iter().find(|c| c.1 == 1).map(|c| c.0.clone());
            Ok((columns.into_iter().map(|c| c.0).collect(), key))
        })
        .map_err(sql_error)?;
    Ok(Layer {
        crs,
        features: GpkgFeatures {
            path: path.to_owned(),
            columns: fields.iter().map(|f| quote(f)).collect(),
            conn,
            table: quoted,
            geometry: quote(geometry),
            key: key.as_deref().map(quote),
        },
        fields,
    })
}

/// The CRS of `srs_id`: the organisation's EPSG code, else the WKT definition. GeoPackage's
/// undefined systems (-1 and 0) are unknown, since their coordinates could be anything.
fn crs_of(conn: &Connection, srs_id: i64) -> Result<Crs, String> {
    let (name, organization, code, definition): (String, String, i64, String) = conn
        .query_row(
            "SELECT srs_name, organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| format!("the layer's coordinate system (srs_id {srs_id}) is unknown: {e}"))?;
    let crs = if organization.eq_ignore_ascii_case("EPSG") {
        Crs::from_epsg(code)
    } else if srs_id > 0 && !definition.trim().eq_ignore_ascii_case("undefined") {
        Crs::from_wkt(&definition)
    } else {
        return Err(format!(
            "the layer's coordinate system is {name:?} (srs_id {srs_id}), so its coordinates \
             cannot be placed on the Earth; assign the real one (e.g. ogr2ogr -a_srs EPSG:32639)"
        ));
    };
    crs.map_err(|e| e.to_string())
}

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A GeoPackage layer's rows, read in primary-key order.
pub(super) struct GpkgFeatures {
    path: PathBuf,
    /// Every column, quoted, in the order of the layer's fields.
    columns: Vec<String>,
    conn: Connection,
    table: String,
    geometry: String,
    key: Option<String>,
}

impl Features for GpkgFeatures {
    fn each(
        self,
        columns: &[Option<usize>],
        visit: &mut dyn FnMut(usize, Row) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        let present: Vec<&str> = columns
            .iter()
            .flatten()
            .map(|&c| self.columns[c].as_str())
            .collect();
        let mut select = present.clone();
        select.push(&self.geometry);
        let order = self
            .key
            .as_ref()
            .map(|k| format!(" ORDER BY {k}"))
            .unwrap_or_default();
        let sql = format!("SELECT {} FROM {}{order}", select.join(", "), self.table);
        let at = |index: usize, e: String| ReadError {
            path: self.path.clone(),
            location: Location::Feature { index, id: None },
            field: None,
            problem: e,
        };
        let mut statement = self
            .conn
            .prepare(&sql)
            .map_err(|e| ReadError::file(&self.path, format!("cannot read the layer: {e}")))?;
        let mut rows = statement
            .query([])
            .map_err(|e| ReadError::file(&self.path, format!("cannot read the layer: {e}")))?;
        let mut values = vec![Value::Null; columns.len()];
        let mut index = 0;
        while let Some(row) = rows
            .next()
            .map_err(|e| at(index, format!("cannot read the row: {e}")))?
        {
            let mut next = 0;
            for (value, column) in values.iter_mut().zip(columns) {
                *value = match column {
                    Some(_) => {
                        next += 1;
                        value_of(row.get_ref(next - 1))
                            .map_err(|e| at(index, format!("cannot read a value: {e}")))?
                    }
                    None => Value::Null,
                };
            }
            let geometry = match row.get_ref(present.len()) {
                Ok(ValueRef::Blob(blob)) => {
                    Some(GpkgWkb(blob).to_geo().map_err(|e| ReadError {
                        field: Some("geometry".into()),
                        ..at(index, format!("not a valid GeoPackage geometry: {e}"))
                    })?)
                }
                Ok(ValueRef::Null) => None,
                Ok(other) => {
                    return Err(ReadError {
                        field: Some("geometry".into()),
                        ..at(
                            index,
                            format!("the geometry is {:?}, not a blob", other.data_type()),
                        )
                    });
                }
                Err(e) => return Err(at(index, format!("cannot read the geometry: {e}"))),
            };
            visit(
                index,
                Row {
                    values: &values,
                    geometry,
                },
            )?;
            index += 1;
        }
        Ok(())
    }
}

/// An SQLite value as an attribute value; text must be UTF-8, as GeoPackage requires.
fn value_of(value: rusqlite::Result<ValueRef>) -> Result<Value, String> {
    Ok(match value.map_err(|e| e.to_string())? {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(bytes) => Value::Text(
            std::str::from_utf8(bytes)
                .map_err(|_| "text that is not valid UTF-8".to_owned())?
                .to_owned(),
        ),
        ValueRef::Blob(_) => Value::Other("binary data"),
    })
}
