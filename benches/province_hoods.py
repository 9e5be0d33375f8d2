#!/usr/bin/env python3
"""Neighbourhoods for a province-scale benchmark instance made by the peer's make_instance.py.

Tiles the instance's bounding box with a 40 x 30 grid (1,200 rectangles) and labels each cell by
the household weight it holds: the heaviest 10% of cells urban, the next ~7% informal, the rest
rural. Writes neighbourhoods.geojson into the instance folder. Standard library only.

    python3 benches/province_hoods.py /tmp/inst-province
"""
import csv
import json
import sys
from pathlib import Path

NX, NY = 40, 30


def main(folder):
    folder = Path(folder)
    pts = []
    with open(folder / "demand.csv") as f:
        for row in csv.DictReader(f):
            pts.append((float(row["lon"]), float(row["lat"]), float(row["weight"])))
    x0 = min(p[0] for p in pts) - 1e-6
    x1 = max(p[0] for p in pts) + 1e-6
    y0 = min(p[1] for p in pts) - 1e-6
    y1 = max(p[1] for p in pts) + 1e-6
    dx, dy = (x1 - x0) / NX, (y1 - y0) / NY
    weight = [[0.0] * NY for _ in range(NX)]
    for x, y, w in pts:
        weight[min(int((x - x0) / dx), NX - 1)][min(int((y - y0) / dy), NY - 1)] += w
    ranked = sorted((weight[i][j] for i in range(NX) for j in range(NY)), reverse=True)
    urban_cut = ranked[len(ranked) // 10]  # the densest 10% of cells
    informal_cut = ranked[len(ranked) // 6]  # the next ~7%
    features = []
    for i in range(NX):
        for j in range(NY):
            w = weight[i][j]
            kind = "urban" if w > urban_cut else "informal" if w > informal_cut else "rural"
            a, b = x0 + i * dx, y0 + j * dy
            ring = [[a, b], [a + dx, b], [a + dx, b + dy], [a, b + dy], [a, b]]
            features.append({"type": "Feature",
                             "properties": {"id": f"N{i:02d}{j:02d}", "name": f"cell {i},{j}", "kind": kind},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    (folder / "neighbourhoods.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))


if __name__ == "__main__":
    main(sys.argv[1])
