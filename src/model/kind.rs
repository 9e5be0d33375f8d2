//! The three kinds of area the programme shares its services between.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of a neighbourhood: fair shares between these are the point of the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaKind {
    /// City neighbourhoods.
    Urban,
    /// Villages and the countryside.
    Rural,
    /// Informal settlements, usually on the fringes of large cities.
    Informal,
}

impl AreaKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [AreaKind; 3] = [AreaKind::Urban, AreaKind::Rural, AreaKind::Informal];

    /// The lowercase name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Urban => "urban",
            AreaKind::Rural => "rural",
            AreaKind::Informal => "informal",
        }
    }

    /// Dense index into a [`PerKind`] table.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for AreaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for AreaKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AreaKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| format!("unknown kind {s:?}: expected urban, rural or informal"))
    }
}

/// One value per area kind, indexed by [`AreaKind`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PerKind<T>(pub [T; 3]);

impl<T> PerKind<T> {
    /// The value for `kind`.
    pub fn get(&self, kind: AreaKind) -> &T {
        &self.0[kind.index()]
    }

    /// The value for `kind`, mutably.
    pub fn get_mut(&mut self, kind: AreaKind) -> &mut T {
        &mut self.0[kind.index()]
    }

    /// `(kind, value)` pairs in [`AreaKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (AreaKind, &T)> {
        AreaKind::ALL.into_iter().zip(self.0.iter())
    }
}

/// Serialised as a map from kind name to value, e.g. `{"urban": 2000, "rural": 10000, ...}`.
impl<T: Serialize> Serialize for PerKind<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_rejects_others() {
        for kind in AreaKind::ALL {
            assert_eq!(kind.as_str().parse::<AreaKind>(), Ok(kind));
        }
        let err = "Urban".parse::<AreaKind>().unwrap_err();
        assert!(err.contains("expected urban, rural or informal"), "{err}");
    }
}
