"""A chart's margins worked out from its own labels, so plotly.js draws it once.

With `automargin` on, plotly.js draws a chart, measures its tick labels and titles, widens the
margins and draws the whole chart again (`doAutoMargin`): one of the three draws a chart gets in
a page load (Streamlit's element makes the third). The labels are known here (category words,
value ranges, date formats), so their room is estimated from the text (a CJK glyph a full em,
anything else a digit's width) and automargin is turned off.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from typing import Any

# A digit in Noto Sans is 0.55 em wide, most Latin letters less: a margin a few pixels wider
# than plotly's own would narrow a half-width chart's plot enough to tilt its date ticks.
NARROW_EM = 0.56
# Plotly's tick and title font when the figure names none (the template's layout font).
BASE_FONT = 14
# A line of text is this many font sizes tall (plotly's own line spacing).
LINE_HEIGHT = 1.3
# Plotly's outside tick marks and the gap between a mark and its label.
TICK_LENGTH = 5
TICK_PAD = 3
# Plotly's gap between the tick labels and the axis title when the title names no standoff.
TITLE_GAP = 10
# Slack on every estimated side (a line's height already holds a CJK glyph's air).
SLACK = 2
# The chart kinds whose axes plotly would push its margins for; maps have no such axes.
CARTESIAN = {"bar", "scatter"}
# Plotly's own margins where neither the figure nor its template names one.
PLOTLY_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
# Date tick formats with a sample of their widest value, for a time axis' last tick.
DATE_SAMPLES = {"%Y": "2025", "%-m": "12", "%m": "12", "%b": "May", "%d": "28", "%-d": "28"}
# Plotly's gap between a bar's end and its outside label.
BAR_TEXT_PAD = 3
# Plotly labels are a little HTML: a tag takes no room, a <br> starts a line.
TAG = re.compile(r"<[^>]*>")
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def text_lines(text: object) -> list[str]:
    """Return a plotly label's lines as plain text (its `<br>` breaks kept, its tags dropped)."""
    return [TAG.sub("", line) for line in LINE_BREAK.split(str(text))]


def line_width(line: str, size: float) -> float:
    """Return an estimate of one line's width in pixels at a font size (wide glyphs a full em)."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in line)
    return (wide + NARROW_EM * (len(line) - wide)) * size


def text_width(text: object, size: float = BASE_FONT) -> float:
    """Return the estimated width in pixels of a label's widest line."""
    return max(line_width(line, size) for line in text_lines(text))


def text_height(text: object, size: float = BASE_FONT) -> float:
    """Return the estimated height in pixels of a label's lines."""
    return len(text_lines(text)) * LINE_HEIGHT * size


def number_label(value: float, tickformat: str) -> str:
    """Return how a value axis writes a number (a tick's widest form: grouped with a comma in
    `,~f`, with a decimal part on a short range)."""
    grouped = "," in tickformat
    whole = f"{abs(value):,.0f}" if grouped else f"{abs(value):.0f}"
    # Under 10, plotly's ticks step by fractions (0.5, 2.5): a decimal point and a digit.
    fraction = ".5" if abs(value) < 10 else ""
    return ("-" if value < 0 else "") + whole + fraction


def date_label(tickformat: str) -> str:
    """Return a sample of a date axis' widest tick from its format."""
    label = tickformat or "%b %Y"
    for code, sample in DATE_SAMPLES.items():
        label = label.replace(code, sample)
    return label


def tick_labels(axis: dict[str, Any], values: list[Any]) -> list[str]:
    """Return the labels an axis can show: its tick text, its categories, or its widest numbers."""
    if axis.get("ticktext") is not None:
        return [str(t) for t in axis["ticktext"]]
    kind = axis.get("type")
    if kind == "date":
        return [date_label(str(axis.get("tickformat", "")))]
    if kind == "category" or not _numeric(values):
        return [str(v) for v in values]
    if axis.get("tickformat") == "d":
        return [f"{v:.0f}" for v in _ends(axis, values)]
    return [number_label(v, str(axis.get("tickformat", ""))) for v in _ends(axis, values)]


def _numeric(values: list[Any]) -> bool:
    return all(_number(v) for v in values)


def _number(value: object) -> bool:
    # numpy's numbers too (a figure's dict keeps its arrays); a bool is no axis value.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _ends(axis: dict[str, Any], values: list[Any]) -> list[float]:
    # A value axis' ticks lie within its range (or its data): the widest is at an end.
    bounds = [b for b in (axis.get("range") or values) if _number(b)]
    finite = [float(b) for b in bounds if math.isfinite(float(b))]
    return [min(finite, default=0.0), max(finite, default=0.0)]


def _axis_values(data: list[dict[str, Any]], letter: str) -> list[Any]:
    columns = [trace.get(letter) for trace in data]
    return [v for column in columns if column is not None for v in list(column) if v is not None]


def _tick_room(axis: dict[str, Any]) -> float:
    # Tick marks only where the axis draws them (the template draws them on x alone).
    return (TICK_LENGTH if axis.get("ticks") else 0) + TICK_PAD


def _title_room(axis: dict[str, Any], size: float) -> float:
    title = axis.get("title") or {}
    if not isinstance(title, dict):
        title = {"text": title}
    if not title.get("text"):
        return 0.0
    return float(title.get("standoff", TITLE_GAP)) + text_height(title["text"], size)


def outside_bar_room(data: list[dict[str, Any]], xaxis: dict[str, Any], size: float) -> float:
    """Return the room right of the plot that horizontal bars' outside labels need: the label of
    any bar reaching past half the value axis, which on a phone's narrow plot ends too near the
    plot's edge for its label to fit inside it."""
    room = 0.0
    for trace in data:
        if trace.get("type") != "bar" or trace.get("orientation") != "h":
            continue
        if trace.get("textposition") != "outside" or trace.get("text") is None:
            continue
        values = [v for v in list(trace.get("x") or []) if _number(v)]
        end = max(_ends(xaxis, values))
        font = float((trace.get("textfont") or {}).get("size") or size)
        texts = list(trace["text"])
        for value, text in zip(list(trace.get("x") or []), texts, strict=False):
            if _number(value) and end > 0 and float(value) >= end / 2 and text:
                room = max(room, BAR_TEXT_PAD + text_width(text, font))
    return room


def last_label_room(data: list[dict[str, Any]], size: float) -> float:
    """Return the room right of the plot that the latest labelled point of each line or marker
    series needs: its label centred on it (half its width) or to its right (all of it), since the
    time axis' padding beyond it may be narrower than that on a small chart."""
    room = 0.0
    for trace in data:
        if trace.get("type", "scatter") != "scatter" or "text" not in str(trace.get("mode", "")):
            continue
        texts = list(trace.get("text") or [])
        labelled = [i for i, t in enumerate(texts) if t]
        if not labelled:
            continue
        last = labelled[-1]
        sides = trace.get("textposition") or "middle center"
        side = str(sides if isinstance(sides, str) else list(sides)[last])
        share = 1.0 if side.endswith("right") else 0.0 if side.endswith("left") else 0.5
        font = float((trace.get("textfont") or {}).get("size") or size)
        room = max(room, share * text_width(texts[last], font) + (SLACK if share else 0.0))
    return room


def fitted_margins(figure: dict[str, Any]) -> dict[str, Any]:
    """Return a figure dict (as `to_dict()` makes it) with margins that hold its axis labels and
    titles and automargin off; a figure without cartesian axes comes back as it is."""
    data = figure.get("data") or []
    layout = figure.get("layout") or {}
    # One x and one y axis are what the labels are estimated for; a second axis keeps automargin.
    axes = [k for k in layout if k.startswith(("xaxis", "yaxis"))]
    others = any(k not in ("xaxis", "yaxis") for k in axes)
    if not data or others or any(t.get("type", "scatter") not in CARTESIAN for t in data):
        return figure
    template = ((layout.get("template") or {}).get("layout")) or {}
    size = float(((layout.get("font") or template.get("font") or {}).get("size")) or BASE_FONT)
    xaxis = {**(template.get("xaxis") or {}), **(layout.get("xaxis") or {})}
    yaxis = {**(template.get("yaxis") or {}), **(layout.get("yaxis") or {})}
    margin = {**PLOTLY_MARGIN, **(template.get("margin") or {}), **(layout.get("margin") or {})}
    y_labels = tick_labels(yaxis, _axis_values(data, "y"))
    x_labels = tick_labels(xaxis, _axis_values(data, "x"))
    y_tick_size = float((yaxis.get("tickfont") or {}).get("size") or size)
    x_tick_size = float((xaxis.get("tickfont") or {}).get("size") or size)
    left = (
        _tick_room(yaxis)
        + max((text_width(t, y_tick_size) for t in y_labels), default=0.0)
        + _title_room(yaxis, size)
        + SLACK
    )
    bottom = (
        _tick_room(xaxis)
        + max((text_height(t, x_tick_size) for t in x_labels), default=0.0)
        + _title_room(xaxis, size)
        + SLACK
    )
    # A value axis' last tick may sit at the plot's right edge, half of it beyond (a category
    # sits inside its band; the date axes here are padded beyond their last figure).
    ends = x_labels if xaxis.get("type") != "date" and _numeric(_axis_values(data, "x")) else []
    right = max(
        max((text_width(t, x_tick_size) for t in ends), default=0.0) / 2,
        # A map (its axes hidden) places its labels within the extent it draws.
        outside_bar_room(data, xaxis, size) if xaxis.get("visible", True) else 0.0,
        last_label_room(data, size) if xaxis.get("visible", True) else 0.0,
    )
    fitted = {
        **margin,
        "l": math.ceil(max(float(margin.get("l", 0)), left)),
        "b": math.ceil(max(float(margin.get("b", 0)), bottom)),
        "r": math.ceil(max(float(margin.get("r", 0)), right)),
    }
    return {
        **figure,
        "layout": {
            **layout,
            "margin": fitted,
            "xaxis": {**(layout.get("xaxis") or {}), "automargin": False},
            "yaxis": {**(layout.get("yaxis") or {}), "automargin": False},
        },
    }
