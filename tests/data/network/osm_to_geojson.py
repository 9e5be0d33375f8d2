#!/usr/bin/env python3
"""Independent GeoJSON form of the OpenStreetMap fixtures, the oracle for siting's PBF reader.

This script reads the PBF files with pyosmium (libosmium), not with siting's Rust code, applies
the road rules below, and writes one GeoJSON road file per travel profile in the format that
siting's `read_roads_geojson` reads: LineString features (MultiLineString when a way is cut into
several parts), each with `oneway` (true when the road may only be travelled in drawn order; the
line is already turned into its travel direction), `speed_kmh` and `highway`. The unit tests in
`src/io/osm.rs` check that `read_osm_pbf` gives exactly the same roads.

It also builds the hand-made rule fixtures from `rules.osm` (OSM XML, readable by hand):
`rules.osm.pbf` (plain nodes instead of DenseNodes), `rules-low.osm.pbf` (ways carry their node
locations, the `LocationsOnWays` feature, and the file holds no node at all) and
`rules-no-nodes.osm.pbf` (the ways alone: every node is missing).

Run it from anywhere with pyosmium installed (`pip install osmium`); it rewrites, next to itself:
    test-walk.geojson, test-drive.geojson      from test.osm.pbf
    rules.osm.pbf, rules-low.osm.pbf,
    rules-no-nodes.osm.pbf                     from rules.osm
    rules-walk.geojson, rules-drive.geojson    from rules.osm.pbf

The rules (the same as `src/io/osm.rs`):

Which ways are roads
- A way is a road candidate when it has a `highway` tag.
- Walk admits the classes in WALK_CLASSES (motorways and their links are not among them).
  Walking access: the most specific of `foot`, `access` that is present decides; the way is
  closed when that value is `no` or `private`. So `access=private` + `foot=yes` is open,
  `foot=no` is closed whatever `access` says.
- Drive admits the classes with a usual car speed (DRIVE_KMH), except `area=yes`.
  Driving access: the most specific of `motorcar`, `motor_vehicle`, `vehicle`, `access` that is
  present decides; closed when it is `no` or `private`. So `access=no` + `motor_vehicle=yes` is
  open, `motorcar=no` is closed.

Direction
- Walk: two-way, except `oneway:foot=yes|true|1` (drawn order) or `-1|reverse` (reversed).
  `oneway` itself does not bind walkers.
- Drive: `oneway=yes|true|1` -> one-way in drawn order; `oneway=-1|reverse` -> one-way reversed;
  `oneway=no|false|0` -> two-way; otherwise (absent, `reversible`, anything else) one-way in drawn
  order for `junction=roundabout|circular` and for `highway=motorway`, two-way for the rest.
  A reversed road's line (each part's) is written back to front.

Speed (km/h)
- Walk: 4.5 on every road.
- Drive: `maxspeed` when it parses, else the usual speed of the class (DRIVE_KMH). `maxspeed` is
  a number made of digits and dots, optionally followed by a unit (spaces around it ignored):
  none, `km/h`, `kmh` or `kph` (km/h), `mph` (x 1.609344), `knots` (x 1.852); it must come out
  positive. `walk` means 5. Anything else (`none`, `signals`, `FI:urban`, `50;30`) -> class speed.

Geometry
- The line is the way's nodes' coordinates in order, in degrees (libosmium's 1e-7 fixed point
  divided by 1e7). Consecutive repeats of the same coordinates are dropped.
- Nodes missing from the extract (ways cut at its edge) split the way: each run of present nodes
  with at least two distinct positions is one road, in the way's node order; shorter runs are
  dropped.
- Features are written in way id order, one per line.
"""

import json
import os
import sys

import osmium

HERE = os.path.dirname(os.path.abspath(__file__))

WALK_KMH = 4.5

WALK_CLASSES = {
    "footway", "path", "pedestrian", "steps", "corridor", "platform", "cycleway", "bridleway",
    "track", "living_street", "residential", "service", "unclassified", "road",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "trunk", "trunk_link",
}

# The same table as `drive_speed_kmh` in src/model/road.rs.
DRIVE_KMH = {
    "motorway": 110.0, "trunk": 90.0, "primary": 70.0, "secondary": 60.0, "tertiary": 50.0,
    "motorway_link": 50.0, "trunk_link": 50.0,
    "primary_link": 40.0, "secondary_link": 40.0, "tertiary_link": 40.0,
    "unclassified": 40.0, "road": 40.0, "residential": 30.0, "service": 20.0,
    "living_street": 10.0,
}

CLOSED = {"no", "private"}
FORWARD = {"yes", "true", "1"}
BACKWARD = {"-1", "reverse"}
TWO_WAY = {"no", "false", "0"}
UNITS = {"": 1.0, "km/h": 1.0, "kmh": 1.0, "kph": 1.0, "mph": 1.609344, "knots": 1.852}


def open_to(tags, keys):
    """The most specific access key present decides."""
    for key in keys:
        if key in tags:
            return tags[key] not in CLOSED
    return True


def maxspeed_kmh(value):
    value = value.strip()
    if value == "walk":
        return 5.0
    digits = 0
    while digits < len(value) and (value[digits].isascii() and value[digits].isdigit() or value[digits] == "."):
        digits += 1
    number, unit = value[:digits], value[digits:].strip()
    if not number or unit not in UNITS:
        return None
    try:
        v = float(number) * UNITS[unit]
    except ValueError:
        return None
    return v if v > 0 and v != float("inf") else None


def road_rule(tags, travel):
    """(direction, speed_kmh) for an admitted way, None otherwise; direction 0 two-way, 1 drawn, -1 reversed."""
    highway = tags.get("highway")
    if highway is None:
        return None
    if travel == "walk":
        if highway not in WALK_CLASSES or not open_to(tags, ["foot", "access"]):
            return None
        one = tags.get("oneway:foot")
        direction = 1 if one in FORWARD else -1 if one in BACKWARD else 0
        return direction, WALK_KMH
    if highway not in DRIVE_KMH or tags.get("area") == "yes":
        return None
    if not open_to(tags, ["motorcar", "motor_vehicle", "vehicle", "access"]):
        return None
    one = tags.get("oneway")
    if one in FORWARD:
        direction = 1
    elif one in BACKWARD:
        direction = -1
    elif one in TWO_WAY:
        direction = 0
    else:
        implied = tags.get("junction") in ("roundabout", "circular") or highway == "motorway"
        direction = 1 if implied else 0
    speed = maxspeed_kmh(tags["maxspeed"]) if "maxspeed" in tags else None
    return direction, speed if speed is not None else DRIVE_KMH[highway]


def read(path):
    """Node positions (fixed point) and the highway ways, [(id, refs, tags)], of a PBF file."""
    nodes, ways = {}, []
    for o in osmium.FileProcessor(path):
        if o.is_node():
            nodes[o.id] = (o.location.x, o.location.y)
        elif o.is_way() and "highway" in o.tags:
            ways.append((o.id, [n.ref for n in o.nodes], dict(o.tags)))
    ways.sort(key=lambda w: w[0])
    return nodes, ways


def parts_of(refs, nodes):
    parts, run = [], []
    for ref in refs + [None]:
        xy = nodes.get(ref) if ref is not None else None
        if xy is None:
            if len(run) >= 2:
                parts.append(run)
            run = []
        elif not run or run[-1] != xy:
            run.append(xy)
    return parts


def to_geojson(nodes, ways, travel, out_path):
    features = []
    for way_id, refs, tags in ways:
        rule = road_rule(tags, travel)
        if rule is None:
            continue
        direction, speed = rule
        parts = parts_of(refs, nodes)
        if direction == -1:
            parts = [p[::-1] for p in parts]
        lines = [[[x / 1e7, y / 1e7] for x, y in p] for p in parts]
        if not lines:
            continue
        geometry = (
            {"type": "LineString", "coordinates": lines[0]}
            if len(lines) == 1
            else {"type": "MultiLineString", "coordinates": lines}
        )
        features.append({
            "type": "Feature",
            "id": way_id,
            "properties": {"highway": tags["highway"], "oneway": direction != 0, "speed_kmh": speed},
            "geometry": geometry,
        })
    with open(out_path, "w") as f:
        f.write('{"type": "FeatureCollection", "features": [\n')
        f.write(",\n".join(json.dumps(feature) for feature in features))
        f.write("\n]}\n")
    return len(features)


def write_pbf(src, dst, options, keep_nodes, locate=False):
    if os.path.exists(dst):
        os.remove(dst)
    header = osmium.io.Header()
    header.set("generator", "tests/data/network/osm_to_geojson.py")
    writer = osmium.SimpleWriter(osmium.io.File(dst, options), 1024 * 1024, header)
    processor = osmium.FileProcessor(src)
    if locate:
        processor = processor.with_locations()
    for o in processor:
        if o.is_node() and not keep_nodes:
            continue
        writer.add(o)
    writer.close()


def main():
    os.chdir(HERE)
    write_pbf("rules.osm", "rules.osm.pbf", "pbf,pbf_dense_nodes=false", keep_nodes=True)
    write_pbf("rules.osm", "rules-low.osm.pbf", "pbf,locations_on_ways=true", keep_nodes=False,
              locate=True)
    write_pbf("rules.osm", "rules-no-nodes.osm.pbf", "pbf", keep_nodes=False)
    for stem in ("test", "rules"):
        nodes, ways = read(stem + ".osm.pbf")
        for travel in ("walk", "drive"):
            n = to_geojson(nodes, ways, travel, f"{stem}-{travel}.geojson")
            print(f"{stem}-{travel}.geojson: {n} ways with a road, of {len(ways)} with a highway tag",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
