#!/usr/bin/env python3
"""Side by side with the peer: solve the same instances with `siting plan` and with PySAL spopt
(../shared/peer/spopt_solve.py), in one run on one machine, and print a markdown table of
objectives, siting's proven gap, and the time ratio.

Usage (from the repository root, after `cargo build --release`):

    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install -r ../shared/peer/requirements.txt
    PEER_PYTHON=/tmp/peer/bin/python python3 benches/compare.py [--quick] > /tmp/compare.md

Instances come from the peer's own generator (make_instance.py, preset isfahan, seed 1) and are
cached in $TMPDIR/siting-compare. The peer proves optimality (gap 0) with HiGHS; its wall time
includes building the model but not its ~3 s of Python imports.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT.parent / "shared" / "peer"
SITING = ROOT / "target" / "release" / "siting"

# (demand, candidates, model, p, radius): sizes where the peer finishes within minutes.
CASES = [
    (1000, 200, "mclp", 10, 5000),
    (1000, 200, "mclp", 50, 5000),
    (1000, 200, "lscp", 0, 5000),
    (250, 50, "pmedian", 10, 0),
    (500, 100, "pmedian", 10, 0),
    (1000, 200, "pmedian", 10, 0),
    (250, 50, "pcenter", 10, 0),
    (5000, 500, "mclp", 10, 5000),
    (5000, 500, "mclp", 50, 5000),
    (5000, 500, "mclp", 100, 5000),
    (5000, 500, "lscp", 0, 5000),
]
QUICK = CASES[:3]


def instance(python, n, m):
    folder = Path(tempfile.gettempdir()) / "siting-compare" / f"isfahan-{n}x{m}"
    if not (folder / "demand.csv").exists():
        subprocess.run(
            [python, str(PEER / "make_instance.py"), "--preset", "isfahan", "--seed", "1",
             "--demand", str(n), "--candidates", str(m), "--out", str(folder)],
            check=True, stdout=subprocess.DEVNULL)
    return folder


def model_args(model, p, radius):
    args = ["--model", model]
    if p:
        args += ["--p", str(p)]
    if radius:
        args += ["--radius", str(radius)]
    return args


def run_siting(folder, model, p, radius):
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(SITING), "plan", str(folder), *model_args(model, p, radius), "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        plan = json.loads(Path(out, "plan.json").read_text())
    return plan, wall


def run_peer(python, folder, model, p, radius):
    out = subprocess.run([python, str(PEER / "spopt_solve.py"), str(folder), *model_args(model, p, radius),
                          "--solver", "highs", "--time-limit", "600"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the three smallest cases")
    a = ap.parse_args()
    python = os.environ.get("PEER_PYTHON", "python3")
    print("| model | demand x cand | p | spopt objective | siting objective | difference | siting bound | siting gap "
          "| spopt s | siting s | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, m, model, p, radius in QUICK if a.quick else CASES:
        folder = instance(python, n, m)
        peer = run_peer(python, folder, model, p, radius)
        ours, wall = run_siting(folder, model, p, radius)
        diff = (ours["objective"] - peer["objective"]) / max(abs(peer["objective"]), 1e-12)
        status = "" if peer["sol_status"].startswith("Optimal") else f" ({peer['sol_status']})"
        print(f"| {model} | {n} x {m} | {p or '-'} | {peer['objective']:.6g}{status} | {ours['objective']:.6g} "
              f"| {100 * diff:+.3f}% | {ours['bound']:.6g} | {100 * ours['gap']:.3f}% "
              f"| {peer['total_seconds']:.2f} | {wall:.3f} | {peer['total_seconds'] / wall:.0f}x |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
