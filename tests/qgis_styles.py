"""Opens plan.gpkg / access.gpkg in QGIS (headless PyQGIS, Debian's python3-qgis) and checks that
the default styles of its `layer_styles` table apply: neighbourhoods graduated by covered share,
centres by existing/new, demand by covered. Run by tests/gis_check.sh when PyQGIS is installed.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_styles.py FILE.gpkg
"""

import math
import sys

from qgis.core import NULL, QgsApplication, QgsRenderContext, QgsVectorLayer

RDYLGN = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"]

EXPECTED = {
    # layer: (renderer, field, the colour a value is drawn in)
    "centres": ("categorizedSymbol", "fixed", {True: "#141414", False: "#0072b2"}.get),
    # Five classes of covered share, each upper bound inclusive.
    "neighbourhoods": (
        "graduatedSymbol",
        "covered_share",
        lambda share: RDYLGN[max(0, min(4, math.ceil(share * 5) - 1))],
    ),
    "demand": ("categorizedSymbol", "covered", {True: "#006837", False: "#3c3c3c"}.get),
}


def check(path, name, renderer, field, colour_of):
    """The problem with one layer's style, or None."""
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        return f"{name}: QGIS cannot open the layer"
    r = layer.renderer()
    if r.type() != renderer:
        return f"{name}: renderer {r.type()}, expected {renderer}"
    context = QgsRenderContext()
    r.startRender(context, layer.fields())
    problem = None
    for feature in layer.getFeatures():
        value = feature[field]
        if value == NULL:  # no figure (a neighbourhood without demand): nothing to colour by
            continue
        want = colour_of(value)
        symbol = r.symbolForFeature(feature, context)
        got = symbol.color().name() if symbol else None
        if got != want:
            problem = f"{name}: {field} = {value} drawn {got}, expected {want}"
            break
    r.stopRender(context)
    return problem


def main(path):
    app = QgsApplication([], False)
    app.initQgis()
    # The layers live only inside check(): QGIS must not outlive them, or exitQgis crashes.
    failures = [p for name, spec in EXPECTED.items() if (p := check(path, name, *spec))]
    app.exitQgis()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
