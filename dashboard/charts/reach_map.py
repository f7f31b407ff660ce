"""The reach map as plain cartesian plotly charts (x = longitude, y = latitude, equal scale).

No geo subplot: plotly.js draws geo base layers from TopoJSON it fetches from a CDN. Here the
land is the shipped outline (dashboard/assets/land_110m.json), drawn as filled shapes, and no
national border is drawn at all. Two maps: the corridor's hubs and lines, which span a few
degrees, and the sea lanes from the Beibu Gulf to the regions the reports name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import plotly.graph_objects as go

from dashboard.charts.geography import (
    Geography,
    Land,
    Lane,
    Point,
    in_language,
    load_geography,
    load_land,
)
from dashboard.charts.theme import FONT_STACK, OKABE_ITO, TEMPLATE, TEXT_COLOUR
from dashboard.locales import Locale
from dashboard.safe_text import chart_text

# Windows (lon_min, lat_min, lon_max, lat_max): the corridor from Chengdu to the Gulf, and the
# seas from the Mediterranean to Japan and Australia (the outline is clipped to the latter).
CORRIDOR_WINDOW = (102.0, 19.9, 112.0, 31.6)
WORLD_WINDOW = (5.0, -45.0, 165.0, 58.0)
MAP_HEIGHT = 440
# The world is wider than tall (160° by 103°): a lower chart leaves less blank on a phone.
LANES_HEIGHT = 380
LAND_COLOUR = "#ECEAE4"
COAST_COLOUR = "#A8A29E"
SEA_COLOUR = "#F2F7FB"
LANE_COLOUR = OKABE_ITO[0]
HUB_COLOUR = TEXT_COLOUR
# Each main line its own Okabe–Ito hue; the Gulf's harbour links in a quiet grey.
LINE_COLOURS = {"west": OKABE_ITO[3], "middle": OKABE_ITO[0], "east": OKABE_ITO[2]}
GULF_COLOUR = "#6B7280"
HUB_SIZE = {"hub": 11, "port": 9, "stop": 7}
HUB_SYMBOL = {"hub": "circle", "port": "square", "stop": "circle-open"}
# Hover along a lane, not only at its corners: a point every this many degrees.
LANE_STEP = 1.5
# A lane that ends this close to the window's edge goes on beyond the map.
EDGE = 1.0


def land_traces(land: Land) -> list[go.Scatter]:
    """Return the land as filled shapes and its lakes filled with sea, neither hoverable."""
    traces = []
    for rings, fill in ((land.rings, LAND_COLOUR), (land.holes, SEA_COLOUR)):
        if not rings:
            continue
        xs, ys = _joined(rings)
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                line={"color": COAST_COLOUR, "width": 0.6},
                hoverinfo="skip",
                showlegend=False,
                name="land" if fill == LAND_COLOUR else "lakes",
            )
        )
    return traces


def _joined(rings: Iterable[Sequence[Point]]) -> tuple[list[float | None], list[float | None]]:
    """Return rings as one x and one y list, each ring closed and separated by a gap."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        closed = [*ring, ring[0]]
        xs += [p[0] for p in closed] + [None]
        ys += [p[1] for p in closed] + [None]
    return xs, ys


def densify(path: Sequence[Point], step: float = LANE_STEP) -> list[Point]:
    """Return the path with points added so that none is more than `step` degrees apart."""
    out = [path[0]]
    for a, b in pairwise(path):
        n = max(1, int(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 // step) + 1)
        out += [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n)]
        out.append(b)
    return out


def _layout(figure: go.Figure, window: tuple[float, float, float, float], locale: Locale) -> None:
    x0, y0, x1, y1 = window
    # Same degrees on both axes (equirectangular); the plot shrinks to fit, never stretches.
    axis = {"visible": False, "showgrid": False, "zeroline": False, "constrain": "domain"}
    figure.update_layout(
        template=TEMPLATE,
        height=MAP_HEIGHT,
        margin={"l": 4, "r": 4, "t": 36, "b": 4},
        plot_bgcolor=SEA_COLOUR,
        hovermode="closest",
        dragmode="pan",
        xaxis={**axis, "range": [x0, x1]},
        yaxis={**axis, "range": [y0, y1], "scaleanchor": "x", "scaleratio": 1},
        hoverlabel={"font": {"family": FONT_STACK, "size": 13}},
        meta={"map": "reach", "lang": locale.lang},
    )


def corridor_chart(locale: Locale, geography: Geography | None = None) -> go.Figure:
    """Return the corridor's hubs and its west, middle and east lines on a land base."""
    geo = geography or load_geography()
    figure = go.Figure(land_traces(load_land()))
    for line in geo.lines:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for path in line.paths:
            stops = [geo.hub(k) for k in path]
            xs += [h.lon for h in stops] + [None]
            ys += [h.lat for h in stops] + [None]
        colour = LINE_COLOURS.get(line.key, GULF_COLOUR)
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 3 if line.key in LINE_COLOURS else 2},
                name=line.name(locale),
                hovertemplate=f"{chart_text(line.name(locale))}<extra></extra>",
                showlegend=line.key in LINE_COLOURS,
                meta={"line": line.key},
            )
        )
    for kind in ("stop", "hub", "port"):
        hubs = [h for h in geo.hubs if h.kind == kind]
        if not hubs:
            continue
        figure.add_trace(
            go.Scatter(
                x=[h.lon for h in hubs],
                y=[h.lat for h in hubs],
                mode="markers+text",
                marker={
                    "size": HUB_SIZE[kind],
                    "symbol": HUB_SYMBOL[kind],
                    "color": HUB_COLOUR,
                    "line": {"color": "#FFFFFF" if kind != "stop" else HUB_COLOUR, "width": 1},
                },
                text=[h.name(locale) if h.offset is None else "" for h in hubs],
                customdata=[h.name(locale) for h in hubs],
                textposition=[h.label for h in hubs],
                textfont={"size": 13 if kind != "stop" else 11, "color": TEXT_COLOUR},
                hovertemplate="%{customdata}<extra></extra>",
                name=locale.t(f"map_{kind}"),
                showlegend=False,
                meta={"hubs": [h.key for h in hubs]},
            )
        )
    for hub in geo.hubs:
        if hub.offset is None:
            continue
        figure.add_annotation(
            x=hub.lon,
            y=hub.lat,
            ax=hub.offset[0],
            ay=hub.offset[1],
            text=hub.name(locale),
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=COAST_COLOUR,
            font={"size": 13, "color": TEXT_COLOUR},
        )
    figure.add_annotation(
        x=107.5,
        y=20.1,
        text=f"<i>{locale.t('map_gulf')}</i>",
        showarrow=False,
        font={"size": 12, "color": LANE_COLOUR},
    )
    _layout(figure, CORRIDOR_WINDOW, locale)
    return figure


def lanes_chart(
    locale: Locale, cited: Mapping[str, str] | None = None, geography: Geography | None = None
) -> go.Figure:
    """Return the sea lanes from the Beibu Gulf to each region the reports name, on land.

    cited: each source's name as the page cites it (publisher, date), for a lane's hover.
    """
    geo = geography or load_geography()
    figure = go.Figure(land_traces(load_land()))
    lanes = [_lane_traces(lane, locale, cited or {}) for lane in geo.lanes]
    # Every lane's line first, then every end: no lane is drawn over another one's label.
    figure.add_traces([line for line, _ in lanes] + [end for _, end in lanes])
    gulf = geo.hub("qinzhou")
    figure.add_trace(
        go.Scatter(
            x=[gulf.lon],
            y=[gulf.lat],
            mode="markers",
            marker={"size": 10, "symbol": "square", "color": HUB_COLOUR},
            hovertemplate=f"{chart_text(locale.t('map_gulf'))}<extra></extra>",
            name=locale.t("map_gulf"),
            showlegend=False,
            meta={"hubs": [gulf.key]},
        )
    )
    _layout(figure, WORLD_WINDOW, locale)
    figure.update_layout(showlegend=False, margin={"t": 8}, height=LANES_HEIGHT)
    return figure


def _lane_traces(
    lane: Lane, locale: Locale, cited: Mapping[str, str]
) -> tuple[go.Scatter, go.Scatter]:
    """Return a lane's line (hover at every interpolated point) and its end's marker and label.

    Two traces rather than one with a zero-size marker and an empty label on each of its
    points: plotly.js draws an SVG node for each of those, about 750 on the page for nothing.
    """
    points = densify(lane.path)
    name = lane.name(locale)
    beyond = lane.path[-1][0] >= WORLD_WINDOW[2] - EDGE
    label = locale.t("map_beyond", name=name) if beyond else name
    places = locale.t("list_sep").join(
        dict.fromkeys(in_language(zh, en, locale) for _, zh, en in lane.named)
    )
    # One line per source: a publisher's name comes from the data, shown as text.
    lines = [locale.t("map_named", places=places)]
    lines += list(dict.fromkeys(cited.get(s, s) for s, _, _ in lane.named))
    hover = f"<b>{chart_text(name)}</b><br>" + "<br>".join(chart_text(x) for x in lines)
    line = go.Scatter(
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="lines",
        line={"color": LANE_COLOUR, "width": 2},
        hovertemplate=hover + "<extra></extra>",
        name=name,
        meta={"lane": lane.key},
    )
    end = go.Scatter(
        x=[points[-1][0]],
        y=[points[-1][1]],
        mode="markers+text",
        # As plotly.js drew the end when it was one of a lane's sized points (a "bubble"): a
        # little see-through, ringed in white.
        marker={
            "size": 7,
            "color": LANE_COLOUR,
            "symbol": "triangle-right" if beyond else "circle",
            "opacity": 0.7,
            "line": {"color": "#FFFFFF", "width": 1},
        },
        text=[label],
        textposition=lane.label,
        textfont={"size": 13, "color": TEXT_COLOUR},
        hovertemplate=hover + "<extra></extra>",
        name=name,
        meta={"lane_end": lane.key},
    )
    return line, end
