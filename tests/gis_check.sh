#!/usr/bin/env bash
# Reads siting's plan.gpkg / access.gpkg (and the .xlsx workbooks) back with GDAL, an independent
# reader: GDAL's GeoPackage validator, the expected layers, feature counts and fields, EPSG:4326,
# and the demand layer's centres and distances equal to assignment.csv. Needs gdal-bin (ogrinfo,
# ogr2ogr) and python3-gdal (validate_gpkg.py, installed with gdal-bin on Debian). Where PyQGIS
# is installed (Debian's python3-qgis, too heavy to install here), tests/qgis_styles.py also
# checks that QGIS applies the default styles of the layer_styles table.
#
# Usage: tests/gis_check.sh [SITING_BINARY]   (default: target/release/siting, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
siting="${1:-target/release/siting}"
[ -x "$siting" ] || cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() { # DESCRIPTION COMMAND...
    local what="$1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $what" >&2
    fi
}

lines() { # rows of a CSV file or features of a GeoJSON file
    case "$1" in
    *.csv) echo $(($(wc -l <"$1") - 1)) ;;
    *) ogrinfo -ro -so -al "$1" | awk -F': ' '/^Feature Count/ {print $2}' ;;
    esac
}

layer_count() { # FILE LAYER
    ogrinfo -ro -so "$1" "$2" | awk -F': ' '/^Feature Count/ {print $2}'
}

has_fields() { # FILE LAYER FIELD... : every FIELD is a field of the layer
    local info
    info="$(ogrinfo -ro -so "$1" "$2")"
    local field
    for field in "${@:3}"; do
        grep -q "^$field: " <<<"$info" || {
            echo "$1 $2: no field $field" >&2
            return 1
        }
    done
}

layers_are() { # FILE EXPECTED (the layer names, one line, in order)
    local got
    got="$(ogrinfo -ro -q "$1" | sed -E 's/^[0-9]+: ([^ ]+).*/\1/' | tr '\n' ' ' | sed 's/ $//')"
    [ "$got" = "$2" ] || {
        echo "$1: layers \"$got\", expected \"$2\"" >&2
        return 1
    }
}

is_wgs84() { # FILE LAYER
    ogrinfo -ro -so "$1" "$2" | grep -q 'ID\["EPSG",4326\]'
}

valid_gpkg() { # FILE: GDAL's own GeoPackage validator (silent when the file is valid)
    local validator=/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py
    if [ -f "$validator" ]; then
        /usr/bin/python3 "$validator" "$1"
    else
        echo "note: $validator not found, GeoPackage validation skipped" >&2
    fi
}

same_assignment() { # DIR STEM: the demand layer says what assignment.csv says
    ogr2ogr -f CSV /vsistdout/ "$1/$2.gpkg" -sql "SELECT id AS demand_id, centre_id,
        CASE WHEN distance_m IS NULL THEN '' ELSE printf('%.3f', distance_m) END AS distance_m
        FROM demand ORDER BY fid" | tr -d '"\r' >"$work/from-gpkg.csv"
    cut -d, -f1-3 "$1/assignment.csv" | tr -d '"\r' | diff -q - "$work/from-gpkg.csv" >/dev/null
}

centre_fields=(id lon lat capacity fixed kind caseload_points caseload_weight covered_weight
    utilisation mean_distance_m max_distance_m)
hood_fields=(id name kind points total_weight covered_weight covered_share mean_distance_m
    median_distance_m p90_distance_m max_distance_m gini)

outputs() { # DIR STEM DEMAND_FILE NEIGHBOURHOODS_FILE CENTRES
    local dir="$1" stem="$2" gpkg="$1/$2.gpkg" xlsx="$1/$2.xlsx"
    check "$gpkg is a valid GeoPackage" valid_gpkg "$gpkg"
    check "$gpkg layers" layers_are "$gpkg" "centres neighbourhoods demand layer_styles"
    check "$gpkg default styles" test "$(ogrinfo -ro -q "$gpkg" -sql "SELECT group_concat(f_table_name)
        FROM layer_styles WHERE useAsDefault" | awk -F' = ' '/group_concat/ {print $2}')" \
        = "centres,neighbourhoods,demand"
    if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
        check "$gpkg styles applied by QGIS" env QT_QPA_PLATFORM=offscreen \
            XDG_RUNTIME_DIR="$work" /usr/bin/python3 tests/qgis_styles.py "$gpkg"
    fi
    for layer in centres neighbourhoods demand; do
        check "$gpkg $layer in EPSG:4326" is_wgs84 "$gpkg" "$layer"
    done
    check "$gpkg centres count" test "$(layer_count "$gpkg" centres)" = "$5"
    check "$gpkg neighbourhoods count" test "$(layer_count "$gpkg" neighbourhoods)" = "$(lines "$4")"
    check "$gpkg demand count" test "$(layer_count "$gpkg" demand)" = "$(lines "$3")"
    check "$gpkg centres fields" has_fields "$gpkg" centres "${centre_fields[@]}"
    check "$gpkg neighbourhoods fields" has_fields "$gpkg" neighbourhoods "${hood_fields[@]}"
    check "$gpkg demand fields" has_fields "$gpkg" demand id weight neighbourhood_id centre_id \
        distance_m covered
    check "$gpkg demand = assignment.csv" same_assignment "$dir" "$stem"
    check "$xlsx sheets" layers_are "$xlsx" "kinds centres neighbourhoods"
    check "$xlsx centres rows" test "$(layer_count "$xlsx" centres)" = "$5"
    check "$xlsx neighbourhoods rows" test "$(layer_count "$xlsx" neighbourhoods)" = "$(lines "$4")"
    check "$xlsx kinds rows (all, 3 kinds, outside)" test "$(layer_count "$xlsx" kinds)" = 5
}

# The demo city along its roads (8,503 households, 63 neighbourhoods), 12 centres.
"$siting" plan data/demo --model mclp --p 12 --radius 1500 --no-map --out "$work/plan" >/dev/null
outputs "$work/plan" plan data/demo/demand.csv data/demo/neighbourhoods.geojson 12

# Access of the tiny instance's four sites, read from a GDAL-made GeoPackage in UTM 39N.
tiny=tests/data/gis/tiny-utm39.gpkg
"$siting" access --demand "$tiny:demand" --centres "$tiny:candidates" \
    --neighbourhoods "$tiny:neighbourhoods" --radius 1500 --no-map --out "$work/access" >/dev/null
outputs "$work/access" access tests/data/tiny/demand.csv tests/data/tiny/neighbourhoods.geojson 4

echo "gis_check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
