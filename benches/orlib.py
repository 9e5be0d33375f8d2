#!/usr/bin/env python3
"""OR-Library pmed1-40 (Beasley 1990) through `siting plan`: p-median and vertex p-center.

Each pmedN.txt is a graph ("n edges p", then "i j cost" lines; where an edge is listed twice the
last cost counts, as Beasley's pmedinfo says). Distances are shortest paths (Floyd-Warshall);
every vertex is both a demand point (weight 1) and a candidate, and the n x n matrix is handed to
siting as a cost matrix. The script prints one markdown row per instance and a summary: how
many answers equal the published optimum, how many siting proved optimal (gap 0), total and
worst time (plan.json's `seconds`, the solve without loading).

Usage (from the repository root, after `cargo build --release`):

    python3 benches/orlib.py ORLIB_DIR [--model pmedian|pcenter|both] [--exact]
                             [--time-limit S] [--only 1,2,40]

ORLIB_DIR holds pmed1.txt ... pmed40.txt, and optionally pmedopt.txt (p-median optima, Beasley
1990) and kcenteropt.txt (p-center optima, as in Pullan 2008) with lines "pmedN value". Instance
folders are cached in $TMPDIR/siting-orlib.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITING = Path(os.environ.get("SITING", ROOT / "target" / "release" / "siting"))
CACHE = Path(tempfile.gettempdir()) / "siting-orlib"


def read_graph(path):
    """(n, p, shortest-path matrix as a list of rows) from an OR-Library pmed file."""
    numbers = [int(x) for x in path.read_text().split()]
    n, edges, p = numbers[:3]
    inf = float("inf")
    d = [[inf] * n for _ in range(n)]
    for i in range(n):
        d[i][i] = 0
    for e in range(edges):
        i, j, c = numbers[3 + 3 * e : 6 + 3 * e]
        d[i - 1][j - 1] = c  # the last listing of an edge counts
        d[j - 1][i - 1] = c
    for k in range(n):
        dk = d[k]
        for i in range(n):
            dik = d[i][k]
            if dik != inf:
                # Row at a time: a list comprehension is ten times faster than a loop here.
                d[i] = [a if a <= dik + b else dik + b for a, b in zip(d[i], dk)]
    return n, p, d


def instance(orlib, name):
    """The cached instance folder of `name`, and its p."""
    folder = CACHE / name
    meta = folder / "p.txt"
    if not meta.exists():
        n, p, d = read_graph(orlib / f"{name}.txt")
        folder.mkdir(parents=True, exist_ok=True)
        # Positions only label the vertices (costs come from the matrix): a small grid.
        points = [(51.0 + (i % 30) * 0.01, 32.0 + (i // 30) * 0.01) for i in range(n)]
        with open(folder / "demand.csv", "w") as f:
            f.write("id,lon,lat,weight\n")
            f.writelines(f"v{i + 1},{x:.2f},{y:.2f},1\n" for i, (x, y) in enumerate(points))
        with open(folder / "candidates.csv", "w") as f:
            f.write("id,lon,lat\n")
            f.writelines(f"v{i + 1},{x:.2f},{y:.2f}\n" for i, (x, y) in enumerate(points))
        with open(folder / "cost.csv", "w") as f:
            f.write("demand_id,candidate_id,metres\n")
            for i in range(n):
                f.writelines(f"v{i + 1},v{j + 1},{d[i][j]}\n" for j in range(n))
        meta.write_text(str(p))
    return folder, int(meta.read_text())


def optima(path):
    if not path.exists():
        return {}
    found = re.findall(r"(pmed\d+)\s+(\d+)", path.read_text())
    return {name: float(value) for name, value in found}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("orlib", type=Path)
    parser.add_argument("--model", default="both", choices=["pmedian", "pcenter", "both"])
    parser.add_argument("--exact", action="store_true")
    parser.add_argument("--time-limit", type=float)
    parser.add_argument("--only", help="comma-separated instance numbers")
    args = parser.parse_args()
    numbers = [int(x) for x in args.only.split(",")] if args.only else range(1, 41)
    models = ["pmedian", "pcenter"] if args.model == "both" else [args.model]
    known = {
        "pmedian": optima(args.orlib / "pmedopt.txt"),
        "pcenter": optima(args.orlib / "kcenteropt.txt"),
    }
    for model in models:
        print(f"\n### {model}{' --exact' if args.exact else ''}\n")
        print("| instance | n | p | optimum | objective | bound | gap | proven | s |")
        print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
        equal = proven = 0
        times = []
        for k in numbers:
            name = f"pmed{k}"
            folder, p = instance(args.orlib, name)
            out = CACHE / f"out-{model}-{name}"
            command = [str(SITING), "plan", str(folder), "--model", model, "--p", str(p),
                       "--out", str(out), "--no-map"]
            if args.exact:
                command.append("--exact")
            if args.time_limit is not None:
                command += ["--time-limit", str(args.time_limit)]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            plan = json.loads((out / "plan.json").read_text())
            optimum = known[model].get(name)
            objective, bound, gap = plan["objective"], plan["bound"], plan["gap"]
            ok = optimum is not None and abs(objective - optimum) < 1e-6
            equal += ok
            proven += gap == 0
            times.append(plan["seconds"])
            n = sum(1 for _ in open(folder / "demand.csv")) - 1
            print(f"| {name} | {n} | {p} | {optimum if optimum is not None else '-'} | "
                  f"{objective:g} | {bound:g} | {gap:.2e} | {'yes' if gap == 0 else 'no'} | "
                  f"{plan['seconds']:.2f} |", flush=True)
        print(f"\n{model}: {equal}/{len(times)} equal the published optimum, {proven}/{len(times)} "
              f"proven optimal; total {sum(times):.1f} s, worst {max(times):.2f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
