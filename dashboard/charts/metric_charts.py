"""Building plotly figures from figure records: bars for period flows, markers for snapshots."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import (
    BAR_HEIGHT,
    CHART_HEIGHT,
    DERIVED_PATTERN,
    GRID_COLOUR,
    HEADING_WRAP,
    HOVER_WRAP,
    LABEL_LIMIT,
    OKABE_ITO,
    REPORTED_COLOUR,
    TEMPLATE,
    bound_symbol,
    series_colours,
    tint,
)
from dashboard.locales import Locale
from dashboard.safe_text import chart_text
from dashboard.views.index import HEADLINE_SERIES, NO_DATE, Record
from dashboard.views.kpi import latest_record
from etl.contract.identity import normalise_scope
from etl.contract.qualifiers import is_bound
from etl.contract.series import scope_words_en
from etl.contract.vocabulary import load_metrics


def axis_title(metric: str, locale: Locale) -> str:
    """Return an axis title with its unit: 集装箱运量（万标箱）, Container volume (thousand TEU)."""
    unit = locale.axis_unit(metric)
    label = locale.metric(metric)
    # A label that already names its unit (车辆（车次）) says it once.
    if not unit or locale.t("paren_suffix", inner=unit) in label:
        return label
    return locale.t("axis_title", label=label, unit=unit)


# A value axis' title longer than this (in Latin character widths) breaks before its unit: a
# vertical title on a 310 px chart holds about 26 of them (Container volume (thousand TEU)).
AXIS_TITLE_WIDTH = 24


def plot_axis_title(metric: str, locale: Locale) -> str:
    """Return a chart's value-axis title, broken onto two lines before the unit when long."""
    title = axis_title(metric, locale)
    unit = locale.t("paren_suffix", inner=locale.axis_unit(metric))
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in title)
    if width <= AXIS_TITLE_WIDTH or not title.endswith(unit) or title == unit:
        return title
    return chart_text(title.removesuffix(unit).rstrip()) + "<br>" + chart_text(unit.strip())


def _series_names(points: list[Record], locale: Locale) -> list[str]:
    """Return each point's line name: its series label, else its region and route told apart from
    its neighbours by what its scope narrows to (the scope itself in Chinese, its words in
    English), numbered only where nothing else tells them apart."""
    # A series' scopes are the words of one line: its label names them all.
    labels = [locale.series(p.get("series_key")) for p in points]
    base = [label or _place_name(p, locale) for label, p in zip(labels, points, strict=True)]
    scopes = _scopes_by_name(base, points)
    named = [
        name if label or not _told_apart(name, p, scopes) else _scope_suffix(name, p, locale)
        for name, label, p in zip(base, labels, points, strict=True)
    ]
    if locale.reads_source_words():
        return named
    # English has no words for every scope: the last resort numbers what is still alike, and
    # the hover shows each one's scope and sentence.
    order = {name: sorted(found) for name, found in _scopes_by_name(named, points).items()}
    return [
        name
        if label or len(order[name]) == 1
        else f"{name} ({order[name].index(normalise_scope(p['scope'])) + 1})"
        for name, label, p in zip(named, labels, points, strict=True)
    ]


def _place_name(point: Record, locale: Locale) -> str:
    route = locale.route(point["route"]) if point["route"] else ""
    return " · ".join(x for x in (locale.region(point["region"]), route) if x)


def _scopes_by_name(names: list[str], points: list[Record]) -> dict[str, set[str]]:
    scopes: dict[str, set[str]] = {}
    for name, p in zip(names, points, strict=True):
        scopes.setdefault(name, set()).add(normalise_scope(p["scope"]))
    return scopes


def _told_apart(name: str, point: Record, scopes: dict[str, set[str]]) -> bool:
    # A figure outside every series says what its scope narrows to (citrus among all of a
    # place's exports) even alone, so a heading never passes it off as the whole.
    return len(scopes[name]) > 1 or bool(scope_words_en(point["scope"]))


def _scope_suffix(name: str, point: Record, locale: Locale) -> str:
    scope = normalise_scope(point["scope"])
    if locale.reads_source_words():
        return f"{name}（{_short(scope)}）"
    words = scope_words_en(scope)
    return f"{name} · {words}" if words else name


def _short(scope: str) -> str:
    return scope if len(scope) <= 16 else scope[:15] + "…"


def _wrap(text: str) -> str:
    # Data text is made inert for plotly's HTML subset before the <br>s go in.
    text = chart_text(text)
    return "<br>".join(textwrap.wrap(text, HOVER_WRAP)) or text


def qualifier_of(record: Record) -> str:
    """Return a figure's qualifier key ('' for exact, and for records from before the column)."""
    return str(record.get("qualifier") or "")


def has_bounds(points: list[Record]) -> bool:
    """Return whether any point is a figure the source states as a bound."""
    return any(is_bound(qualifier_of(p)) for p in points)


def point_text(point: Record, decimals: int, locale: Locale) -> str:
    """Return a point's label as stated: 超1万, over 10,000, 816."""
    number = locale.label_number(point["display_value"], decimals)
    return locale.label_prefix(qualifier_of(point)) + number


def build_points(records: list[Record], locale: Locale) -> list[Record]:
    """Return the points a chart draws: each figure with its words, display value and scale."""
    metrics = load_metrics()
    points = [
        {
            **r,
            "qualifier": qualifier_of(r),
            "value_text": locale.value(float(r["value"]), r["metric"], qualifier=qualifier_of(r)),
            "period_label": locale.period(r["period_start"], r["period_end"]),
            "display_value": r["value"] / metrics[r["metric"]].scale(locale.lang)[1],
            "display_unit": locale.axis_unit(r["metric"]),
            # The catalogue's series key: "series" below becomes the scope's display name.
            "series_key": str(r.get("series") or ""),
        }
        for r in records
    ]
    for p, name in zip(points, _series_names(points, locale), strict=True):
        # Series names (scopes) become legend entries, headings and tick labels: no markup.
        p["series"] = chart_text(name)
    return points


def source_line(points: list[Record], locale: Locale, limit: int = 3) -> str:
    """Return the line under a chart: 来源：publisher，date；…, noting derived values."""
    ordered = sorted(points, key=lambda p: p["published"] or NO_DATE, reverse=True)
    names = list(dict.fromkeys(p["source"] for p in ordered))
    shown = names[:limit]
    more = len(names) - len(shown)
    derived = any(p["basis"] == "derived" for p in points)
    text = locale.t("source_line", names=locale.t("clause_sep").join(shown))
    if more > 0:
        text += locale.t("source_more", count=len(names), more=more)
    if derived:
        text += locale.t("source_derived")
    return text


def report_host(url: str) -> str:
    """Return the site of a report's address (its host), or "—" when there is none."""
    host = urlsplit(url).hostname if url.startswith(("http://", "https://")) else None
    return host or "—"


def point_custom(recs: list[Record], locale: Locale) -> list[list[str]]:
    """Return each point's customdata: its words for the hover, and last the report's address
    (what a click on the point opens under the chart, dashboard/downloads.py)."""
    yoy = locale.t("yoy")
    return [
        [
            locale.value(float(r["value"]), r["metric"], qualifier=qualifier_of(r)),
            r["period_label"],
            _wrap(locale.figure_label(r["scope"], r.get("series"))),
            locale.basis(r["basis"])
            + (f" · {yoy} {locale.yoy(r['yoy_pct'])}" if r["yoy_pct"] is not None else ""),
            _wrap(str(r["quote"])),
            chart_text(r["source"]),
            locale.sentence(str(r.get("kind") or "")),
            chart_text(report_host(str(r.get("url") or ""))),
            # Not shown on hover: a clicked point's report is linked under the chart.
            str(r.get("url") or ""),
        ]
        for r in recs
    ]


# A point with no figure (a gap in a year line) carries empty words: a click on it opens nothing.
EMPTY_CUSTOM = [""] * 9


def _hover(recs: list[Record], locale: Locale) -> tuple[list[list[str]], str]:
    custom = point_custom(recs, locale)
    scope = locale.t("scope")
    src = locale.t("source")
    sep = locale.t("sep")
    report = locale.t("hover_report")
    # The sentence is named for what it is (a brief's 摘要句, an article's 原文); the report's
    # site follows the source, since a hover box cannot hold a link one could click.
    template = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        f"{scope}{sep}%{{customdata[2]}}<br>%{{customdata[3]}}<br>"
        f"%{{customdata[6]}}{sep}“%{{customdata[4]}}”<br>"
        f"{src}{sep}%{{customdata[5]}}<br>{report}{sep}%{{customdata[7]}}<extra></extra>"
    )
    return custom, template


def headline_text(points: list[Record], metric: str, locale: Locale) -> str:
    """Return the chart's one-sentence headline from its latest reported point."""
    row = latest_record(points)
    if row is None:
        return ""
    label = locale.metric(metric)
    value = locale.value(float(row["value"]), metric, qualifier=qualifier_of(row))
    period = row["period_label"]
    growth = ""
    if row["yoy_pct"] is not None:
        growth = locale.t("comma") + locale.growth_words(float(row["yoy_pct"]))
    return locale.t("headline", period=period, label=label, value=value, growth=growth)


# A legend under the plot: horizontal, growing downwards (its entries wrap on a phone).
LEGEND_BELOW = {"orientation": "h", "yanchor": "top", "x": 0, "xanchor": "left"}
# Pixels under a horizontal bar chart's value axis for its legend.
LEGEND_ROOM = 70
# A time axis under two years holds this many month labels level on a phone (2023年10月 is
# about 75 px; a 390 px screen leaves about 260 px of plot); a flow chart's value axis as many
# numbers beside its period labels and the values beyond its longest bar.
SHORT_SPAN_TICKS = 3


def _layout(y_title: str, height: int = CHART_HEIGHT, **extra: Any) -> dict[str, Any]:
    return {
        "template": TEMPLATE,
        "height": height,
        "yaxis": {"title": {"text": y_title}},
        "showlegend": True,
        **extra,
    }


def _top(values: list[float]) -> float:
    # Headroom above the tallest mark for its label; 1 when every value is zero.
    return max([*values, 0.0]) * 1.25 or 1.0


def _wrap_label(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _bar_kind(point: Record) -> str:
    # Derived bars stay derived; a reported figure stated as a bound gets a mark of its own.
    if point["basis"] == "derived":
        return "derived"
    return "bound" if is_bound(qualifier_of(point)) else "reported"


def _flow_order(points: list[Record]) -> list[Record]:
    """Return the points series by series (latest series first), each in time order."""
    latest: dict[str, pd.Timestamp] = {}
    for p in points:
        latest[p["series"]] = max(latest.get(p["series"], p["period_end"]), p["period_end"])
    return sorted(
        points,
        key=lambda p: (
            -latest[p["series"]].value,
            p["series"],
            p["period_end"],
            p["period_start"] or NO_DATE,
        ),
    )


@dataclass
class _FlowRows:
    """Where each bar of a flow chart sits: a heading row per series, then a row per period."""

    position: list[float] = field(default_factory=list)
    headings: list[Record] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    rows: float = 0.0


def _flow_rows(recs: list[Record]) -> _FlowRows:
    """Return the rows of ordered records: each series' bold heading, then its bars."""
    out = _FlowRows()
    current = None
    for r in recs:
        if r["series"] != current:
            current = r["series"]
            text = _wrap_label(current, HEADING_WRAP)
            lines = text.count("<br>") + 1
            out.headings.append(
                {
                    "x": 0,
                    "xref": "paper",
                    "xanchor": "left",
                    "y": out.rows + (lines - 1) / 2 + 0.1,
                    "yanchor": "middle",
                    "text": f"<b>{text}</b>",
                    "showarrow": False,
                    "align": "left",
                    "font": {"size": 13},
                }
            )
            out.rows += lines
        out.position.append(out.rows)
        out.labels.append(r["period_label"])
        out.rows += 1
    return out


# How each kind of bar is filled and named: a bound is an outline only (a bar of 超1万 is no
# measured length); a derived bar is pale and hatched.
BAR_FILLS = {"reported": REPORTED_COLOUR, "bound": "#FFFFFF", "derived": tint(REPORTED_COLOUR)}
BAR_NAMES = {"reported": "reported", "bound": "bound_legend", "derived": "derived_legend"}


def _flow_trace(
    basis: str, chosen: list[tuple[float, Record]], decimals: int, locale: Locale
) -> Record:
    """Return the bar trace of one kind of bar (reported, bound or derived) at its rows."""
    sel = [r for _, r in chosen]
    custom, template = _hover(sel, locale)
    derived = basis == "derived"
    return {
        "type": "bar",
        "orientation": "h",
        "y": [y for y, _ in chosen],
        "x": [r["display_value"] for r in sel],
        "width": 0.72,
        "name": locale.t(BAR_NAMES[basis]),
        "marker": {
            "color": BAR_FILLS[basis],
            "line": {"color": REPORTED_COLOUR, "width": 1.5},
            "pattern": {
                "shape": DERIVED_PATTERN if derived else "",
                "fgcolor": REPORTED_COLOUR,
                "size": 7,
                "solidity": 0.3,
            },
        },
        "text": [
            point_text(r, decimals, locale)
            + (f"  {locale.yoy(r['yoy_pct'])}" if not derived and r["yoy_pct"] is not None else "")
            for r in sel
        ],
        "textposition": "outside",
        "textfont": {"size": 13},
        "cliponaxis": False,
        "customdata": custom,
        "hovertemplate": template,
    }


def flow_chart(points: list[Record], metric: str, locale: Locale) -> go.Figure:
    """Return horizontal bars, one per figure, grouped under a heading per series; never joined.

    Each series (region, route, scope) gets a bold heading row, then one bar per period in time
    order. Reported bars are solid, derived ones pale and hatched; the growth rate sits by the bar.
    """
    recs = _flow_order(points)
    rows = _flow_rows(recs)
    decimals = load_metrics()[metric].decimals
    height = 110 + BAR_HEIGHT * rows.rows + LEGEND_ROOM
    plot = height - 40 - 8 - LEGEND_ROOM
    traces: list[Record] = []
    for basis in ("reported", "bound", "derived"):
        placed = zip(rows.position, recs, strict=True)
        chosen = [(y, r) for y, r in placed if _bar_kind(r) == basis]
        if chosen:
            traces.append(_flow_trace(basis, chosen, decimals, locale))
    layout = {
        "template": TEMPLATE,
        "height": height,
        "barmode": "overlay",
        "showlegend": True,
        # Below the value axis' title, where a phone's modebar (top right) never covers it.
        "legend": {**LEGEND_BELOW, "y": -100 / plot, "traceorder": "normal"},
        "annotations": rows.headings,
        "xaxis": {
            "title": {"text": plot_axis_title(metric, locale)},
            "range": [0, _top([r["display_value"] for r in recs]) * 1.1],
            "gridcolor": GRID_COLOUR,
            "showgrid": True,
            # The bars carry their values: a few level ticks read on a phone's narrow plot too.
            "nticks": SHORT_SPAN_TICKS,
            "tickangle": 0,
            # Ticks in the labels' own style: 10000 beside 超10000 in Chinese, 10,000 in English.
            **locale.value_axis_numbers(),
        },
        "yaxis": {
            "tickvals": rows.position,
            "ticktext": rows.labels,
            "range": [rows.rows - 0.4, -0.7],
            "showgrid": False,
            "rangemode": "normal",
            "zeroline": False,
        },
        "margin": {"l": 8, "r": 16, "t": 40, "b": 8 + LEGEND_ROOM},
    }
    return go.Figure(data=traces, layout=layout)


def snapshot_chart(points: list[Record], metric: str, locale: Locale) -> go.Figure:
    """Return markers on a time axis, one colour per scope.

    A headline series' counts as of dates (period kind snapshot: no start) are one line through
    their dates, oldest first; any other series' snapshots stay isolated markers.
    """
    recs = sorted(points, key=lambda p: p["period_end"])
    series = list(dict.fromkeys(r["series"] for r in recs))
    colours = series_colours(series)
    decimals = load_metrics()[metric].decimals
    traces: list[Record] = []
    for name in series:
        sel = [r for r in recs if r["series"] == name]
        custom, template = _hover(sel, locale)
        derived = [r["basis"] == "derived" for r in sel]
        base = colours[name]
        joined = len(sel) > 1 and all(
            r["period_start"] is None and r.get("series_key") in HEADLINE_SERIES for r in sel
        )
        mode = "markers+text" if len(recs) <= LABEL_LIMIT else "markers"
        bounds = [is_bound(qualifier_of(r)) for r in sel]
        traces.append(
            {
                "type": "scatter",
                "x": [r["period_end"] for r in sel],
                # A bound is marked, not joined: the line breaks at it (connectgaps off).
                "y": [r["display_value"] for r in sel],
                "mode": f"lines+{mode}" if joined and not any(bounds) else mode,
                "line": {"color": base, "width": 2},
                "name": name,
                "marker": {
                    "size": 14,
                    "color": [tint(base) if d else base for d in derived],
                    "line": {"color": base, "width": 2},
                    "symbol": [
                        bound_symbol(r["qualifier"], "circle-open" if d else "circle")
                        for r, d in zip(sel, derived, strict=True)
                    ],
                },
                "text": [point_text(r, decimals, locale) for r in sel]
                if len(recs) <= LABEL_LIMIT
                else None,
                "textposition": "top center",
                "cliponaxis": False,
                "customdata": custom,
                "hovertemplate": template,
            }
        )
        if joined and any(bounds):
            # The exact counts stay joined; the line breaks at a bound rather than pass through it.
            traces.append(
                {
                    "type": "scatter",
                    "x": [r["period_end"] for r in sel],
                    "y": [
                        None if b else r["display_value"] for r, b in zip(sel, bounds, strict=True)
                    ],
                    "mode": "lines",
                    "connectgaps": False,
                    "line": {"color": base, "width": 2},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
    lo, hi = recs[0]["period_end"], recs[-1]["period_end"]
    pad = max(pd.Timedelta(days=90), (hi - lo) * 0.08)
    layout = _layout(plot_axis_title(metric, locale))
    layout["xaxis"] = {
        "type": "date",
        "range": [lo - pad, hi + pad],
        "tickformat": locale.date_tick_format(hi - lo),
    }
    if hi - lo > pd.Timedelta(days=730):
        # Over two years a tick a year (never 2023 twice from half-year steps), level.
        layout["xaxis"].update(dtick="M12", tickformat="%Y", tickangle=0)
    else:
        layout["xaxis"].update(short_span_ticks([r["period_end"] for r in recs], locale))
    layout["yaxis"]["range"] = [0, _top([r["display_value"] for r in recs])]
    layout["yaxis"].update(locale.value_axis_numbers())
    # Below the dates, where a phone's modebar (top right) never covers it.
    layout["legend"] = {**LEGEND_BELOW, "y": -0.18}
    return go.Figure(data=traces, layout=layout)


def short_span_ticks(ends: list[Any], locale: Locale) -> dict[str, Any]:
    """Return a time axis' ticks for dates under two years apart, level at every width: a few
    dates each labelled by its month, or at most `SHORT_SPAN_TICKS` ticks of plotly's own."""
    # A tick under each month's last figure, so a label never repeats.
    by_month: dict[str, pd.Timestamp] = {}
    for end in sorted(pd.Timestamp(e) for e in ends):
        by_month[end.strftime("%Y-%m")] = end
    if len(by_month) <= SHORT_SPAN_TICKS:
        return {
            "tickmode": "array",
            "tickvals": [end.strftime("%Y-%m-%d") for end in by_month.values()],
            "ticktext": [locale.month_key_label(month) for month in by_month],
            "tickangle": 0,
        }
    return {"nticks": SHORT_SPAN_TICKS, "tickangle": 0}


def alt_text(title: str, kind: str, points: list[Record], headline: str, locale: Locale) -> str:
    """Return a chart's description for screen readers: what it is, how many figures, when."""
    labels = [p["period_label"] for p in sorted(points, key=lambda p: p["period_end"])]
    span = labels[0] if len(set(labels)) == 1 else f"{labels[0]}—{labels[-1]}"
    return locale.t(
        "alt", title=title, kind=locale.t(kind), count=len(points), span=span, headline=headline
    )


POINT_COLUMNS = (
    "metric",
    "period_start",
    "period_end",
    "period_label",
    "value",
    "qualifier",
    "display_value",
    "display_unit",
    "basis",
    "yoy_pct",
    "scope",
    "region",
    "route",
    "series",
    "source_id",
    "source",
)


def points_frame(points: list[Record]) -> pd.DataFrame:
    """Return the tidy frame of the points a chart draws (for decks and tests)."""
    out = pd.DataFrame(points, columns=list(POINT_COLUMNS))
    for col in ("period_start", "period_end"):
        out[col] = pd.to_datetime(out[col])
    for col in ("value", "display_value", "yoy_pct"):
        out[col] = pd.to_numeric(out[col]).astype(float)
    return out


def growth_chart(recs: list[Record], locale: Locale) -> go.Figure:
    """Return horizontal bars of yoy growth (%) for points sorted by growth, rises green."""
    custom, template = _hover(recs, locale)
    growth = [float(r["yoy_pct"]) for r in recs]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": growth,
        "y": [
            f"{locale.metric(r['metric'])}<br><span style='font-size:12px'>"
            f"{r['period_label']}</span>"
            for r in recs
        ],
        "marker": {"color": [OKABE_ITO[2] if v >= 0 else OKABE_ITO[3] for v in growth]},
        "text": [locale.yoy(v) for v in growth],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": custom,
        "hovertemplate": template,
        "name": locale.t("reported"),
    }
    hi, lo = max([*growth, 0.0]), min([*growth, 0.0])
    layout = {
        "template": TEMPLATE,
        "height": max(240, 80 * len(recs) + 90),
        "showlegend": False,
        "margin": {"l": 8, "r": 56, "t": 16, "b": 8},
        "xaxis": {
            "title": {"text": locale.t("growth_axis")},
            "range": [lo * 1.3, hi * 1.3 + 1],
            "gridcolor": GRID_COLOUR,
            "zeroline": True,
            "showgrid": True,
            "automargin": True,
        },
        "yaxis": {"showgrid": False, "automargin": True, "rangemode": "normal", "zeroline": False},
    }
    return go.Figure(data=[bar], layout=layout)
