use super::*;
use crate::generate::{Preset, generate as generate_preset, province_params};
use std::collections::BTreeMap;

#[test]
fn households_follow_the_census_and_add_up() {
    // Khorramshahr (0607): 170,976 persons, 135,328 urban, 35,646 rural, 2 unsettled.
    // 170,976 / 3.3 = 51,810.9 -> 51,811; urban 51,811 x 135,328 / 170,974 = 41,009.1.
    assert_eq!(households(170_976, 135_328, 35_646), (41_009, 10_802));
    assert_eq!(households(0, 0, 0), (0, 0));
    assert_eq!(households(10, 0, 10), (0, 3));
}

#[test]
fn every_preset_reads_its_embedded_data() {
    for (preset, counties_expected, households_expected) in [
        (Preset::Isfahan, 24, 1_551_770),
        (Preset::Gilan, 16, 766_877),
        (Preset::Khorramshahr, 1, 51_811),
    ] {
        let params = province_params(preset);
        let counties = counties(&params);
        assert_eq!(counties.len(), counties_expected, "{preset}");
        let total: u32 = counties
            .iter()
            .map(|c| c.urban_households + c.rural_households)
            .sum();
        assert_eq!(total, households_expected, "{preset}");
        let places = places(&params);
        assert!(
            places
                .iter()
                .all(|p| p.lon.is_finite() && p.lat.is_finite())
        );
        assert!(
            counties
                .iter()
                .any(|c| places.iter().any(|p| p.county_id == c.id))
        );
    }
}

/// Weight per (county, urban|rural) of a generated instance.
fn weights(instance: &Instance) -> BTreeMap<(String, String), f64> {
    let mut sums = BTreeMap::new();
    for p in &instance.demand {
        let county =
            p.id.split('-')
                .next()
                .expect("ids start with the county")
                .to_owned();
        let group = p.group.clone().expect("every point has a group");
        *sums.entry((county, group)).or_default() += p.weight;
    }
    sums
}

fn check_exact(preset: Preset, persons: f64, households_total: f64, county_count: usize) {
    let params = province_params(preset);
    let counties = counties(&params);
    assert_eq!(counties.len(), county_count);
    let instance = generate_preset(preset, 7);
    let sums = weights(&instance);
    for county in &counties {
        let get = |group: &str| sums.get(&(county.id.clone(), group.to_owned())).copied();
        assert_eq!(
            get("urban").unwrap_or(0.0),
            f64::from(county.urban_households),
            "{}",
            county.id
        );
        assert_eq!(
            get("rural").unwrap_or(0.0),
            f64::from(county.rural_households),
            "{}",
            county.id
        );
    }
    let total: f64 = instance.demand.iter().map(|p| p.weight).sum();
    assert_eq!(total, households_total);
    // The household size is about the census national average.
    assert!((persons / total - PERSONS_PER_HOUSEHOLD).abs() < 0.01);
    assert!(instance.demand.iter().all(|p| p.weight >= 1.0));
    let kinds: Vec<AreaKind> = instance.neighbourhoods.iter().map(|n| n.kind).collect();
    assert!(
        AreaKind::ALL.iter().all(|k| kinds.contains(k)),
        "every kind occurs"
    );
    assert!(instance.sites.iter().any(|s| s.fixed));
}

#[test]
fn khorramshahr_households_equal_the_census_figures() {
    check_exact(Preset::Khorramshahr, 170_976.0, 51_811.0, 1);
}

#[test]
fn gilan_households_per_county_equal_the_census_figures() {
    check_exact(Preset::Gilan, 2_530_696.0, 766_877.0, 16);
}

#[test]
fn same_seed_same_instance() {
    let a = generate_preset(Preset::Khorramshahr, 3);
    let b = generate_preset(Preset::Khorramshahr, 3);
    assert_eq!(a.demand, b.demand);
    assert_eq!(a.sites, b.sites);
    assert_eq!(a.neighbourhoods, b.neighbourhoods);
    let c = generate_preset(Preset::Khorramshahr, 4);
    assert_ne!(a.demand, c.demand);
}
