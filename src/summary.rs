//! What a planner's data holds: weight by area kind and by neighbourhood, what lies outside every
//! neighbourhood, and the candidate sites. Every input weight lands in exactly one bucket.

use crate::model::{AreaKind, DemandPoint, Neighbourhood, PerKind, Site};
use crate::spatial::NeighbourhoodIndex;
use serde::Serialize;
use std::collections::BTreeMap;

/// Count and weight of a set of demand points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Number of points.
    pub points: usize,
    /// Sum of their weights.
    pub weight: f64,
}

impl Tally {
    fn add(&mut self, weight: f64) {
        self.points += 1;
        self.weight += weight;
    }
}

/// Demand that falls in no neighbourhood: kept and listed, never dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outside {
    /// Count and weight.
    #[serde(flatten)]
    pub tally: Tally,
    /// Their ids, in input order.
    pub ids: Vec<String>,
}

/// One neighbourhood's demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourhoodTally {
    /// Neighbourhood id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Area kind.
    pub kind: AreaKind,
    /// Count and weight of the demand inside it.
    #[serde(flatten)]
    pub tally: Tally,
}

/// Demand totals, split by area kind and neighbourhood when neighbourhoods are known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandSummary {
    /// All points and their total weight.
    #[serde(flatten)]
    pub total: Tally,
    /// Per area kind (present only with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind: Option<BTreeMap<AreaKind, Tally>>,
    /// Outside every neighbourhood (present only with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<Outside>,
    /// Per neighbourhood, in file order (empty without neighbourhoods).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_neighbourhood: Vec<NeighbourhoodTally>,
}

/// Candidate sites and existing centres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteSummary {
    /// All sites in the file, existing centres included.
    pub candidates: usize,
    /// Existing centres (`fixed=true`).
    pub fixed: usize,
    /// Sites per area kind of the neighbourhood containing them (present only with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_kind: Option<BTreeMap<AreaKind, usize>>,
    /// Sites outside every neighbourhood (present only with neighbourhoods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<usize>,
}

/// Everything `siting summary` reports; each part is present when its input was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Demand totals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demand: Option<DemandSummary>,
    /// Number of neighbourhoods, by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neighbourhoods: Option<BTreeMap<AreaKind, usize>>,
    /// Candidate sites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sites: Option<SiteSummary>,
    /// The road network, and how close demand and candidates lie to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::network::NetworkFigures>,
}

impl Summary {
    /// Tallies whatever inputs are given; the point-in-polygon join runs in parallel.
    pub fn new(
        demand: Option<&[DemandPoint]>,
        neighbourhoods: Option<&[Neighbourhood]>,
        sites: Option<&[Site]>,
    ) -> Self {
        let index = neighbourhoods.map(NeighbourhoodIndex::new);
        let demand =
            demand.map(|points| summarise_demand(points, neighbourhoods.zip(index.as_ref())));
        let sites = sites.map(|sites| summarise_sites(sites, neighbourhoods.zip(index.as_ref())));
        let neighbourhoods = neighbourhoods.map(|hoods| {
            let mut counts: BTreeMap<AreaKind, usize> =
                AreaKind::ALL.iter().map(|&k| (k, 0)).collect();
            for n in hoods {
                *counts.entry(n.kind).or_default() += 1;
            }
            counts
        });
        Summary {
            demand,
            neighbourhoods,
            sites,
            network: None,
        }
    }

    /// Adds the figures of the road network the demand and candidates were snapped to.
    pub fn with_network(mut self, figures: crate::network::NetworkFigures) -> Self {
        self.network = Some(figures);
        self
    }
}

fn summarise_demand(
    points: &[DemandPoint],
    hoods: Option<(&[Neighbourhood], &NeighbourhoodIndex)>,
) -> DemandSummary {
    let mut total = Tally::default();
    for p in points {
        total.add(p.weight);
    }
    let Some((hoods, index)) = hoods else {
        return DemandSummary {
            total,
            by_kind: None,
            outside: None,
            by_neighbourhood: Vec::new(),
        };
    };
    let positions: Vec<_> = points.iter().map(|p| p.position).collect();
    let located = index.locate_all(&positions);
    let mut per_hood = vec![Tally::default(); hoods.len()];
    let mut per_kind = PerKind::<Tally>::default();
    let mut outside = Outside::default();
    for (p, hood) in points.iter().zip(located) {
        match hood {
            Some(h) => {
                per_hood[h as usize].add(p.weight);
                per_kind.get_mut(hoods[h as usize].kind).add(p.weight);
            }
            None => {
                outside.tally.add(p.weight);
                outside.ids.push(p.id.clone());
            }
        }
    }
    DemandSummary {
        total,
        by_kind: Some(per_kind.iter().map(|(k, t)| (k, *t)).collect()),
        outside: Some(outside),
        by_neighbourhood: hoods
            .iter()
            .zip(per_hood)
            .map(|(n, tally)| NeighbourhoodTally {
                id: n.id.clone(),
                name: n.name.clone(),
                kind: n.kind,
                tally,
            })
            .collect(),
    }
}

fn summarise_sites(
    sites: &[Site],
    hoods: Option<(&[Neighbourhood], &NeighbourhoodIndex)>,
) -> SiteSummary {
    let fixed = sites.iter().filter(|s| s.fixed).count();
    let (by_kind, outside) = match hoods {
        Some((hoods, index)) => {
            let positions: Vec<_> = sites.iter().map(|s| s.position).collect();
            let mut by_kind: BTreeMap<AreaKind, usize> =
                AreaKind::ALL.iter().map(|&k| (k, 0)).collect();
            let mut outside = 0;
            for hood in index.locate_all(&positions) {
                match hood {
                    Some(h) => *by_kind.entry(hoods[h as usize].kind).or_default() += 1,
                    None => outside += 1,
                }
            }
            (Some(by_kind), Some(outside))
        }
        None => (None, None),
    };
    SiteSummary {
        candidates: sites.len(),
        fixed,
        by_kind,
        outside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, Point, Rect};

    fn point(id: &str, lon: f64, lat: f64, weight: f64) -> DemandPoint {
        DemandPoint {
            id: id.into(),
            position: Point::new(lon, lat),
            weight,
            group: None,
        }
    }

    fn hood(id: &str, kind: AreaKind, x0: f64) -> Neighbourhood {
        Neighbourhood {
            id: id.into(),
            name: id.into(),
            kind,
            geometry: MultiPolygon(vec![Rect::new((x0, 0.0), (x0 + 1.0, 1.0)).to_polygon()]),
        }
    }

    #[test]
    fn every_weight_lands_in_one_bucket() {
        let hoods = [
            hood("u", AreaKind::Urban, 0.0),
            hood("r", AreaKind::Rural, 1.0),
        ];
        let points = [
            point("a", 0.5, 0.5, 2.0),
            point("b", 1.5, 0.5, 3.0),
            point("c", 1.0, 0.5, 4.0), // shared border: the first neighbourhood in the file
            point("d", 5.0, 5.0, 7.0),
        ];
        let s = Summary::new(Some(&points), Some(&hoods), None);
        let d = s.demand.unwrap();
        assert_eq!(
            d.total,
            Tally {
                points: 4,
                weight: 16.0
            }
        );
        let by_kind = d.by_kind.unwrap();
        assert_eq!(
            by_kind[&AreaKind::Urban],
            Tally {
                points: 2,
                weight: 6.0
            }
        );
        assert_eq!(
            by_kind[&AreaKind::Rural],
            Tally {
                points: 1,
                weight: 3.0
            }
        );
        assert_eq!(by_kind[&AreaKind::Informal], Tally::default());
        let outside = d.outside.unwrap();
        assert_eq!(
            outside.tally,
            Tally {
                points: 1,
                weight: 7.0
            }
        );
        assert_eq!(outside.ids, vec!["d"]);
        assert_eq!(d.by_neighbourhood[0].tally.weight, 6.0);
    }
}
