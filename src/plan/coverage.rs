//! Who each site covers, as flat lists (CSR) in both directions, built with parallel R-tree
//! radius queries or from a cost matrix.

use super::{Distances, Problem, Radius};
use crate::error::{Error, Result};
use crate::spatial::PointIndex;
use rayon::prelude::*;

/// Compressed lists: `items[offsets[k]..offsets[k + 1]]` belong to `k`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    offsets: Vec<usize>,
    items: Vec<u32>,
}

impl Lists {
    fn from_nested(nested: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(nested.len() + 1);
        offsets.push(0);
        let mut items = Vec::with_capacity(nested.iter().map(Vec::len).sum());
        for list in nested {
            items.extend(list);
            offsets.push(items.len());
        }
        Lists { offsets, items }
    }

    /// Transposes lists over `0..n` into lists over the items' range `0..m`.
    fn transpose(&self, m: usize) -> Self {
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

/// Coverage of clients by sites under a radius rule.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Clients covered by each site.
    pub by_site: Lists,
    /// Sites covering each client.
    pub by_client: Lists,
}

impl Coverage {
    /// Builds the lists. Each client's radius depends on its area kind.
    pub fn new(problem: &Problem, radius: &Radius) -> Result<Self> {
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
        let m = problem.site_count();
        let (by_site, by_client) = match problem.distances {
            Distances::GreatCircle => {
                let max_m = radius.max_m().unwrap_or(0.0);
                let index = PointIndex::new(clients.position.clone());
                // Sites in chunks, each chunk's lists queried in parallel and appended in site
                // order: deterministic, and the nested lists of only one chunk exist at a time.
                let mut by_site = Lists::default();
                by_site.offsets.push(0);
                for chunk in problem.sites.chunks(1024) {
                    let lists: Vec<Vec<u32>> = chunk
                        .par_iter()
                        .map(|site| {
                            index
                                .within_each(site.position, max_m, |c| radii[c as usize])
                                .collect()
                        })
                        .collect();
                    for list in lists {
                        by_site.items.extend(list);
                        by_site.offsets.push(by_site.items.len());
                    }
                }
                // Transposing twice sorts every list by index, for cache-friendly scans.
                let by_client = by_site.transpose(clients.len());
                (by_client.transpose(m), by_client)
            }
            Distances::Matrix(matrix) => {
                let by_client: Vec<Vec<u32>> = (0..clients.len())
                    .into_par_iter()
                    .map(|c| {
                        matrix
                            .row(clients.first_demand[c] as usize)
                            .filter(|&(_, cost)| cost <= radii[c])
                            .map(|(s, _)| s)
                            .collect()
                    })
                    .collect();
                let by_client = Lists::from_nested(by_client);
                (by_client.transpose(m), by_client)
            }
        };
        Ok(Coverage { by_site, by_client })
    }

    /// Merges clients covered by exactly the same sites into one class whose weight is their sum,
    /// and drops clients no site covers. Exact for the covering models, which see nothing of a
    /// client but its sites and weight; in clustered data it shrinks every list the search scans.
    /// Classes keep the order of their first client.
    pub fn classes(&self, weight: &[f64]) -> (Coverage, Vec<f64>) {
        let mut class_of: std::collections::HashMap<&[u32], usize> =
            std::collections::HashMap::new();
        let mut nested: Vec<Vec<u32>> = Vec::new();
        let mut class_weight = Vec::new();
        for (c, &w) in weight.iter().enumerate() {
            let sites = self.by_client.get(c);
            if sites.is_empty() {
                continue;
            }
            let k = *class_of.entry(sites).or_insert_with(|| {
                nested.push(sites.to_vec());
                class_weight.push(0.0);
                nested.len() - 1
            });
            class_weight[k] += w;
        }
        let by_client = Lists::from_nested(nested);
        let by_site = by_client.transpose(self.by_site.offsets.len() - 1);
        (Coverage { by_site, by_client }, class_weight)
    }

    /// Number of clients (or classes) the lists are about.
    pub fn client_count(&self) -> usize {
        self.by_client.offsets.len() - 1
    }

    /// True when some site covers client `c`.
    pub fn coverable(&self, c: usize) -> bool {
        !self.by_client.get(c).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_round_trips() {
        let lists = Lists::from_nested(vec![vec![0, 2], vec![], vec![1, 2]]);
        let t = lists.transpose(3);
        assert_eq!(t.get(0), &[0]);
        assert_eq!(t.get(1), &[2]);
        assert_eq!(t.get(2), &[0, 2]);
        assert_eq!(t.transpose(3), lists);
    }
}
