//! The service radius: one value, or one per area kind (a 1.5 km walk in a city and a 15 km
//! drive in the countryside are both "near").

use crate::error::{Error, Result};
use crate::model::{AreaKind, PerKind};
use serde::Serialize;

/// Radius in metres (or cost-matrix units) by the kind of area a demand point lies in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Radius {
    /// For demand outside every neighbourhood, and for kinds without their own value.
    pub default_m: Option<f64>,
    /// Per-kind overrides.
    pub by_kind: PerKind<Option<f64>>,
}

impl Radius {
    /// One radius everywhere.
    pub fn uniform(radius_m: f64) -> Self {
        Radius {
            default_m: Some(radius_m),
            by_kind: PerKind::default(),
        }
    }

    /// The per-kind radii that are set, by kind, as reports list them.
    pub fn named_by_kind(&self) -> std::collections::BTreeMap<AreaKind, f64> {
        self.by_kind
            .iter()
            .filter_map(|(k, r)| r.map(|r| (k, r)))
            .collect()
    }

    /// The radius for demand in an area of `kind` (None: outside every neighbourhood).
    pub fn for_kind(&self, kind: Option<AreaKind>) -> Option<f64> {
        kind.and_then(|k| *self.by_kind.get(k)).or(self.default_m)
    }

    /// Whether `r` can be a service radius: finite and not negative.
    pub fn is_valid(r: f64) -> bool {
        r.is_finite() && r >= 0.0
    }

    /// Checks every radius is a finite non-negative number.
    pub fn check(&self) -> Result<()> {
        let named = [("--radius", self.default_m)]
            .into_iter()
            .chain(AreaKind::ALL.iter().map(|&k| {
                let flag = match k {
                    AreaKind::Urban => "--radius-urban",
                    AreaKind::Rural => "--radius-rural",
                    AreaKind::Informal => "--radius-informal",
                };
                (flag, *self.by_kind.get(k))
            }));
        for (flag, value) in named {
            if let Some(r) = value
                && !Radius::is_valid(r)
            {
                return Err(Error::Invalid(format!(
                    "{flag} must be a non-negative number of metres, not {r}"
                )));
            }
        }
        Ok(())
    }

    /// Per-kind radii mean nothing without neighbourhoods to give demand its kind: an error,
    /// rather than silently applying `--radius` everywhere.
    pub fn check_kinds_known(&self, have_neighbourhoods: bool) -> Result<()> {
        if !have_neighbourhoods && self.by_kind.0.iter().any(Option::is_some) {
            return Err(Error::Invalid(
                "per-kind radii (--radius-urban, --radius-rural, --radius-informal) need \
                 --neighbourhoods to tell each demand point's kind"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The largest radius in use (for R-tree queries).
    pub fn max_m(&self) -> Option<f64> {
        std::iter::once(self.default_m)
            .chain(self.by_kind.0)
            .flatten()
            .reduce(f64::max)
    }
}
