#!/usr/bin/env bash
# Remakes the GIS fixtures of this folder with GDAL's ogr2ogr (Debian's gdal-bin), from the
# CSV/GeoJSON instances of the repository, so that the readers are tested on files that GDAL
# wrote, not our own writer. Run from anywhere: bash tests/data/gis/make.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/../../.."
tiny="$repo/tests/data/tiny"
demo="$repo/data/demo"
cd "$here"
rm -rf tiny-utm39.gpkg tiny-3857.gpkg demo-utm39.gpkg shp-utm39 shp-3857 shp-1256 bad
mkdir -p shp-utm39 shp-3857 shp-1256 bad

# CSV points: lon/lat become the geometry and are not kept as columns; column types guessed
# (weight Real, capacity Integer, fixed Boolean), ids stay text.
csv_points=(-oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo KEEP_GEOM_COLUMNS=NO
    -oo AUTODETECT_TYPE=YES -s_srs EPSG:4326)

# One GeoPackage per CRS holding the three layers of an instance folder.
gpkg() { # SRC_DIR OUT.gpkg EPSG
    ogr2ogr -f GPKG "$2" "$1/demand.csv" -nln demand "${csv_points[@]}" -t_srs "$3"
    ogr2ogr -update "$2" "$1/candidates.csv" -nln candidates "${csv_points[@]}" -t_srs "$3"
    ogr2ogr -update "$2" "$1/neighbourhoods.geojson" -nln neighbourhoods -nlt MULTIPOLYGON \
        -t_srs "$3"
}
gpkg "$tiny" tiny-utm39.gpkg EPSG:32639
gpkg "$tiny" tiny-3857.gpkg EPSG:3857
gpkg "$demo" demo-utm39.gpkg EPSG:32639

# Shapefiles (UTF-8 .dbf, .cpg says so), one folder per CRS.
shp() { # SRC_DIR OUT_DIR EPSG
    ogr2ogr -f "ESRI Shapefile" "$2/demand.shp" "$1/demand.csv" "${csv_points[@]}" -t_srs "$3" \
        -lco ENCODING=UTF-8
    ogr2ogr -f "ESRI Shapefile" "$2/candidates.shp" "$1/candidates.csv" "${csv_points[@]}" \
        -t_srs "$3" -lco ENCODING=UTF-8
    ogr2ogr -f "ESRI Shapefile" "$2/neighbourhoods.shp" "$1/neighbourhoods.geojson" \
        -nlt MULTIPOLYGON -t_srs "$3" -lco ENCODING=UTF-8
}
shp "$tiny" shp-utm39 EPSG:32639
shp "$tiny" shp-3857 EPSG:3857

# A planner's shapefile: Windows-1256 .dbf, Persian column names and kind values (written with the
# Arabic yeh, U+064A, as Windows-1256 has no Persian yeh), households in a column named khanevar. Read with --id-field kod --weight-field khanevar --kind-field نوع
# --kind-map "شهری=urban,روستایی=rural,غیررسمی=informal".
ogr2ogr -f "ESRI Shapefile" shp-1256/neighbourhoods.shp "$tiny/neighbourhoods.geojson" \
    -nlt MULTIPOLYGON -t_srs EPSG:32639 -lco ENCODING=CP1256 -dialect sqlite -sql \
    "SELECT id AS kod, name AS نام, CASE kind WHEN 'urban' THEN 'شهري' WHEN 'rural' THEN 'روستايي'
     ELSE 'غيررسمي' END AS نوع, geometry FROM neighbourhoods"
ogr2ogr -f "ESRI Shapefile" shp-1256/demand.shp "$tiny/demand.csv" "${csv_points[@]}" \
    -t_srs EPSG:32639 -lco ENCODING=CP1256 -sql "SELECT id AS kod, weight AS khanevar FROM demand"

# bad/: broken inputs for the error tests (tests/gis.rs), each wrong in one way.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/line.csv" <<'CSV'
id,weight,WKT
A,1,"POINT (221470.7 3366788.5)"
B,2,"POINT (221570.7 3366888.5)"
C,3,"LINESTRING (221470 3366788, 221570 3366888)"
CSV
ogr2ogr -f GPKG bad/line-in-demand.gpkg "$tmp/line.csv" -nln demand -oo GEOM_POSSIBLE_NAMES=WKT \
    -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -a_srs EPSG:32639 -nlt GEOMETRY
cat > "$tmp/ring.csv" <<'CSV'
id,name,kind,WKT
N1,Good,urban,"POLYGON ((221000 3366000, 222000 3366000, 222000 3367000, 221000 3366000))"
N2,Sliver,rural,"POLYGON ((221000 3366000, 222000 3366000, 221000 3366000))"
CSV
ogr2ogr -f GPKG bad/short-ring.gpkg "$tmp/ring.csv" -nln neighbourhoods \
    -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:32639 -nlt POLYGON
cat > "$tmp/dup.csv" <<'CSV'
id,lon,lat,weight
H1,48.10,30.40,1
H2,48.11,30.41,2
H1,48.12,30.42,3
CSV
ogr2ogr -f GPKG bad/duplicate-id.gpkg "$tmp/dup.csv" -nln demand "${csv_points[@]}" \
    -t_srs EPSG:32639
# Natural Earth: a projection proj4rs does not implement.
ogr2ogr -f GPKG bad/natural-earth.gpkg "$tiny/demand.csv" -nln demand "${csv_points[@]}" \
    -t_srs "+proj=natearth +lon_0=0 +datum=WGS84 +units=m"
head -c 3000 tiny-utm39.gpkg > bad/truncated.gpkg
printf 'id,lon,lat,weight\nH1,48.1,30.4,1\n' > bad/not-a-geopackage.gpkg
mkdir -p bad/no-prj bad/local-prj bad/unknown-cpg bad/truncated-shp
for ext in shp shx dbf cpg; do
    cp "shp-utm39/demand.$ext" "bad/no-prj/demand.$ext"
    cp "shp-utm39/demand.$ext" "bad/local-prj/demand.$ext"
    cp "shp-utm39/demand.$ext" "bad/truncated-shp/demand.$ext"
done
printf 'LOCAL_CS["Site grid",UNIT["metre",1]]' > bad/local-prj/demand.prj
cp shp-utm39/demand.prj bad/truncated-shp/demand.prj
head -c 200 shp-utm39/demand.shp > bad/truncated-shp/demand.shp
for ext in shp shx dbf prj; do
    cp "shp-1256/neighbourhoods.$ext" "bad/unknown-cpg/neighbourhoods.$ext"
done
printf 'KOI9-X' > bad/unknown-cpg/neighbourhoods.cpg
