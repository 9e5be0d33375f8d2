//! GeoJSON readers (demand and site Points, neighbourhood Polygons) and writers.

use super::fields::{self, FieldProblem, Identified};
use super::{FieldMap, Loaded};
use crate::error::{Location, ReadError};
use crate::model::{DemandPoint, Neighbourhood, Site};
use geo::{Coord, MultiPolygon, Point, Polygon};
use geojson::{Feature, GeometryValue, JsonObject, JsonValue, Position};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::io::Write;
use std::path::Path;

/// Reads a file into its features, after checking that it is JSON, GeoJSON and WGS84.
pub(super) fn features_in(path: &Path) -> Result<Vec<Feature>, ReadError> {
    let text = text_of(path)?;
    features_of(path, &text)
}

/// The whole text of a file.
pub(super) fn text_of(path: &Path) -> Result<String, ReadError> {
    std::fs::read_to_string(path)
        .map_err(|e| ReadError::file(path, format!("cannot read the file: {e}")))
}

/// The features of GeoJSON `text` read from `path` (which only names it in errors).
fn features_of(path: &Path, text: &str) -> Result<Vec<Feature>, ReadError> {
    each_feature(path, text, |_, raw| {
        serde_json::from_str::<Feature>(raw.get())
            .map_err(|e| FieldProblem::new("geometry", format!("invalid GeoJSON feature: {e}")))
    })
}

/// The top level of a GeoJSON file, each feature kept as its raw text so that the features can
/// be read in parallel, each into the typed form its reader needs.
#[derive(Deserialize)]
struct TopLevel<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
    crs: Option<JsonValue>,
}

/// Checks that `text` is a WGS84 FeatureCollection (or one Feature) with features, and reads
/// each feature with `read` in parallel; an error names the first failing feature in file order.
pub(super) fn each_feature<T: Send>(
    path: &Path,
    text: &str,
    read: impl Fn(usize, &RawValue) -> Result<T, FieldProblem> + Sync,
) -> Result<Vec<T>, ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::file(
            path,
            "the file is empty: expected a GeoJSON FeatureCollection",
        ));
    }
    let invalid = |e: serde_json::Error| ReadError {
        path: path.to_owned(),
        location: Location::Line(e.line() as u64),
        field: None,
        problem: format!("invalid GeoJSON: {e}"),
    };
    let top: TopLevel = serde_json::from_str(text).map_err(invalid)?;
    let features = match top.kind.as_deref() {
        Some("FeatureCollection") => top.features.unwrap_or_default(),
        Some("Feature") => vec![serde_json::from_str::<&RawValue>(text).map_err(invalid)?],
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) => {
            return Err(ReadError::file(
                path,
                "expected a FeatureCollection (or a Feature), found a bare geometry with no properties",
            ));
        }
        other => {
            return Err(ReadError::file(
                path,
                format!(
                    "invalid GeoJSON: expected a FeatureCollection, found {}",
                    other.map_or("no \"type\"".to_owned(), |t| format!("type {t:?}"))
                ),
            ));
        }
    };
    check_crs(path, top.crs.as_ref())?;
    if features.is_empty() {
        return Err(ReadError::file(
            path,
            "the FeatureCollection has no features",
        ));
    }
    let read: Vec<Result<T, ReadError>> = features
        .par_iter()
        .enumerate()
        .map(|(index, raw)| {
            read(index, raw).map_err(|p| ReadError {
                path: path.to_owned(),
                location: Location::Feature { index, id: None },
                field: Some(p.field.to_owned()),
                problem: p.problem,
            })
        })
        .collect();
    read.into_iter().collect()
}

/// RFC 7946 GeoJSON is always WGS84 lon/lat; an old-style `crs` member naming anything else means
/// the coordinates are in other units, and reading them as degrees would put every point wrong.
fn check_crs(path: &Path, crs: Option<&JsonValue>) -> Result<(), ReadError> {
    let Some(crs) = crs.filter(|c| !c.is_null()) else {
        return Ok(());
    };
    let name = crs
        .pointer("/properties/name")
        .and_then(JsonValue::as_str)
        .unwrap_or_default();
    let upper = name.to_ascii_uppercase();
    if upper.contains("CRS84") || upper.ends_with(":4326") {
        return Ok(());
    }
    let shown = if name.is_empty() {
        crs.to_string()
    } else {
        name.to_owned()
    };
    Err(ReadError {
        path: path.to_owned(),
        location: Location::File,
        field: Some("crs".into()),
        problem: format!(
            "the file declares the coordinate system {shown}, not WGS84 longitude/latitude; \
             reproject it to EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)"
        ),
    })
}

/// A property as text: strings as they are, numbers as written.
fn text_property(feature: &Feature, name: &str) -> Option<String> {
    match feature.property(name)? {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The feature's id: its id property (`id` unless mapped), or else the feature-level `id` member.
fn feature_id(feature: &Feature, map: &FieldMap) -> Option<String> {
    text_property(feature, map.column("id")).or_else(|| match &feature.id {
        Some(geojson::feature::Id::String(s)) => Some(s.clone()),
        Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
        None => None,
    })
}

/// A numeric property (`name` as mapped): absent or null gives `default`, unless the user named
/// the property; numeric text is accepted.
fn number_property(
    feature: &Feature,
    map: &FieldMap,
    name: &'static str,
    default: Option<f64>,
) -> Result<Option<f64>, FieldProblem> {
    match feature.property(map.column(name)) {
        None | Some(JsonValue::Null) if map.is_mapped(name) => {
            Err(FieldProblem::new(name, "is missing"))
        }
        None | Some(JsonValue::Null) => Ok(default),
        Some(JsonValue::Number(n)) => Ok(n.as_f64()),
        Some(JsonValue::String(s)) => fields::number(name, s).map(Some),
        Some(other) => Err(FieldProblem::new(name, format!("{other} is not a number"))),
    }
}

fn point_of(feature: &Feature) -> Result<Point<f64>, FieldProblem> {
    match feature.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Point { coordinates }) => position_of(coordinates),
        Some(other) => Err(FieldProblem::new(
            "geometry",
            format!(
                "wrong geometry type: expected Point, found {}",
                other.type_name()
            ),
        )),
        None => Err(FieldProblem::new("geometry", "the feature has no geometry")),
    }
}

fn position_of(position: &Position) -> Result<Point<f64>, FieldProblem> {
    match position.as_slice() {
        [lon, lat, ..] => fields::position(*lon, *lat),
        _ => Err(FieldProblem::new(
            "geometry",
            "a position needs longitude and latitude",
        )),
    }
}

/// Runs `parse` on every feature, then checks that no id is used twice, naming the feature (and
/// the field as the file names it) in any error.
fn parse_features<T: Identified>(
    path: &Path,
    features: &[Feature],
    map: &FieldMap,
    mut parse: impl FnMut(&Feature, String) -> Result<T, FieldProblem>,
) -> Result<Vec<T>, ReadError> {
    let located = |index: usize, id: Option<String>, p: FieldProblem| ReadError {
        path: path.to_owned(),
        location: Location::Feature { index, id },
        field: Some(map.column(p.field).to_owned()),
        problem: p.problem,
    };
    let values = features
        .iter()
        .enumerate()
        .map(|(index, feature)| {
            let id = feature_id(feature, map);
            id.clone()
                .ok_or_else(|| FieldProblem::new("id", "is missing"))
                .and_then(|id| fields::id(&id))
                .and_then(|id| parse(feature, id))
                .map_err(|p| located(index, id, p))
        })
        .collect::<Result<Vec<T>, ReadError>>()?;
    fields::check_ids(&values, |first, repeat, p| {
        let id = |i: usize| Some(values[i].id().to_owned());
        let first_at = Location::Feature {
            index: first,
            id: id(first),
        };
        located(repeat, id(repeat), p(&first_at))
    })?;
    Ok(values)
}

/// Reads demand Points with properties `id`, `weight` (default 1) and `group`.
pub(super) fn read_demand_geojson(
    path: &Path,
    map: &FieldMap,
) -> Result<Vec<DemandPoint>, ReadError> {
    let features = features_in(path)?;
    parse_features(path, &features, map, |feature, id| {
        let weight = number_property(feature, map, "weight", Some(1.0))?.unwrap_or(1.0);
        Ok(DemandPoint {
            id,
            position: point_of(feature)?,
            weight: fields::non_negative("weight", weight)?,
            group: text_property(feature, "group"),
        })
    })
}

/// Reads site Points with properties `id`, `capacity` and `fixed`.
pub(super) fn read_sites_geojson(path: &Path, map: &FieldMap) -> Result<Vec<Site>, ReadError> {
    let features = features_in(path)?;
    parse_features(path, &features, map, |feature, id| {
        let capacity = number_property(feature, map, "capacity", None)?
            .map(|c| fields::non_negative("capacity", c))
            .transpose()?;
        let fixed = match feature.property("fixed") {
            None | Some(JsonValue::Null) => false,
            Some(JsonValue::Bool(b)) => *b,
            Some(JsonValue::String(s)) => fields::flag("fixed", s)?,
            Some(other) => {
                return Err(FieldProblem::new(
                    "fixed",
                    format!("{other} is not true or false"),
                ));
            }
        };
        Ok(Site {
            id,
            position: point_of(feature)?,
            capacity,
            fixed,
        })
    })
}

/// Reads neighbourhood Polygons / MultiPolygons with properties `id`, `name`, `kind`.
pub(super) fn read_neighbourhoods(
    path: &Path,
    map: &FieldMap,
) -> Result<Loaded<Vec<Neighbourhood>>, ReadError> {
    let features = features_in(path)?;
    let neighbourhoods = parse_features(path, &features, map, |feature, id| {
        let kind = match feature.property(map.column("kind")) {
            Some(JsonValue::String(s)) => map.kind(s)?,
            None | Some(JsonValue::Null) => {
                return Err(FieldProblem::new(
                    "kind",
                    "is missing: expected urban, rural or informal",
                ));
            }
            Some(other) => {
                return Err(FieldProblem::new(
                    "kind",
                    format!("{other} is not urban, rural or informal"),
                ));
            }
        };
        let geometry = multi_polygon_of(feature)?;
        let name = match text_property(feature, map.column("name")) {
            Some(name) => name,
            None if map.is_mapped("name") => {
                return Err(FieldProblem::new("name", "is missing"));
            }
            None => id.clone(),
        };
        Ok(Neighbourhood {
            id,
            name,
            kind,
            geometry,
        })
    })?;
    Ok(Loaded {
        warnings: super::invalid_polygons(path, &neighbourhoods),
        value: neighbourhoods,
    })
}

/// A feature's Polygon or MultiPolygon, as a MultiPolygon.
fn multi_polygon_of(feature: &Feature) -> Result<MultiPolygon<f64>, FieldProblem> {
    match feature.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Polygon { coordinates }) => {
            Ok(MultiPolygon(vec![polygon_of(coordinates)?]))
        }
        Some(GeometryValue::MultiPolygon { coordinates }) => Ok(MultiPolygon(
            coordinates
                .iter()
                .map(|p| polygon_of(p))
                .collect::<Result<_, _>>()?,
        )),
        Some(other) => Err(FieldProblem::new(
            "geometry",
            format!(
                "wrong geometry type: expected Polygon or MultiPolygon, found {}",
                other.type_name()
            ),
        )),
        None => Err(FieldProblem::new("geometry", "the feature has no geometry")),
    }
}

/// Reads Polygon / MultiPolygon features of GeoJSON `text` with all their properties: reference
/// areas such as the generator's census counties. `path` names the text in errors.
pub fn read_areas(path: &Path, text: &str) -> Result<Vec<Area>, ReadError> {
    let features = features_of(path, text)?;
    parse_features(path, &features, &FieldMap::default(), |feature, id| {
        Ok(Area {
            id,
            properties: feature.properties.clone().unwrap_or_default(),
            geometry: multi_polygon_of(feature)?,
        })
    })
}

/// A polygon feature and its properties, as [`read_areas`] returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The `id` property.
    pub id: String,
    /// Every property, `id` included.
    pub properties: JsonObject,
    /// WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
}

fn polygon_of(rings: &[Vec<Position>]) -> Result<Polygon<f64>, FieldProblem> {
    let rings = rings
        .iter()
        .map(|ring| {
            ring.iter()
                .map(|p| position_of(p).map(Coord::from))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    fields::polygon(rings)
}

/// Writes neighbourhoods as a FeatureCollection with `id`, `name`, `kind` and any extra properties.
pub fn write_neighbourhoods(
    out: impl Write,
    neighbourhoods: &[Neighbourhood],
    mut extra: impl FnMut(usize) -> JsonObject,
) -> std::io::Result<()> {
    let features = neighbourhoods.iter().enumerate().map(|(i, n)| {
        let mut properties = JsonObject::new();
        properties.insert("id".into(), n.id.clone().into());
        properties.insert("name".into(), n.name.clone().into());
        properties.insert("kind".into(), n.kind.as_str().into());
        properties.extend(extra(i));
        Feature {
            geometry: Some(geojson::Geometry::new(GeometryValue::from(&n.geometry))),
            properties: Some(properties),
            ..Feature::default()
        }
    });
    let collection = geojson::FeatureCollection::new(features);
    serde_json::to_writer(out, &collection).map_err(std::io::Error::other)
}
