//! Provinces on real boundaries and real census counts: each area's households placed in its towns
//! and villages, and neighbourhoods tiling the area as Voronoi cells around settlement seeds.
//!
//! An area is a 2016 census county (the province presets) or a whole province (`national`).
//! Per area (figures from `data/iran/`, see its README):
//! - households: each census county in the area gives round(persons / [`PERSONS_PER_HOUSEHOLD`]),
//!   split urban/rural in the county's census proportion of urban to rural persons (the few
//!   unsettled persons, who have no place, count in the total and are shared out the same way); an
//!   area's figures are the sums over its counties, and the generated weights add up to exactly
//!   these figures.
//! - towns: first the GeoNames towns of the area, largest GeoNames population first (its figures
//!   are too weak to use as counts, but fine for order), then [`UNNAMED_TOWNS`] unnamed towns per
//!   census county at random places in the area (the only towns of the 28 provinces without
//!   GeoNames data); urban households go to them by the rank-size rule (the town of rank r gets a
//!   share proportional to 1/r), and within a town, blocks of [`BLOCK_HOUSEHOLDS`] households
//!   scatter around the centre.
//! - rural households go to villages of about [`VILLAGE_HOUSEHOLDS`] households spread uniformly
//!   over the area's land.
//! - neighbourhoods: the Voronoi cells of settlement seeds, clipped to the area, so they tile it.
//!   Each town has one seed per `urban_hood_households` households (its centre, then points
//!   scattered like its blocks): urban cells, except that seeds on the fringe of the province's
//!   largest cities make informal cells. The countryside has one seed per
//!   `rural_hood_households` rural households (at least one), away from the towns: rural cells.
//!   A household point lies in a cell of its own kind (urban blocks in urban or informal cells,
//!   villages in rural ones): points are drawn again until they do.
//! - candidates: one inside each neighbourhood and one at each town centre; the largest towns'
//!   centres are existing centres (`fixed`).
//! - with a [`Target`], the weights become target households instead (see there).

use super::Instance;
use super::city::{KM_PER_DEGREE, around, rounded, split, split_weighted, uniform_in};
use super::river::RiverSpec;
use super::roads::{self, RoadParams};
use super::streets::{self, PlaceKind};
use super::voronoi::Tiling;
use crate::io::read_areas;
use crate::model::{AreaKind, DemandPoint, Neighbourhood, PerKind, Site};
use geo::{Contains, InteriorPoint, MultiPolygon, Point};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::path::Path;

/// Persons per household: the 2016 census national average (SCI), about 3.3.
pub const PERSONS_PER_HOUSEHOLD: f64 = 3.3;
/// Households per urban demand point (a block of flats).
pub const BLOCK_HOUSEHOLDS: u32 = 25;
/// Average households per village.
pub const VILLAGE_HOUSEHOLDS: u32 = 80;
/// Unnamed towns per census county, added after the GeoNames towns (Iran had about 1,245 cities
/// in 2016 for 429 counties, about three a county).
pub const UNNAMED_TOWNS: usize = 3;
/// A seed of one of the largest cities is on its fringe, where informal settlements lie, beyond
/// this many times the city's radius from its centre (about a third of its seeds).
const FRINGE: f64 = 0.75;
/// Draws before a point that keeps falling in a cell of the wrong kind goes to its fallback.
const TRIES: usize = 100;

/// The 2016 census table of all 429 counties (`data/iran/census-2016-counties.csv`).
const CENSUS: &str = include_str!("../../data/iran/census-2016-counties.csv");

/// What to generate: a province's counties (or one of them), or all provinces, and how finely to
/// tile them.
pub struct ProvinceParams {
    /// File name of the embedded areas, for messages.
    pub name: &'static str,
    /// The areas: 2016 census counties or provinces (GeoJSON from `data/iran/`), whose `id` is a
    /// county id or a province id of the census table.
    pub areas: &'static str,
    /// GeoNames towns (CSV files, `data/iran/places-*.csv`).
    pub places: &'static [&'static str],
    /// Only this area id, when set.
    pub only: Option<&'static str>,
    /// Urban households per town seed, hence per urban or informal neighbourhood on average.
    pub urban_hood_households: u32,
    /// Rural households per countryside seed, hence per rural neighbourhood on average.
    pub rural_hood_households: u32,
    /// How many of the largest cities have informal settlements on their fringe.
    pub informal_cities: usize,
    /// Existing centres, at the largest towns.
    pub existing: usize,
    /// When set, weights are target households, not households.
    pub target: Option<Target>,
    /// How detailed the road network is.
    pub roads: RoadParams,
    /// A river the roads cross only on bridges.
    pub river: Option<RiverSpec>,
}

/// A programme that serves only part of the population (Khorramshahr's): the weights are
/// `households` target households, shared between the kinds of neighbourhood by `shares`
/// (normalised over the kinds that have households), and within a kind in proportion to each
/// point's households times a deprivation score of its neighbourhood (drawn uniformly in
/// 0.5-1.5 from the seed, so poorer neighbourhoods hold more of the target). Rounding is by
/// cumulative sums, so the weights add up to exactly `households`; where the target is thinner
/// than the points (Khorramshahr's urban blocks get about one target household each), some points
/// round to weight 0: households the programme does not aim at.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Target households in all.
    pub households: u32,
    /// Share of the target per kind.
    pub shares: PerKind<f64>,
}

/// One area (a census county or a province) and its household figures.
#[derive(Debug, Clone)]
pub struct Unit {
    /// SCI county code (`"0607"`) or province id (`"IR-10"`).
    pub id: String,
    /// Persian name.
    pub name: String,
    /// Land polygon.
    pub geometry: MultiPolygon<f64>,
    /// Census counties in the area.
    pub census_counties: usize,
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

/// A row of the census table.
#[derive(serde::Deserialize)]
struct CensusRow {
    id: String,
    province_id: String,
    population_2016: u32,
    urban_2016: u32,
    rural_2016: u32,
}

/// The embedded census table.
fn census() -> Vec<CensusRow> {
    csv::Reader::from_reader(CENSUS.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("the embedded census table is valid (tested)")
}

/// The areas of `params` with their household figures, summed over the census counties whose id
/// or province id is the area's id.
pub fn units(params: &ProvinceParams) -> Vec<Unit> {
    let census = census();
    read_areas(Path::new(params.name), params.areas)
        .expect("the embedded areas are valid (tested)")
        .into_iter()
        .filter(|a| params.only.is_none_or(|id| a.id == id))
        .map(|area| {
            let name = area
                .properties
                .get("name_fa")
                .and_then(serde_json::Value::as_str)
                .unwrap_or(&area.id)
                .to_owned();
            let mut unit = Unit {
                id: area.id,
                name,
                geometry: area.geometry,
                census_counties: 0,
                urban_households: 0,
                rural_households: 0,
            };
            for row in census
                .iter()
                .filter(|r| r.id == unit.id || r.province_id == unit.id)
            {
                let (urban, rural) =
                    households(row.population_2016, row.urban_2016, row.rural_2016);
                unit.census_counties += 1;
                unit.urban_households += urban;
                unit.rural_households += rural;
            }
            unit
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
    params
        .places
        .iter()
        .flat_map(|text| csv::Reader::from_reader(text.as_bytes()).into_deserialize())
        .collect::<Result<_, _>>()
        .expect("the embedded places are valid (tested)")
}

/// A town: where urban households live.
struct Town {
    unit: usize,
    /// Rank within its area, from 0.
    rank: usize,
    centre: Point<f64>,
    households: u32,
    radius_km: f64,
}

impl Town {
    /// Spread of its blocks and seeds around the centre, degrees.
    fn sigma_deg(&self) -> f64 {
        self.radius_km / 2.0 / KM_PER_DEGREE
    }

    fn covers(&self, p: Point<f64>) -> bool {
        km_between(p, self.centre) <= self.radius_km
    }
}

/// Approximate distance in km over a few tens of km (equirectangular).
fn km_between(a: Point<f64>, b: Point<f64>) -> f64 {
    let dx = (a.x() - b.x()) * (a.y().to_radians().cos());
    let dy = a.y() - b.y();
    dx.hypot(dy) * KM_PER_DEGREE
}

/// The towns of every area, areas in order, ranks in order within an area.
fn towns(units: &[Unit], places: &[Place], rng: &mut ChaCha8Rng) -> Vec<Town> {
    let province_of: BTreeMap<String, String> = census()
        .into_iter()
        .map(|r| (r.id, r.province_id))
        .collect();
    let mut towns = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let mut named: Vec<&Place> = places
            .iter()
            .filter(|p| p.county_id == unit.id || province_of.get(&p.county_id) == Some(&unit.id))
            .collect();
        // Largest first, towns without a figure after, file order among equals.
        named.sort_by_key(|p| Reverse(p.population.unwrap_or(0)));
        let unnamed = UNNAMED_TOWNS * unit.census_counties.max(1);
        let centres: Vec<Point<f64>> = named
            .iter()
            .map(|p| Point::new(p.lon, p.lat))
            .chain((0..unnamed).map(|_| rounded(uniform_in(rng, &unit.geometry))))
            .collect();
        let rank_size: Vec<f64> = (1..=centres.len()).map(|r| 1.0 / r as f64).collect();
        let shares = split_weighted(unit.urban_households, &rank_size);
        for (rank, (centre, households)) in centres.into_iter().zip(shares).enumerate() {
            towns.push(Town {
                unit: u,
                rank,
                centre,
                households,
                radius_km: 0.6 * (f64::from(households) / 1000.0).sqrt() + 0.5,
            });
        }
    }
    towns
}

/// Households and neighbourhoods as they are generated, with each point's neighbourhood.
#[derive(Default)]
struct Settlement {
    demand: Vec<DemandPoint>,
    /// Neighbourhood of each demand point.
    hood_of: Vec<usize>,
    /// Town of each demand point (its number in the list of all towns); `None` for a village.
    town_of: Vec<Option<usize>>,
    neighbourhoods: Vec<Neighbourhood>,
}

/// Generates the areas. Deterministic for a seed: areas in file order, one random stream.
pub fn generate(params: &ProvinceParams, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let units = units(params);
    let towns = towns(&units, &places(params), &mut rng);
    let mut by_size: Vec<usize> = (0..towns.len()).collect();
    by_size.sort_by_key(|&t| Reverse(towns[t].households));
    let mut informal = vec![false; towns.len()];
    for &t in by_size.iter().take(params.informal_cities) {
        informal[t] = true;
    }
    let mut settlement = Settlement::default();
    for (u, unit) in units.iter().enumerate() {
        let own: Vec<usize> = (0..towns.len()).filter(|&t| towns[t].unit == u).collect();
        settle(
            params,
            unit,
            &towns,
            &own,
            &informal,
            &mut rng,
            &mut settlement,
        );
    }
    let Settlement {
        mut demand,
        hood_of,
        town_of,
        neighbourhoods,
    } = settlement;
    if let Some(target) = &params.target {
        aim(&mut demand, &hood_of, &neighbourhoods, target, &mut rng);
    }
    let fixed: Vec<usize> = by_size.iter().copied().take(params.existing).collect();
    let sites: Vec<Site> = towns
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
    let places = places_of(&towns, &demand, &hood_of, &town_of, &neighbourhoods);
    let roads = roads::build(
        &places,
        &demand,
        &sites,
        params.river.as_ref(),
        &params.roads,
        seed,
    );
    Instance {
        demand,
        sites,
        neighbourhoods,
        roads,
    }
}

/// The places whose streets the roads lay: every town with its blocks (informal where their
/// neighbourhood is), then every village (a rural demand point).
fn places_of(
    towns: &[Town],
    demand: &[DemandPoint],
    hood_of: &[usize],
    town_of: &[Option<usize>],
    neighbourhoods: &[Neighbourhood],
) -> Vec<streets::Place> {
    let mut places: Vec<streets::Place> = towns
        .iter()
        .map(|t| streets::Place {
            centre: t.centre,
            radius_km: t.radius_km,
            points: Vec::new(),
            kind: PlaceKind::Town,
        })
        .collect();
    for (i, point) in demand.iter().enumerate() {
        let informal = neighbourhoods[hood_of[i]].kind == AreaKind::Informal;
        if let Some(t) = town_of[i] {
            places[t].points.push((point.position, informal));
        }
    }
    places.extend(
        demand
            .iter()
            .zip(town_of)
            .filter(|(_, t)| t.is_none())
            .map(|(p, _)| streets::Place {
                centre: p.position,
                radius_km: 0.0,
                points: vec![(p.position, false)],
                kind: PlaceKind::Village,
            }),
    );
    places
}

/// A settlement seed: where a neighbourhood's cell grows from.
struct Seed {
    at: Point<f64>,
    kind: AreaKind,
}

/// Tiles one area around its settlement seeds and places its households (towns `own`).
fn settle(
    params: &ProvinceParams,
    unit: &Unit,
    towns: &[Town],
    own: &[usize],
    informal: &[bool],
    rng: &mut ChaCha8Rng,
    out: &mut Settlement,
) {
    let area = &unit.geometry;
    let mut seeds = Vec::new();
    // Each town's first seed is its centre: the fallback place of its blocks.
    let mut centre_seed = Vec::with_capacity(own.len());
    for &t in own {
        let town = &towns[t];
        centre_seed.push(seeds.len());
        seeds.push(Seed {
            at: town.centre,
            kind: AreaKind::Urban,
        });
        for _ in 1..town
            .households
            .div_ceil(params.urban_hood_households)
            .max(1)
        {
            let at = rounded(around(rng, area, town.centre, town.sigma_deg()));
            let fringe = informal[t] && km_between(at, town.centre) > FRINGE * town.radius_km;
            let kind = if fringe {
                AreaKind::Informal
            } else {
                AreaKind::Urban
            };
            seeds.push(Seed { at, kind });
        }
    }
    let first_rural = seeds.len();
    for _ in 0..unit
        .rural_households
        .div_ceil(params.rural_hood_households)
        .max(1)
    {
        // Away from the towns where the land allows, so that towns keep whole cells.
        let mut at = uniform_in(rng, area);
        for _ in 1..TRIES {
            if !own.iter().any(|&t| towns[t].covers(at)) {
                break;
            }
            at = uniform_in(rng, area);
        }
        seeds.push(Seed {
            at: rounded(at),
            kind: AreaKind::Rural,
        });
    }
    let points: Vec<Point<f64>> = seeds.iter().map(|s| s.at).collect();
    let tiling = Tiling::new(area, &points);
    // A cell's kind is its first seed's; cells come in the order of their first seed.
    let mut kind_of_cell = Vec::with_capacity(tiling.cells().len());
    for (s, seed) in seeds.iter().enumerate() {
        if tiling.cell_of_seed(s) == kind_of_cell.len() {
            kind_of_cell.push(seed.kind);
        }
    }
    let base = out.neighbourhoods.len();
    out.neighbourhoods
        .extend(
            tiling
                .cells()
                .iter()
                .enumerate()
                .map(|(c, geometry)| Neighbourhood {
                    id: format!("{}-{:04}", unit.id, c + 1),
                    name: format!("{} {}", unit.name, c + 1),
                    kind: kind_of_cell[c],
                    geometry: geometry.clone(),
                }),
        );
    // Draws `draw` until the point lies in the area and in a cell of a kind `fits` accepts;
    // after TRIES draws, the fallback seed's own position and cell.
    let mut place = |rng: &mut ChaCha8Rng,
                     draw: &dyn Fn(&mut ChaCha8Rng) -> Point<f64>,
                     fits: fn(AreaKind) -> bool,
                     fallback: usize,
                     town: Option<usize>,
                     point: DemandPoint| {
        let (position, cell) = (0..TRIES)
            .find_map(|_| {
                let at = rounded(draw(rng));
                let cell = tiling.cell_at(at)?;
                (fits(kind_of_cell[cell]) && area.contains(&at)).then_some((at, cell))
            })
            .unwrap_or((seeds[fallback].at, tiling.cell_of_seed(fallback)));
        out.demand.push(DemandPoint { position, ..point });
        out.hood_of.push(base + cell);
        out.town_of.push(town);
    };
    for (&t, &centre) in own.iter().zip(&centre_seed) {
        let town = &towns[t];
        let blocks = town.households.div_ceil(BLOCK_HOUSEHOLDS) as usize;
        let draw = |rng: &mut ChaCha8Rng| around(rng, area, town.centre, town.sigma_deg());
        for (b, weight) in split_weighted(town.households, &vec![1.0; blocks])
            .into_iter()
            .enumerate()
        {
            let id = format!("{}-u{:02}-{b:05}", unit.id, town.rank);
            place(
                rng,
                &draw,
                |kind| kind != AreaKind::Rural,
                centre,
                Some(t),
                household(id, weight, "urban"),
            );
        }
    }
    let villages = unit.rural_households.div_ceil(VILLAGE_HOUSEHOLDS) as usize;
    for (v, weight) in split(unit.rural_households, villages, rng)
        .into_iter()
        .enumerate()
    {
        let id = format!("{}-r{v:05}", unit.id);
        place(
            rng,
            &|rng| uniform_in(rng, area),
            |kind| kind == AreaKind::Rural,
            first_rural,
            None,
            household(id, weight, "rural"),
        );
    }
}

/// A demand point of `weight` households, not yet placed.
fn household(id: String, weight: u32, group: &str) -> DemandPoint {
    DemandPoint {
        id,
        position: Point::new(0.0, 0.0),
        weight: f64::from(weight),
        group: Some(group.to_owned()),
    }
}

/// Replaces household weights by target households, by the rule of [`Target`].
fn aim(
    demand: &mut [DemandPoint],
    hood_of: &[usize],
    neighbourhoods: &[Neighbourhood],
    target: &Target,
    rng: &mut ChaCha8Rng,
) {
    let deprivation: Vec<f64> = neighbourhoods
        .iter()
        .map(|_| rng.random_range(0.5..1.5))
        .collect();
    let kind_of = |i: usize| neighbourhoods[hood_of[i]].kind;
    let mut shares = PerKind::default();
    for (i, point) in demand.iter().enumerate() {
        if point.weight > 0.0 {
            *shares.get_mut(kind_of(i)) = *target.shares.get(kind_of(i));
        }
    }
    let per_kind = split_weighted(target.households, &shares.0);
    for (kind, total) in AreaKind::ALL.into_iter().zip(per_kind) {
        let members: Vec<usize> = (0..demand.len()).filter(|&i| kind_of(i) == kind).collect();
        let factors: Vec<f64> = members
            .iter()
            .map(|&i| demand[i].weight * deprivation[hood_of[i]])
            .collect();
        for (&i, weight) in members.iter().zip(split_weighted(total, &factors)) {
            demand[i].weight = f64::from(weight);
        }
    }
}

#[cfg(test)]
#[path = "province_tests.rs"]
mod tests;
