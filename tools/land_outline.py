"""Turn world-atlas's TopoJSON land into the reach map's land rings (run once, output shipped).

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/land_outline.py /tmp/package/land-110m.json > dashboard/assets/land_110m.json

Land only (Natural Earth 1:110m land, public domain, via world-atlas, ISC): no national borders
exist in the input, so none can appear on the map. Each ring is clipped to the map's window,
simplified and rounded, so the dashboard ships a few kilobytes and fetches nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

Point = tuple[float, float]
Ring = list[Point]

# The reach map's window: the corridor, the sea lanes from the Beibu Gulf to the Mediterranean,
# East Africa, Australia and Japan, and the Pacific edge the lane to the Americas leaves by.
WINDOW = (5.0, -45.0, 165.0, 58.0)  # lon_min, lat_min, lon_max, lat_max
# Douglas–Peucker tolerance in degrees: below what a 1:110m outline resolves anyway.
TOLERANCE = 0.08
# Coordinates to a hundredth of a degree (about a kilometre): far finer than the outline.
DIGITS = 2
# Rings smaller than this (square degrees) after clipping are specks the map cannot show.
MIN_AREA = 0.05


def decode_arcs(topology: dict) -> list[Ring]:
    """Return every arc of a quantised TopoJSON topology in longitude and latitude."""
    scale = topology.get("transform", {}).get("scale", [1, 1])
    shift = topology.get("transform", {}).get("translate", [0, 0])
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + shift[0], y * scale[1] + shift[1]))
        arcs.append(points)
    return arcs


def ring_points(indices: Sequence[int], arcs: list[Ring]) -> Ring:
    """Return a ring joined from its arcs (a negative index ~i is arc i reversed)."""
    out: Ring = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        # Consecutive arcs share their joining point.
        out.extend(arc if not out else arc[1:])
    return out


def polygons(topology: dict, name: str) -> list[list[Ring]]:
    """Return an object's polygons, each a list of rings (the first outer, the rest holes)."""
    arcs = decode_arcs(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out.extend([ring_points(ring, arcs) for ring in part] for part in parts)
    return out


def unwrap(ring: Ring) -> Ring:
    """Return a ring that crosses the antimeridian made continuous (past 180° where it crosses).

    Fiji's and Chukotka's rings jump from 180° to -180°; walked continuously they stay east of
    the window instead of drawing a band across it.
    """
    out: Ring = []
    shift = 0.0
    for x, y in ring:
        if out and abs(x + shift - out[-1][0]) > 180:
            shift += 360 if out[-1][0] > x + shift else -360
        out.append((x + shift, y))
    # Keep the ring where most of it lies (a ring may start on the far side of the crossing).
    back = min((-360.0, 0.0, 360.0), key=lambda k: sum(not -180 <= x + k <= 180 for x, _ in out))
    return [(x + back, y) for x, y in out]


def clip_ring(ring: Ring, window: tuple[float, float, float, float] = WINDOW) -> Ring:
    """Return a ring clipped to the window (Sutherland–Hodgman, one window edge at a time)."""
    x0, y0, x1, y1 = window
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    )
    points = ring
    for inside, cross in edges:
        if not points:
            break
        kept: Ring = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside(cur):
                if not inside(prev):
                    kept.append(cross(prev, cur))
                kept.append(cur)
            elif inside(prev):
                kept.append(cross(prev, cur))
        points = kept
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: Ring, tolerance: float = TOLERANCE) -> Ring:
    """Return the points with every one closer than tolerance to its neighbours' line dropped."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        far, where = 0.0, -1
        for i in range(lo + 1, hi):
            d = _distance(points[i], points[lo], points[hi])
            if d > far:
                far, where = d, i
        if where >= 0 and far > tolerance:
            keep[where] = True
            stack += [(lo, where), (where, hi)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return float(((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5)
    return float(
        abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5
    )


def area(ring: Ring) -> float:
    """Return a ring's area in square degrees (shoelace)."""
    return abs(
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
    )


def outline(topology: dict) -> dict[str, list[list[list[float]]]]:
    """Return the land's outer rings and its holes (lakes such as the Caspian), clipped."""
    out: dict[str, list[list[list[float]]]] = {"land": [], "holes": []}
    for polygon in polygons(topology, "land"):
        for i, ring in enumerate(polygon):
            clipped = simplify(clip_ring(unwrap(ring)))
            if len(clipped) < 3 or area(clipped) < MIN_AREA:
                continue
            rounded = [[round(x, DIGITS), round(y, DIGITS)] for x, y in clipped]
            out["land" if i == 0 else "holes"].append(rounded)
    return out


def main(argv: list[str]) -> int:
    """Print the clipped land of the TopoJSON file named on the command line as JSON."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        topology = json.load(f)
    json.dump(outline(topology), sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
