//! The one seam between the engine and where travel costs come from: great-circle metres, an
//! external cost matrix, or a road network. Every model and measure asks [`Costs`] the same four
//! questions (the sites within a limit, the k nearest sites, some full rows, the whole table),
//! and only this file knows how each source answers them.

use crate::lists::Lists;
use crate::model::CostMatrix;
use crate::network::{By, Network, Places};
use crate::spatial::{PointIndex, haversine_m};
use geo::Point;
use rayon::prelude::*;
use serde::Serialize;

/// Where costs come from.
#[derive(Debug, Clone, Copy, Default)]
pub enum CostSource<'a> {
    /// Great-circle metres.
    #[default]
    GreatCircle,
    /// An external matrix by demand and candidate; unlisted pairs are unreachable.
    Matrix(&'a CostMatrix),
    /// Metres or minutes along a road network.
    Network(&'a Network),
}

impl<'a> CostSource<'a> {
    /// A cost matrix when one is given, great circle otherwise.
    pub fn of(matrix: Option<&'a CostMatrix>) -> Self {
        matrix.map_or(CostSource::GreatCircle, CostSource::Matrix)
    }

    /// The unit costs are in.
    pub fn unit(&self) -> DistanceUnit {
        match self {
            CostSource::GreatCircle => DistanceUnit::Metres,
            CostSource::Matrix(_) => DistanceUnit::Cost,
            CostSource::Network(network) => match network.by() {
                By::Distance => DistanceUnit::Metres,
                By::Time => DistanceUnit::Minutes,
            },
        }
    }

    /// The road network, when costs run along one.
    pub fn network(&self) -> Option<&'a Network> {
        match self {
            CostSource::Network(n) => Some(n),
            _ => None,
        }
    }

    /// The matrix, when costs come from one.
    pub fn matrix(&self) -> Option<&'a CostMatrix> {
        match self {
            CostSource::Matrix(m) => Some(m),
            _ => None,
        }
    }
}

/// What a cost measures: every `*_m` figure in the outputs is in this unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DistanceUnit {
    /// Metres, on the sphere or along roads.
    Metres,
    /// Travel minutes along roads.
    Minutes,
    /// The cost matrix's own units (road metres, minutes, ...).
    Cost,
}

/// An origin's nearest site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closest {
    /// The site's number.
    pub site: u32,
    /// The cost to it.
    pub cost: f64,
    /// Metres of the fastest way, where costs are minutes along roads.
    pub route_m: Option<f64>,
}

/// Places on one side of a cost: positions, and for a cost matrix the row (demand point) or
/// column (candidate) each stands for.
#[derive(Debug, Clone, Copy)]
pub struct Side<'x> {
    /// Lon/lat of each place.
    pub positions: &'x [Point<f64>],
    /// Matrix row or column of each place (its index in the demand or candidate file).
    pub ids: &'x [u32],
}

/// Costs between a fixed list of origins (demand locations) and a fixed list of sites, ready to
/// be asked. Site numbers in answers are positions in the site list.
pub struct Costs<'a> {
    /// An R-tree over the origins, built the first time a site asks who reaches it.
    origin_index: std::sync::OnceLock<PointIndex>,
    origins: Vec<Point<f64>>,
    sites: Vec<Point<f64>>,
    answer: Answer<'a>,
}

enum Answer<'a> {
    GreatCircle(PointIndex),
    Matrix {
        matrix: &'a CostMatrix,
        rows: Vec<u32>,
        /// Matrix column of each site.
        columns: Vec<u32>,
        /// Site number of each matrix column, if that candidate is among the sites.
        slot: Vec<Option<u32>>,
    },
    Network {
        network: &'a Network,
        origins: Box<Places>,
        sites: Box<Places>,
    },
}

/// Origins answered together by the great-circle and matrix sources, in parallel, before the
/// caller sees them in order.
const CHUNK: usize = 1 << 16;

impl<'a> Costs<'a> {
    /// Prepares costs from `source` between `origins` and `sites`: an R-tree over the sites, the
    /// matrix's slots, or every place snapped to the roads.
    pub fn new(source: CostSource<'a>, origins: Side, sites: Side) -> Self {
        let answer = match source {
            CostSource::GreatCircle => {
                Answer::GreatCircle(PointIndex::new(sites.positions.to_vec()))
            }
            CostSource::Matrix(matrix) => {
                let columns = sites.ids.iter().map(|&s| s as usize + 1).max().unwrap_or(0);
                let mut slot = vec![None; columns];
                for (k, &s) in sites.ids.iter().enumerate() {
                    slot[s as usize] = Some(k as u32);
                }
                Answer::Matrix {
                    matrix,
                    rows: origins.ids.to_vec(),
                    columns: sites.ids.to_vec(),
                    slot,
                }
            }
            CostSource::Network(network) => Answer::Network {
                network,
                origins: Box::new(network.place(origins.positions)),
                sites: Box::new(network.place(sites.positions)),
            },
        };
        Costs {
            origin_index: std::sync::OnceLock::new(),
            origins: origins.positions.to_vec(),
            sites: sites.positions.to_vec(),
            answer,
        }
    }

    /// The network with the snapped origins and sites, when costs run along roads.
    pub fn network(&self) -> Option<(&Network, &Places, &Places)> {
        match &self.answer {
            Answer::Network {
                network,
                origins,
                sites,
            } => Some((network, origins, sites)),
            _ => None,
        }
    }

    /// The cost of one pair when it can be had without a search (great circle, matrix:
    /// infinite when unlisted); `None` along a network, where only whole searches are cheap.
    pub fn direct(&self, origin: usize, site: usize) -> Option<f64> {
        match &self.answer {
            Answer::GreatCircle(_) => Some(haversine_m(self.origins[origin], self.sites[site])),
            Answer::Matrix {
                matrix,
                rows,
                columns,
                ..
            } => Some(
                matrix
                    .get(rows[origin] as usize, columns[site])
                    .unwrap_or(f64::INFINITY),
            ),
            Answer::Network { .. } => None,
        }
    }

    /// For every origin, the sites within its `limit` (inclusive) and their costs, sorted by
    /// site.
    pub fn within(&self, limit: &[f64]) -> Lists {
        match &self.answer {
            Answer::Network {
                network,
                origins,
                sites,
            } => network.within(origins, sites, limit),
            _ => Lists::build(self.origins.len(), |o, list| {
                list.extend(self.within_one(o, limit[o]));
            }),
        }
    }

    /// Like [`within`](Self::within) without the costs, which the great circle then needn't
    /// compute, and handed over one origin at a time so that the great circle need not hold
    /// them all: the covering models' question.
    pub fn within_ids(&self, limit: &[f64], mut visit: impl FnMut(usize, Vec<u32>)) {
        match &self.answer {
            Answer::GreatCircle(index) => self.in_chunks(
                |o| {
                    let mut list: Vec<u32> = index.within_ids(self.origins[o], limit[o]).collect();
                    list.sort_unstable();
                    list
                },
                visit,
            ),
            _ => {
                for (o, list) in self.within(limit).iter().enumerate() {
                    visit(o, list.iter().map(|x| x.0).collect());
                }
            }
        }
    }

    /// Answers origins a chunk at a time in parallel, then hands them over in order.
    fn in_chunks<T: Send>(
        &self,
        answer: impl Fn(usize) -> T + Sync,
        mut visit: impl FnMut(usize, T),
    ) {
        let n = self.origins.len();
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let chunk: Vec<T> = (start..end).into_par_iter().map(&answer).collect();
            for (o, item) in (start..end).zip(chunk) {
                visit(o, item);
            }
        }
    }

    /// Sites within `limit` of one origin, unordered (great circle and matrix only).
    fn within_one(&self, o: usize, limit: f64) -> Vec<(u32, f64)> {
        match &self.answer {
            Answer::GreatCircle(index) => index.within(self.origins[o], limit).collect(),
            Answer::Matrix {
                matrix, rows, slot, ..
            } => matrix
                .row(rows[o] as usize)
                .filter_map(|(col, c)| {
                    let k = slot.get(col as usize).copied().flatten()?;
                    (c <= limit).then_some((k, c))
                })
                .collect(),
            Answer::Network { .. } => unreachable!("network answers come from whole searches"),
        }
    }

    /// The origins `(origin, cost)` within `limit` of site `site` (people who reach it), sorted
    /// by origin.
    pub fn reaching(&self, site: usize, limit: f64) -> Vec<(u32, f64)> {
        let mut list: Vec<(u32, f64)> = match &self.answer {
            Answer::GreatCircle(_) => self
                .origin_index
                .get_or_init(|| PointIndex::new(self.origins.clone()))
                .within(self.sites[site], limit)
                .collect(),
            Answer::Matrix { .. } => (0..self.origins.len())
                .filter_map(|o| {
                    let c = self.direct(o, site)?;
                    (c <= limit).then_some((o as u32, c))
                })
                .collect(),
            Answer::Network {
                network,
                origins,
                sites,
            } => network.reaching(origins, sites, site, limit, &|_| limit),
        };
        list.sort_unstable_by_key(|x| x.0);
        list
    }

    /// The nearest site of every origin and its cost (`None` when none is reachable); ties go
    /// to the lower site number.
    pub fn nearest(&self) -> Vec<Option<Closest>> {
        let closest = |(site, cost): (u32, f64)| Closest {
            site,
            cost,
            route_m: None,
        };
        match &self.answer {
            Answer::GreatCircle(index) => self
                .origins
                .par_iter()
                .map(|&position| {
                    // The R-tree orders by chord, which is exact up to rounding far below a
                    // micrometre; candidates within 1e-6 m of the best are re-measured with
                    // haversine and the lowest site number wins among equal distances.
                    let mut best: Option<(u32, f64)> = None;
                    for (k, _) in index.nearest(position) {
                        let d = haversine_m(position, self.sites[k as usize]);
                        match best {
                            Some(b) if d > b.1 + 1e-6 => break,
                            Some(b) if d > b.1 || (d == b.1 && k > b.0) => {}
                            _ => best = Some((k, d)),
                        }
                    }
                    best.map(closest)
                })
                .collect(),
            Answer::Matrix { .. } => (0..self.origins.len())
                .into_par_iter()
                .map(|o| {
                    self.within_one(o, f64::INFINITY)
                        .into_iter()
                        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                        .map(closest)
                })
                .collect(),
            Answer::Network {
                network,
                origins,
                sites,
            } => {
                let by_time = network.by() == By::Time;
                network
                    .nearest(origins, sites, 1)
                    .into_iter()
                    .map(|list| {
                        list.first().map(|&(site, cost, metres)| Closest {
                            site,
                            cost,
                            route_m: by_time.then_some(metres),
                        })
                    })
                    .collect()
            }
        }
    }

    /// Every origin's `k` nearest sites `(site, cost)`, nearest first, ties by site (fewer when
    /// fewer are reachable).
    pub fn nearest_k(&self, k: usize) -> Vec<Vec<(u32, f64)>> {
        let k = k.min(self.sites.len());
        match &self.answer {
            Answer::GreatCircle(index) => self
                .origins
                .par_iter()
                .map(|&position| {
                    let mut row: Vec<(u32, f64)> = index
                        .nearest(position)
                        .take(k)
                        .map(|(s, _)| (s, haversine_m(position, self.sites[s as usize])))
                        .collect();
                    // Haversine decides ties the chord order may have broken differently.
                    row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                    row
                })
                .collect(),
            Answer::Matrix { .. } => (0..self.origins.len())
                .into_par_iter()
                .map(|o| {
                    let mut row = self.within_one(o, f64::INFINITY);
                    row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                    row.truncate(k);
                    row
                })
                .collect(),
            Answer::Network {
                network,
                origins,
                sites,
            } => network
                .nearest(origins, sites, k)
                .into_iter()
                .map(|row| row.into_iter().map(|(s, c, _)| (s, c)).collect())
                .collect(),
        }
    }

    /// Every site's cost from each of the origins `which` (infinite when unreachable).
    pub fn rows(&self, which: &[usize]) -> Vec<Vec<f64>> {
        match &self.answer {
            Answer::Network {
                network,
                origins,
                sites,
            } => network.rows(origins, sites, which),
            _ => which
                .par_iter()
                .map(|&o| {
                    let mut row = vec![f64::INFINITY; self.sites.len()];
                    for (s, c) in self.within_one(o, f64::INFINITY) {
                        row[s as usize] = c;
                    }
                    row
                })
                .collect(),
        }
    }

    /// Every origin–site cost, row-major by origin (infinite when unreachable).
    pub fn table(&self) -> Vec<f64> {
        match &self.answer {
            Answer::Network {
                network,
                origins,
                sites,
            } => network.table(origins, sites),
            _ => {
                let m = self.sites.len();
                let mut table = vec![f64::INFINITY; self.origins.len() * m];
                table
                    .par_chunks_mut(m.max(1))
                    .enumerate()
                    .for_each(|(o, row)| match &self.answer {
                        Answer::GreatCircle(_) => {
                            for (s, x) in row.iter_mut().enumerate() {
                                *x = haversine_m(self.origins[o], self.sites[s]);
                            }
                        }
                        _ => {
                            for (s, c) in self.within_one(o, f64::INFINITY) {
                                row[s as usize] = c;
                            }
                        }
                    });
                table
            }
        }
    }
}

/// The seam's promise, checked: every model and measure gives the same answer along a road
/// network as on a cost matrix holding that network's table (which answers through plain row
/// scans), so nothing downstream depends on where costs came from.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{AccessInput, AccessParams, measure};
    use crate::assign::rotate::{RotateParams, rotate};
    use crate::assign::{AssignParams, assign};
    use crate::model::{DemandPoint, PerKind, Site, Travel};
    use crate::network::tests::{random_places, random_roads};
    use crate::plan::{Model, PlanParams, Problem, Radius, Settings, solve};

    /// A network, demand and sites on it, and the matrix of the network's costs.
    fn instance(seed: u64) -> (Network, Vec<DemandPoint>, Vec<Site>, CostMatrix) {
        let network = Network::new(&random_roads(seed, 5), By::Distance, Travel::Drive, 600.0)
            .expect("roads");
        let demand: Vec<DemandPoint> = random_places(seed, 60, 5)
            .into_iter()
            .enumerate()
            .map(|(i, position)| DemandPoint {
                id: format!("d{i}"),
                position,
                weight: (1 + i % 7) as f64,
                group: None,
            })
            .collect();
        let sites: Vec<Site> = random_places(seed + 31, 14, 5)
            .into_iter()
            .enumerate()
            .map(|(i, position)| Site {
                id: format!("s{i}"),
                position,
                capacity: Some(80.0),
                fixed: i == 0,
            })
            .collect();
        let positions: Vec<Point<f64>> = demand.iter().map(|d| d.position).collect();
        let site_positions: Vec<Point<f64>> = sites.iter().map(|s| s.position).collect();
        let table = network.table(&network.place(&positions), &network.place(&site_positions));
        let m = sites.len();
        let triples = (0..demand.len())
            .flat_map(|d| (0..m).map(move |s| (d, s)))
            .filter(|&(d, s)| table[d * m + s].is_finite())
            .map(|(d, s)| (d as u32, s as u32, table[d * m + s]))
            .collect();
        let matrix = CostMatrix::from_triples(demand.len(), triples).expect("distinct");
        (network, demand, sites, matrix)
    }

    #[test]
    fn plans_are_the_same_from_the_network_and_from_its_table() {
        for seed in 0..4 {
            let (network, demand, sites, matrix) = instance(seed);
            for model in [Model::Mclp, Model::Lscp, Model::Pmedian, Model::Pcenter] {
                let p = (model != Model::Lscp).then_some(4);
                let plan = |source: CostSource| {
                    let problem =
                        Problem::new(&demand, &sites, None, source, p, PerKind::default())
                            .expect("valid");
                    let params = PlanParams {
                        model,
                        radius: Radius::uniform(900.0),
                        target_coverage: None,
                    };
                    let outcome = solve(&problem, &params, &Settings::default()).expect("solved");
                    let mut open = outcome.solution.open.clone();
                    open.sort_unstable();
                    (outcome.solution.objective, open, outcome.uncoverable_weight)
                };
                let (a, b) = (
                    plan(CostSource::Network(&network)),
                    plan(CostSource::Matrix(&matrix)),
                );
                assert_eq!(a, b, "seed {seed} {model:?}");
            }
        }
    }

    #[test]
    fn measures_assignments_and_rotations_are_the_same_from_the_network_and_its_table() {
        for seed in 0..4 {
            let (network, demand, sites, matrix) = instance(seed);
            let open: Vec<usize> = vec![0, 3, 5, 8];
            let hoods = crate::plan::test_instances::strips();
            let measured = |source: CostSource| {
                let input = AccessInput {
                    demand: &demand,
                    sites: &sites,
                    open: &open,
                    neighbourhoods: None,
                    source,
                };
                let m = measure(&input, &AccessParams::new(Radius::uniform(800.0))).expect("ok");
                (m.nearest, m.covered, m.fsca.map(|f| f.score))
            };
            assert_eq!(
                measured(CostSource::Network(&network)),
                measured(CostSource::Matrix(&matrix)),
                "seed {seed} access"
            );
            let assigned = |source: CostSource| {
                let a = assign(&demand, &sites, source, &AssignParams::new()).expect("feasible");
                (a.report.total_cost, a.report.unassigned_weight)
            };
            let (a, b) = (
                assigned(CostSource::Network(&network)),
                assigned(CostSource::Matrix(&matrix)),
            );
            assert!(
                (a.0 - b.0).abs() <= 1e-6 * b.0 && a.1 == b.1,
                "seed {seed} assign {a:?} {b:?}"
            );
            // The desk's stops are demand points: the matrix would need demand × demand, so the
            // rotation is checked against the network's own greedy from a full table instead.
            let visits = rotate(
                &demand,
                &hoods,
                &sites,
                CostSource::Network(&network),
                &RotateParams::new(3, 700.0),
            )
            .expect("rotation");
            assert_eq!(visits.len(), 3, "seed {seed}");
            let positions: Vec<Point<f64>> = demand.iter().map(|d| d.position).collect();
            let placed = network.place(&positions);
            let between = network.table(&placed, &placed);
            let centres = network.table(
                &placed,
                &network.place(&sites.iter().map(|s| s.position).collect::<Vec<_>>()),
            );
            let n = demand.len();
            let mut reached: Vec<bool> = (0..n)
                .map(|i| (0..sites.len()).any(|s| centres[i * sites.len() + s] <= 700.0))
                .collect();
            for visit in &visits {
                let gain = |stop: usize, reached: &[bool]| -> f64 {
                    (0..n)
                        .filter(|&i| !reached[i] && between[i * n + stop] <= 700.0)
                        .map(|i| demand[i].weight)
                        .sum()
                };
                assert_eq!(visit.new_weight, gain(visit.stop, &reached), "seed {seed}");
                for i in 0..n {
                    reached[i] |= between[i * n + visit.stop] <= 700.0;
                }
            }
        }
    }
}
