//! Two-step floating catchment area accessibility: 2SFCA (Luo & Wang 2003) and the enhanced
//! 2SFCA with Gaussian distance decay (Luo & Qi 2009), as PySAL `access` computes them.
//!
//! For demand points `i` (population `P_i`, the demand weight), open centres `j` (supply `S_j`,
//! the capacity, 1 when not given) and a weight function `f`:
//!
//! 1. every centre's supply-to-demand ratio `R_j = S_j / Σ_{i in catchment of j} P_i f(d_ij)`;
//! 2. every demand point's score `A_i = Σ_{j in catchment of i} R_j f(d_ij)`.
//!
//! 2SFCA takes `f ≡ 1`; the enhanced form takes `f(d) = exp(-d² / (2σ²))` (PySAL's
//! `weights.gaussian(σ)`, no normalising constant, so `f(0) = 1`). The pair `(i, j)` is in the
//! catchment when `d_ij <= r_i`, the service radius of `i`'s area kind; PySAL calls that radius
//! `max_cost` and applies it together with the decay, as here.
//!
//! Two cases PySAL leaves undefined get defined values: a centre with no positive demand in its
//! catchment has `R_j = 0` (PySAL: a division by zero, or the centre dropped), and a demand point
//! with a catchment but no centre in it scores 0 (PySAL: NaN).
//!
//! Sums run over fixed-size blocks of demand and are combined in block order, so the figures do
//! not depend on the number of threads.

use rayon::prelude::*;

/// Demand points per block of the parallel first step.
const BLOCK: usize = 16_384;

/// PySAL's Gaussian weight `exp(-d² / (2σ²))`, with `f(0) = 1` also when `σ = 0`.
pub fn gaussian(distance: f64, sigma: f64) -> f64 {
    if distance == 0.0 {
        1.0
    } else {
        (-distance * distance / (2.0 * sigma * sigma)).exp()
    }
}

/// The results of both variants, for every open centre and demand point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fsca {
    /// Per open centre: `Σ P_i` over its catchment (the 2SFCA denominator).
    pub catchment_demand: Vec<f64>,
    /// Per open centre: `Σ P_i f(d_ij)` with Gaussian decay (the enhanced denominator).
    pub catchment_demand_decayed: Vec<f64>,
    /// Per open centre: the 2SFCA ratio `R_j`.
    pub ratio: Vec<f64>,
    /// Per open centre: the enhanced ratio.
    pub ratio_decayed: Vec<f64>,
    /// Per demand point: the 2SFCA score `A_i`; `None` when the point has no service radius and
    /// therefore no catchment.
    pub score: Vec<Option<f64>>,
    /// Per demand point: the enhanced 2SFCA score.
    pub score_decayed: Vec<Option<f64>>,
}

/// Computes both variants.
///
/// `weight[i]` is `P_i`; `supply[j]` is `S_j` for the `j`-th open centre; `sigma[i]` is the decay
/// width for point `i`, `None` when it has no catchment; `catchment(i, visit)` calls
/// `visit(j, d_ij)` once for each open centre in the catchment of point `i`, in an order that
/// depends only on `i`.
pub(crate) fn two_step(
    weight: &[f64],
    supply: &[f64],
    sigma: &[Option<f64>],
    catchment: impl Fn(usize, &mut dyn FnMut(usize, f64)) + Sync,
) -> Fsca {
    let (n, m) = (weight.len(), supply.len());
    // Step 1: demand in each centre's catchment, plain and decayed, one partial sum per block.
    let partials: Vec<Vec<f64>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|block| {
            let mut sums = vec![0.0; 2 * m];
            for i in block * BLOCK..((block + 1) * BLOCK).min(n) {
                let (Some(s), w) = (sigma[i], weight[i]) else {
                    continue;
                };
                catchment(i, &mut |j, d| {
                    sums[2 * j] += w;
                    sums[2 * j + 1] += w * gaussian(d, s);
                });
            }
            sums
        })
        .collect();
    let mut sums = vec![0.0; 2 * m];
    for partial in &partials {
        for (total, part) in sums.iter_mut().zip(partial) {
            *total += part;
        }
    }
    let ratio_of = |supply: f64, demand: f64| if demand > 0.0 { supply / demand } else { 0.0 };
    let catchment_demand: Vec<f64> = sums.iter().step_by(2).copied().collect();
    let catchment_demand_decayed: Vec<f64> = sums.iter().skip(1).step_by(2).copied().collect();
    let ratio: Vec<f64> = supply
        .iter()
        .zip(&catchment_demand)
        .map(|(&s, &d)| ratio_of(s, d))
        .collect();
    let ratio_decayed: Vec<f64> = supply
        .iter()
        .zip(&catchment_demand_decayed)
        .map(|(&s, &d)| ratio_of(s, d))
        .collect();
    // Step 2: each point sums the ratios of the centres in its catchment.
    let (score, score_decayed): (Vec<Option<f64>>, Vec<Option<f64>>) = (0..n)
        .into_par_iter()
        .map(|i| {
            let Some(s) = sigma[i] else {
                return (None, None);
            };
            let (mut a, mut a_decayed) = (0.0, 0.0);
            catchment(i, &mut |j, d| {
                a += ratio[j];
                a_decayed += ratio_decayed[j] * gaussian(d, s);
            });
            (Some(a), Some(a_decayed))
        })
        .unzip();
    Fsca {
        catchment_demand,
        catchment_demand_decayed,
        ratio,
        ratio_decayed,
        score,
        score_decayed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case small enough to do by hand. Three demand points on a line, two centres:
    ///
    /// ```text
    /// point   P   distances (a, b)   catchment (r = 10)
    /// x       4   (0, 12)            a
    /// y       2   (6, 6)             a, b
    /// z       6   (15, 3)            b
    /// ```
    ///
    /// Supplies S_a = 3, S_b = 1.
    ///
    /// 2SFCA: D_a = 4 + 2 = 6, R_a = 3/6 = 0.5; D_b = 2 + 6 = 8, R_b = 1/8 = 0.125.
    /// A_x = 0.5, A_y = 0.5 + 0.125 = 0.625, A_z = 0.125.
    /// Check: Σ P_i A_i = 4·0.5 + 2·0.625 + 6·0.125 = 2 + 1.25 + 0.75 = 4 = S_a + S_b.
    ///
    /// Enhanced, σ = 6, f(d) = exp(-d²/72): f(0) = 1, f(6) = e^-0.5, f(3) = e^-0.125.
    /// D'_a = 4 + 2e^-0.5, R'_a = 3 / (4 + 2e^-0.5); D'_b = 2e^-0.5 + 6e^-0.125,
    /// R'_b = 1 / D'_b. A'_x = R'_a, A'_y = (R'_a + R'_b) e^-0.5, A'_z = R'_b e^-0.125.
    #[test]
    fn hand_computed_case() {
        let weight = [4.0, 2.0, 6.0];
        let supply = [3.0, 1.0];
        let sigma = [Some(6.0); 3];
        let pairs: [&[(usize, f64)]; 3] = [&[(0, 0.0)], &[(0, 6.0), (1, 6.0)], &[(1, 3.0)]];
        let got = two_step(&weight, &supply, &sigma, |i, visit| {
            for &(j, d) in pairs[i] {
                visit(j, d);
            }
        });
        assert_eq!(got.catchment_demand, [6.0, 8.0]);
        assert_eq!(got.ratio, [0.5, 0.125]);
        assert_eq!(got.score, [Some(0.5), Some(0.625), Some(0.125)]);

        let (h, t) = ((-0.5f64).exp(), (-0.125f64).exp());
        let (ra, rb) = (3.0 / (4.0 + 2.0 * h), 1.0 / (2.0 * h + 6.0 * t));
        let want = [ra, (ra + rb) * h, rb * t];
        for (got, want) in got.score_decayed.iter().zip(want) {
            let got = got.expect("every point has a catchment");
            assert!((got - want).abs() <= 1e-15 * want, "{got} vs {want}");
        }
    }

    #[test]
    fn no_catchment_no_score_and_empty_centres_have_no_ratio() {
        let got = two_step(&[1.0, 5.0], &[2.0, 7.0], &[None, Some(1.0)], |i, visit| {
            if i == 1 {
                visit(0, 0.5);
            }
        });
        assert_eq!(got.score[0], None);
        assert_eq!(got.ratio, [2.0 / 5.0, 0.0], "centre 1 reaches nobody");
        assert_eq!(got.score[1], Some(0.4));
    }

    #[test]
    fn the_gaussian_is_pysals() {
        // PySAL's docstring: gaussian(sigma=20) at 20, 40, 60.
        assert_eq!(gaussian(0.0, 20.0), 1.0);
        assert!((gaussian(20.0, 20.0) - 0.606_530_659_712_633_4).abs() < 1e-16);
        assert!((gaussian(40.0, 20.0) - 0.135_335_283_236_612_7).abs() < 1e-16);
        assert!((gaussian(60.0, 20.0) - 0.011_108_996_538_242_306).abs() < 1e-17);
        assert_eq!(gaussian(1.0, 0.0), 0.0);
    }
}
