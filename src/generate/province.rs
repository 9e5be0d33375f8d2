//! Provinces on real boundaries and real census counts: each 2016 census county's households
//! placed in its towns and villages, and neighbourhoods tiling the county.
//!
//! Per county (figures from `data/iran/`, see its README):
//! - households = round(census persons / [`PERSONS_PER_HOUSEHOLD`]), split urban/rural in the
//!   census proportion of urban to rural persons (the few unsettled persons, who have no place,
//!   count in the total and are shared out the same way); the generated weights add up to exactly
//!   these figures.
//! - urban households go to towns by the rank-size rule (the town of rank r gets a share
//!   proportional to 1/r): first the GeoNames towns of the county, largest GeoNames population
//!   first (its figures are too weak to use as counts, but fine for order), then
//!   [`UNNAMED_TOWNS`] smaller unnamed towns at random places; within a town, blocks of
//!   [`BLOCK_HOUSEHOLDS`] households scatter around the centre.
//! - rural households go to villages of about [`VILLAGE_HOUSEHOLDS`] households spread uniformly
//!   over the county's land.
//! - neighbourhoods: a grid of square cells clipped to the county; a cell is urban when its
//!   centre lies within a town's radius, informal when it lies on the fringe of one of the
//!   province's largest cities, rural otherwise.
//! - candidates: one inside each neighbourhood and one at each town centre; the largest towns'
//!   centres are existing centres (`fixed`).

use super::Instance;
use super::city::{KM_PER_DEGREE, around, rounded, split, split_weighted, uniform_in};
use crate::io::{Area, read_areas};
use crate::model::{AreaKind, DemandPoint, Neighbourhood, Site};
use geo::{
    Area as _, BooleanOps, BoundingRect, Contains, InteriorPoint, MultiPolygon, Point, Rect,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Persons per household: the 2016 census national average (SCI), about 3.3.
pub const PERSONS_PER_HOUSEHOLD: f64 = 3.3;
/// Households per urban demand point (a block of flats).
pub const BLOCK_HOUSEHOLDS: u32 = 25;
/// Average households per village.
pub const VILLAGE_HOUSEHOLDS: u32 = 80;
/// Unnamed towns added to each county after its GeoNames towns.
pub const UNNAMED_TOWNS: usize = 3;
/// A city's fringe, where informal settlements lie, reaches this many times its radius.
const FRINGE: f64 = 1.5;

/// What to generate: a province's counties (or one of them) and how finely to tile them.
pub struct ProvinceParams {
    /// File name of the embedded counties, for messages.
    pub name: &'static str,
    /// 2016 census counties (GeoJSON, `data/iran/counties-*.geojson`).
    pub counties: &'static str,
    /// GeoNames towns (CSV, `data/iran/places-*.csv`).
    pub places: &'static str,
    /// Only this county id, when set.
    pub only: Option<&'static str>,
    /// Side of a neighbourhood cell, km.
    pub cell_km: f64,
    /// How many of the largest cities have informal settlements on their fringe.
    pub informal_cities: usize,
    /// Existing centres, at the largest towns.
    pub existing: usize,
}

/// One census county and its household targets.
#[derive(Debug, Clone)]
pub struct County {
    /// SCI county code (`"0607"`).
    pub id: String,
    /// Persian name.
    pub name: String,
    /// Land polygon.
    pub geometry: MultiPolygon<f64>,
    /// Urban households to place.
    pub urban_households: u32,
    /// Rural households to place.
    pub rural_households: u32,
}

/// Households from census persons: `(urban, rural)`, adding up to round(persons / 3.3).
pub fn households(persons: u32, urban_persons: u32, rural_persons: u32) -> (u32, u32) {
    let total = (f64::from(persons) / PERSONS_PER_HOUSEHOLD).round() as u32;
    let settled = f64::from(urban_persons) + f64::from(rural_persons);
    let urban = if settled > 0.0 {
        (f64::from(total) * f64::from(urban_persons) / settled).round() as u32
    } else {
        0
    };
    (urban, total - urban)
}

/// The counties of `params` with their household targets.
pub fn counties(params: &ProvinceParams) -> Vec<County> {
    let areas = read_areas(Path::new(params.name), params.counties)
        .expect("the embedded counties are valid (tested)");
    areas
        .into_iter()
        .filter(|a| params.only.is_none_or(|id| a.id == id))
        .map(|area: Area| {
            let count = |key: &str| {
                area.properties
                    .get(key)
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .expect("the embedded counties carry census counts (tested)")
            };
            let (urban_households, rural_households) = households(
                count("population_2016"),
                count("urban_2016"),
                count("rural_2016"),
            );
            let name = area
                .properties
                .get("name_fa")
                .and_then(serde_json::Value::as_str)
                .unwrap_or(&area.id)
                .to_owned();
            County {
                id: area.id,
                name,
                geometry: area.geometry,
                urban_households,
                rural_households,
            }
        })
        .collect()
}

/// A GeoNames row of `places-*.csv`.
#[derive(serde::Deserialize)]
struct Place {
    lon: f64,
    lat: f64,
    population: Option<u64>,
    county_id: String,
}

/// The GeoNames towns of `params`.
fn places(params: &ProvinceParams) -> Vec<Place> {
    csv::Reader::from_reader(params.places.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("the embedded places are valid (tested)")
}

/// A town: where urban households live.
struct Town {
    county: usize,
    centre: Point<f64>,
    households: u32,
    radius_km: f64,
}

/// Approximate distance in km over a few tens of km (equirectangular).
fn km_between(a: Point<f64>, b: Point<f64>) -> f64 {
    let dx = (a.x() - b.x()) * (a.y().to_radians().cos());
    let dy = a.y() - b.y();
    dx.hypot(dy) * KM_PER_DEGREE
}

/// Generates the province. Deterministic for a seed: counties in file order, one random stream.
pub fn generate(params: &ProvinceParams, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let counties = counties(params);
    let places = places(params);
    let mut demand = Vec::new();
    let mut towns = Vec::new();
    for (c, county) in counties.iter().enumerate() {
        let mut named: Vec<&Place> = places.iter().filter(|p| p.county_id == county.id).collect();
        // Largest first, towns without a figure after, file order among equals.
        named.sort_by_key(|p| std::cmp::Reverse(p.population.unwrap_or(0)));
        let centres = named
            .iter()
            .map(|p| Point::new(p.lon, p.lat))
            .chain((0..UNNAMED_TOWNS).map(|_| rounded(uniform_in(&mut rng, &county.geometry))))
            .collect::<Vec<_>>();
        let rank_size: Vec<f64> = (1..=centres.len()).map(|r| 1.0 / r as f64).collect();
        let shares = split_weighted(county.urban_households, &rank_size);
        for (t, (centre, households)) in centres.into_iter().zip(shares).enumerate() {
            let radius_km = 0.6 * (f64::from(households) / 1000.0).sqrt() + 0.5;
            let blocks = households.div_ceil(BLOCK_HOUSEHOLDS) as usize;
            for (b, weight) in split_weighted(households, &vec![1.0; blocks])
                .into_iter()
                .enumerate()
            {
                let at = around(
                    &mut rng,
                    &county.geometry,
                    centre,
                    radius_km / 2.0 / KM_PER_DEGREE,
                );
                demand.push(point(
                    format!("{}-u{t:02}-{b:05}", county.id),
                    at,
                    weight,
                    "urban",
                ));
            }
            towns.push(Town {
                county: c,
                centre,
                households,
                radius_km,
            });
        }
        let villages = county.rural_households.div_ceil(VILLAGE_HOUSEHOLDS) as usize;
        for (v, weight) in split(county.rural_households, villages, &mut rng)
            .into_iter()
            .enumerate()
        {
            let at = uniform_in(&mut rng, &county.geometry);
            demand.push(point(format!("{}-r{v:05}", county.id), at, weight, "rural"));
        }
    }
    let mut by_size: Vec<usize> = (0..towns.len()).collect();
    by_size.sort_by_key(|&t| std::cmp::Reverse(towns[t].households));
    let cities = &by_size[..params.informal_cities.min(by_size.len())];
    let neighbourhoods: Vec<Neighbourhood> = counties
        .iter()
        .enumerate()
        .flat_map(|(c, county)| {
            tile(county, params.cell_km, |centre| {
                let near = |t: &Town| t.county == c && km_between(centre, t.centre) <= t.radius_km;
                if towns.iter().any(near) {
                    AreaKind::Urban
                } else if cities.iter().any(|&t| {
                    towns[t].county == c
                        && km_between(centre, towns[t].centre) <= FRINGE * towns[t].radius_km
                }) {
                    AreaKind::Informal
                } else {
                    AreaKind::Rural
                }
            })
        })
        .collect();
    let fixed: Vec<usize> = by_size.iter().copied().take(params.existing).collect();
    let sites = towns
        .iter()
        .enumerate()
        .map(|(t, town)| (town.centre, fixed.contains(&t)))
        .chain(
            neighbourhoods
                .iter()
                .filter_map(|n| n.geometry.interior_point().map(|p| (rounded(p), false))),
        )
        .enumerate()
        .map(|(i, (position, fixed))| Site {
            id: format!("c{i:05}"),
            position,
            capacity: None,
            fixed,
        })
        .collect();
    Instance {
        demand,
        sites,
        neighbourhoods,
    }
}

fn point(id: String, at: Point<f64>, weight: u32, group: &str) -> DemandPoint {
    DemandPoint {
        id,
        position: rounded(at),
        weight: f64::from(weight),
        group: Some(group.to_owned()),
    }
}

/// Square cells of `cell_km` over the county's bounding box, clipped to the county, in row
/// order; `kind_at` gives the kind of a cell from its centre.
fn tile(
    county: &County,
    cell_km: f64,
    kind_at: impl Fn(Point<f64>) -> AreaKind,
) -> Vec<Neighbourhood> {
    let Some(bbox) = county.geometry.bounding_rect() else {
        return Vec::new();
    };
    let dy = cell_km / KM_PER_DEGREE;
    let dx = dy / bbox.center().y.to_radians().cos();
    let columns = ((bbox.width() / dx).ceil() as usize).max(1);
    let rows = ((bbox.height() / dy).ceil() as usize).max(1);
    let mut cells = Vec::new();
    for row in 0..rows {
        for column in 0..columns {
            let min = (
                bbox.min().x + column as f64 * dx,
                bbox.min().y + row as f64 * dy,
            );
            let rect = Rect::new(min, (min.0 + dx, min.1 + dy)).to_polygon();
            let geometry = if county.geometry.contains(&rect) {
                MultiPolygon(vec![rect])
            } else {
                county.geometry.intersection(&MultiPolygon(vec![rect]))
            };
            // Slivers under about 100 m² are rounding, not land.
            if geometry.unsigned_area() < 1e-8 {
                continue;
            }
            let centre = geometry
                .interior_point()
                .unwrap_or(Point::from(bbox.center()));
            let n = cells.len() + 1;
            cells.push(Neighbourhood {
                id: format!("{}-{n:04}", county.id),
                name: format!("{} {n}", county.name),
                kind: kind_at(centre),
                geometry,
            });
        }
    }
    cells
}

#[cfg(test)]
#[path = "province_tests.rs"]
mod tests;
