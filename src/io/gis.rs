//! What the GeoPackage and Shapefile readers share: attribute values as such files store them,
//! and turning a layer's features (attributes plus a geometry in the layer's CRS) into demand
//! points, sites and neighbourhoods in WGS84, with the same checks and messages as the CSV and
//! GeoJSON readers (`fields.rs`).

use super::crs::Crs;
use super::fields::{self, FieldProblem, Identified};
use super::{FieldMap, Loaded};
use crate::error::{Location, ReadError};
use crate::model::{DemandPoint, Neighbourhood, Site};
use geo::{Coord, Geometry, MultiPolygon, Point};
use std::borrow::Cow;
use std::path::Path;

/// An attribute value as a GIS file stores it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// SQL NULL, or a blank dBase field.
    Null,
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// A boolean (dBase logical; GeoPackage stores booleans as integers).
    Bool(bool),
    /// A kind of value siting has no use for (binary data, a date), named for messages.
    Other(&'static str),
}

impl Value {
    /// As text (ids, names, groups, kinds); numbers as their shortest decimal, so an integer id
    /// 17 reads as "17".
    fn text(&self, field: &'static str) -> Result<Option<Cow<'_, str>>, FieldProblem> {
        match self {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(Cow::Borrowed(s))),
            Value::Integer(i) => Ok(Some(Cow::Owned(i.to_string()))),
            Value::Real(x) => Ok(Some(Cow::Owned(x.to_string()))),
            Value::Bool(b) => Ok(Some(Cow::Owned(b.to_string()))),
            Value::Other(what) => Err(FieldProblem::new(field, format!("is {what}, not text"))),
        }
    }

    /// As a number; numeric text is accepted, and blank text is no value.
    fn number(&self, field: &'static str) -> Result<Option<f64>, FieldProblem> {
        match self {
            Value::Null => Ok(None),
            Value::Integer(i) => Ok(Some(*i as f64)),
            Value::Real(x) => Ok(Some(*x)),
            Value::Text(s) if s.trim().is_empty() => Ok(None),
            Value::Text(s) => fields::number(field, s).map(Some),
            Value::Bool(b) => Err(FieldProblem::new(field, format!("{b} is not a number"))),
            Value::Other(what) => Err(FieldProblem::new(field, format!("is {what}, not a number"))),
        }
    }

    /// As a yes/no flag; no value means no. Numbers 0 and 1 are accepted: GeoPackage stores
    /// booleans as integers, and GDAL writes them into a `.dbf` as numbers.
    fn flag(&self, field: &'static str) -> Result<bool, FieldProblem> {
        match self {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Text(s) => fields::flag(field, s),
            Value::Integer(i) => fields::flag(field, &i.to_string()),
            Value::Real(x) => fields::flag(field, &x.to_string()),
            Value::Other(what) => Err(FieldProblem::new(
                field,
                format!("is {what}, not true or false"),
            )),
        }
    }
}

/// One feature as a format reader hands it over.
pub(super) struct Row<'a> {
    /// The values of the columns asked for, in that order (`Null` for an absent optional one).
    pub values: &'a [Value],
    /// The geometry in the layer's CRS; `None` for a feature without one.
    pub geometry: Option<Geometry<f64>>,
}

/// The features of an opened layer, walked once in file order.
pub(super) trait Features {
    /// Calls `visit` with each feature's 0-based index and row, holding the values of `columns`
    /// (indexes into the layer's fields; `None` gives `Null`). Stops at the first error.
    fn each(
        self,
        columns: &[Option<usize>],
        visit: &mut dyn FnMut(usize, Row) -> Result<(), ReadError>,
    ) -> Result<(), ReadError>;
}

/// A layer that a format reader opened: its attribute names, its CRS and its features.
pub(super) struct Layer<F> {
    /// Attribute names, in the file's order.
    pub fields: Vec<String>,
    /// The CRS the layer declares.
    pub crs: Crs,
    /// Its features, not read yet.
    pub features: F,
}

/// Reads demand points: the id field, `weight` (default 1 when the layer has no such field and
/// none was named; a blank weight is an error) and `group`; Point geometries.
pub(super) fn demand(
    path: &Path,
    layer: Layer<impl Features>,
    map: &FieldMap,
) -> Result<Vec<DemandPoint>, ReadError> {
    let has_weight = layer.fields.iter().any(|f| f == map.column("weight"));
    read(
        path,
        layer,
        map,
        &[("weight", false), ("group", false)],
        |values, geometry, crs, id| {
            let weight = if has_weight {
                let w = values[0]
                    .number("weight")?
                    .ok_or_else(|| FieldProblem::new("weight", "is empty"))?;
                fields::non_negative("weight", w)?
            } else {
                1.0
            };
            Ok(DemandPoint {
                id,
                position: point(crs, geometry)?,
                weight,
                group: values[1]
                    .text("group")?
                    .filter(|g| !g.is_empty())
                    .map(Cow::into_owned),
            })
        },
    )
}

/// Reads sites: the id field, `capacity` (blank: unlimited) and `fixed` (blank: no); Point
/// geometries.
pub(super) fn sites(
    path: &Path,
    layer: Layer<impl Features>,
    map: &FieldMap,
) -> Result<Vec<Site>, ReadError> {
    read(
        path,
        layer,
        map,
        &[("capacity", false), ("fixed", false)],
        |values, geometry, crs, id| {
            let capacity = values[0]
                .number("capacity")?
                .map(|c| fields::non_negative("capacity", c))
                .transpose()?;
            Ok(Site {
                id,
                position: point(crs, geometry)?,
                capacity,
                fixed: values[1].flag("fixed")?,
            })
        },
    )
}

/// Reads neighbourhoods: the id field, `name` (default: the id) and the kind field through the
/// kind map; Polygon or MultiPolygon geometries. Invalid polygons come back as warnings.
pub(super) fn neighbourhoods(
    path: &Path,
    layer: Layer<impl Features>,
    map: &FieldMap,
) -> Result<Loaded<Vec<Neighbourhood>>, ReadError> {
    let neighbourhoods = read(
        path,
        layer,
        map,
        &[("name", false), ("kind", true)],
        |values, geometry, crs, id| {
            let kind = values[1].text("kind")?.ok_or_else(|| {
                FieldProblem::new("kind", "is missing: expected urban, rural or informal")
            })?;
            Ok(Neighbourhood {
                name: values[0]
                    .text("name")?
                    .map_or_else(|| id.clone(), Cow::into_owned),
                kind: map.kind(&kind)?,
                geometry: multi_polygon(crs, geometry)?,
                id,
            })
        },
    )?;
    Ok(Loaded {
        warnings: super::invalid_polygons(path, &neighbourhoods),
        value: neighbourhoods,
    })
}

/// Walks the layer: finds the id field and the `wanted` ones (siting's names, mapped through
/// `map`; `true` when required), checks each id (present, not blank, not repeated) and calls
/// `parse` with the wanted values, the geometry, the CRS and the id. Errors name the feature and
/// the field as the file names it; a layer without features is an error.
fn read<T: Identified>(
    path: &Path,
    layer: Layer<impl Features>,
    map: &FieldMap,
    wanted: &[(&'static str, bool)],
    mut parse: impl FnMut(&[Value], Option<Geometry<f64>>, &Crs, String) -> Result<T, FieldProblem>,
) -> Result<Vec<T>, ReadError> {
    let Layer {
        fields,
        crs,
        features,
    } = layer;
    let columns = std::iter::once(&("id", true))
        .chain(wanted)
        .map(|&(field, required)| {
            let name = map.column(field);
            let column = fields.iter().position(|f| f == name);
            if column.is_none() && (required || map.is_mapped(field)) {
                return Err(ReadError {
                    path: path.to_owned(),
                    location: Location::File,
                    field: Some(name.to_owned()),
                    problem: format!(
                        "missing field {name:?} (the fields are {})",
                        fields.join(", ")
                    ),
                });
            }
            Ok(column)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    features.each(&columns, &mut |index, row| {
        let values = row.values;
        let value = values[0]
            .text("id")
            .and_then(|id| fields::id(id.as_deref().unwrap_or_default()))
            .and_then(|id| parse(&values[1..], row.geometry, &crs, id))
            .map_err(|p| ReadError {
                path: path.to_owned(),
                location: Location::Feature {
                    index,
                    id: values[0].text("id").ok().flatten().map(Cow::into_owned),
                },
                field: Some(map.column(p.field).to_owned()),
                problem: p.problem,
            })?;
        out.push(value);
        Ok(())
    })?;
    fields::check_ids(&out, |first, repeat, problem| {
        let p = problem(&format_args!("feature {first}"));
        ReadError {
            path: path.to_owned(),
            location: Location::Feature {
                index: repeat,
                id: Some(out[repeat].id().to_owned()),
            },
            field: Some(map.column(p.field).to_owned()),
            problem: p.problem,
        }
    })?;
    if out.is_empty() {
        return Err(ReadError::file(path, "the layer has no features"));
    }
    Ok(out)
}

/// A position in the layer's CRS, reprojected to WGS84 and checked like any other position.
fn coord(crs: &Crs, c: Coord<f64>) -> Result<Coord<f64>, FieldProblem> {
    let (lon, lat) = crs
        .to_wgs84(c.x, c.y)
        .map_err(|e| FieldProblem::new("geometry", e.to_string()))?;
    fields::position(lon, lat)
        .map(Coord::from)
        .map_err(|p| FieldProblem::new("geometry", p.problem))
}

/// A Point (or a MultiPoint of one point), in WGS84.
fn point(crs: &Crs, geometry: Option<Geometry<f64>>) -> Result<Point<f64>, FieldProblem> {
    match geometry {
        Some(Geometry::Point(p)) => coord(crs, p.0).map(Point::from),
        Some(Geometry::MultiPoint(m)) if m.0.len() == 1 => coord(crs, m.0[0].0).map(Point::from),
        Some(other) => Err(wrong_type("Point", &other)),
        None => Err(FieldProblem::new("geometry", "the feature has no geometry")),
    }
}

/// A Polygon or MultiPolygon, in WGS84, every ring checked.
fn multi_polygon(
    crs: &Crs,
    geometry: Option<Geometry<f64>>,
) -> Result<MultiPolygon<f64>, FieldProblem> {
    let polygons = match geometry {
        Some(Geometry::Polygon(p)) => vec![p],
        Some(Geometry::MultiPolygon(m)) => m.0,
        Some(other) => return Err(wrong_type("Polygon or MultiPolygon", &other)),
        None => return Err(FieldProblem::new("geometry", "the feature has no geometry")),
    };
    if polygons.is_empty() {
        return Err(FieldProblem::new("geometry", "the MultiPolygon is empty"));
    }
    polygons
        .into_iter()
        .map(|polygon| {
            let (exterior, holes) = polygon.into_inner();
            let rings = std::iter::once(exterior)
                .chain(holes)
                .map(|ring| ring.0.into_iter().map(|c| coord(crs, c)).collect())
                .collect::<Result<Vec<_>, _>>()?;
            fields::polygon(rings)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(MultiPolygon)
}

fn wrong_type(expected: &str, found: &Geometry<f64>) -> FieldProblem {
    let found = match found {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    };
    FieldProblem::new(
        "geometry",
        format!("wrong geometry type: expected {expected}, found {found}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_the_csv_reader_reads_text() {
        assert_eq!(Value::Integer(17).text("id").ok(), Some(Some("17".into())));
        assert_eq!(Value::Real(17.0).text("id").ok(), Some(Some("17".into())));
        assert_eq!(Value::Null.text("id").ok(), Some(None));
        assert_eq!(
            Value::Text(" 2.5 ".into()).number("weight").ok(),
            Some(Some(2.5))
        );
        assert_eq!(Value::Text(" ".into()).number("weight").ok(), Some(None));
        assert!(Value::Text("many".into()).number("weight").is_err());
        assert!(Value::Other("a date").number("weight").is_err());
        for yes in [
            Value::Bool(true),
            Value::Integer(1),
            Value::Real(1.0),
            Value::Text("yes".into()),
        ] {
            assert_eq!(yes.flag("fixed").ok(), Some(true), "{yes:?}");
        }
        for no in [
            Value::Null,
            Value::Integer(0),
            Value::Real(0.0),
            Value::Text(String::new()),
        ] {
            assert_eq!(no.flag("fixed").ok(), Some(false), "{no:?}");
        }
        assert!(Value::Integer(2).flag("fixed").is_err());
    }
}
