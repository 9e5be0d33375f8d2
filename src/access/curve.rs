//! Curves for the report: coverage as centres open one by one, and the distribution of distances
//! to the nearest centre.

use super::nearest::OpenCentres;
use super::{AccessInput, Nearest, point_kind};
use crate::plan::Radius;

/// The covered weight as the centres of `input.open` open one after another, in that order:
/// entry k is the weight within its service radius of one of the first k + 1 centres (within
/// reach of one when no radius applies, as in [`super::measure`]). The last entry is what all of
/// them cover; the steps are each centre's marginal gain.
///
/// `neighbourhood_of` gives each demand point's neighbourhood (as [`super::Measures`] does; empty
/// without neighbourhoods), which decides its radius.
pub fn coverage_by_opening(
    input: &AccessInput,
    radius: &Radius,
    neighbourhood_of: &[Option<u32>],
) -> Vec<f64> {
    let centres = OpenCentres::new(input.demand, input.sites, input.open.to_vec(), input.source);
    let reach: Vec<f64> = (0..input.demand.len())
        .map(|i| {
            let kind = point_kind(neighbourhood_of, input.neighbourhoods, i);
            radius.for_kind(kind).unwrap_or(f64::INFINITY)
        })
        .collect();
    // Lists come sorted by position in `open`, so the first is the earliest to open.
    let mut first: Vec<Option<usize>> = vec![None; input.demand.len()];
    centres.costs().within_ids(&reach, |i, list| {
        first[i] = list.first().map(|&k| k as usize);
    });
    // Summed in point order, so the curve does not depend on the number of threads.
    let mut gains = vec![0.0; input.open.len()];
    for (point, first) in input.demand.iter().zip(&first) {
        if let Some(k) = first {
            gains[*k] += point.weight;
        }
    }
    gains
        .iter()
        .scan(0.0, |covered, gain| {
            *covered += gain;
            Some(*covered)
        })
        .collect()
}

/// The weighted distribution of distances to the nearest centre over the points `select` keeps:
/// `(distance, share)` pairs, where `share` of their total weight is at most `distance` away, at
/// `steps` evenly spaced shares (the weighted quantiles). Points no centre reaches count in the
/// total but never in the share, so the curve stops below 1 when some are unreachable. Empty when
/// the selected points weigh nothing.
pub fn distance_distribution(
    weights: &[f64],
    nearest: &[Option<Nearest>],
    select: impl Fn(usize) -> bool,
    steps: usize,
) -> Vec<(f64, f64)> {
    let mut reached: Vec<(f64, f64)> = Vec::new();
    let mut total = 0.0;
    for (i, (&w, n)) in weights.iter().zip(nearest).enumerate() {
        if select(i) && w > 0.0 {
            total += w;
            if let Some(n) = n {
                reached.push((n.distance_m, w));
            }
        }
    }
    if total <= 0.0 {
        return Vec::new();
    }
    reached.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut curve = vec![(0.0, 0.0)];
    let mut cumulative = 0.0;
    let mut next_step = 1;
    for (distance, w) in reached {
        cumulative += w;
        let share = cumulative / total;
        while next_step <= steps && share >= next_step as f64 / steps as f64 - 1e-12 {
            curve.push((distance, share.min(1.0)));
            next_step += 1;
        }
    }
    if let Some(&(distance, share)) = curve.last()
        && share < cumulative / total
    {
        curve.push((distance, cumulative / total));
    }
    curve.dedup();
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_distribution_gives_weighted_quantiles() {
        let at = |d: f64| {
            Some(Nearest {
                site: 0,
                distance_m: d,
                route_m: None,
            })
        };
        // Weights 1, 1, 2 at 100, 300, 200 m, and 4 unreachable: half the weight is reached.
        let weights = [1.0, 1.0, 2.0, 4.0];
        let nearest = [at(100.0), at(300.0), at(200.0), None];
        let curve = distance_distribution(&weights, &nearest, |_| true, 8);
        assert_eq!(
            curve,
            [(0.0, 0.0), (100.0, 0.125), (200.0, 0.375), (300.0, 0.5)]
        );
        assert!(distance_distribution(&weights, &nearest, |_| false, 8).is_empty());
    }
}
