//! The p-center lower bound: proofs that no allowed set serves everyone within a radius.

use super::{Deadline, Instance};
use rayon::prelude::*;

/// Subgradient steps per radius when proving a set cover needs more than p sites; the step
/// multiplier is halved after `HALVE_AFTER` steps without a better bound, and the attempt ends
/// when it falls below `MIN_STEP`.
const COVER_ITERATIONS: usize = 300;
const HALVE_AFTER: usize = 15;
const MIN_STEP: f64 = 0.002;

impl Instance<'_> {
    /// True when no allowed set can serve every counted client within `radius`, proven by a
    /// lower bound on the sites a cover needs that exceeds p. Quotas are ignored, which only
    /// weakens the bound, so it stays valid.
    ///
    /// The clients a fixed site covers need nothing; the others, U, need at least
    /// (a) as many sites as a packing holds: clients no two of which share a site within
    ///     `radius` each need their own;
    /// (b) `L(u) = Σ_{c∈U} u_c + Σ_s min(0, 1 − Σ_{c∈U covered by s} u_c)` for any `u ≥ 0`: the
    ///     Lagrangian relaxation of the set cover's rows (Beasley 1990), raised by projected
    ///     subgradient steps from the packing (which is the `u` giving (a)) or from the
    ///     multipliers carried in `warm` from the last radius tried, whichever is higher:
    ///     good multipliers at one radius are usually good at a nearby one, and any are valid.
    ///
    /// Rounding: the sums have at most `|U| + m` terms, so f64 error is below
    /// `(|U| + 2m + 4)·ε·(Σu + Σσ + m)`; the proof asks the bound to beat p by more than that.
    pub(super) fn infeasible(&self, radius: f64, warm: &mut [f64], deadline: Deadline) -> bool {
        let cover = self.cover_lists(radius);
        let rules = self.rules;
        let fixed = rules.fixed_sites();
        let budget = self.p - fixed.len();
        let mut served = vec![false; self.n()];
        for &s in &fixed {
            for &j in cover.by_site.get(s) {
                served[j as usize] = true;
            }
        }
        let needy: Vec<usize> = (0..self.n()).filter(|&j| !served[j]).collect();
        if needy.is_empty() {
            return false;
        }
        // Sites that can help: non-fixed (a fixed one covering a needy client would have served it).
        let free_sites = |j: usize| cover.by_client.get(j).iter().map(|&s| s as usize);
        if needy.iter().any(|&j| free_sites(j).next().is_none()) {
            return true;
        }

        // (a) Packing, clients with the fewest sites first.
        let mut order = needy.clone();
        order.sort_unstable_by_key(|&j| (cover.by_client.get(j).len(), j));
        let mut taken = vec![false; self.m];
        let mut u = vec![0.0; self.n()];
        let mut packed = 0;
        for &j in &order {
            if free_sites(j).all(|s| !taken[s]) {
                free_sites(j).for_each(|s| taken[s] = true);
                u[j] = 1.0;
                packed += 1;
            }
        }
        if packed > budget {
            return true;
        }
        if needy.len() <= budget {
            return false;
        }

        // (b) Subgradient ascent on L(u) (Polyak's rule aiming at budget + 1; Beasley 1990),
        // from the better of the packing and the multipliers left by the last radius tried.
        let margin_factor = (needy.len() + 2 * self.m + 4) as f64 * f64::EPSILON;
        let mut sigma = vec![0.0; self.m];
        let evaluate = |u: &[f64], sigma: &mut [f64]| {
            sigma.par_iter_mut().enumerate().for_each(|(s, sigma)| {
                *sigma = if rules.fixed[s] {
                    0.0
                } else {
                    cover.by_site.get(s).iter().map(|&j| u[j as usize]).sum()
                };
            });
            let sum_u: f64 = needy.iter().map(|&j| u[j]).sum();
            let reduced: f64 = sigma.iter().map(|&x| (1.0 - x).min(0.0)).sum();
            let scale = sum_u + sigma.iter().sum::<f64>() + self.m as f64;
            (sum_u + reduced, margin_factor * scale)
        };
        let mut carried = vec![0.0; self.n()];
        for &j in &needy {
            carried[j] = warm[j];
        }
        let (carried_value, _) = evaluate(&carried, &mut sigma);
        let mut mu = 2.0;
        if carried_value > packed as f64 {
            (u, mu) = (carried, 0.5);
        }
        let target = budget as f64 + 1.0;
        let mut g = vec![0.0; self.n()];
        let (mut best, mut best_u, mut stale) = (f64::NEG_INFINITY, u.clone(), 0);
        for _ in 0..COVER_ITERATIONS {
            if mu < MIN_STEP || deadline.expired() {
                break;
            }
            let (value, margin) = evaluate(&u, &mut sigma);
            if value - margin > budget as f64 {
                return true;
            }
            if value > best {
                (best, stale) = (value, 0);
                best_u.clone_from(&u);
            } else {
                stale += 1;
                if stale >= HALVE_AFTER {
                    (mu, stale) = (mu / 2.0, 0);
                }
            }
            let mut norm = 0.0;
            for &j in &needy {
                let chosen = free_sites(j).filter(|&s| sigma[s] > 1.0).count();
                g[j] = 1.0 - chosen as f64;
                // Projected: a multiplier at zero that would go negative stays put, and its
                // component must not shorten the step of the others.
                if u[j] == 0.0 && g[j] < 0.0 {
                    g[j] = 0.0;
                }
                norm += g[j] * g[j];
            }
            if norm == 0.0 {
                break;
            }
            let step = mu * (target - value) / norm;
            for &j in &needy {
                u[j] = (u[j] + step * g[j]).max(0.0);
            }
        }
        for &j in &needy {
            warm[j] = best_u[j];
        }
        false
    }
}
