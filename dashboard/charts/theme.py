"""The charts' look: Okabe–Ito colours, installed CJK fonts, the plotly template, derived tints."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Black is left out: it is the text colour.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
# Installed fonts only (fonts-noto-cjk on Linux, YaHei on Windows, PingFang on macOS): a wall
# display must not depend on a font fetched from the internet.
FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Noto Sans", sans-serif'
)
TEXT_COLOUR = "#1F2937"
GRID_COLOUR = "#E5E7EB"
# Derived bars mix the series colour with this much white: visibly paler, still its hue.
DERIVED_TINT = 0.55
DERIVED_PATTERN = "/"
CHART_HEIGHT = 360
# A quote in a hover box wraps at this many characters so it stays on a phone's screen.
HOVER_WRAP = 28
# Series headings wrap at this many characters so they stay inside a phone-width chart.
HEADING_WRAP = 26
# Pixels per row (bar or heading line) in the horizontal bar charts: a 13 px label and air.
BAR_HEIGHT = 30
# One hue for a chart's figures: reported solid, derived the same hue paler and hatched.
REPORTED_COLOUR = OKABE_ITO[0]
# Above this many points, value labels on every marker would overprint one another.
LABEL_LIMIT = 60


def corridor_template() -> go.layout.Template:
    """Return the project's plotly template: fonts, Okabe–Ito colours, quiet grid."""
    return go.layout.Template(
        layout={
            "font": {"family": FONT_STACK, "size": 14, "color": TEXT_COLOUR},
            "colorway": list(OKABE_ITO),
            "paper_bgcolor": "#FFFFFF",
            "plot_bgcolor": "#FFFFFF",
            "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
            "hoverlabel": {"font": {"family": FONT_STACK, "size": 13}, "align": "left"},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.02,
                "xanchor": "left",
                "x": 0,
                "font": {"size": 12},
            },
            "xaxis": {
                "showgrid": False,
                "linecolor": "#9CA3AF",
                "ticks": "outside",
                "automargin": True,
            },
            "yaxis": {
                "automargin": True,
                "gridcolor": GRID_COLOUR,
                "zeroline": True,
                "zerolinecolor": "#9CA3AF",
                "rangemode": "tozero",
                "title": {"standoff": 8},
            },
            "bargap": 0.25,
            "bargroupgap": 0.06,
        }
    )


TEMPLATE = corridor_template()
pio.templates["corridor"] = TEMPLATE


def tint(colour: str, amount: float = DERIVED_TINT) -> str:
    """Return the colour mixed with `amount` of white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def series_colours(series: list[str]) -> dict[str, str]:
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(series)}


# A bound's mark on a chart: open, pointing the way the true figure lies (over ▲, under ▼);
# about and nearly (近 is just under) a hollow diamond. Open marks read as "not a measured point".
BOUND_SYMBOLS = {
    "over": "triangle-up-open",
    "under": "triangle-down-open",
    "about": "diamond-open",
    "nearly": "diamond-open",
}


def bound_symbol(qualifier: object, exact: str = "circle") -> str:
    """Return the marker symbol of a figure stated with the qualifier (exact: the given one)."""
    return BOUND_SYMBOLS.get(str(qualifier or ""), exact)


# Room above a time chart's plot, and below it for its ticks and the legend under them.
TIME_MARGIN = {"t": 30, "b": 100}
# Pixels under the plot its ticks take (13 px type below plotly's standoff, a period's words on
# a bar chart): the legend starts below them at every chart height.
TICK_ROOM = 36


def legend_below_ticks(height: int) -> dict[str, object]:
    """Return a time chart's legend: under its ticks, growing downwards (on a half-width chart
    its entries wrap to rows), wherever the chart's height puts the axis."""
    plot = height - TIME_MARGIN["t"] - TIME_MARGIN["b"]
    return {"orientation": "h", "y": -TICK_ROOM / plot, "yanchor": "top"}
