"""tools/land_outline.py: TopoJSON land decoded, clipped, simplified, never wrapped around."""

from __future__ import annotations

import importlib.util
import json

from etl.contract.paths import REPO_ROOT

_SPEC = importlib.util.spec_from_file_location(
    "land_outline", REPO_ROOT / "tools" / "land_outline.py"
)
assert _SPEC is not None and _SPEC.loader is not None
land_outline = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(land_outline)


def topology(arcs: list[list[list[int]]], geometries: list[dict]) -> dict:
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [100, 10]},
        "arcs": arcs,
        "objects": {"land": {"type": "GeometryCollection", "geometries": geometries}},
    }


def test_arcs_are_delta_decoded_and_transformed() -> None:
    topo = topology([[[0, 0], [2, 0], [0, 4], [-2, -4]]], [])
    assert land_outline.decode_arcs(topo) == [[(100, 10), (101, 10), (101, 11), (100, 10)]]


def test_a_negative_arc_index_is_the_arc_reversed_and_shared_points_kept_once() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]]
    assert land_outline.ring_points([0, 1], arcs) == [(0, 0), (1, 0), (1, 1), (0, 0)]
    assert land_outline.ring_points([~1], arcs) == [(0, 0), (1, 1), (1, 0)]


def test_a_ring_is_clipped_to_the_window() -> None:
    square = [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]
    clipped = land_outline.clip_ring(square, (10.0, -5.0, 30.0, 10.0))
    assert all(10 <= x <= 30 and -5 <= y <= 10 for x, y in clipped)
    assert land_outline.area(clipped) == 100  # the 10 × 10 part inside
    assert land_outline.clip_ring(square, (50.0, 50.0, 60.0, 60.0)) == []


def test_a_ring_across_the_antimeridian_does_not_band_across_the_window() -> None:
    fiji = [(178.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (178.0, -17.0)]
    unwrapped = land_outline.unwrap(fiji)
    assert max(x for x, _ in unwrapped) - min(x for x, _ in unwrapped) < 10
    assert land_outline.clip_ring(unwrapped) == []


def test_simplify_drops_points_on_a_straight_line_and_keeps_corners() -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 5.0)]
    assert land_outline.simplify(line) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]


def test_outline_splits_outer_rings_and_holes_and_rounds() -> None:
    # One polygon, a 40 × 20 degree block with a 4 × 4 hole, inside the window.
    outer = [[0, 0], [80, 0], [0, 80], [-80, 0], [0, -80]]
    hole = [[20, 20], [0, 16], [8, 0], [0, -16], [-8, 0]]
    topo = topology([outer, hole], [{"type": "Polygon", "arcs": [[0], [1]]}])
    out = land_outline.outline(topo)
    assert len(out["land"]) == 1 and len(out["holes"]) == 1
    json.dumps(out)  # plain JSON


def test_the_shipped_outline_is_what_the_tool_makes_of_its_shape() -> None:
    shipped = json.loads((REPO_ROOT / "dashboard" / "assets" / "land_110m.json").read_text())
    assert set(shipped) == {"land", "holes"}
    for ring in shipped["land"] + shipped["holes"]:
        assert len(ring) >= 3
        assert all(round(v, land_outline.DIGITS) == v for p in ring for v in p)
