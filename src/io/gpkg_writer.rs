//! `plan.gpkg` / `access.gpkg`: the results as one GeoPackage (OGC 12-128r18) that QGIS and
//! GDAL open in one step, with the layers `centres`, `neighbourhoods` (with their figures, as in
//! `neighbourhoods.geojson`) and `demand` (each point with its centre and distance, as in
//! `assignment.csv`), all in WGS84 (EPSG:4326), with default styles in a `layer_styles` table
//! that QGIS applies on opening (`assets/styles/*.qml`: neighbourhoods by covered share, existing
//! and new centres, covered and uncovered demand). Written with `rusqlite` into a temporary file
//! in one transaction through prepared statements, then renamed into place, so a killed run
//! leaves the old file or the complete new one.

use super::output::{CENTRE_COLUMNS, NEIGHBOURHOOD_COLUMNS};
use crate::access::Measures;
use crate::model::{DemandPoint, Neighbourhood, Site};
use geo::{BoundingRect, Geometry, Rect};
use geozero::CoordDimensions;
use geozero::ToWkb;
use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, params_from_iter};
use serde::Serialize;
use std::path::Path;

/// GeoPackage's `application_id` ("GPKG") and the `user_version` of version 1.2.
const APPLICATION_ID: i32 = 0x4750_4B47;
const USER_VERSION: i32 = 10200;

/// `gpkg_contents.last_change`: a fixed time, so the same run writes the same bytes.
const LAST_CHANGE: &str = "2000-01-01T00:00:00.000Z";

/// What goes into the GeoPackage.
pub struct GpkgResults<'a> {
    /// Demand points, in input order.
    pub demand: &'a [DemandPoint],
    /// The sites that `measures` indexes.
    pub sites: &'a [Site],
    /// Neighbourhoods, when given.
    pub neighbourhoods: Option<&'a [Neighbourhood]>,
    /// The access figures of the open centres.
    pub measures: &'a Measures,
}

/// Writes the layers into the GeoPackage `path`, replacing it only once it is complete.
pub fn write_gpkg(path: &Path, results: &GpkgResults) -> std::io::Result<()> {
    let part = path.with_extension("gpkg.part");
    match std::fs::remove_file(&part) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    write_into(&part, results).map_err(std::io::Error::other)?;
    super::atomic::put_in_place(&part, path)
}

fn write_into(path: &Path, results: &GpkgResults) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    // A fresh file that is renamed into place only when complete needs no journal.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
    ))?;
    let tx = conn.transaction()?;
    create_metadata(&tx)?;
    let m = results.measures;
    write_layer(
        &tx,
        "centres",
        "POINT",
        json_columns(&CENTRE_COLUMNS, &m.centres)?,
        m.centres.iter().map(|c| {
            let point = results.sites[c.site].position;
            Ok((Geometry::Point(point), json_values(&CENTRE_COLUMNS, c)?))
        }),
    )?;
    if let Some(hoods) = results.neighbourhoods {
        write_layer(
            &tx,
            "neighbourhoods",
            "MULTIPOLYGON",
            json_columns(&NEIGHBOURHOOD_COLUMNS, &m.neighbourhoods)?,
            hoods.iter().zip(&m.neighbourhoods).map(|(n, figures)| {
                Ok((
                    Geometry::MultiPolygon(n.geometry.clone()),
                    json_values(&NEIGHBOURHOOD_COLUMNS, figures)?,
                ))
            }),
        )?;
    }
    let covered = write_demand(&tx, results)?;
    let mut styles = vec![("centres", CENTRES_QML)];
    if results.neighbourhoods.is_some() {
        styles.push(("neighbourhoods", NEIGHBOURHOODS_QML));
    }
    if covered {
        styles.push(("demand", DEMAND_QML));
    }
    write_styles(&tx, &styles)?;
    tx.commit()
}

/// QGIS styles (QML) of the layers, applied by default when QGIS opens them.
const CENTRES_QML: &str = include_str!("../../assets/styles/centres.qml");
const NEIGHBOURHOODS_QML: &str = include_str!("../../assets/styles/neighbourhoods.qml");
const DEMAND_QML: &str = include_str!("../../assets/styles/demand.qml");

/// The `layer_styles` table as QGIS reads and writes it in a GeoPackage, registered as an
/// attributes table, one default style per layer.
fn write_styles(tx: &Transaction, styles: &[(&str, &str)]) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT,
           f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
           f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
           useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
           update_time DATETIME);",
    )?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles', ?1)",
        [LAST_CHANGE],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
         f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, \
         update_time) VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, 'siting', '', ?3)",
    )?;
    for (layer, qml) in styles {
        insert.execute(rusqlite::params![layer, qml, LAST_CHANGE])?;
    }
    Ok(())
}

/// The demand layer: `id`, `weight`, `group` (when any point has one), `neighbourhood_id` (with
/// neighbourhoods), `centre_id` and `distance_m` as in `assignment.csv` (with `minutes` by
/// travel time), and `covered` (with a service radius). Returns whether it has `covered`.
fn write_demand(tx: &Transaction, results: &GpkgResults) -> rusqlite::Result<bool> {
    let m = results.measures;
    let with_group = results.demand.iter().any(|d| d.group.is_some());
    let with_hoods = results.neighbourhoods.is_some();
    let timed = m.nearest.iter().flatten().any(|n| n.route_m.is_some());
    let with_radius = m.access.radius_m.is_some() || !m.access.radius_by_kind.is_empty();
    let mut columns = vec![("id", "TEXT"), ("weight", "REAL")];
    columns.extend(with_group.then_some(("group", "TEXT")));
    columns.extend(with_hoods.then_some(("neighbourhood_id", "TEXT")));
    columns.extend([("centre_id", "TEXT"), ("distance_m", "REAL")]);
    columns.extend(timed.then_some(("minutes", "REAL")));
    columns.extend(with_radius.then_some(("covered", "BOOLEAN")));
    let columns = columns
        .into_iter()
        .map(|(name, sql)| (name.to_owned(), sql))
        .collect();
    let hood_id = |d: usize| {
        m.neighbourhood_of
            .get(d)
            .copied()
            .flatten()
            .zip(results.neighbourhoods)
            .map(|(h, hoods)| hoods[h as usize].id.clone())
    };
    let rows = results.demand.iter().enumerate().map(|(d, point)| {
        let nearest = m.nearest[d];
        let text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
        let real = |x: Option<f64>| x.map_or(Value::Null, Value::Real);
        let mut values = vec![Value::Text(point.id.clone()), Value::Real(point.weight)];
        if with_group {
            values.push(text(point.group.clone()));
        }
        if with_hoods {
            values.push(text(hood_id(d)));
        }
        values.push(text(nearest.map(|n| results.sites[n.site].id.clone())));
        if timed {
            values.push(real(nearest.and_then(|n| n.route_m)));
            values.push(real(nearest.map(|n| n.distance_m)));
        } else {
            values.push(real(nearest.map(|n| n.distance_m)));
        }
        if with_radius {
            values.push(Value::Integer(i64::from(m.covered[d])));
        }
        Ok((Geometry::Point(point.position), values))
    });
    write_layer(tx, "demand", "POINT", columns, rows)?;
    Ok(with_radius)
}

/// The tables every GeoPackage holds, and the reference systems it must list.
fn create_metadata(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        r#"CREATE TABLE gpkg_spatial_ref_sys (
             srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
             organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
             description TEXT);
           CREATE TABLE gpkg_contents (
             table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
             identifier TEXT UNIQUE, description TEXT DEFAULT '',
             last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
             min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
             CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
           CREATE TABLE gpkg_geometry_columns (
             table_name TEXT NOT NULL, column_name TEXT NOT NULL,
             geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
             z TINYINT NOT NULL, m TINYINT NOT NULL,
             CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
             CONSTRAINT uk_gc_table_name UNIQUE (table_name),
             CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
             CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
           INSERT INTO gpkg_spatial_ref_sys VALUES
             ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
              'undefined cartesian coordinate reference system'),
             ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
              'undefined geographic coordinate reference system'),
             ('WGS 84 geodetic', 4326, 'EPSG', 4326,
              'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
              'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');"#,
    )
}

/// One feature table: `fid`, `geom` and `columns` (name, SQL type), its rows inserted through
/// one prepared statement, then registered with its extent.
fn write_layer(
    tx: &Transaction,
    name: &str,
    geometry_type: &str,
    columns: Vec<(String, &str)>,
    rows: impl Iterator<Item = rusqlite::Result<(Geometry<f64>, Vec<Value>)>>,
) -> rusqlite::Result<()> {
    let quoted: Vec<String> = columns.iter().map(|(c, _)| quote(c)).collect();
    let definitions: String = quoted
        .iter()
        .zip(&columns)
        .map(|(q, (_, sql))| format!(", {q} {sql}"))
        .collect();
    tx.execute_batch(&format!(
        "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
         geom {geometry_type}{definitions});",
        table = quote(name)
    ))?;
    let mut insert = tx.prepare(&format!(
        "INSERT INTO {} (geom{}) VALUES (?{})",
        quote(name),
        quoted.iter().map(|q| format!(", {q}")).collect::<String>(),
        ", ?".repeat(columns.len())
    ))?;
    let mut extent: Option<Rect<f64>> = None;
    for row in rows {
        let (geometry, values) = row?;
        if let Some(bounds) = geometry.bounding_rect() {
            extent = Some(extent.map_or(bounds, |e| {
                Rect::new(
                    (e.min().x.min(bounds.min().x), e.min().y.min(bounds.min().y)),
                    (e.max().x.max(bounds.max().x), e.max().y.max(bounds.max().y)),
                )
            }));
        }
        let blob = gpkg_blob(&geometry)?;
        insert.execute(params_from_iter(
            std::iter::once(Value::Blob(blob)).chain(values),
        ))?;
    }
    let (min, max) = extent.map_or(((0.0, 0.0), (0.0, 0.0)), |e| (e.min().x_y(), e.max().x_y()));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, 4326)",
        rusqlite::params![name, LAST_CHANGE, min.0, min.1, max.0, max.1],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        rusqlite::params![name, geometry_type],
    )?;
    Ok(())
}

/// A geometry as a GeoPackage blob in EPSG:4326; polygons carry their envelope in the header
/// (points need none: it would repeat them).
fn gpkg_blob(geometry: &Geometry<f64>) -> rusqlite::Result<Vec<u8>> {
    let envelope = match (geometry, geometry.bounding_rect()) {
        (Geometry::Point(_), _) | (_, None) => Vec::new(),
        (_, Some(b)) => vec![b.min().x, b.max().x, b.min().y, b.max().y],
    };
    geometry
        .to_gpkg_wkb(CoordDimensions::xy(), Some(4326), envelope)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `columns` of `rows` (fields as serialised: the same names and order as the CSV outputs), each
/// with the SQL type of its values: INTEGER for whole counts, REAL for other numbers (and for
/// fields null in every row), TEXT, BOOLEAN.
fn json_columns<T: Serialize>(
    columns: &[&str],
    rows: &[T],
) -> rusqlite::Result<Vec<(String, &'static str)>> {
    let mut types: Vec<Option<&'static str>> = vec![None; columns.len()];
    for row in rows {
        let object = json_object(row)?;
        for (slot, column) in types.iter_mut().zip(columns) {
            let sql = match object.get(*column) {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::Bool(_)) => "BOOLEAN",
                Some(serde_json::Value::Number(n)) if n.is_f64() => "REAL",
                Some(serde_json::Value::Number(_)) => "INTEGER",
                Some(_) => "TEXT",
            };
            // A field with whole numbers in some rows and fractions in others is REAL.
            *slot = Some(match (*slot, sql) {
                (Some("REAL"), "INTEGER") | (Some("INTEGER"), "REAL") => "REAL",
                _ => sql,
            });
        }
    }
    Ok(columns
        .iter()
        .zip(types)
        .map(|(column, sql)| ((*column).to_owned(), sql.unwrap_or("REAL")))
        .collect())
}

/// A row's values for `columns`.
fn json_values<T: Serialize>(columns: &[&str], row: &T) -> rusqlite::Result<Vec<Value>> {
    let object = json_object(row)?;
    Ok(columns
        .iter()
        .map(|column| match object.get(*column) {
            None | Some(serde_json::Value::Null) => Value::Null,
            Some(serde_json::Value::Bool(b)) => Value::Integer(i64::from(*b)),
            Some(serde_json::Value::Number(n)) => n.as_i64().map_or_else(
                || Value::Real(n.as_f64().unwrap_or(f64::NAN)),
                Value::Integer,
            ),
            Some(serde_json::Value::String(s)) => Value::Text(s.clone()),
            Some(other) => Value::Text(other.to_string()),
        })
        .collect())
}

/// A row serialised as a JSON object.
fn json_object<T: Serialize>(
    row: &T,
) -> rusqlite::Result<serde_json::Map<String, serde_json::Value>> {
    match serde_json::to_value(row) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(rusqlite::Error::ToSqlConversionFailure(
            format!("expected a JSON object, found {other}").into(),
        )),
        Err(e) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    #[test]
    fn point_blobs_have_no_envelope_and_polygons_have_one() {
        let point = Geometry::Point(Point::new(48.1, 30.4));
        let blob = gpkg_blob(&point).expect("blob");
        assert_eq!(&blob[..2], b"GP");
        assert_eq!(blob[3] & 0b1110, 0, "no envelope");
        assert_eq!(
            i32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]),
            4326
        );
        let square = Rect::new((0.0, 0.0), (1.0, 2.0)).to_polygon();
        let blob = gpkg_blob(&Geometry::Polygon(square)).expect("blob");
        assert_eq!((blob[3] >> 1) & 0b111, 1, "an xy envelope");
    }
}
