//! Who each site covers, as flat lists (CSR) in both directions, from the costs' radius
//! queries (R-tree, cost matrix or road searches).

use super::{Problem, Radius, Rules};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;

/// Compressed lists: `items[offsets[k]..offsets[k + 1]]` belong to `k`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    offsets: Vec<usize>,
    items: Vec<u32>,
}

impl Lists {
    /// Flattens one list per key into the compressed form.
    pub(super) fn from_nested(nested: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(nested.len() + 1);
        offsets.push(0);
        let mut items = Vec::with_capacity(nested.iter().map(Vec::len).sum());
        for list in nested {
            items.extend(list);
            offsets.push(items.len());
        }
        Lists { offsets, items }
    }

    /// Transposes lists over `0..n` into lists over the items' range `0..m`, each ascending.
    pub(super) fn transpose(&self, m: usize) -> Self {
        let mut counts = vec![0usize; m + 1];
        for &x in &self.items {
            counts[x as usize + 1] += 1;
        }
        for i in 0..m {
            counts[i + 1] += counts[i];
        }
        let offsets = counts.clone();
        let mut next = counts;
        let mut items = vec![0u32; self.items.len()];
        for k in 0..self.offsets.len() - 1 {
            for &x in self.get(k) {
                items[next[x as usize]] = k as u32;
                next[x as usize] += 1;
            }
        }
        Lists { offsets, items }
    }

    /// The list of `k`, sorted ascending.
    pub fn get(&self, k: usize) -> &[u32] {
        &self.items[self.offsets[k]..self.offsets[k + 1]]
    }

    /// Total entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when every list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Which sites cover which demand, with clients that are covered by exactly the same sites merged
/// into one weighted class.
///
/// Merging is exact for the covering models, which see nothing of a client but its sites and its
/// weight; in clustered data it shrinks every list the search scans (1.5 million households in a
/// province fall into a few hundred thousand classes). Clients no site covers are left out and
/// their weight reported as `uncoverable_weight`.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Classes covered by each site.
    pub by_site: Lists,
    /// Sites covering each class, sorted.
    pub by_client: Lists,
    /// Summed weight of each class.
    pub weight: Vec<f64>,
    /// Weight of the clients no site covers.
    pub uncoverable_weight: f64,
}

impl Coverage {
    /// Builds the lists: each client's radius depends on its area kind, and `weight` gives the
    /// weight each client brings to its class.
    pub fn new(problem: &Problem, radius: &Radius, weight: &[f64]) -> Result<Self> {
        radius.check()?;
        let clients = &problem.clients;
        let radii: Vec<f64> = (0..clients.len())
            .map(|c| {
                radius.for_kind(clients.kind[c]).ok_or_else(|| {
                    let where_ = match clients.kind[c] {
                        Some(k) => format!("in a {k} neighbourhood"),
                        None => "outside every neighbourhood".to_owned(),
                    };
                    Error::Invalid(format!(
                        "no service radius for demand {where_}: give --radius (it applies wherever no per-kind radius does)"
                    ))
                })
            })
            .collect::<Result<_>>()?;
        let mut class_of: FxHashMap<Vec<u32>, usize> = FxHashMap::default();
        let mut lists: Vec<Vec<u32>> = Vec::new();
        let mut class_weight = Vec::new();
        let mut uncoverable_weight = 0.0;
        problem.costs.within_ids(&radii, |c, list| {
            if list.is_empty() {
                uncoverable_weight += weight[c];
                return;
            }
            let k = match class_of.get(&list) {
                Some(&k) => k,
                None => {
                    lists.push(list.clone());
                    class_weight.push(0.0);
                    class_of.insert(list, lists.len() - 1);
                    lists.len() - 1
                }
            };
            class_weight[k] += weight[c];
        });
        let by_client = Lists::from_nested(lists);
        Ok(Coverage {
            by_site: by_client.transpose(problem.site_count()),
            by_client,
            weight: class_weight,
            uncoverable_weight,
        })
    }

    /// Number of classes.
    pub fn client_count(&self) -> usize {
        self.weight.len()
    }

    /// `open` in an order that shows each centre's marginal value: the fixed sites first, then,
    /// again and again, the site that newly covers the most weight (the lowest index on ties).
    /// Any prefix is then a good answer to "which k of these first?", which the solver's own
    /// order stops being once swaps have changed the set.
    pub fn opening_order(&self, rules: &Rules, open: &[usize]) -> Vec<usize> {
        let (_, mut order) = rules.opening_start(open);
        let mut gain = vec![0.0; rules.fixed.len()];
        for &s in open {
            gain[s] = self
                .by_site
                .get(s)
                .iter()
                .map(|&c| self.weight[c as usize])
                .sum();
        }
        let mut covered = vec![false; self.weight.len()];
        let mut take = |s: usize, gain: &mut [f64]| {
            for &c in self.by_site.get(s) {
                let c = c as usize;
                if !std::mem::replace(&mut covered[c], true) {
                    // Sites not in `open` keep stale gains; they are never read.
                    for &t in self.by_client.get(c) {
                        gain[t as usize] -= self.weight[c];
                    }
                }
            }
        };
        for &s in &order {
            take(s, &mut gain);
        }
        let mut rest: Vec<usize> = open
            .iter()
            .copied()
            .filter(|s| !order.contains(s))
            .collect();
        rest.sort_unstable();
        while !rest.is_empty() {
            // The first of the largest gains: rest is sorted, so the lowest site index.
            let mut best = 0;
            for i in 1..rest.len() {
                if gain[rest[i]] > gain[rest[best]] {
                    best = i;
                }
            }
            let s = rest.remove(best);
            take(s, &mut gain);
            order.push(s);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::CostSource;

    #[test]
    fn transpose_round_trips() {
        let lists = Lists::from_nested(vec![vec![0, 2], vec![], vec![1, 2]]);
        let t = lists.transpose(3);
        assert_eq!(t.get(0), &[0]);
        assert_eq!(t.get(1), &[2]);
        assert_eq!(t.get(2), &[0, 2]);
        assert_eq!(t.transpose(3), lists);
    }

    /// The opening order against a greedy recomputed from great-circle distances per demand
    /// point: existing centres first, then the largest new coverage, the lowest index on ties.
    #[test]
    fn opening_order_is_the_greedy_order_of_coverage() {
        use crate::model::PerKind;
        use crate::plan::test_instances::random;
        use crate::spatial::haversine_m;
        for seed in 0..30 {
            let (demand, sites) = random(seed, 40, 12, seed as usize % 3);
            let problem = Problem::new(
                &demand,
                &sites,
                None,
                CostSource::GreatCircle,
                Some(6),
                PerKind::default(),
            )
            .unwrap();
            let radius = Radius::uniform(3000.0 + 500.0 * (seed % 5) as f64);
            let coverage = Coverage::new(&problem, &radius, &problem.clients.weight).unwrap();
            let fixed = seed as usize % 3;
            let open: Vec<usize> = (0..fixed).chain([11, 4, 7, 9, 5, 10]).take(6).collect();
            let r = radius.default_m.unwrap();
            let covered_by = |set: &[usize]| -> f64 {
                demand
                    .iter()
                    .filter(|d| {
                        set.iter()
                            .any(|&s| haversine_m(d.position, sites[s].position) <= r)
                    })
                    .map(|d| d.weight)
                    .sum()
            };
            let mut naive: Vec<usize> = (0..fixed).collect();
            let mut rest: Vec<usize> = open[fixed..].to_vec();
            rest.sort_unstable();
            while !rest.is_empty() {
                let now = covered_by(&naive);
                let gains: Vec<f64> = rest
                    .iter()
                    .map(|&s| covered_by(&[naive.as_slice(), &[s]].concat()) - now)
                    .collect();
                let best = (0..rest.len()).fold(0, |b, i| if gains[i] > gains[b] { i } else { b });
                naive.push(rest.remove(best));
            }
            assert_eq!(
                coverage.opening_order(&problem.rules, &open),
                naive,
                "seed {seed}"
            );
        }
    }
}
