//! Coordinate reference systems that GIS files declare, and reprojection to WGS84 lon/lat.
//!
//! Everything inside `siting` is WGS84 longitude/latitude in degrees; a GeoPackage or Shapefile may
//! be in any CRS it declares (an EPSG code in the GeoPackage, WKT in a `.prj`). Projections come
//! from `proj4rs` (pure Rust, PROJ's algorithms), EPSG codes from `crs-definitions` (PROJ strings
//! from the EPSG registry), and WKT (OGC or ESRI flavour) from `proj4wkt`. A CRS that none of
//! them knows, or whose datum shift to WGS84 is unknown, is refused rather than guessed: a wrong
//! guess would move every point by up to hundreds of metres without a word.

use proj4rs::Proj;
use proj4wkt::parser::{Attribute, Processor};

/// Why a CRS cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum CrsError {
    /// The EPSG code is not in the registry's table.
    #[error(
        "unknown coordinate system EPSG:{0}; reproject the file to a known one (e.g. EPSG:4326)"
    )]
    UnknownEpsg(i64),
    /// The WKT could not be turned into a projection.
    #[error(
        "unknown coordinate system {name}: {reason}; reproject the file to a known one (e.g. \
         ogr2ogr -t_srs EPSG:4326)"
    )]
    Unsupported {
        /// The CRS as the file names it.
        name: String,
        /// What failed.
        reason: String,
    },
    /// The datum has no known shift to WGS84.
    #[error(
        "the coordinate system {0} has a datum with no known shift to WGS84 (no TOWGS84); \
         reproject the file to WGS84 (e.g. ogr2ogr -t_srs EPSG:4326)"
    )]
    UnknownDatum(String),
    /// A coordinate could not be reprojected.
    #[error("({x}, {y}) cannot be reprojected from {crs} to WGS84: {reason}")]
    Point {
        /// Easting or longitude, as stored.
        x: f64,
        /// Northing or latitude, as stored.
        y: f64,
        /// The CRS's name.
        crs: String,
        /// proj4rs's reason.
        reason: String,
    },
}

/// A declared CRS, ready to turn its coordinates into WGS84 lon/lat.
#[derive(Debug)]
pub(super) struct Crs {
    /// How messages name it, e.g. `EPSG:32639`.
    name: String,
    /// `None` when the coordinates already are WGS84 lon/lat: they pass through untouched.
    transform: Option<Transform>,
}

#[derive(Debug)]
struct Transform {
    from: Proj,
    wgs84: Proj,
}

impl Crs {
    /// WGS84 longitude/latitude (EPSG:4326), which needs no reprojection.
    pub fn wgs84() -> Self {
        Crs {
            name: "EPSG:4326".into(),
            transform: None,
        }
    }

    /// The CRS of an EPSG code.
    pub fn from_epsg(code: i64) -> Result<Self, CrsError> {
        if code == 4326 {
            return Ok(Crs::wgs84());
        }
        let name = format!("EPSG:{code}");
        let def = u16::try_from(code)
            .ok()
            .and_then(crs_definitions::from_code)
            .ok_or(CrsError::UnknownEpsg(code))?;
        Crs::from_proj(name, def.proj4)
    }

    /// The CRS of a WKT definition (OGC WKT1, WKT2 or ESRI's `.prj` flavour). When the WKT names
    /// its EPSG code, the registry's definition is used (it carries the datum shifts PROJ uses);
    /// otherwise the WKT's own parameters.
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        if let Some(code) = epsg_code(wkt)
            && let Ok(crs) = Crs::from_epsg(code)
        {
            return Ok(crs);
        }
        let name = wkt_name(wkt);
        let proj = proj4wkt::wkt_to_projstring(wkt).map_err(|e| CrsError::Unsupported {
            name: name.clone(),
            reason: e.to_string(),
        })?;
        Crs::from_proj(name, &proj)
    }

    fn from_proj(name: String, proj: &str) -> Result<Self, CrsError> {
        // Without a datum, proj4rs (like PROJ 4) skips the datum shift. That is right for the
        // WGS84 and GRS80 ellipsoids (WGS84 itself, NAD83, ETRS89: PROJ's ballpark too) and
        // wrong by up to hundreds of metres for any other: refuse those.
        if ![
            "+datum=",
            "+towgs84=",
            "+nadgrids=",
            "+ellps=WGS84",
            "+ellps=GRS80",
        ]
        .iter()
        .any(|p| proj.contains(p))
        {
            return Err(CrsError::UnknownDatum(name));
        }
        let unsupported = |e: proj4rs::errors::Error| CrsError::Unsupported {
            name: name.clone(),
            reason: e.to_string(),
        };
        let from = Proj::from_proj_string(proj).map_err(unsupported)?;
        let wgs84 =
            Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").map_err(unsupported)?;
        if !from.has_inverse() {
            return Err(CrsError::Unsupported {
                name,
                reason: "its projection has no inverse in proj4rs".into(),
            });
        }
        Ok(Crs {
            name,
            transform: Some(Transform { from, wgs84 }),
        })
    }

    /// `(x, y)` as stored in the file, as WGS84 `(lon, lat)` in degrees. Not-a-number passes
    /// through, for the position checks to name.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let Some(t) = &self.transform else {
            return Ok((x, y));
        };
        if !(x.is_finite() && y.is_finite()) {
            return Ok((x, y));
        }
        // proj4rs works in radians on geographic systems.
        let (sx, sy) = if t.from.is_latlong() {
            (x.to_radians(), y.to_radians())
        } else {
            (x, y)
        };
        proj4rs::adaptors::transform_xy(&t.from, &t.wgs84, sx, sy)
            .map(|(lon, lat)| (lon.to_degrees(), lat.to_degrees()))
            .map_err(|e| CrsError::Point {
                x,
                y,
                crs: self.name.clone(),
                reason: e.to_string(),
            })
    }
}

/// The name a WKT gives its CRS (its first quoted string), for messages.
fn wkt_name(wkt: &str) -> String {
    wkt.split('"')
        .nth(1)
        .filter(|n| !n.is_empty())
        .map_or_else(|| wkt.chars().take(60).collect(), str::to_owned)
}

/// The EPSG code of the WKT's top-level `AUTHORITY["EPSG","…"]` (WKT1) or `ID["EPSG",…]` (WKT2),
/// if it has one; inner ones name its parts (datum, ellipsoid, units), not the CRS.
fn epsg_code(wkt: &str) -> Option<i64> {
    proj4wkt::parser::parse(wkt, &TopAuthority).ok().flatten()
}

/// A `proj4wkt` grammar that keeps only the EPSG code of the root node's authority.
struct TopAuthority;

impl<'a> Processor<'a> for TopAuthority {
    type Err = std::io::Error;
    /// For an `AUTHORITY`/`ID` node: its code when the authority is EPSG; for the root: the
    /// code found among its children.
    type Output = Option<i64>;

    fn process<I>(&self, key: &'a str, depth: usize, attrs: I) -> Result<Self::Output, Self::Err>
    where
        I: Iterator<Item = Attribute<'a, Self::Output>>,
    {
        let attrs: Vec<_> = attrs.collect();
        let code = match (key, depth) {
            ("AUTHORITY" | "ID", _) => match attrs.as_slice() {
                [
                    Attribute::Quoted(auth),
                    Attribute::Quoted(code) | Attribute::Number(code),
                    ..,
                ] if auth.eq_ignore_ascii_case("EPSG") => code.trim().parse().ok(),
                _ => None,
            },
            (_, 0) => attrs.iter().find_map(|a| match a {
                Attribute::Keyword("AUTHORITY" | "ID", code) => *code,
                _ => None,
            }),
            _ => None,
        };
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(EPSG, x, y, lon, lat)`: PROJ 9.1.1's inverse of `(x, y)` (`cs2cs -f %.12f EPSG:n
    /// EPSG:4326`), for points spread over Iran's UTM zones 38N–41N (from 3.5° west of the
    /// central meridian to 4° east of it, latitudes 25–39.75°) and over Web Mercator.
    const PROJ: [(i64, f64, f64, f64, f64); 41] = [
        (
            32638,
            146673.793,
            2769512.329,
            41.500000004653,
            24.999999999454,
        ),
        (
            32638,
            171125.834,
            3601260.339,
            41.499999999892,
            32.500000004003,
        ),
        (
            32638,
            200120.049,
            4405871.093,
            41.499999999695,
            39.750000002579,
        ),
        (
            32638,
            525227.479,
            2764971.008,
            45.249999996237,
            25.000000003928,
        ),
        (
            32638,
            523484.824,
            3595886.643,
            45.249999998590,
            32.500000003195,
        ),
        (
            32638,
            521417.556,
            4400040.142,
            45.249999995028,
            39.749999995756,
        ),
        (
            32638,
            903851.151,
            2770911.905,
            48.999999998593,
            24.999999996595,
        ),
        (
            32638,
            875886.633,
            3602915.991,
            48.999999999716,
            32.499999995936,
        ),
        (
            32638,
            842731.917,
            4407667.095,
            48.999999995581,
            39.749999997736,
        ),
        (
            32639,
            146673.793,
            2769512.329,
            47.500000004653,
            24.999999999454,
        ),
        (
            32639,
            171125.834,
            3601260.339,
            47.499999999892,
            32.500000004003,
        ),
        (
            32639,
            200120.049,
            4405871.093,
            47.499999999695,
            39.750000002579,
        ),
        (
            32639,
            525227.479,
            2764971.008,
            51.249999996237,
            25.000000003928,
        ),
        (
            32639,
            523484.824,
            3595886.643,
            51.249999998590,
            32.500000003195,
        ),
        (
            32639,
            521417.556,
            4400040.142,
            51.249999995028,
            39.749999995756,
        ),
        (
            32639,
            903851.151,
            2770911.905,
            54.999999998593,
            24.999999996595,
        ),
        (
            32639,
            875886.633,
            3602915.991,
            54.999999999716,
            32.499999995936,
        ),
        (
            32639,
            842731.917,
            4407667.095,
            54.999999995581,
            39.749999997736,
        ),
        (
            32640,
            146673.793,
            2769512.329,
            53.500000004653,
            24.999999999454,
        ),
        (
            32640,
            171125.834,
            3601260.339,
            53.499999999892,
            32.500000004003,
        ),
        (
            32640,
            200120.049,
            4405871.093,
            53.499999999695,
            39.750000002579,
        ),
        (
            32640,
            525227.479,
            2764971.008,
            57.249999996237,
            25.000000003928,
        ),
        (
            32640,
            523484.824,
            3595886.643,
            57.249999998590,
            32.500000003195,
        ),
        (
            32640,
            521417.556,
            4400040.142,
            57.249999995028,
            39.749999995756,
        ),
        (
            32640,
            903851.151,
            2770911.905,
            60.999999998593,
            24.999999996595,
        ),
        (
            32640,
            875886.633,
            3602915.991,
            60.999999999716,
            32.499999995936,
        ),
        (
            32640,
            842731.917,
            4407667.095,
            60.999999995581,
            39.749999997736,
        ),
        (
            32641,
            146673.793,
            2769512.329,
            59.500000004653,
            24.999999999454,
        ),
        (
            32641,
            171125.834,
            3601260.339,
            59.499999999892,
            32.500000004003,
        ),
        (
            32641,
            200120.049,
            4405871.093,
            59.499999999695,
            39.750000002579,
        ),
        (
            32641,
            525227.479,
            2764971.008,
            63.249999996237,
            25.000000003928,
        ),
        (
            32641,
            523484.824,
            3595886.643,
            63.249999998590,
            32.500000003195,
        ),
        (
            32641,
            521417.556,
            4400040.142,
            63.249999995028,
            39.749999995756,
        ),
        (
            32641,
            903851.151,
            2770911.905,
            66.999999998593,
            24.999999996595,
        ),
        (
            32641,
            875886.633,
            3602915.991,
            66.999999999716,
            32.499999995936,
        ),
        (
            32641,
            842731.917,
            4407667.095,
            66.999999995581,
            39.749999997736,
        ),
        (
            3857,
            4898057.595,
            2875744.624,
            44.000000000862,
            24.999999997132,
        ),
        (
            3857,
            5371165.431,
            3555070.434,
            48.250000002017,
            30.400000001260,
        ),
        (
            3857,
            5721821.827,
            4259419.966,
            51.400000002028,
            35.700000003298,
        ),
        (
            3857,
            7046523.767,
            4836921.246,
            63.299999998076,
            39.799999997240,
        ),
        (
            3857,
            -13413998.641,
            -5621521.486,
            -120.500000003688,
            -44.999999998780,
        ),
    ];

    /// Metres between two lon/lat positions this close together (equirectangular).
    fn metres_apart((lon1, lat1): (f64, f64), (lon2, lat2): (f64, f64)) -> f64 {
        let m_per_degree = 6_378_137.0_f64.to_radians();
        let dx = (lon1 - lon2) * lat1.to_radians().cos() * m_per_degree;
        let dy = (lat1 - lat2) * m_per_degree;
        dx.hypot(dy)
    }

    #[track_caller]
    fn agrees_with_proj(crs: &Crs, epsg: i64) {
        for &(code, x, y, lon, lat) in PROJ.iter().filter(|p| p.0 == epsg) {
            let got = crs.to_wgs84(x, y).expect("reprojects");
            let off = metres_apart(got, (lon, lat));
            assert!(
                off < 0.001,
                "EPSG:{code} ({x}, {y}): {got:?} is {off} m from PROJ"
            );
        }
    }

    #[test]
    fn epsg_codes_agree_with_proj_to_a_millimetre() {
        for epsg in [32638, 32639, 32640, 32641, 3857] {
            agrees_with_proj(&Crs::from_epsg(epsg).expect("known"), epsg);
        }
    }

    /// GDAL writes ESRI-flavoured WKT without authority codes into a `.prj`; the fixtures' `.prj`
    /// files are exactly what `ogr2ogr` wrote.
    #[test]
    fn esri_prj_files_agree_with_proj_to_a_millimetre() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gis");
        for (folder, epsg) in [("shp-utm39", 32639), ("shp-3857", 3857)] {
            let wkt = std::fs::read_to_string(dir.join(folder).join("demand.prj")).expect("prj");
            assert_eq!(
                epsg_code(&wkt),
                None,
                "{folder}: ESRI WKT names no EPSG code"
            );
            agrees_with_proj(&Crs::from_wkt(&wkt).expect("known"), epsg);
        }
    }

    #[test]
    fn the_top_level_authority_names_the_crs() {
        // EPSG's own WKT1, as GDAL writes it into a GeoPackage's gpkg_spatial_ref_sys.
        let utm = r#"PROJCS["WGS 84 / UTM zone 40N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",57],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32640"]]"#;
        assert_eq!(epsg_code(utm), Some(32640));
        agrees_with_proj(&Crs::from_wkt(utm).expect("known"), 32640);
        let wkt2 = r#"PROJCRS["WGS 84 / UTM zone 41N",BASEGEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563]],ID["EPSG",4326]],CONVERSION["UTM zone 41N",METHOD["Transverse Mercator",ID["EPSG",9807]]],ID["EPSG",32641]]"#;
        assert_eq!(epsg_code(wkt2), Some(32641));
    }

    /// Iran's ED50(ED77) / UTM 39N (EPSG:2059). `cs2cs -f %.9f EPSG:2059 EPSG:4326` on
    /// (500000, 3600000) gives 32.535781069 N, 51.000136373 E through PROJ's best operation (a
    /// 7-parameter Helmert, "1 m"); the registry's 3-parameter shift (-117, -132, -164) lands
    /// 8 m away: datum shifts are metre-level, unlike the projections themselves.
    #[test]
    fn iran_ed77_is_shifted_to_wgs84_within_ten_metres_of_proj() {
        let crs = Crs::from_epsg(2059).expect("known");
        let got = crs.to_wgs84(500_000.0, 3_600_000.0).expect("reprojects");
        let off = metres_apart(got, (51.000136373, 32.535781069));
        assert!(off < 10.0, "{got:?} is {off} m from PROJ");
        // Without the shift the point would be about 150 m off.
        let unshifted = Crs::from_epsg(32639).expect("known");
        let plain = unshifted
            .to_wgs84(500_000.0, 3_600_000.0)
            .expect("reprojects");
        assert!(metres_apart(plain, got) > 100.0);
    }

    #[test]
    fn wgs84_passes_through_untouched() {
        let crs = Crs::from_epsg(4326).expect("known");
        assert_eq!(crs.to_wgs84(48.123456789, 30.4), Ok((48.123456789, 30.4)));
    }

    #[test]
    fn unknown_systems_are_refused() {
        assert_eq!(
            Crs::from_epsg(999_999).unwrap_err(),
            CrsError::UnknownEpsg(999_999)
        );
        assert!(matches!(
            Crs::from_wkt("nonsense").unwrap_err(),
            CrsError::Unsupported { .. }
        ));
        // International 1924 ellipsoid (ED50) with no TOWGS84: the shift is unknown.
        let ed50 = r#"PROJCS["ED_1950_UTM_Zone_39N",GEOGCS["GCS_European_1950",DATUM["D_European_1950",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert!(matches!(
            Crs::from_wkt(ed50).unwrap_err(),
            CrsError::UnknownDatum(name) if name == "ED_1950_UTM_Zone_39N"
        ));
    }
}
