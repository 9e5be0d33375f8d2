//! Compressed lists: for each of `n` keys, a run of `(item, value)` pairs in one array.
//!
//! Answers that hold a short list per place (the centres within reach of each household, the
//! places met at each road vertex) number in millions at province scale; one allocation per
//! list would cost more time and memory than the lists themselves.

use rayon::prelude::*;

/// Keys answered together by [`Lists::build`], in parallel.
const BLOCK: usize = 1 << 12;

/// For each key `0..n`, a list of `(item, value)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    /// `offsets[k]..offsets[k + 1]` is key `k`'s run in `entries`.
    offsets: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Lists {
    /// Groups `(key, item, value)` entries by key over `0..n`, each key's entries in the order
    /// given (a counting sort).
    pub fn grouped(n: usize, entries: &[(u32, u32, f64)]) -> Self {
        let mut offsets = vec![0usize; n + 1];
        for &(key, _, _) in entries {
            offsets[key as usize + 1] += 1;
        }
        for k in 0..n {
            offsets[k + 1] += offsets[k];
        }
        let mut next = offsets.clone();
        let mut sorted = vec![(0, 0.0); entries.len()];
        for &(key, item, value) in entries {
            let at = &mut next[key as usize];
            sorted[*at] = (item, value);
            *at += 1;
        }
        Lists {
            offsets,
            entries: sorted,
        }
    }

    /// The lists of keys `0..n`, each filled by `fill(key, list)` (which appends to `list`) and
    /// then put in ascending item order; keys are answered in parallel blocks.
    pub fn build(n: usize, fill: impl Fn(usize, &mut Vec<(u32, f64)>) + Sync) -> Self {
        let blocks: Vec<Lists> = (0..n.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let keys = b * BLOCK..((b + 1) * BLOCK).min(n);
                let mut block = Lists {
                    offsets: Vec::with_capacity(keys.len() + 1),
                    entries: Vec::new(),
                };
                block.offsets.push(0);
                for key in keys {
                    let start = block.entries.len();
                    fill(key, &mut block.entries);
                    block.entries[start..].sort_unstable_by_key(|&(item, _)| item);
                    block.offsets.push(block.entries.len());
                }
                block
            })
            .collect();
        let mut lists = Lists {
            offsets: Vec::with_capacity(n + 1),
            entries: Vec::with_capacity(blocks.iter().map(|b| b.entries.len()).sum()),
        };
        lists.offsets.push(0);
        for block in blocks {
            let base = lists.entries.len();
            lists
                .offsets
                .extend(block.offsets[1..].iter().map(|&o| base + o));
            lists.entries.extend(block.entries);
        }
        lists
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every key's list, in key order.
    pub fn iter(&self) -> impl Iterator<Item = &[(u32, f64)]> {
        self.offsets.windows(2).map(|w| &self.entries[w[0]..w[1]])
    }
}

impl std::ops::Index<usize> for Lists {
    type Output = [(u32, f64)];

    /// Key `key`'s list.
    fn index(&self, key: usize) -> &[(u32, f64)] {
        &self.entries[self.offsets[key]..self.offsets[key + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_building_give_the_same_lists_as_vectors() {
        let n = 3 * BLOCK + 17;
        let list = |k: usize| -> Vec<(u32, f64)> {
            (0..(k * 7919) % 5)
                .map(|j| ((k * 31 + j * 13) as u32 % 50, k as f64 + j as f64))
                .collect()
        };
        let mut expected: Vec<Vec<(u32, f64)>> = (0..n).map(list).collect();
        let mut entries = Vec::new();
        for (k, l) in expected.iter().enumerate() {
            entries.extend(l.iter().map(|&(i, v)| (k as u32, i, v)));
        }
        let grouped = Lists::grouped(n, &entries);
        assert_eq!(grouped.len(), n);
        assert!(
            grouped
                .iter()
                .zip(&expected)
                .all(|(got, want)| got == want.as_slice())
        );
        for l in &mut expected {
            l.sort_unstable_by_key(|&(i, _)| i);
        }
        let built = Lists::build(n, |k, out| out.extend(list(k)));
        assert_eq!(built.len(), n);
        for (k, want) in expected.iter().enumerate() {
            assert_eq!(&built[k], want.as_slice(), "key {k}");
        }
        assert!(Lists::build(0, |_, _| {}).is_empty());
    }
}
