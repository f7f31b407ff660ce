"""Figures as a page sends them on every run: their dict is made once per figure, not per run,
in the form plotly.js draws once.

st.plotly_chart asks a plotly figure for one thing, `to_dict()`, and plotly makes that dict by
deep-copying every trace and layout property and re-encoding its arrays, on every script run,
before Streamlit turns it into JSON. A page's charts and the reach maps are built once and shared
by every session (dashboard/data.py, dashboard/reach_card.py), so that dict is the same on every
run: a drawn figure makes it on the first draw and hands the same dict back after. That dict
carries margins fitted to the chart's labels (dashboard/charts/margins.py), so plotly.js draws
the chart once rather than again for its automargin.

Streamlit's chart element hands plotly.js the figure a second time just after mounting it (a JSON
copy of it, with the click, hover and drag modes its point selection uses). Plotly.react draws a
figure again when something in it differs from the last draw, and a copy differs in three ways:
its layout template and any `meta` are new objects, its data arrays are new arrays, and the
modes were not in the first draw. The dict here has the template's layout written into the
figure's own layout (plotly.js's rule: the figure's values first, the template's for the rest,
its axis styles on every axis), no `meta` where no text refers to it (it labels the maps' traces
for tests, and is not drawn), a data revision of its own (arrays with the same revision are the
same data) and the modes the element would add, so the second Plotly.react finds nothing to
draw.
"""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.margins import CARTESIAN, fitted_margins

# What Streamlit's chart element sets on a chart with point selection, unless the figure sets it.
SELECTION_MODES = {"clickmode": "event+select", "hovermode": "closest", "dragmode": "pan"}
AXIS = re.compile(r"([xy])axis\d*")
# A figure's data revision: unique to the dict within this process, and the process's prefix
# unique among servers, so a chart the browser keeps from another figure is never taken as drawn.
_PROCESS = secrets.token_hex(4)
_REVISIONS = itertools.count(1)
# plotly.js turns a cartesian axis' line or ticks on when the figure itself gives their colour or
# size, not when its template does (`coerce2`): written in, a template's colour keeps the axis'
# own default (no line, no ticks) unless the figure or the template sets it. Grid and zero line
# are on by default on these axes, so their colours change nothing.
IMPLIED = {
    "showline": (("linecolor", "linewidth"), False),
    "ticks": (("ticklen", "tickwidth", "tickcolor"), ""),
}


def _filled(default: Any, own: Any) -> Any:
    """Return own with the template's default filled in where it has none, dict by dict."""
    if isinstance(default, dict) and isinstance(own, dict):
        return {**default, **{k: _filled(default.get(k), v) for k, v in own.items()}}
    return default if own is None else own


def _axis_written(default: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Return an axis with the template's axis style filled in, its line and ticks on or off as
    plotly.js has them with the template."""
    axis: dict[str, Any] = _filled(default, own)
    for flag, (sources, off) in IMPLIED.items():
        if {flag, *sources} & set(own) or flag in default:
            continue
        if set(sources) & set(default):
            axis[flag] = off
    return axis


def template_written_in(figure: dict[str, Any]) -> dict[str, Any]:
    """Return a figure dict with its template's layout written into its layout and no template;
    one whose template styles traces or items, or draws other than bars and lines, as it is."""
    data = figure.get("data") or []
    layout = figure.get("layout") or {}
    template = layout.get("template")
    if not isinstance(template, dict) or not data:
        return figure
    styles = template.get("layout") or {}
    # Trace styles and item defaults (annotationdefaults…) apply by type and index: left to
    # plotly.js, as are figures whose traces have no x and y axes for the axis styles.
    if set(template) - {"layout"} or any(k.endswith("defaults") for k in styles):
        return figure
    if any(t.get("type", "scatter") not in CARTESIAN for t in data):
        return figure
    own = {k: v for k, v in layout.items() if k != "template"}
    used = {f"{ax}axis{t.get(ax + 'axis', ax)[1:]}" for t in data for ax in "xy"}
    for name in used | {k for k in own if AXIS.fullmatch(k)}:
        own.setdefault(name, {})
    written = {k: v for k, v in styles.items() if not AXIS.fullmatch(k)}
    for key, value in own.items():
        axis = AXIS.fullmatch(key)
        if axis:
            style = styles.get(key, styles.get(f"{axis.group(1)}axis")) or {}
            written[key] = _axis_written(style, value)
        else:
            written[key] = _filled(styles.get(key), value)
    return {**figure, "layout": written}


def _without_meta(figure: dict[str, Any]) -> dict[str, Any]:
    """Return the figure without its `meta` labels, or as it is when a text template shows one."""
    data = figure.get("data") or []
    texts = (v for t in data for k, v in t.items() if k.endswith("template"))
    if any("%{meta" in str(v) for v in texts):
        return figure
    return {
        **figure,
        "data": [{k: v for k, v in t.items() if k != "meta"} for t in data],
        "layout": {k: v for k, v in (figure.get("layout") or {}).items() if k != "meta"},
    }


def drawn_once(figure: dict[str, Any], selection: bool) -> dict[str, Any]:
    """Return a figure dict that Streamlit's second Plotly.react leaves as drawn: its template
    written in, a data revision of its own and, for a chart with point selection, its modes."""
    made = template_written_in(_without_meta(figure))
    if "template" in made["layout"]:  # a template plotly.js must apply: a second draw, as before
        return figure
    layout = {"datarevision": f"{_PROCESS}-{next(_REVISIONS)}", **made["layout"]}
    if selection:
        layout = {**SELECTION_MODES, **layout}
    return {**made, "layout": layout}


class DrawnFigure(go.Figure):
    """A finished figure as st.plotly_chart takes it: its dict, made once, on the first draw.

    It holds the figure it was made from and answers `to_dict()` from one dict. It is not a
    figure to change or to draw with plotly: go.Figure.__init__ is not run, because a validated
    copy of every property is the very cost it saves. Use the figure it was made from for
    anything else (pictures, slides), and never change that figure once it is drawn.
    """

    def __init__(self, figure: go.Figure, selection: bool = True) -> None:  # see the class
        object.__setattr__(self, "_drawn_from", figure)
        object.__setattr__(self, "_drawn_selection", selection)
        object.__setattr__(self, "_drawn_dict", None)

    def to_dict(self) -> dict[str, Any]:
        """Return the figure's dict (what st.plotly_chart serialises) with its margins fitted to
        its labels, in the form drawn once, made on the first call."""
        made: dict[str, Any] | None = self._drawn_dict
        if made is None:
            made = drawn_once(fitted_margins(self._drawn_from.to_dict()), self._drawn_selection)
            object.__setattr__(self, "_drawn_dict", made)
        return made

    def __repr__(self) -> str:
        return f"DrawnFigure({self._drawn_from!r})"


def drawn(figure: go.Figure, selection: bool = True) -> DrawnFigure:
    """Return the figure as a page draws it on every run (the figure itself is left as it is);
    selection: drawn with st.plotly_chart's point selection, as the chart cards are."""
    return DrawnFigure(figure, selection)
