//! Road networks as GeoJSON LineString / MultiLineString features: each line a road usable both
//! ways unless its `oneway` property is true, with an optional `speed_kmh` and `highway` class.

use super::fields::FieldProblem;
use super::geojson::{features_in, position_of};
use crate::error::{Location, ReadError};
use crate::model::{DEFAULT_DRIVE_KMH, Road, Travel, WALK_KMH, drive_speed_kmh, is_major};
use geo::Point;
use geojson::{Feature, GeometryValue, JsonObject, JsonValue, Position};
use std::io::Write;
use std::path::Path;

/// Reads every line of a GeoJSON road file for `travel`: walking goes at [`WALK_KMH`] on every
/// road; driving at `speed_kmh`, else the usual speed of its `highway` class, else
/// [`DEFAULT_DRIVE_KMH`]. A MultiLineString gives one road per part.
pub fn read_roads_geojson(path: &Path, travel: Travel) -> Result<Vec<Road>, ReadError> {
    let features = features_in(path)?;
    let mut roads = Vec::with_capacity(features.len());
    for (index, feature) in features.iter().enumerate() {
        road_of(feature, travel, &mut roads).map_err(|p| ReadError {
            path: path.to_owned(),
            location: Location::Feature { index, id: None },
            field: Some(p.field.to_owned()),
            problem: p.problem,
        })?;
    }
    Ok(roads)
}

fn road_of(feature: &Feature, travel: Travel, roads: &mut Vec<Road>) -> Result<(), FieldProblem> {
    let oneway = match feature.property("oneway") {
        None | Some(JsonValue::Null) => false,
        Some(JsonValue::Bool(b)) => *b,
        Some(JsonValue::String(s)) => super::fields::flag("oneway", s)?,
        Some(other) => {
            return Err(FieldProblem::new(
                "oneway",
                format!("{other} is not true or false"),
            ));
        }
    };
    let highway = match feature.property("highway") {
        Some(JsonValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let given = match feature.property("speed_kmh") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::Number(n)) => n.as_f64(),
        Some(JsonValue::String(s)) => Some(super::fields::number("speed_kmh", s)?),
        Some(other) => {
            return Err(FieldProblem::new(
                "speed_kmh",
                format!("{other} is not a number"),
            ));
        }
    };
    if let Some(v) = given
        && !(v.is_finite() && v > 0.0)
    {
        return Err(FieldProblem::new(
            "speed_kmh",
            format!("{v} is not a positive speed"),
        ));
    }
    let speed_kmh = match travel {
        Travel::Walk => WALK_KMH,
        Travel::Drive => given
            .or_else(|| highway.and_then(drive_speed_kmh))
            .unwrap_or(DEFAULT_DRIVE_KMH),
    };
    let major = highway.is_some_and(is_major);
    let parts: Vec<&Vec<Position>> = match feature.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::LineString { coordinates }) => vec![coordinates],
        Some(GeometryValue::MultiLineString { coordinates }) => coordinates.iter().collect(),
        Some(other) => {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "wrong geometry type: expected LineString or MultiLineString, found {}",
                    other.type_name()
                ),
            ));
        }
        None => return Err(FieldProblem::new("geometry", "the feature has no geometry")),
    };
    for part in parts {
        let line = part
            .iter()
            .map(position_of)
            .collect::<Result<Vec<Point<f64>>, _>>()?;
        if line.len() < 2 {
            return Err(FieldProblem::new(
                "geometry",
                format!("a line needs at least two positions, found {}", line.len()),
            ));
        }
        roads.push(Road {
            line,
            oneway,
            speed_kmh,
            major,
        });
    }
    Ok(())
}

/// Writes roads as LineStrings with `oneway`, `speed_kmh` and a `highway` class (`primary` for
/// major roads, `residential` for the rest), readable by [`read_roads_geojson`].
pub fn write_roads(out: impl Write, roads: &[Road]) -> std::io::Result<()> {
    let features = roads.iter().map(|road| {
        let mut properties = JsonObject::new();
        if road.oneway {
            properties.insert("oneway".into(), true.into());
        }
        properties.insert("speed_kmh".into(), road.speed_kmh.into());
        let class = if road.major { "primary" } else { "residential" };
        properties.insert("highway".into(), class.into());
        Feature {
            geometry: Some(geojson::Geometry::new(GeometryValue::LineString {
                coordinates: road
                    .line
                    .iter()
                    .map(|p| Position::from(vec![p.x(), p.y()]))
                    .collect(),
            })),
            properties: Some(properties),
            ..Feature::default()
        }
    });
    let collection = geojson::FeatureCollection::new(features);
    serde_json::to_writer(out, &collection).map_err(std::io::Error::other)
}
