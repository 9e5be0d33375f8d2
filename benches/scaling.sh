#!/usr/bin/env bash
# Scaling of the whole `siting plan` command (MCLP): wall time and peak memory against demand
# points and against candidates, one markdown table row per run on stdout.
#
#   cargo build --release
#   PEER_PYTHON=/tmp/peer/bin/python benches/scaling.sh             # every case
#   PEER_PYTHON=/tmp/peer/bin/python benches/scaling.sh demand      # only the demand ladder
#   benches/scaling.sh national                                     # only the national preset
#   benches/scaling.sh province                                     # only the 1.5M scenario
#
# Cases (seed 1 everywhere; instances cached in $WORK, default /tmp/siting-scaling):
#   demand      10k, 100k, 1M demand points x 5,000 candidates, p = 97, radius 5 km
#   candidates  100k demand points x 1,000, 5,000, 20,000 candidates, p = 97, radius 5 km
#   candidates1m  the same at 1M demand points
#   national    `siting generate --preset national --seed 1`, p = 2,400, radius 5 km
#   province    the issue's scenario: 1.5M demand points x 20,000 candidates, 1,200 settlements,
#               p = 97, 2 km in urban and informal neighbourhoods, 10 km in rural ones
# Synthetic instances come from the peer's make_instance.py (preset isfahan, max(300, N/1250)
# settlements), with a 40 x 30 grid of neighbourhoods from benches/province_hoods.py, so the
# command also joins, measures per neighbourhood and draws the map and report as a planner's run
# does. Each row notes the load average just before the run: the machine may be shared.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SITING:-$here/target/release/siting}
python=${PEER_PYTHON:-python3}
make_instance=${MAKE_INSTANCE:-$here/../shared/peer/make_instance.py}
work=${WORK:-/tmp/siting-scaling}
mkdir -p "$work"

synthetic() { # N M -> instance folder
    local n=$1 m=$2 dir="$work/inst-$1x$2"
    if [ ! -f "$dir/neighbourhoods.geojson" ]; then
        local settlements=$((n / 1250 > 300 ? n / 1250 : 300))
        "$python" "$make_instance" --preset isfahan --seed 1 --demand "$n" --candidates "$m" \
            --settlements "$settlements" --out "$dir" >/dev/null
        python3 "$here/benches/province_hoods.py" "$dir"
    fi
    echo "$dir"
}

national() {
    local dir="$work/national"
    [ -f "$dir/demand.csv" ] || "$bin" generate --preset national --seed 1 --out "$dir" >/dev/null
    echo "$dir"
}

run() { # LABEL DIR P [RADIUS FLAGS...] (default --radius 5000)
    local label=$1 dir=$2 p=$3 out="$work/out-$1"
    shift 3
    local radius=("$@")
    [ ${#radius[@]} -gt 0 ] || radius=(--radius 5000)
    local load n m
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    rm -rf "$out"
    /usr/bin/time -v "$bin" plan "$dir" --model mclp --p "$p" "${radius[@]}" --out "$out" \
        2>"$out.time" >/dev/null
    n=$(($(wc -l <"$dir/demand.csv") - 1))
    m=$(($(wc -l <"$dir/candidates.csv") - 1))
    python3 - "$label" "$n" "$m" "$p" "$load" "$out/plan.json" "$out.time" <<'EOF'
import json, re, sys
label, n, m, p, load, plan, timing = sys.argv[1:]
plan = json.load(open(plan))
text = open(timing).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = re.search(r"Percent of CPU this job got: (\S+)", text).group(1)
covered = 100 * plan["covered_weight"] / plan["total_weight"]
print(f"| {label} | {int(n):,} | {int(m):,} | {p} | {plan['seconds']:.2f} | {seconds:.2f} | "
      f"{rss / 1024:,.0f} MB | {cpu} | {covered:.1f}% | {100 * plan['gap']:.2f}% | {load} |")
EOF
}

echo "| case | demand points | candidates | p | solve s | wall s | peak RSS | CPU | covered | gap | load before |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cases=${*:-demand candidates candidates1m national province}
for case in $cases; do
    case $case in
    demand)
        for n in 10000 100000 1000000; do
            run "demand-$n" "$(synthetic $n 5000)" 97
        done ;;
    candidates)
        for m in 1000 5000 20000; do
            run "candidates-$m" "$(synthetic 100000 $m)" 97
        done ;;
    candidates1m)
        for m in 1000 5000 20000; do
            run "candidates1m-$m" "$(synthetic 1000000 $m)" 97
        done ;;
    national)
        run national "$(national)" 2400 ;;
    province)
        run province "$(synthetic 1500000 20000)" 97 \
            --radius-urban 2000 --radius-informal 2000 --radius-rural 10000 ;;
    *)
        echo "unknown case $case: demand, candidates, candidates1m, national or province" >&2
        exit 2 ;;
    esac
done
