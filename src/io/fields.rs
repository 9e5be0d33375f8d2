//! Field checks shared by every reader (CSV, GeoJSON, GeoPackage, Shapefile), so all say the same
//! thing about the same mistake.

use geo::{Coord, LineString, Point, Polygon};
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// A field-level problem, before the reader adds the file and location.
pub(super) struct FieldProblem {
    pub field: &'static str,
    pub problem: String,
}

impl FieldProblem {
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        FieldProblem {
            field,
            problem: problem.into(),
        }
    }
}

/// Checks a WGS84 position, and says so when latitude and longitude look swapped.
pub(super) fn position(lon: f64, lat: f64) -> Result<Point<f64>, FieldProblem> {
    for (field, value) in [("lon", lon), ("lat", lat)] {
        if !value.is_finite() {
            return Err(FieldProblem::new(
                field,
                format!("{value} is not a finite number"),
            ));
        }
    }
    if !(-90.0..=90.0).contains(&lat) {
        let hint = if (-90.0..=90.0).contains(&lon) && lat.abs() <= 180.0 {
            "; latitude and longitude appear swapped (the order is lon, lat)"
        } else {
            ""
        };
        return Err(FieldProblem::new(
            "lat",
            format!("latitude {lat} is outside -90..90{hint}"),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(FieldProblem::new(
            "lon",
            format!("longitude {lon} is outside -180..180"),
        ));
    }
    Ok(Point::new(lon, lat))
}

/// A polygon from its rings (the outer ring first, then the holes), each already checked
/// position by position: every ring needs at least 4 positions, the last repeating the first.
pub(super) fn polygon(rings: Vec<Vec<Coord<f64>>>) -> Result<Polygon<f64>, FieldProblem> {
    let mut rings = rings.into_iter().enumerate().map(|(r, coords)| {
        let which = if r == 0 {
            "the outer ring".to_owned()
        } else {
            format!("hole {r}")
        };
        if coords.len() < 4 {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "{which} has {} positions; a ring needs at least 4 (the last repeating the \
                     first)",
                    coords.len()
                ),
            ));
        }
        if coords.first() != coords.last() {
            return Err(FieldProblem::new(
                "geometry",
                format!("{which} is not closed: its last position must repeat its first"),
            ));
        }
        Ok(LineString(coords))
    });
    let exterior = rings
        .next()
        .unwrap_or_else(|| Err(FieldProblem::new("geometry", "the polygon has no rings")))?;
    let holes = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, holes))
}

/// Parses a number written as text.
pub(super) fn number(field: &'static str, text: &str) -> Result<f64, FieldProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldProblem::new(field, "is empty"));
    }
    text.parse::<f64>()
        .map_err(|_| FieldProblem::new(field, format!("{text:?} is not a number")))
}

/// A weight or capacity: finite and not negative.
pub(super) fn non_negative(field: &'static str, value: f64) -> Result<f64, FieldProblem> {
    if !value.is_finite() {
        Err(FieldProblem::new(
            field,
            format!("{value} is not a finite number"),
        ))
    } else if value < 0.0 {
        Err(FieldProblem::new(field, format!("{value} is negative")))
    } else {
        Ok(value)
    }
}

/// A yes/no flag; empty means no.
pub(super) fn flag(field: &'static str, text: &str) -> Result<bool, FieldProblem> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        other => Err(FieldProblem::new(
            field,
            format!("{other:?} is not true or false"),
        )),
    }
}

/// An id: present and not blank. Kept exactly as written.
pub(super) fn id(text: &str) -> Result<String, FieldProblem> {
    if text.trim().is_empty() {
        Err(FieldProblem::new("id", "is missing or empty"))
    } else {
        Ok(text.to_owned())
    }
}

/// What every reader reads: records named by an id, which must not repeat within a file.
pub(super) trait Identified {
    /// The id, exactly as read.
    fn id(&self) -> &str;
}

impl Identified for crate::model::DemandPoint {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for crate::model::Site {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for crate::model::Neighbourhood {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for super::Area {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Fails on the first id used twice in `records`, in reading order. Checked once all records are
/// read, so that readers can read in parallel and keep one copy of each id; `error(first,
/// repeat, problem)` locates it, `problem` naming where the id was first used.
pub(super) fn check_ids<T: Identified, E>(
    records: &[T],
    error: impl FnOnce(usize, usize, &dyn Fn(&dyn std::fmt::Display) -> FieldProblem) -> E,
) -> Result<(), E> {
    let mut first = FxHashMap::with_capacity_and_hasher(records.len(), Default::default());
    let repeat = records
        .iter()
        .enumerate()
        .find_map(|(i, r)| match first.entry(r.id()) {
            Entry::Occupied(seen) => Some((*seen.get(), i)),
            Entry::Vacant(slot) => {
                slot.insert(i);
                None
            }
        });
    match repeat {
        None => Ok(()),
        Some((first, repeat)) => {
            let id = records[repeat].id();
            Err(error(first, repeat, &|at| {
                FieldProblem::new("id", format!("duplicate id {id:?} (first used at {at})"))
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_coordinates_are_named() {
        let err = position(30.4, 120.2).unwrap_err();
        assert_eq!(err.field, "lat");
        assert!(err.problem.contains("appear swapped"), "{}", err.problem);
        let err = position(200.0, 10.0).unwrap_err();
        assert_eq!(err.field, "lon");
        assert!(!err.problem.contains("swapped"));
        assert!(position(f64::NAN, 1.0).is_err());
        assert!(position(1.0, f64::INFINITY).is_err());
        assert_eq!(position(-180.0, 90.0).ok(), Some(Point::new(-180.0, 90.0)));
    }
}
