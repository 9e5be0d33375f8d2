//! Road networks as GeoJSON LineString / MultiLineString features: each line a road usable both
//! ways unless its `oneway` property is true, with an optional `speed_kmh` and `highway` class.

use super::fields::FieldProblem;
use super::geojson::{each_feature, text_of};
use crate::error::ReadError;
use crate::model::{DEFAULT_DRIVE_KMH, Road, Travel, WALK_KMH, drive_speed_kmh, is_major};
use geo::Point;
use geojson::{Feature, GeometryValue, JsonObject, JsonValue, Position};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::io::Write;
use std::path::Path;

/// Reads every line of a GeoJSON road file for `travel`: walking goes at [`WALK_KMH`] on every
/// road; driving at `speed_kmh`, else the usual speed of its `highway` class, else
/// [`DEFAULT_DRIVE_KMH`]. A MultiLineString gives one road per part.
///
/// A province's roads are millions of positions, so each feature is read straight into its
/// typed form ([`RoadFeature`]) rather than through a generic JSON tree, in parallel.
pub fn read_roads_geojson(path: &Path, travel: Travel) -> Result<Vec<Road>, ReadError> {
    let text = text_of(path)?;
    let roads = each_feature(path, &text, |_, raw| {
        let feature: RoadFeature = serde_json::from_str(raw.get())
            .map_err(|e| FieldProblem::new("geometry", format!("invalid road feature: {e}")))?;
        roads_of(feature, travel)
    })?;
    Ok(roads.into_iter().flatten().collect())
}

/// The parts of a road feature that make a road; other properties are skipped unread.
#[derive(Deserialize)]
struct RoadFeature<'a> {
    #[serde(borrow)]
    geometry: Option<RoadGeometry<'a>>,
    properties: Option<RoadProperties>,
}

/// A geometry whose coordinates are read once its type says what shape they have.
#[derive(Deserialize)]
struct RoadGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    coordinates: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RoadProperties {
    oneway: Option<JsonValue>,
    highway: Option<JsonValue>,
    speed_kmh: Option<JsonValue>,
}

/// A GeoJSON position read straight into longitude and latitude; an altitude after them is
/// allowed and skipped.
struct LonLat(f64, f64);

impl<'de> Deserialize<'de> for LonLat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = LonLat;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<LonLat, A::Error> {
                let missing =
                    || serde::de::Error::custom("a position needs longitude and latitude");
                let lon = seq.next_element()?.ok_or_else(missing)?;
                let lat = seq.next_element()?.ok_or_else(missing)?;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(LonLat(lon, lat))
            }
        }
        d.deserialize_seq(Visitor)
    }
}

fn roads_of(feature: RoadFeature, travel: Travel) -> Result<Vec<Road>, FieldProblem> {
    let properties = feature.properties.unwrap_or_default();
    let oneway = match properties.oneway {
        None | Some(JsonValue::Null) => false,
        Some(JsonValue::Bool(b)) => b,
        Some(JsonValue::String(s)) => super::fields::flag("oneway", &s)?,
        Some(other) => {
            return Err(FieldProblem::new(
                "oneway",
                format!("{other} is not true or false"),
            ));
        }
    };
    let highway = match &properties.highway {
        Some(JsonValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let given = match properties.speed_kmh {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::Number(n)) => n.as_f64(),
        Some(JsonValue::String(s)) => Some(super::fields::number("speed_kmh", &s)?),
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
    let Some(geometry) = feature.geometry else {
        return Err(FieldProblem::new("geometry", "the feature has no geometry"));
    };
    let coordinates = geometry.coordinates.map_or("null", RawValue::get);
    let bad_coordinates =
        |e: serde_json::Error| FieldProblem::new("geometry", format!("bad coordinates: {e}"));
    let parts: Vec<Vec<LonLat>> = match geometry.kind.as_str() {
        "LineString" => vec![serde_json::from_str(coordinates).map_err(bad_coordinates)?],
        "MultiLineString" => serde_json::from_str(coordinates).map_err(bad_coordinates)?,
        other => {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "wrong geometry type: expected LineString or MultiLineString, found {other}"
                ),
            ));
        }
    };
    parts
        .into_iter()
        .map(|part| {
            let line = part
                .into_iter()
                .map(|LonLat(lon, lat)| super::fields::position(lon, lat))
                .collect::<Result<Vec<Point<f64>>, _>>()?;
            if line.len() < 2 {
                return Err(FieldProblem::new(
                    "geometry",
                    format!("a line needs at least two positions, found {}", line.len()),
                ));
            }
            Ok(Road {
                line,
                oneway,
                speed_kmh,
                major,
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(features: &str, travel: Travel) -> Result<Vec<Road>, String> {
        let file = tempfile::NamedTempFile::new().expect("the temp dir is writable");
        let text = format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#);
        std::fs::write(file.path(), text).expect("the temp dir is writable");
        read_roads_geojson(file.path(), travel).map_err(|e| e.to_string())
    }

    fn feature(geometry: &str, properties: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{properties},"geometry":{geometry}}}"#)
    }

    #[test]
    fn properties_and_parts_become_roads() {
        let line = r#"{"type":"LineString","coordinates":[[51,32,1500],[51.01,32]]}"#;
        let multi = r#"{"type":"MultiLineString","coordinates":[[[51,32],[51,32.01]],[[52,32],[52,32.01]]]}"#;
        let features = [
            feature(
                line,
                r#"{"oneway":"yes","speed_kmh":"30","name":"ignored"}"#,
            ),
            feature(multi, r#"{"highway":"primary"}"#),
            feature(line, "null"),
        ]
        .join(",");
        let roads = read(&features, Travel::Drive).expect("the roads are valid");
        assert_eq!(roads.len(), 4);
        assert_eq!(
            roads[0].line,
            vec![Point::new(51.0, 32.0), Point::new(51.01, 32.0)]
        );
        assert!(roads[0].oneway && !roads[0].major);
        assert_eq!(roads[0].speed_kmh, 30.0);
        assert!(roads[1].major && roads[2].major);
        assert_eq!(roads[2].line[0], Point::new(52.0, 32.0));
        assert_eq!(Some(roads[1].speed_kmh), drive_speed_kmh("primary"));
        assert_eq!(roads[3].speed_kmh, DEFAULT_DRIVE_KMH);
        let walking = read(&features, Travel::Walk).expect("the roads are valid");
        assert!(walking.iter().all(|r| r.speed_kmh == WALK_KMH));
    }

    #[test]
    fn bad_roads_are_named_by_feature_and_field() {
        let line = r#"{"type":"LineString","coordinates":[[51,32],[51.01,32]]}"#;
        let cases = [
            (feature(line, r#"{"oneway":3}"#), r#"field "oneway""#),
            (feature(line, r#"{"speed_kmh":-4}"#), "not a positive speed"),
            (
                feature(line, r#"{"speed_kmh":"fast"}"#),
                r#""fast" is not a number"#,
            ),
            (
                feature(r#"{"type":"Point","coordinates":[51,32]}"#, "{}"),
                "found Point",
            ),
            (feature("null", "{}"), "no geometry"),
            (
                feature(r#"{"type":"LineString","coordinates":[[51,32]]}"#, "{}"),
                "at least two",
            ),
            (
                feature(
                    r#"{"type":"LineString","coordinates":[[51],[52,32]]}"#,
                    "{}",
                ),
                "longitude and latitude",
            ),
            (
                feature(
                    r#"{"type":"LineString","coordinates":[[32,91],[51,32]]}"#,
                    "{}",
                ),
                "outside -90..90",
            ),
        ];
        for (bad, expected) in cases {
            let good = feature(line, "{}");
            let err = read(&format!("{good},{bad}"), Travel::Drive).expect_err(expected);
            assert!(err.contains("feature 1") && err.contains(expected), "{err}");
        }
    }
}
