//! The best allowed set of sites for given per-site values: the inner problem of every
//! Lagrangian bound here, where the coupling between sites and demand has been relaxed away.

use super::Rules;
use crate::model::AreaKind;

/// The largest `Σ values[s]` over sets of exactly `p` sites that contain every fixed site and
/// meet every quota, and one such set.
///
/// Exact by an exchange argument: some optimal set holds, for each kind, the `r_k` best free sites
/// of that kind (`r_k` = what the quota still needs after the fixed sites), because swapping any
/// other chosen site of that kind for a better one keeps the quota and loses nothing; after that
/// the quotas are met and the remaining places go to the best remaining sites.
pub(super) fn best_allowed(values: &[f64], rules: &Rules, p: usize) -> (f64, Vec<usize>) {
    let mut chosen: Vec<usize> = rules.fixed_sites();
    let mut taken = vec![false; values.len()];
    for &s in &chosen {
        taken[s] = true;
    }
    let mut by_value: Vec<usize> = (0..values.len()).filter(|&s| !taken[s]).collect();
    // Best first; ties by site index so the choice is deterministic.
    by_value.sort_unstable_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let counts = rules.counts(&chosen);
    for kind in AreaKind::ALL {
        let need = rules.quota.get(kind).saturating_sub(*counts.get(kind));
        let best_of_kind = by_value
            .iter()
            .copied()
            .filter(|&s| rules.kind[s] == Some(kind))
            .take(need);
        for s in best_of_kind.collect::<Vec<_>>() {
            taken[s] = true;
            chosen.push(s);
        }
    }
    let left = p.saturating_sub(chosen.len());
    let rest: Vec<usize> = by_value
        .into_iter()
        .filter(|&s| !taken[s])
        .take(left)
        .collect();
    chosen.extend(rest);
    let total = chosen.iter().map(|&s| values[s]).sum();
    (total, chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PerKind;

    #[test]
    fn quota_and_fixed_sites_are_honoured() {
        let rules = Rules {
            p: Some(3),
            fixed: vec![false, false, false, true, false],
            kind: vec![
                Some(AreaKind::Urban),
                Some(AreaKind::Rural),
                Some(AreaKind::Rural),
                None,
                Some(AreaKind::Urban),
            ],
            quota: PerKind([0, 1, 0]),
        };
        let values = [10.0, 1.0, 2.0, -5.0, 9.0];
        let (total, mut chosen) = best_allowed(&values, &rules, 3);
        chosen.sort_unstable();
        // Fixed site 3, the best rural site 2, then the best of the rest: site 0.
        assert_eq!(chosen, vec![0, 2, 3]);
        assert_eq!(total, 7.0);
    }
}
