#!/usr/bin/env bash
# Read speed and peak memory of demand points per input format at 1.5M points: CSV, GeoJSON,
# GeoPackage and Shapefile (the last two in UTM 39N, so every point is also reprojected), one
# markdown table row per format on stdout; then the time to write those points as access.gpkg. The files come from one CSV by GDAL's ogr2ogr
# (gdal-bin) and are cached in $WORK (default /tmp/siting-gis-read).
#
#   cargo build --release
#   benches/gis_read.sh            # 1,500,000 points
#   N=100000 benches/gis_read.sh   # another size
#
# Each run is `siting summary --demand FILE` (reading, validation, a one-line summary), timed by
# /usr/bin/time -v; the row notes the load average just before the run (the machine may be
# shared). The points are a fixed pseudo-random scatter over Khuzestan (47.5-50.5 E, 29.5-33 N)
# with integer weights 1-9 and ids H0000001...
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SITING:-$here/target/release/siting}
n=${N:-1500000}
work=${WORK:-/tmp/siting-gis-read}
mkdir -p "$work"

csv="$work/demand-$n.csv"
if [ ! -f "$csv" ]; then
    awk -v n="$n" 'BEGIN {
        srand(1); print "id,lon,lat,weight";
        for (i = 1; i <= n; i++)
            printf "H%07d,%.6f,%.6f,%d\n", i, 47.5 + 3 * rand(), 29.5 + 3.5 * rand(), 1 + int(9 * rand())
    }' >"$csv"
fi
points=(-oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo KEEP_GEOM_COLUMNS=NO
    -oo AUTODETECT_TYPE=YES -s_srs EPSG:4326)
geojson="$work/demand-$n-wgs84.geojson"
[ -f "$geojson" ] || ogr2ogr -f GeoJSON "$geojson" "$csv" "${points[@]}" -t_srs EPSG:4326 \
    -lco COORDINATE_PRECISION=6
gpkg="$work/demand-$n-utm39.gpkg"
[ -f "$gpkg" ] || ogr2ogr -f GPKG "$gpkg" "$csv" -nln demand "${points[@]}" -t_srs EPSG:32639
shp="$work/demand-$n-utm39-shp.shp"
[ -f "$shp" ] || ogr2ogr -f "ESRI Shapefile" "$shp" "$csv" "${points[@]}" -t_srs EPSG:32639 \
    -lco ENCODING=UTF-8

seconds() { # /usr/bin/time -v output -> wall-clock seconds
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}
peak_mb() { # /usr/bin/time -v output -> peak resident memory in MB
    awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"
}

echo "| format | file | MB | load avg | wall s | points/s | peak RSS MB |"
echo "|---|---|---:|---|---:|---:|---:|"
for file in "$csv" "$geojson" "$gpkg" "$shp"; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    /usr/bin/time -v "$bin" summary --demand "$file" >/dev/null 2>"$work/time.txt"
    wall=$(seconds "$work/time.txt")
    rss=$(peak_mb "$work/time.txt")
    size=$(du -cm "${file%.*}".* | awk 'END {print $1}')
    ext=${file##*.}
    rate=$(awk -v n="$n" -v s="$wall" 'BEGIN {printf "%.2f", n / s / 1e6}')
    printf '| %s | %s | %s | %s | %.2f | %s M | %s |\n' "$ext" "$(basename "$file")" "$size" \
        "$load" "$wall" "$rate" "$rss"
done

# Writing: `siting access` of 20 centres over the same points writes access.gpkg (1.5M demand
# features) right after centres.csv, so the time between the two files is the GeoPackage's.
centres="$work/centres-20.csv"
awk 'BEGIN { srand(2); print "id,lon,lat";
    for (i = 1; i <= 20; i++) printf "C%02d,%.6f,%.6f\n", i, 47.5 + 3 * rand(), 29.5 + 3.5 * rand() }' \
    >"$centres"
out="$work/access-$n"
rm -rf "$out"
load=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v "$bin" access --demand "$csv" --centres "$centres" --radius 5000 --no-map \
    --out "$out" >/dev/null 2>"$work/time.txt"
write=$(awk -v a="$(date -r "$out/centres.csv" +%s.%N)" -v b="$(date -r "$out/access.gpkg" +%s.%N)" \
    'BEGIN {printf "%.2f", b - a}')
echo
echo "| write | features | MB | load avg | access.gpkg s | whole access run s | peak RSS MB |"
echo "|---|---:|---:|---|---:|---:|---:|"
printf '| access.gpkg | %s | %s | %s | %s | %s | %s |\n' "$n" "$(du -m "$out/access.gpkg" | cut -f1)" \
    "$load" "$write" "$(seconds "$work/time.txt")" "$(peak_mb "$work/time.txt")"
