//! A synthetic city: a dense urban core, informal settlements on part of its fringe, and a rural
//! hinterland of villages, tiled by neighbourhood polygons that share their borders exactly.
//!
//! The tiling is a grid whose lines are spaced more widely away from the centre (small city blocks,
//! large rural districts) with every vertex jittered, so cells are irregular quadrilaterals that
//! still tile the plane with no gap or overlap.

use super::Instance;
use super::river::{KARUN, RiverSpec};
use super::roads::{self, RoadParams};
use super::streets::{Place, PlaceKind};
use crate::model::{AreaKind, DemandPoint, Neighbourhood, Site};
use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// Kilometres per degree of latitude on the R = 6,371,008.8 m sphere.
pub(super) const KM_PER_DEGREE: f64 = 111.195;

/// What to generate.
pub struct CityParams {
    /// City centre, lon/lat degrees.
    pub centre: (f64, f64),
    /// Grid cells east-west and north-south.
    pub cells: (usize, usize),
    /// Half-width and half-height of the whole area, km.
    pub half_extent_km: (f64, f64),
    /// Target households per area kind (urban, rural, informal).
    pub households: [u32; 3],
    /// Candidate sites per area kind (urban, rural, informal).
    pub candidates: [usize; 3],
    /// Existing centres, placed in the urban core.
    pub existing: usize,
    /// Households outside every neighbourhood (herders' camps beyond the last boundary).
    pub outside_households: u32,
    /// How detailed the road network is.
    pub roads: RoadParams,
    /// A river the roads cross only on bridges.
    pub river: Option<RiverSpec>,
}

/// Roads of the demo: streets 200 m apart at the centre and 450 m at the fringe, avenues every
/// 1.5 km, no alleys, villages of lanes 400 m apart (their houses scatter over a kilometre or
/// two), a vertex every 250 m along rural roads.
pub const DEMO_ROADS: RoadParams = RoadParams {
    core_spacing_km: 0.2,
    fringe_spacing_km: 0.45,
    avenue_spacing_km: 1.5,
    alley_spacing_km: None,
    alley_min_points: 0,
    village_spacing_km: Some(0.4),
    rural_step_km: 0.25,
};

/// A rural household belongs to the nearest village centre within this distance, km; farther
/// ones (scattered farms) get tracks.
const VILLAGE_REACH_KM: f64 = 1.2;

impl CityParams {
    /// The embedded demo: a city of the size of Khorramshahr, at its location.
    pub fn demo() -> Self {
        CityParams {
            centre: (48.18, 30.44),
            cells: (9, 7),
            half_extent_km: (22.0, 17.0),
            households: [11_000, 5_000, 4_000],
            candidates: [140, 100, 60],
            existing: 5,
            outside_households: 40,
            roads: DEMO_ROADS,
            river: Some(KARUN),
        }
    }
}

/// Persian neighbourhood names, so that reports are tested on right-to-left text.
const NAMES: [&str; 24] = [
    "گلستان",
    "بهار",
    "نرگس",
    "آزادی",
    "ملت",
    "فردوسی",
    "سعدی",
    "حافظ",
    "باغ شمال",
    "کارون",
    "نخلستان",
    "لاله",
    "ارغوان",
    "شقایق",
    "امید",
    "فجر",
    "صیادان",
    "بندر",
    "اروند",
    "طالقانی",
    "مولوی",
    "خرمشهر نو",
    "کوت",
    "شلمچه",
];

fn name_for(kind: AreaKind, n: usize) -> String {
    let base = NAMES[n % NAMES.len()];
    let round = n / NAMES.len();
    let prefix = match kind {
        AreaKind::Urban => "محله",
        AreaKind::Informal => "کوی",
        AreaKind::Rural => "روستای",
    };
    if round == 0 {
        format!("{prefix} {base}")
    } else {
        format!("{prefix} {base} {}", round + 1)
    }
}

/// Rounds to 6 decimals (about 0.1 m) so that files and memory hold the same numbers.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

struct Frame {
    centre: (f64, f64),
    km_per_lon: f64,
}

impl Frame {
    fn to_lon_lat(&self, x_km: f64, y_km: f64) -> Coord<f64> {
        Coord {
            x: round6(self.centre.0 + x_km / self.km_per_lon),
            y: round6(self.centre.1 + y_km / KM_PER_DEGREE),
        }
    }
}

/// Grid line positions in km, spaced more widely towards the edges.
/// The narrower of the gaps on either side of line `k` of sorted grid `lines` (a line at the
/// edge has one gap), which bounds how far a vertex on it may be jittered.
pub(super) fn spacing(lines: &[f64], k: usize) -> f64 {
    let before = if k > 0 {
        lines[k] - lines[k - 1]
    } else {
        f64::INFINITY
    };
    let after = if k + 1 < lines.len() {
        lines[k + 1] - lines[k]
    } else {
        f64::INFINITY
    };
    before.min(after)
}

fn grid_lines(cells: usize, half_extent_km: f64) -> Vec<f64> {
    (0..=cells)
        .map(|k| {
            let t = 2.0 * k as f64 / cells as f64 - 1.0;
            t.signum() * t.abs().powf(1.6) * half_extent_km
        })
        .collect()
}

/// Uniform point in a polygon, by rejection in its bounding box.
pub(super) fn uniform_in<A>(rng: &mut ChaCha8Rng, polygon: &A) -> Point<f64>
where
    A: Contains<Point<f64>> + BoundingRect<f64, Output = Option<geo::Rect<f64>>>,
{
    let rect = polygon.bounding_rect().expect("areas have vertices");
    loop {
        let p = Point::new(
            rng.random_range(rect.min().x..rect.max().x),
            rng.random_range(rect.min().y..rect.max().y),
        );
        if polygon.contains(&p) {
            return p;
        }
    }
}

/// A point scattered around `centre` (sigma in degrees), kept inside `polygon`.
pub(super) fn around(
    rng: &mut ChaCha8Rng,
    polygon: &impl Contains<Point<f64>>,
    centre: Point<f64>,
    sigma_deg: f64,
) -> Point<f64> {
    let normal = Normal::new(0.0, sigma_deg).expect("sigma is positive");
    for _ in 0..100 {
        let p = Point::new(
            centre.x() + normal.sample(rng),
            centre.y() + normal.sample(rng),
        );
        if polygon.contains(&p) {
            return p;
        }
    }
    centre
}

pub(super) fn rounded(p: Point<f64>) -> Point<f64> {
    Point::new(round6(p.x()), round6(p.y()))
}

struct Cell {
    polygon: Polygon<f64>,
    kind: AreaKind,
}

fn cells(params: &CityParams, frame: &Frame, rng: &mut ChaCha8Rng) -> Vec<Cell> {
    let (nx, ny) = params.cells;
    let xs = grid_lines(nx, params.half_extent_km.0);
    let ys = grid_lines(ny, params.half_extent_km.1);
    // Jitter every vertex by up to a fifth of the narrower neighbouring spacing: quadrilaterals stay
    // simple and adjacent cells share the jittered vertex, so the tiling has no gaps.
    let mut vertex = vec![vec![Coord { x: 0.0, y: 0.0 }; ny + 1]; nx + 1];
    for (i, column) in vertex.iter_mut().enumerate() {
        for (j, v) in column.iter_mut().enumerate() {
            let jx = 0.2 * spacing(&xs, i) * rng.random_range(-1.0..1.0);
            let jy = 0.2 * spacing(&ys, j) * rng.random_range(-1.0..1.0);
            *v = frame.to_lon_lat(xs[i] + jx, ys[j] + jy);
        }
    }
    let mut out = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let ring = vec![
                vertex[i][j],
                vertex[i + 1][j],
                vertex[i + 1][j + 1],
                vertex[i][j + 1],
                vertex[i][j],
            ];
            // Distance of the cell from the centre in grid units (0 at the centre, 1 at the edge).
            let cx = (i as f64 + 0.5) / nx as f64 * 2.0 - 1.0;
            let cy = (j as f64 + 0.5) / ny as f64 * 2.0 - 1.0;
            let r = cx.abs().max(cy.abs());
            let angle = cy.atan2(cx);
            let kind = if r < 0.45 {
                AreaKind::Urban
            } else if r < 0.75 && angle.sin() < 0.3 {
                // Informal settlements grow on the southern and eastern fringe, along the roads out.
                AreaKind::Informal
            } else {
                AreaKind::Rural
            };
            out.push(Cell {
                polygon: Polygon::new(LineString(ring), vec![]),
                kind,
            });
        }
    }
    out
}

/// Splits `total` households over `parts` cells in random proportions (each between a half and
/// one and a half of the even share), by cumulative rounding so that the parts add up exactly.
pub(super) fn split(total: u32, parts: usize, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let factors: Vec<f64> = (0..parts).map(|_| rng.random_range(0.5..1.5)).collect();
    split_weighted(total, &factors)
}

/// Splits `total` in proportion to `factors` (positive) by cumulative rounding, so that the parts
/// add up exactly.
pub(super) fn split_weighted(total: u32, factors: &[f64]) -> Vec<u32> {
    let sum: f64 = factors.iter().sum();
    if sum <= 0.0 {
        // Nothing to share by: nobody gets anything (the total is then lost, so callers only
        // pass zero factors with a zero total).
        return vec![0; factors.len()];
    }
    let mut cumulative = 0.0;
    let mut given = 0;
    factors
        .iter()
        .map(|f| {
            cumulative += f;
            let upto = (f64::from(total) * cumulative / sum).round() as u32;
            let share = upto - given;
            given = upto;
            share
        })
        .collect()
}

/// Generates the city. Each kind's households are split over its cells in random proportions
/// that add up exactly; weights are households per building or dwelling cluster.
pub fn generate(params: &CityParams, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let frame = Frame {
        centre: params.centre,
        km_per_lon: KM_PER_DEGREE * params.centre.1.to_radians().cos(),
    };
    let cells = cells(params, &frame, &mut rng);
    let mut names_used = [0usize; 3];
    let neighbourhoods: Vec<Neighbourhood> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = &mut names_used[c.kind.index()];
            *n += 1;
            Neighbourhood {
                id: format!("N{:02}", i + 1),
                name: name_for(c.kind, *n - 1 + 7 * c.kind.index()),
                kind: c.kind,
                geometry: MultiPolygon(vec![c.polygon.clone()]),
            }
        })
        .collect();

    let mut demand = Vec::new();
    // The kind of each point's cell (`None` for camps outside every neighbourhood).
    let mut kind_of: Vec<Option<AreaKind>> = Vec::new();
    let mut push = |position: Point<f64>, weight: u32, kind: Option<AreaKind>| {
        kind_of.push(kind);
        demand.push(DemandPoint {
            id: format!("H{:05}", demand.len() + 1),
            position: rounded(position),
            weight: f64::from(weight),
            group: None,
        });
    };
    let mut villages: Vec<(usize, Point<f64>)> = Vec::new();
    for kind in AreaKind::ALL {
        let of_kind: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].kind == kind)
            .collect();
        let shares = split(params.households[kind.index()], of_kind.len(), &mut rng);
        for (&i, &share) in of_kind.iter().zip(&shares) {
            let polygon = &cells[i].polygon;
            let mut left = share;
            match kind {
                AreaKind::Urban => {
                    // Apartment blocks and houses, 1 to 6 households each, spread evenly.
                    while left > 0 {
                        let w = rng.random_range(1..=6).min(left);
                        push(uniform_in(&mut rng, polygon), w, Some(kind));
                        left -= w;
                    }
                }
                AreaKind::Informal => {
                    // Dense clusters of 1–3 household dwellings.
                    let hubs: Vec<Point<f64>> =
                        (0..3).map(|_| uniform_in(&mut rng, polygon)).collect();
                    while left > 0 {
                        let w = rng.random_range(1..=3).min(left);
                        let hub = hubs[rng.random_range(0..hubs.len())];
                        push(around(&mut rng, polygon, hub, 0.004), w, Some(kind));
                        left -= w;
                    }
                }
                AreaKind::Rural => {
                    // A few villages of different sizes, and some scattered farmsteads.
                    let hubs: Vec<Point<f64>> = (0..rng.random_range(2..=4))
                        .map(|_| uniform_in(&mut rng, polygon))
                        .collect();
                    villages.extend(hubs.iter().map(|&h| (i, h)));
                    while left > 0 {
                        let w = rng.random_range(1..=2).min(left);
                        let p = if rng.random_bool(0.1) {
                            uniform_in(&mut rng, polygon)
                        } else {
                            let hub = hubs[rng.random_range(0..hubs.len())];
                            around(&mut rng, polygon, hub, 0.006)
                        };
                        push(p, w, Some(kind));
                        left -= w;
                    }
                }
            }
        }
    }
    // Herders' camps just beyond the last neighbourhood boundary, west of the city.
    let mut left = params.outside_households;
    while left > 0 {
        let w = rng.random_range(1..=4).min(left);
        let x = -params.half_extent_km.0 * rng.random_range(1.35..1.6);
        let y = params.half_extent_km.1 * rng.random_range(-0.8..0.8);
        push(Point::from(frame.to_lon_lat(x, y)), w, None);
        left -= w;
    }

    let sites = sites(params, &cells, &villages, &mut rng);
    let places = places(params, &demand, &kind_of, &villages);
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

/// The city (its urban and informal households; its dense core reaches 40% of the area's
/// smaller half-extent) and its villages (each with the rural households nearest to it, within
/// [`VILLAGE_REACH_KM`]).
fn places(
    params: &CityParams,
    demand: &[DemandPoint],
    kind_of: &[Option<AreaKind>],
    villages: &[(usize, Point<f64>)],
) -> Vec<Place> {
    let centre = Point::new(params.centre.0, params.centre.1);
    let city = Place {
        centre,
        radius_km: 0.4 * params.half_extent_km.0.min(params.half_extent_km.1),
        points: demand
            .iter()
            .zip(kind_of)
            .filter(|(_, k)| matches!(k, Some(AreaKind::Urban | AreaKind::Informal)))
            .map(|(p, k)| (p.position, *k == Some(AreaKind::Informal)))
            .collect(),
        kind: PlaceKind::Town,
    };
    let mut places = vec![city];
    let first_village = places.len();
    places.extend(villages.iter().map(|&(_, hub)| Place {
        centre: rounded(hub),
        radius_km: 0.0,
        points: Vec::new(),
        kind: PlaceKind::Village,
    }));
    let km_per_lon = KM_PER_DEGREE * params.centre.1.to_radians().cos();
    let km = |a: Point<f64>, b: Point<f64>| {
        ((a.x() - b.x()) * km_per_lon).hypot((a.y() - b.y()) * KM_PER_DEGREE)
    };
    for (p, _) in demand
        .iter()
        .zip(kind_of)
        .filter(|(_, k)| **k == Some(AreaKind::Rural))
    {
        let nearest = villages
            .iter()
            .enumerate()
            .map(|(v, &(_, hub))| (km(p.position, hub), v))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((d, v)) = nearest
            && d <= VILLAGE_REACH_KM
        {
            places[first_village + v].points.push((p.position, false));
        }
    }
    places
}

fn sites(
    params: &CityParams,
    cells: &[Cell],
    villages: &[(usize, Point<f64>)],
    rng: &mut ChaCha8Rng,
) -> Vec<Site> {
    let mut sites = Vec::new();
    for kind in AreaKind::ALL {
        let of_kind: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].kind == kind)
            .collect();
        for k in 0..params.candidates[kind.index()] {
            let position = if kind == AreaKind::Rural && k < villages.len() {
                // Villages get a site near their centre (a school or mosque); the rest are spread.
                let (cell, hub) = villages[k];
                around(rng, &cells[cell].polygon, hub, 0.002)
            } else {
                let cell = of_kind[k % of_kind.len()];
                uniform_in(rng, &cells[cell].polygon)
            };
            let existing = kind == AreaKind::Urban && k < params.existing;
            sites.push(Site {
                id: format!("S{:03}", sites.len() + 1),
                position: rounded(position),
                capacity: Some(if existing { 800.0 } else { 500.0 }),
                fixed: existing,
            });
        }
    }
    sites
}
