#!/usr/bin/env python3
"""A second implementation of road-network distances, side by side with `siting access`.

For each instance it reads the same roads GeoJSON, builds the graph of raw segments (no
contraction) with scipy, snaps every demand point and centre to the nearest point of any segment
with shapely, finds each demand point's nearest centre by one multi-source Dijkstra
(`scipy.sparse.csgraph.dijkstra(..., min_only=True)` on the reversed graph), then runs
`siting access --network` on the same files and compares the two `assignment.csv`s: the share of
points whose distance agrees within 0.1%, the largest relative difference, and both times.

The rules it implements (from the "Road networks" section of the interface):

- lines connect only where they share a vertex with bitwise-identical coordinates (the same
  decimal text in the file; both sides parse it to the same double);
- a line with property `oneway: true` is travelled in drawn order only, every other both ways;
- a segment's length is its haversine length, R = 6,371,008.8 m; costs are metres;
- distance = leg from the demand point to its snap point + the path from that point along its
  segment to a vertex, through the graph, and along the centre's segment to the centre's snap
  point (one-way respected; a place snapped exactly onto a vertex may leave or arrive by it) +
  the centre's leg; a demand point and a centre on the same segment may also go straight along
  it when its direction allows;
- a place farther than --snap-max metres (default 1000) from every road is unreachable.

Snapping: an STRtree over the segments in one equirectangular projection (latitude of the
roads' mean) gives the projected nearest distance d0; every segment within 1.06 d0 + 1 m of the
point in that projection (enough to cover the projection's scale error over a 4-degree span) is
then measured exactly in a tangent plane at the point itself, where the error over a kilometre is
about 1e-4 relative; the leg is the haversine length to the foot found there.

Usage (from the repository root, after `cargo build --release`):

    python3 -m venv /tmp/netpeer && /tmp/netpeer/bin/pip install scipy numpy shapely
    /tmp/netpeer/bin/python benches/network_peer.py --instance /tmp/kh --centres 12
    /tmp/netpeer/bin/python benches/network_peer.py --instance /tmp/isf --centres 97
    /tmp/netpeer/bin/python benches/network_peer.py --instance /tmp/isf --centres 97 \
        --demand /tmp/siting-netscale/households.csv    # 1.55M points (benches/network_scaling.sh)

An instance folder is what `siting generate --preset P --seed 1 --out DIR` writes; its
candidates file's first N rows are the centres; --demand replaces its demand file. SITING=path
overrides the binary. The peer's time starts after its imports and includes reading the files.
Points beyond the tolerance are listed with the peer's snap, to check for ties: a point equally
far (to the millimetre) from two roads that meet only far away may be snapped to either, and the
two distances can then differ by a long detour.
"""
import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

ROOT = Path(__file__).resolve().parent.parent
SITING = Path(os.environ.get("SITING", ROOT / "target" / "release" / "siting"))
R = 6_371_008.8
K = R * math.pi / 180.0  # metres per degree of latitude


def haversine(lon1, lat1, lon2, lat2):
    """Metres between arrays of lon/lat degrees (the same formula as siting's)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def read_points(path):
    """(ids, lon, lat) of a demand or candidates CSV (id,lon,lat,...)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    ids = [r["id"] for r in rows]
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    return ids, lon, lat


class Roads:
    """The graph of raw segments: interned vertices, segment endpoints and lengths, arcs."""

    def __init__(self, path):
        t0 = time.perf_counter()
        with open(path) as f:
            features = json.load(f)["features"]
        self.read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = {}
        xs, ys = [], []
        seg_a, seg_b, seg_oneway = [], [], []
        line_vertices = 0
        for feature in features:
            geometry = feature["geometry"]
            oneway = bool((feature.get("properties") or {}).get("oneway") is True)
            parts = (geometry["coordinates"] if geometry["type"] == "MultiLineString"
                     else [geometry["coordinates"]])
            for part in parts:
                previous = None
                for position in part:
                    key = (position[0], position[1])
                    line_vertices += 1
                    v = index.get(key)
                    if v is None:
                        v = len(xs)
                        index[key] = v
                        xs.append(key[0])
                        ys.append(key[1])
                    if previous is not None and v != previous:
                        seg_a.append(previous)
                        seg_b.append(v)
                        seg_oneway.append(oneway)
                    previous = v
        del features, index
        self.lon = np.array(xs)
        self.lat = np.array(ys)
        self.a = np.array(seg_a, dtype=np.int64)
        self.b = np.array(seg_b, dtype=np.int64)
        self.oneway = np.array(seg_oneway, dtype=bool)
        self.length = haversine(self.lon[self.a], self.lat[self.a], self.lon[self.b], self.lat[self.b])
        self.line_vertices = line_vertices
        assert (self.length > 0).all(), "a segment of zero length"
        self.parse_s = time.perf_counter() - t0

    @property
    def n(self):
        return len(self.lon)

    def reversed_graph(self, extra_rows=(), extra_cols=(), extra_w=(), extra_nodes=0):
        """CSR of the arcs reversed (w -> v for every arc v -> w), with extra arcs (already in
        the reversed direction) to `extra_nodes` nodes numbered after the vertices. Parallel
        arcs keep their least cost."""
        two = ~self.oneway
        # Forward arcs a -> b (all), b -> a (two-way); reversed: b -> a and a -> b.
        rows = np.concatenate([self.b, self.a[two], np.asarray(extra_rows, dtype=np.int64)])
        cols = np.concatenate([self.a, self.b[two], np.asarray(extra_cols, dtype=np.int64)])
        w = np.concatenate([self.length, self.length[two], np.asarray(extra_w, dtype=float)])
        order = np.lexsort((w, cols, rows))
        rows, cols, w = rows[order], cols[order], w[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        size = self.n + extra_nodes
        return csr_matrix((w[first], (rows[first], cols[first])), shape=(size, size))


class Snapper:
    """Nearest point of any segment, as described in the module's docstring."""

    def __init__(self, roads):
        self.roads = roads
        self.lat0 = float(np.mean(roads.lat))
        self.c0 = math.cos(math.radians(self.lat0))
        x, y = self.project(roads.lon, roads.lat)
        coords = np.stack(
            [np.stack([x[roads.a], y[roads.a]], axis=1), np.stack([x[roads.b], y[roads.b]], axis=1)],
            axis=1)
        self.tree = shapely.STRtree(shapely.linestrings(coords))

    def project(self, lon, lat):
        return lon * K * self.c0, lat * K

    def snap(self, lon, lat):
        """(segment, t along it from a, leg metres, offset metres from a) of each place."""
        roads = self.roads
        x, y = self.project(lon, lat)
        points = shapely.points(x, y)
        _, d0 = self.tree.query_nearest(points, return_distance=True, all_matches=False)
        # query_nearest returns one pair per point in input order when all_matches=False.
        pairs = self.tree.query(points, predicate="dwithin", distance=d0 * 1.06 + 1.0)
        p, s = pairs
        # Exact in the tangent plane at each point.
        cp = np.cos(np.radians(lat[p])) * K
        ax = (roads.lon[roads.a[s]] - lon[p]) * cp
        ay = (roads.lat[roads.a[s]] - lat[p]) * K
        bx = (roads.lon[roads.b[s]] - lon[p]) * cp
        by = (roads.lat[roads.b[s]] - lat[p]) * K
        abx, aby = bx - ax, by - ay
        t = np.clip(-(ax * abx + ay * aby) / (abx * abx + aby * aby), 0.0, 1.0)
        dist = np.hypot(ax + t * abx, ay + t * aby)
        order = np.lexsort((s, dist, p))  # per point: least distance, then lowest segment
        p, s, t = p[order], s[order], t[order]
        first = np.ones(len(p), dtype=bool)
        first[1:] = p[1:] != p[:-1]
        p, s, t = p[first], s[first], t[first]
        assert (p == np.arange(len(lon))).all(), "a place with no candidate segment"
        foot_lon = roads.lon[roads.a[s]] + t * (roads.lon[roads.b[s]] - roads.lon[roads.a[s]])
        foot_lat = roads.lat[roads.a[s]] + t * (roads.lat[roads.b[s]] - roads.lat[roads.a[s]])
        leg = haversine(lon, lat, foot_lon, foot_lat)
        return s, t, leg, t * roads.length[s]


def nearest_centres(roads, demand_snap, centre_snap, snap_max):
    """Each demand point's nearest centre (index or -1) and distance (inf when unreachable)."""
    ds, dt, dleg, doff = demand_snap
    cs, ct, cleg, coff = centre_snap
    m = len(cs)
    n = roads.n
    ok_c = cleg <= snap_max
    # Entries into centre k (in the reversed graph: centre node n + k -> vertex), +1 m each so
    # that no arc is an explicit zero; every path starts with exactly one of them.
    rows, cols, w = [], [], []
    for k in np.flatnonzero(ok_c):
        seg, a, b = cs[k], roads.a[cs[k]], roads.b[cs[k]]
        rows.append(n + k), cols.append(a), w.append(cleg[k] + coff[k] + 1.0)
        if not roads.oneway[seg] or ct[k] == 1.0:
            rows.append(n + k), cols.append(b), w.append(cleg[k] + roads.length[seg] - coff[k] + 1.0)
    graph = roads.reversed_graph(rows, cols, w, extra_nodes=m)
    t0 = time.perf_counter()
    sources = n + np.flatnonzero(ok_c)
    dist, _, source = dijkstra(graph, directed=True, indices=sources, min_only=True,
                               return_predecessors=True)
    search_s = time.perf_counter() - t0
    dist = dist - 1.0
    source = np.where(source >= n, source - n, -1)
    # Exits of each demand point: forward to b always, back to a when two-way or at a.
    a, b, length = roads.a[ds], roads.b[ds], roads.length[ds]
    fwd = dleg + (length - doff) + dist[b]
    fwd_c = source[b]
    back_ok = (~roads.oneway[ds]) | (dt == 0.0)
    back = np.where(back_ok, dleg + doff + dist[a], np.inf)
    back_c = source[a]
    best = np.where(back < fwd, back, fwd)
    best_c = np.where(back < fwd, back_c, fwd_c)
    # Straight along a shared segment.
    by_seg = {}
    for k in np.flatnonzero(ok_c):
        by_seg.setdefault(int(cs[k]), []).append(k)
    for i in np.flatnonzero(np.isin(ds, list(by_seg))):
        for k in by_seg[int(ds[i])]:
            if coff[k] >= doff[i] or not roads.oneway[ds[i]]:
                c = dleg[i] + cleg[k] + abs(coff[k] - doff[i])
                if c < best[i]:
                    best[i], best_c[i] = c, k
    unreachable = (dleg > snap_max) | ~np.isfinite(best)
    best[unreachable] = np.inf
    best_c[unreachable] = -1
    return best_c, best, search_s, graph


def run_siting(instance, demand, centres_path, radius, snap_max, out):
    cmd = [str(SITING), "access", "--demand", str(demand),
           "--centres", str(centres_path), "--network", str(instance / "roads.geojson"),
           "--radius", str(radius), "--snap-max", str(snap_max), "--no-map", "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    with open(out / "access.json") as f:
        network = json.load(f)["network"]
    return wall, peak_kb, network


def read_assignment(out):
    with open(out / "assignment.csv", newline="") as f:
        return {r["demand_id"]: r for r in csv.DictReader(f)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--centres", type=int, required=True, help="first N candidates")
    parser.add_argument("--demand", type=Path, help="demand CSV (default: the instance's)")
    parser.add_argument("--radius", type=float, default=2000)
    parser.add_argument("--snap-max", type=float, default=1000)
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--show", type=int, default=10, help="disagreements to list")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="netpeer-"))
    with open(args.instance / "candidates.csv") as f:
        lines = f.readlines()[: args.centres + 1]
    centres_path = work / "centres.csv"
    centres_path.write_text("".join(lines))

    demand_path = args.demand or args.instance / "demand.csv"
    wall_s, peak_kb, network = run_siting(
        args.instance, demand_path, centres_path, args.radius, args.snap_max, work / "siting")

    t_all = time.perf_counter()
    roads = Roads(args.instance / "roads.geojson")
    demand_ids, dlon, dlat = read_points(demand_path)
    centre_ids, clon, clat = read_points(centres_path)
    t0 = time.perf_counter()
    snapper = Snapper(roads)
    index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    demand_snap = snapper.snap(dlon, dlat)
    centre_snap = snapper.snap(clon, clat)
    snap_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    best_c, best, search_s, graph = nearest_centres(roads, demand_snap, centre_snap, args.snap_max)
    assign_s = time.perf_counter() - t0 - search_s
    peer_s = time.perf_counter() - t_all
    peer_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    siting_rows = read_assignment(work / "siting")

    # Compare.
    rel, same_centre, both_unreachable, one_unreachable, rows = [], 0, 0, 0, []
    for i, did in enumerate(demand_ids):
        r = siting_rows[did]
        s_d = float(r["distance_m"]) if r["distance_m"] else math.inf
        p_d = best[i]
        p_c = centre_ids[best_c[i]] if best_c[i] >= 0 else ""
        if math.isinf(s_d) and math.isinf(p_d):
            both_unreachable += 1
            rel.append(0.0)
            continue
        if math.isinf(s_d) or math.isinf(p_d):
            one_unreachable += 1
            rel.append(math.inf)
            rows.append((math.inf, did, r["centre_id"], s_d, p_c, p_d, i))
            continue
        d = abs(s_d - p_d) / max(p_d, 1e-9)
        rel.append(d)
        same_centre += r["centre_id"] == p_c
        rows.append((d, did, r["centre_id"], s_d, p_c, p_d, i))
    rel = np.array(rel)
    agree = float(np.mean(rel <= args.tolerance))
    finite = rel[np.isfinite(rel)]
    absdiff = np.array([abs(x[3] - x[5]) for x in rows if math.isfinite(x[0])])

    print(f"## {args.instance.name} ({demand_path.name}): {len(demand_ids):,} demand points, {len(centre_ids)} centres")
    print()
    print(f"siting {SITING} ; python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, shapely {shapely.__version__}; load {os.getloadavg()[0]:.2f}")
    print()
    print(f"roads: {roads.line_vertices:,} line vertices, {roads.n:,} distinct, "
          f"{len(roads.a):,} segments ({int(roads.oneway.sum()):,} one-way); siting: "
          f"{network['road_vertices']:,} road vertices, {network['vertices']:,} vertices and "
          f"{network['edges']:,} edges after contraction; peer graph {graph.shape[0]:,} nodes, "
          f"{graph.nnz:,} arcs")
    print()
    print("| | siting access (whole command) | peer (Python) |")
    print("|---|---:|---:|")
    print(f"| wall time | {wall_s:.2f} s | {peer_s:.2f} s |")
    print(f"| of which read roads JSON | | {roads.read_s:.2f} s |")
    print(f"| of which build graph (intern, segments, lengths) | | {roads.parse_s:.2f} s |")
    print(f"| of which snap index (STRtree) | | {index_s:.2f} s |")
    print(f"| of which snap demand + centres | | {snap_s:.2f} s |")
    print(f"| of which multi-source Dijkstra | | {search_s:.2f} s |")
    print(f"| of which CSR build + exits | | {assign_s:.2f} s |")
    print(f"| peak memory | {peak_kb / 1024:.0f} MB | {peer_peak_mb:.0f} MB |")
    print()
    print(f"- distance within {args.tolerance:.1%}: **{agree:.4%}** of points "
          f"({int(np.sum(rel <= args.tolerance)):,} of {len(rel):,}); same centre: "
          f"{same_centre:,}; unreachable on both sides: {both_unreachable}, on one side only: "
          f"{one_unreachable}")
    if len(finite):
        within = np.array([abs(x[3] - x[5]) for x in rows if x[0] <= args.tolerance])
        print(f"- max relative difference {finite.max():.3e}; max absolute {absdiff.max():.3f} m; "
              f"median relative {np.median(finite):.1e}; max absolute among the points within "
              f"the tolerance {within.max() if len(within) else 0:.3f} m")
    rows.sort(reverse=True)
    shown = [x for x in rows if x[0] > args.tolerance][: args.show]
    if shown:
        print()
        print(f"Points beyond {args.tolerance:.1%} (largest first):")
    else:
        shown = rows[:3]
        print()
        print("None beyond the tolerance; the three largest differences:")
    if shown:
        ds, dt, dleg, doff = demand_snap
        print()
        print("| demand | siting centre | siting m | peer centre | peer m | rel. diff | peer leg m | peer segment |")
        print("|---|---|---:|---|---:|---:|---:|---|")
        for d, did, sc, sd, pc, pd, i in shown:
            seg = ds[i]
            print(f"| {did} | {sc} | {sd:.3f} | {pc} | {pd:.3f} | {d:.2e} | {dleg[i]:.2f} | "
                  f"{seg} ({roads.a[seg]}->{roads.b[seg]}, t={dt[i]:.3f}, "
                  f"{'one-way' if roads.oneway[seg] else 'two-way'}) |")
    print()


if __name__ == "__main__":
    main()
