"""The reach map: cartesian charts on the shipped land, hubs on their coordinates, lanes at sea."""

from __future__ import annotations

import io
import json
import re

import plotly.graph_objects as go
import pytest
from PIL import Image
from tool_support import require_tool

from dashboard import images
from dashboard.charts.geography import Geography, load_geography, load_land
from dashboard.charts.reach_map import (
    CORRIDOR_WINDOW,
    WORLD_WINDOW,
    corridor_chart,
    densify,
    lanes_chart,
)
from dashboard.locales import EN, ZH, locale_for
from etl.contract.paths import DEFAULT_DATA_DIR

ARTICLES = DEFAULT_DATA_DIR / "raw" / "articles"


def traces_with(figure: go.Figure, key: str) -> list[go.Scatter]:
    return [tr for tr in figure.data if isinstance(tr.meta, dict) and key in tr.meta]


def hub_names(figure: go.Figure) -> dict[str, str]:
    """Return each hub's key and the name its hover shows."""
    out: dict[str, str] = {}
    for tr in traces_with(figure, "hubs"):
        out.update(zip(tr.meta["hubs"], tr.customdata or tr.text or (), strict=False))
    return out


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("zh", {"chongqing": "重庆", "chengdu": "成都", "qinzhou": "钦州港", "beihai": "北海"}),
        ("en", {"chongqing": "Chongqing", "guiyang": "Guiyang", "nanning": "Nanning"}),
    ],
)
def test_corridor_map_draws_every_hub_named_in_the_language(
    lang: str, names: dict[str, str]
) -> None:
    figure = corridor_chart(locale_for(lang))
    shown = hub_names(figure)
    assert set(shown) == {h.key for h in load_geography().hubs}
    for key, name in names.items():
        assert shown[key] == name
    # Hover shows the hub's name.
    for tr in traces_with(figure, "hubs"):
        assert tr.hovertemplate.startswith("%{customdata}")
    # No Chinese in English mode, and the English names are not left in Chinese mode.
    text = json.dumps(figure.to_plotly_json()["data"], ensure_ascii=False)
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", " ".join(shown.values()))
    else:
        assert "Chongqing" not in text


def test_hubs_sit_on_their_coordinates_inside_the_corridor_window() -> None:
    figure = corridor_chart(ZH)
    geo = load_geography()
    x0, y0, x1, y1 = CORRIDOR_WINDOW
    for tr in traces_with(figure, "hubs"):
        for key, lon, lat in zip(tr.meta["hubs"], tr.x, tr.y, strict=True):
            hub = geo.hub(key)
            assert (lon, lat) == (hub.lon, hub.lat)
            assert x0 < lon < x1 and y0 < lat < y1
    # Real places: Chongqing north of Guiyang north of Nanning; Chengdu west of Chongqing.
    cq, gy, nn, cd = (geo.hub(k) for k in ("chongqing", "guiyang", "nanning", "chengdu"))
    assert cq.lat > gy.lat > nn.lat and cd.lon < cq.lon
    assert 21 < geo.hub("qinzhou").lat < 22.2 and 108 < geo.hub("qinzhou").lon < 109


def test_the_three_lines_run_by_their_cities_to_the_gulf() -> None:
    lines = {ln.key: ln for ln in load_geography().lines}
    assert lines["west"].paths[0] == ("chengdu", "luzhou", "baise", "qinzhou")
    assert ("chengdu", "yibin", "baise") in lines["west"].paths
    assert lines["middle"].paths == (("chongqing", "guiyang", "nanning", "qinzhou"),)
    assert lines["east"].paths == (("chongqing", "huaihua", "liuzhou", "qinzhou"),)
    drawn = {tr.meta["line"]: tr for tr in traces_with(corridor_chart(EN), "line")}
    assert {drawn[k].name for k in ("west", "middle", "east")} == {
        "West line",
        "Middle line",
        "East line",
    }
    assert [drawn[k].showlegend for k in ("west", "middle", "east")] == [True] * 3


@pytest.mark.parametrize("build", [corridor_chart, lanes_chart])
def test_maps_are_cartesian_on_filled_land_with_no_geo_subplot(build: object) -> None:
    figure = build(ZH)  # type: ignore[operator]
    spec = figure.to_plotly_json()
    assert {tr["type"] for tr in spec["data"]} == {"scatter"}
    assert "geo" not in spec["layout"] and "mapbox" not in spec["layout"]
    land = [tr for tr in figure.data if tr.name == "land"]
    assert len(land) == 1 and land[0].fill == "toself" and land[0].hoverinfo == "skip"
    # Every ring of the shipped outline is drawn, each closed and separated by a gap.
    assert sum(x is None for x in land[0].x) == len(load_land().rings)
    # Equal degrees on both axes: the map never stretches.
    assert figure.layout.yaxis.scaleanchor == "x" and figure.layout.yaxis.scaleratio == 1
    # Nothing names a remote resource: no images, no URLs in the chart.
    assert not figure.layout.images
    assert "http" not in json.dumps(spec)


def test_land_outline_stays_inside_the_world_window_and_is_small() -> None:
    land = load_land()
    x0, y0, x1, y1 = WORLD_WINDOW
    points = [p for ring in (*land.rings, *land.holes) for p in ring]
    assert 500 < len(points) < 5000
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)
    # The Caspian Sea is a hole in the land, drawn in the sea's colour.
    assert any(46 < r[0][0] < 56 and 36 < r[0][1] < 48 for r in land.holes)


def _inside(point: tuple[float, float], ring: tuple[tuple[float, float], ...]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_every_lane_keeps_to_the_sea_on_the_shipped_outline() -> None:
    land = load_land()
    for lane in load_geography().lanes:
        ashore = [
            (round(x, 1), round(y, 1))
            for x, y in densify(lane.path, 0.25)
            if any(_inside((x, y), r) for r in land.rings)
            and not any(_inside((x, y), r) for r in land.holes)
            and not any(a <= x <= c and b <= y <= d for a, b, c, d in lane.through_land)
        ]
        assert not ashore, (lane.key, ashore[:5])


def test_a_land_point_is_found_on_land_so_the_sea_check_can_fail() -> None:
    land = load_land()
    assert any(_inside((103.0, 35.0), r) for r in land.rings)  # Gansu
    assert not any(_inside((88.0, -20.0), r) for r in land.rings)  # the Indian Ocean


def _article_text(source_id: str) -> str:
    for meta in ARTICLES.glob("*.source.json"):
        if json.loads(meta.read_text(encoding="utf-8"))["source_id"] == source_id:
            return meta.with_name(meta.name.removesuffix(".source.json") + ".txt").read_text(
                encoding="utf-8"
            )
    raise AssertionError(f"no article for {source_id}")


def test_every_lane_region_is_named_by_the_sources_it_cites() -> None:
    for lane in load_geography().lanes:
        assert lane.named, lane.key
        for source_id, place, place_en in lane.named:
            assert place in _article_text(source_id), (lane.key, source_id, place)
            assert place_en and not re.search(r"[\u4e00-\u9fff]", place_en)


@pytest.mark.parametrize(
    ("lang", "region", "place"), [("zh", "欧洲", "荷兰"), ("en", "Europe", "the Netherlands")]
)
def test_a_lane_hover_shows_its_region_and_where_reports_name_it(
    lang: str, region: str, place: str
) -> None:
    cited = {"brief-20260113-chinadaily": "<a href='http://evil.example'>X</a>中国日报"}
    figure = lanes_chart(locale_for(lang), cited)
    lanes = {tr.meta["lane"]: tr for tr in traces_with(figure, "lane")}
    assert set(lanes) == {la.key for la in load_geography().lanes}
    ends = {tr.meta["lane_end"]: tr for tr in traces_with(figure, "lane_end")}
    assert set(ends) == set(lanes)
    europe = lanes["europe"]
    assert europe.name == region and ends["europe"].text == (region,)
    assert europe.hovertemplate.startswith(f"<b>{region}</b>")
    assert place in europe.hovertemplate
    # The end's marker and label hover as the lane does.
    assert ends["europe"].hovertemplate == europe.hovertemplate
    # A source's name from the data is inert in the hover.
    assert "<a href" not in europe.hovertemplate and "&lt;a href" in europe.hovertemplate
    # The lane leaving the window says where it goes on.
    assert ends["americas"].text[-1].endswith("→")
    assert ends["americas"].marker.symbol == "triangle-right"


def test_a_lane_is_a_line_and_one_marked_labelled_end() -> None:
    figure = lanes_chart(ZH)
    lanes = {tr.meta["lane"]: tr for tr in traces_with(figure, "lane")}
    ends = {tr.meta["lane_end"]: tr for tr in traces_with(figure, "lane_end")}
    for lane in load_geography().lanes:
        line, end = lanes[lane.key], ends[lane.key]
        # Hover at every interpolated point of the line, and nothing drawn at them: plotly.js
        # makes an SVG node for each point's marker and label, even an empty one.
        assert line.mode == "lines" and line.text is None and line.marker.size is None
        assert list(zip(line.x, line.y, strict=True)) == densify(lane.path)
        assert len(line.x) > 10 or len(lane.path) == 2
        assert (end.x, end.y) == ((line.x[-1],), (line.y[-1],))
        assert end.mode == "markers+text" and end.marker.size == 7
        assert end.textposition == lane.label
    # The labels are drawn over every lane's line: the ends come after all the lines.
    order = [tr.meta for tr in figure.data if isinstance(tr.meta, dict)]
    first_end = next(i for i, m in enumerate(order) if "lane_end" in m)
    assert all("lane" not in m for m in order[first_end:])
    # One marker and label a lane, not one (if empty) on each of its points.
    assert sum(len(tr.x) for tr in figure.data if "markers" in (tr.mode or "")) == len(lanes) + 1


def test_lanes_start_at_the_beibu_gulf() -> None:
    geo: Geography = load_geography()
    gulf = geo.hub("qinzhou")
    starts = {la.key: la.path[0] for la in geo.lanes}
    # Each lane starts in the Gulf or where another lane passes.
    passed = {p for la in geo.lanes for p in la.path}
    for key, (x, y) in starts.items():
        assert (abs(x - gulf.lon) < 1 and abs(y - gulf.lat) < 1) or (x, y) in passed, key


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_png_renders_offline_with_its_caption(lang: str) -> None:
    require_tool("/usr/bin/chromium", "kaleido draws the map in Chromium")
    figure = images.captioned_chart(lanes_chart(locale_for(lang)), "title", "period", "source")
    png = images.chart_png(figure, 1280, 720)
    picture = Image.open(io.BytesIO(png))
    assert picture.size == (1280, 720)
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # land, sea, lanes, labels
    svg = images.chart_svg(corridor_chart(locale_for(lang)), 1280, 720).decode("utf-8")
    assert ("重庆" if lang == "zh" else "Chongqing") in svg
