//! Measures of a given set of open centres: who is nearest to which centre and how far, who is
//! covered, how fairly access is shared between area kinds and neighbourhoods, floating
//! catchment (2SFCA) accessibility scores, and the caseload of every centre.
//!
//! [`measure`] computes everything at once; [`Access`] is the `access.json` document,
//! [`NeighbourhoodAccess`] and [`CentreAccess`] the rows of the per-neighbourhood and per-centre
//! tables. Every demand point counts: points outside all neighbourhoods form their own group
//! ([`Access::outside`]).

mod assigned;
mod curve;
mod equity;
mod figures;
pub mod fsca;
mod nearest;
mod versus;

pub use crate::cost::DistanceUnit;
pub use assigned::{AssignedAccess, Part, assigned_access};
pub use curve::{coverage_by_opening, distance_distribution};
pub use equity::{Caseload, Equity, WorstNeighbourhood};
pub use figures::Figures;
pub use fsca::Fsca;
pub use nearest::{Nearest, nearest_centres};
pub use versus::{Both, Loser, RoadsVersusStraight};

use crate::cost::CostSource;
use crate::error::{Error, Result};
use crate::model::{AreaKind, DemandPoint, Neighbourhood, Site};
use crate::plan::Radius;
use crate::spatial::NeighbourhoodIndex;
use nearest::OpenCentres;
use serde::Serialize;
use std::collections::BTreeMap;

/// Settings of the access measures.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessParams {
    /// The service radius rule: a point is covered when its nearest centre is within the radius
    /// of its area kind; the same radius bounds its 2SFCA catchment.
    pub radius: Radius,
    /// Width σ of the Gaussian decay of the enhanced 2SFCA; `None`: half the radius that applies
    /// to each demand point (weight 0.61 at half the radius, 0.14 at the radius).
    pub decay_sigma_m: Option<f64>,
    /// How many worst-served neighbourhoods to list.
    pub worst: usize,
}

impl AccessParams {
    /// Measures against `radius`, with the default decay and the 20 worst neighbourhoods.
    pub fn new(radius: Radius) -> Self {
        AccessParams {
            radius,
            decay_sigma_m: None,
            worst: 20,
        }
    }

    /// Sets the Gaussian decay width σ of the enhanced 2SFCA.
    pub fn decay_sigma_m(mut self, sigma_m: f64) -> Self {
        self.decay_sigma_m = Some(sigma_m);
        self
    }

    /// Sets how many worst-served neighbourhoods to list.
    pub fn worst(mut self, count: usize) -> Self {
        self.worst = count;
        self
    }

    /// Checks the radii and σ (finite; σ positive).
    pub fn check(&self) -> Result<()> {
        self.radius.check()?;
        if let Some(s) = self.decay_sigma_m
            && !(s.is_finite() && s > 0.0)
        {
            return Err(Error::Invalid(format!(
                "--decay-sigma must be a positive number of metres, not {s}"
            )));
        }
        Ok(())
    }

    /// σ for a demand point whose radius is `radius_m`.
    fn sigma_for(&self, radius_m: f64) -> f64 {
        self.decay_sigma_m.unwrap_or(radius_m / 2.0)
    }
}

/// The settings behind the 2SFCA scores, as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FscaSettings {
    /// Total supply of the open centres (capacity, 1 for a centre without one).
    pub total_supply: f64,
    /// Gaussian σ for demand outside neighbourhoods and for kinds without their own radius.
    pub decay_sigma_m: Option<f64>,
    /// Gaussian σ per area kind with its own radius.
    pub decay_sigma_by_kind: BTreeMap<AreaKind, f64>,
}

/// `access.json`: overall figures (flattened at the top level), per area kind, outside every
/// neighbourhood, equity, caseload balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Access {
    /// Metres, or cost-matrix units: every `*_m` figure is in this unit.
    pub distance_unit: DistanceUnit,
    /// The radius outside neighbourhoods and for kinds without their own.
    pub radius_m: Option<f64>,
    /// Per-kind radii.
    pub radius_by_kind: BTreeMap<AreaKind, f64>,
    /// All demand.
    #[serde(flatten)]
    pub overall: Figures,
    /// Per area kind (with neighbourhoods; every kind listed, empty ones with zeros).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind: Option<BTreeMap<AreaKind, Figures>>,
    /// Demand outside every neighbourhood (with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<Figures>,
    /// Number of neighbourhoods (with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neighbourhood_count: Option<usize>,
    /// Balance of the centres' caseloads.
    pub caseload: Caseload,
    /// Fairness between kinds and neighbourhoods.
    pub equity: Equity,
    /// The 2SFCA settings; `None` (no scores) when no service radius is set.
    pub fsca: Option<FscaSettings>,
    /// Coverage along the roads against straight lines for the same centres (network in
    /// metres only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roads_versus_straight: Option<RoadsVersusStraight>,
    /// The road network, when distances run along it: its size, parts, and how close demand and
    /// centres lie to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::network::NetworkFigures>,
}

impl Access {
    /// The area kinds with target population and their figures, in urban, rural, informal
    /// order: a kind without demand has no share to report, rather than a misleading 0.
    pub fn kinds_with_demand(&self) -> impl Iterator<Item = (AreaKind, &Figures)> {
        self.by_kind
            .iter()
            .flatten()
            .filter(|(_, f)| f.total_weight > 0.0)
            .map(|(&k, f)| (k, f))
    }
}

/// The area kind of neighbourhood `hood`; `None` outside every neighbourhood or without them.
pub(crate) fn area_kind(
    hood: Option<u32>,
    neighbourhoods: Option<&[Neighbourhood]>,
) -> Option<AreaKind> {
    hood.and_then(|h| neighbourhoods.map(|n| n[h as usize].kind))
}

/// The area kind of demand point `i`, from [`Measures::neighbourhood_of`] (empty without
/// neighbourhoods).
pub(crate) fn point_kind(
    neighbourhood_of: &[Option<u32>],
    neighbourhoods: Option<&[Neighbourhood]>,
    i: usize,
) -> Option<AreaKind> {
    area_kind(neighbourhood_of.get(i).copied().flatten(), neighbourhoods)
}

/// One neighbourhood's figures, a row of `neighbourhoods.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourhoodAccess {
    /// Neighbourhood id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Area kind.
    pub kind: AreaKind,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// One open centre's figures, a row of `centres.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreAccess {
    /// Index of the centre among the sites.
    #[serde(skip)]
    pub site: usize,
    /// Site id.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Capacity, when given.
    pub capacity: Option<f64>,
    /// An existing centre.
    pub fixed: bool,
    /// Kind of the neighbourhood containing the centre (with neighbourhoods).
    pub kind: Option<AreaKind>,
    /// Demand points for which it is the nearest centre.
    pub caseload_points: usize,
    /// Their weight: the centre's caseload.
    pub caseload_weight: f64,
    /// The part of the caseload within its service radius.
    pub covered_weight: f64,
    /// `caseload_weight / capacity` (`None` without a positive capacity).
    pub utilisation: Option<f64>,
    /// Weighted mean distance of its caseload (0 without one).
    pub mean_distance_m: f64,
    /// Largest distance in its caseload over points with positive weight.
    pub max_distance_m: f64,
    /// Demand weight in its 2SFCA catchment (any point within that point's radius of it).
    pub catchment_demand: Option<f64>,
    /// Its 2SFCA supply-to-demand ratio.
    pub ratio_2sfca: Option<f64>,
    /// Demand weight in its catchment, Gaussian-decayed.
    pub catchment_demand_decayed: Option<f64>,
    /// Its enhanced 2SFCA ratio.
    pub ratio_e2sfca: Option<f64>,
}

/// Everything [`measure`] finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// The `access.json` document.
    pub access: Access,
    /// Per demand point, its nearest open centre (`None`: unreachable).
    pub nearest: Vec<Option<Nearest>>,
    /// Per demand point, the index of the neighbourhood containing it (empty without
    /// neighbourhoods).
    pub neighbourhood_of: Vec<Option<u32>>,
    /// Per demand point, covered by its nearest centre.
    pub covered: Vec<bool>,
    /// 2SFCA scores and ratios (`None` when no service radius is set).
    pub fsca: Option<Fsca>,
    /// Per neighbourhood, in file order (empty without neighbourhoods).
    pub neighbourhoods: Vec<NeighbourhoodAccess>,
    /// Per open centre, in site order.
    pub centres: Vec<CentreAccess>,
}

/// The demand and centres to measure.
#[derive(Debug, Clone, Copy)]
pub struct AccessInput<'a> {
    /// Demand points.
    pub demand: &'a [DemandPoint],
    /// Sites (candidates or centres).
    pub sites: &'a [Site],
    /// Indices of the open sites, in any order, without repeats.
    pub open: &'a [usize],
    /// Neighbourhoods, for per-kind and per-neighbourhood figures and per-kind radii.
    pub neighbourhoods: Option<&'a [Neighbourhood]>,
    /// Where costs come from (great circle, a cost matrix, or a road network).
    pub source: CostSource<'a>,
}

/// Measures how well the open centres serve the demand.
///
/// Fails with [`Error::Invalid`] on bad parameters, an open index out of range or repeated, or a
/// cost matrix made for other demand.
pub fn measure(input: &AccessInput, params: &AccessParams) -> Result<Measures> {
    params.check()?;
    let AccessInput {
        demand,
        sites,
        open,
        neighbourhoods,
        source,
    } = *input;
    let mut open = open.to_vec();
    open.sort_unstable();
    if let Some(&s) = open.last()
        && s >= sites.len()
    {
        return Err(Error::Invalid(format!(
            "open site {s} is out of range: there are {} sites",
            sites.len()
        )));
    }
    if let Some(w) = open.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Invalid(format!(
            "site {:?} is listed as open twice",
            sites[w[0]].id
        )));
    }
    if let Some(matrix) = source.matrix()
        && matrix.demand_count() != demand.len()
    {
        return Err(Error::Invalid(format!(
            "the cost matrix has {} demand rows but there are {} demand points",
            matrix.demand_count(),
            demand.len()
        )));
    }

    let index = neighbourhoods.map(NeighbourhoodIndex::new);
    let locate = |positions: Vec<geo::Point<f64>>| match &index {
        Some(index) => index.locate_all(&positions),
        None => Vec::new(),
    };
    let neighbourhood_of = locate(demand.iter().map(|d| d.position).collect());
    let centre_hood = locate(open.iter().map(|&s| sites[s].position).collect());
    let kind_of = |i: usize| point_kind(&neighbourhood_of, neighbourhoods, i);

    let centres = OpenCentres::new(demand, sites, open, source);
    let nearest = centres.nearest();
    let radius_of: Vec<Option<f64>> = (0..demand.len())
        .map(|i| params.radius.for_kind(kind_of(i)))
        .collect();
    let covered: Vec<bool> = nearest
        .iter()
        .zip(&radius_of)
        .map(|(n, r)| n.is_some_and(|n| r.is_none_or(|r| n.distance_m <= r)))
        .collect();
    let weight: Vec<f64> = demand.iter().map(|d| d.weight).collect();
    let open = centres.open();
    // Along roads in metres, the same centres on straight lines show what the roads change.
    let roads_versus_straight =
        (source.network().is_some() && source.unit() == DistanceUnit::Metres).then(|| {
            let straight = OpenCentres::new(demand, sites, open.to_vec(), CostSource::GreatCircle);
            let straight_covered: Vec<bool> = straight
                .nearest()
                .iter()
                .zip(&radius_of)
                .map(|(n, r)| n.is_some_and(|n| r.is_none_or(|r| n.distance_m <= r)))
                .collect();
            versus::compare(
                &weight,
                &straight_covered,
                &covered,
                neighbourhoods,
                &neighbourhood_of,
            )
        });

    let fsca = params.radius.max_m().map(|_| {
        let sigma: Vec<Option<f64>> = radius_of
            .iter()
            .map(|r| r.map(|r| params.sigma_for(r)))
            .collect();
        let supply: Vec<f64> = open
            .iter()
            .map(|&s| sites[s].capacity.unwrap_or(1.0))
            .collect();
        let limit: Vec<f64> = radius_of
            .iter()
            .map(|r| r.unwrap_or(f64::NEG_INFINITY))
            .collect();
        let catchments = centres.within(&limit);
        fsca::two_step(&weight, &supply, &sigma, |i, visit| {
            for &(k, d) in &catchments[i] {
                visit(k as usize, d);
            }
        })
    });

    // Groups: 0 overall; with neighbourhoods, 1 + kind, 4 outside, 5 + neighbourhood.
    let hood_count = neighbourhoods.map_or(0, <[Neighbourhood]>::len);
    let points = figures::Points {
        weight: &weight,
        nearest: &nearest,
        covered: &covered,
        scores: fsca
            .as_ref()
            .map(|f| (f.score.as_slice(), f.score_decayed.as_slice())),
    };
    let mut groups = if neighbourhoods.is_some() {
        figures::by_group(&points, figures::KIND_GROUPS + hood_count, |i| {
            let hood = neighbourhood_of[i];
            [
                Some(0),
                Some(figures::kind_group(area_kind(hood, neighbourhoods))),
                hood.map(|h| figures::KIND_GROUPS + h as usize),
            ]
        })
    } else {
        figures::by_group(&points, 1, |_| [Some(0)])
    };
    let by_neighbourhood = groups.split_off(groups.len().min(figures::KIND_GROUPS));
    let (overall, by_kind, outside) = figures::overall_by_kind(&groups, neighbourhoods.is_some());

    let centre_rows = centre_rows(
        sites,
        open,
        &centre_hood,
        neighbourhoods,
        &weight,
        &nearest,
        &covered,
        fsca.as_ref(),
    );
    let loads: Vec<f64> = centre_rows.iter().map(|c| c.caseload_weight).collect();
    let hoods = neighbourhoods.unwrap_or_default();
    let equity = Equity::new(
        &overall,
        by_kind.as_ref(),
        hoods,
        &by_neighbourhood,
        params.worst,
    );
    let radius = &params.radius;
    let fsca_settings = fsca.as_ref().map(|_| FscaSettings {
        total_supply: open.iter().map(|&s| sites[s].capacity.unwrap_or(1.0)).sum(),
        decay_sigma_m: radius.default_m.map(|r| params.sigma_for(r)),
        decay_sigma_by_kind: radius
            .by_kind
            .iter()
            .filter_map(|(k, r)| r.map(|r| (k, params.sigma_for(r))))
            .collect(),
    });
    let access = Access {
        distance_unit: source.unit(),
        radius_m: radius.default_m,
        radius_by_kind: radius.named_by_kind(),
        overall,
        by_kind,
        outside,
        neighbourhood_count: neighbourhoods.map(<[Neighbourhood]>::len),
        caseload: Caseload::new(&loads),
        equity,
        fsca: fsca_settings,
        roads_versus_straight,
        network: centres
            .costs()
            .network()
            .map(|(network, places, sites)| network.figures(places, &weight, sites)),
    };
    let neighbourhoods = hoods
        .iter()
        .zip(by_neighbourhood)
        .map(|(n, figures)| NeighbourhoodAccess {
            id: n.id.clone(),
            name: n.name.clone(),
            kind: n.kind,
            figures,
        })
        .collect();
    Ok(Measures {
        access,
        nearest,
        neighbourhood_of,
        covered,
        fsca,
        neighbourhoods,
        centres: centre_rows,
    })
}

/// The per-centre table: caseloads from the nearest assignment, ratios from the 2SFCA.
#[allow(clippy::too_many_arguments)]
fn centre_rows(
    sites: &[Site],
    open: &[usize],
    centre_hood: &[Option<u32>],
    neighbourhoods: Option<&[Neighbourhood]>,
    weight: &[f64],
    nearest: &[Option<Nearest>],
    covered: &[bool],
    fsca: Option<&Fsca>,
) -> Vec<CentreAccess> {
    let mut slot = vec![usize::MAX; sites.len()];
    for (k, &s) in open.iter().enumerate() {
        slot[s] = k;
    }
    #[derive(Clone, Default)]
    struct Load {
        points: usize,
        weight: f64,
        covered: f64,
        weighted_distance: f64,
        max: f64,
    }
    let mut loads = vec![Load::default(); open.len()];
    for (i, n) in nearest.iter().enumerate() {
        let Some(n) = n else { continue };
        let (load, w) = (&mut loads[slot[n.site]], weight[i]);
        load.points += 1;
        load.weight += w;
        load.weighted_distance += w * n.distance_m;
        if covered[i] {
            load.covered += w;
        }
        if w > 0.0 {
            load.max = load.max.max(n.distance_m);
        }
    }
    open.iter()
        .zip(loads)
        .enumerate()
        .map(|(k, (&s, load))| {
            let site = &sites[s];
            CentreAccess {
                site: s,
                id: site.id.clone(),
                lon: site.position.x(),
                lat: site.position.y(),
                capacity: site.capacity,
                fixed: site.fixed,
                kind: centre_hood
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|h| neighbourhoods.map(|n| n[h as usize].kind)),
                caseload_points: load.points,
                caseload_weight: load.weight,
                covered_weight: load.covered,
                utilisation: site.capacity.filter(|&c| c > 0.0).map(|c| load.weight / c),
                mean_distance_m: if load.weight > 0.0 {
                    load.weighted_distance / load.weight
                } else {
                    0.0
                },
                max_distance_m: load.max,
                catchment_demand: fsca.map(|f| f.catchment_demand[k]),
                ratio_2sfca: fsca.map(|f| f.ratio[k]),
                catchment_demand_decayed: fsca.map(|f| f.catchment_demand_decayed[k]),
                ratio_e2sfca: fsca.map(|f| f.ratio_decayed[k]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
