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
