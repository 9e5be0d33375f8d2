//! An external cost matrix (road metres or travel time) that replaces great-circle distance.

/// Sparse demand × site costs; a pair that is not listed is unreachable.
///
/// Stored row by demand point (CSR), each row sorted by site index, so a lookup is a binary search
/// in one short slice and a full row is a contiguous scan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostMatrix {
    offsets: Vec<usize>,
    sites: Vec<u32>,
    costs: Vec<f64>,
}

impl CostMatrix {
    /// Builds the matrix from `(demand, site, cost)` triples. `demand_count` rows are made even
    /// when some demand points have no listed pair. Returns the first duplicated pair, if any, as
    /// an error so that the loader can name its line.
    pub fn from_triples(
        demand_count: usize,
        mut triples: Vec<(u32, u32, f64)>,
    ) -> Result<Self, (u32, u32)> {
        triples.sort_unstable_by_key(|&(d, s, _)| (d, s));
        if let Some(w) = triples
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err((w[0].0, w[0].1));
        }
        let mut offsets = vec![0; demand_count + 1];
        for &(d, _, _) in &triples {
            offsets[d as usize + 1] += 1;
        }
        for i in 0..demand_count {
            offsets[i + 1] += offsets[i];
        }
        Ok(CostMatrix {
            offsets,
            sites: triples.iter().map(|t| t.1).collect(),
            costs: triples.iter().map(|t| t.2).collect(),
        })
    }

    /// Number of demand rows.
    pub fn demand_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The listed `(site, cost)` pairs of one demand point, sorted by site.
    pub fn row(&self, demand: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        let range = self.offsets[demand]..self.offsets[demand + 1];
        self.sites[range.clone()]
            .iter()
            .copied()
            .zip(self.costs[range].iter().copied())
    }

    /// The cost from `demand` to `site`, or `None` when the pair is unreachable.
    pub fn get(&self, demand: usize, site: u32) -> Option<f64> {
        let range = self.offsets[demand]..self.offsets[demand + 1];
        let sites = &self.sites[range.clone()];
        sites
            .binary_search(&site)
            .ok()
            .map(|k| self.costs[range.start + k])
    }

    /// Number of listed pairs.
    pub fn len(&self) -> usize {
        self.sites.len()
    }

    /// True when no pair is listed.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_listed_pairs_and_reports_missing_ones() {
        let m = CostMatrix::from_triples(3, vec![(2, 1, 5.0), (0, 3, 1.5), (0, 0, 2.0)]).unwrap();
        assert_eq!(m.get(0, 0), Some(2.0));
        assert_eq!(m.get(0, 3), Some(1.5));
        assert_eq!(m.get(0, 1), None);
        assert_eq!(m.get(1, 0), None);
        assert_eq!(m.get(2, 1), Some(5.0));
        assert_eq!(m.row(0).collect::<Vec<_>>(), vec![(0, 2.0), (3, 1.5)]);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn rejects_a_duplicated_pair() {
        assert_eq!(
            CostMatrix::from_triples(2, vec![(1, 1, 5.0), (1, 1, 6.0)]),
            Err((1, 1))
        );
    }
}
