"""A metric's headline series over the calendar years: one line, one period kind, 2017 onwards."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.briefing import headline_rows, preferred_rows
from dashboard.charts.metric_charts import (
    EMPTY_CUSTOM,
    build_points,
    has_bounds,
    plot_axis_title,
    point_custom,
    point_text,
    qualifier_of,
)
from dashboard.charts.milestones import (
    chosen_events,
    event_hover,
    event_x,
    events_for,
)
from dashboard.charts.theme import (
    REPORTED_COLOUR,
    TEMPLATE,
    TIME_MARGIN,
    bound_symbol,
    legend_below_ticks,
)
from dashboard.locales import Locale
from dashboard.views.index import FigureView, Record
from etl.contract.qualifiers import OVER, is_bound
from etl.contract.series import headline_series, series_by_key
from etl.contract.vocabulary import load_metrics

FIRST_YEAR = 2017
HEIGHT = 310
# A metric page's further series (after its headline ones) are drawn a little shorter.
SHORT_HEIGHT = 270
EVENT_COLOR = "#8a6d3b"
# A year's point lists at most this many other reports beside it (as headline_rows keeps).
MAX_OTHERS = 3


def year_records(fv: FigureView, metrics: list[str]) -> dict[str, list[Record]]:
    """Return per metric its headline series' reported calendar-year figures, preferred values."""
    out: dict[str, list[Record]] = {}
    for r in _year_figures(fv, headline_rows(fv), metrics):
        out.setdefault(str(r["metric"]), []).append(r)
    for metric, recs in out.items():
        out[metric] = one_per_year(recs)
    return {m: out[m] for m in metrics if m in out}


def series_year_records(
    fv: FigureView, rows: np.ndarray, metrics: list[str]
) -> dict[str, list[Record]]:
    """Return per series key the reported calendar-year figures of the given rows, one a year."""
    out: dict[str, list[Record]] = {}
    for r in _year_figures(fv, rows, metrics):
        out.setdefault(str(r["series"]), []).append(r)
    return {key: one_per_year(recs) for key, recs in out.items()}


def _year_figures(fv: FigureView, rows: np.ndarray, metrics: list[str]) -> list[Record]:
    """Return the rows' reported calendar-year figures, the preferred value each with others."""
    if not len(rows):
        return []
    # Calendar years of the wanted metrics, reported, chosen column-wise before any record is
    # built: a table may hold many other periods of the same series.
    kinds = fv.kinds(rows)
    ends = fv.ends(rows)
    # A row without an end has kind "": neither a year nor a year to date.
    month = ends.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = ends.astype("datetime64[Y]").astype(np.int64) + 1970
    # A year with no full-year report may be drawn from a running total to a December day
    # (今年第10218列 on 30 December): at its year, its cut-off said in the note and hover.
    december = (kinds == "ytd") & (month == 12)
    keep = (
        ((kinds == "year") | december)
        & (year >= FIRST_YEAR)
        & fv.index.holds(fv.frame, "basis", ("reported",), rows)
        & fv.index.holds(fv.frame, "metric", metrics, rows)
    )
    years = fv.records(rows[keep])
    out: list[Record] = []
    for r in preferred_rows(years) if years else []:
        # The other bodies' values for the same series and year stay beside it (另据…).
        same = [
            o
            for o in years
            if o["series"] == r["series"]
            and o["period_end"] == r["period_end"]
            and float(o["value"]) != float(r["value"])
        ]
        others = {float(o["value"]): o for o in same}
        out.append({**r, "others": list(others.values())})
    return out


def through_december(record: Record) -> bool:
    """Return whether a year's point is a running total to a December day, not the full year."""
    return pd.Timestamp(record["period_end"]).strftime("%m-%d") != "12-31"


def one_per_year(records: list[Record]) -> list[Record]:
    """Return one point per series and year: an exact figure before a bound (10218列 to 30
    December before 超万列 for the year), then the full year before a running total to a
    December day, then the latest cut-off; but a full year stated as over a value at least the
    running total's (第1万列 on 30 December, 超1万列 for the year) is the year's own statement."""
    by_year: dict[tuple[str, int], list[Record]] = {}
    for r in records:
        by_year.setdefault((str(r["series"]), pd.Timestamp(r["period_end"]).year), []).append(r)
    out = []
    for same in by_year.values():
        ranked = _year_statement(sorted(same, key=_year_rank, reverse=True))
        # The year's other figures stay beside its point (另据…), each as its source states it.
        others = [o for r in ranked[1:] for o in (r, *r.get("others", ()))]
        distinct = {
            (float(o["value"]), qualifier_of(o)): o
            for o in [*ranked[0].get("others", ()), *others]
            if (float(o["value"]), qualifier_of(o))
            != (float(ranked[0]["value"]), qualifier_of(ranked[0]))
        }
        out.append({**ranked[0], "others": list(distinct.values())[:MAX_OTHERS]})
    return sorted(out, key=lambda r: r["period_end"])


def _year_statement(ranked: list[Record]) -> list[Record]:
    """Put first a full year stated as over a value the running total chosen before it does not
    pass: 超1万列 says more of the year than 1万列 to 30 December, and is what the report says."""
    first = ranked[0]
    if not through_december(first) or is_bound(qualifier_of(first)):
        return ranked
    over = [
        r
        for r in ranked[1:]
        if not through_december(r)
        and qualifier_of(r) == OVER
        and float(r["value"]) >= float(first["value"])
    ]
    if not over:
        return ranked
    chosen = max(over, key=lambda r: float(r["value"]))
    return [chosen, *(r for r in ranked if r is not chosen)]


def _year_rank(record: Record) -> tuple[bool, bool, pd.Timestamp]:
    exact = not is_bound(qualifier_of(record))
    return (exact, not through_december(record), pd.Timestamp(record["period_end"]))


def year_events(points: list[Record], metric: str, events: list[Record] | None) -> list[Record]:
    """Return the milestones a series' year chart draws: those concerning the metric, within
    its years, spaced and capped (milestones.chosen_events)."""
    years = [pd.Timestamp(p["period_end"]).year for p in points]
    if not years or not events:
        return []
    return chosen_events(events_for(list(events), metric), min(years), max(years))


def _year_line(
    points: list[Record], metric: str, locale: Locale, ticks: list[int], top: float
) -> go.Scatter:
    """Return the series' line: one slot per calendar year, exact figures only."""
    by_year = {pd.Timestamp(p["period_end"]).year: p for p in points}
    # One slot per calendar year: a year with no report, or only a bound, is None on the line
    # and the line breaks there (connectgaps off), never a straight run or a flat step through it.
    exact = [
        p if p is not None and not is_bound(qualifier_of(p)) else None
        for p in (by_year.get(y) for y in ticks)
    ]
    return go.Scatter(
        x=ticks,
        y=[None if p is None else p["display_value"] for p in exact],
        mode="lines+markers+text",
        connectgaps=False,
        # In the axis' own scale (the unit is in its title): never 1万 beside 8820.
        text=["" if p is None else point_text(p, _decimals(metric), locale) for p in exact],
        textposition=label_sides(
            ticks, [None if p is None else p["display_value"] for p in exact], top
        ),
        hovertext=["" if p is None else _year_hover(p, metric, locale) for p in exact],
        hoverinfo="text",
        # A click on a year opens its report under the chart (as on every chart).
        customdata=[EMPTY_CUSTOM if p is None else point_custom([p], locale)[0] for p in exact],
        cliponaxis=False,
        line={"color": REPORTED_COLOUR},
        marker={"color": REPORTED_COLOUR},
        name=locale.series(points[0]["series_key"]),
    )


def _bound_marks(
    bounds: list[tuple[int, Record]], metric: str, locale: Locale, top: float
) -> go.Scatter:
    """Return the years a source states as a bound (超1万列): open marks, qualifier kept."""
    return go.Scatter(
        x=[y for y, _ in bounds],
        y=[p["display_value"] for _, p in bounds],
        mode="markers+text",
        text=[point_text(p, _decimals(metric), locale) for _, p in bounds],
        # On its year's side (label_sides), as the line's labels are: 超9000 and 超10000 in
        # neighbouring years sit one under, one over their marks.
        textposition=label_sides(
            [y for y, _ in bounds], [p["display_value"] for _, p in bounds], top
        ),
        marker={
            "symbol": [bound_symbol(p["qualifier"]) for _, p in bounds],
            "size": 14,
            "color": REPORTED_COLOUR,
            "line": {"width": 2},
        },
        hovertext=[_year_hover(p, metric, locale) for _, p in bounds],
        hoverinfo="text",
        customdata=point_custom([p for _, p in bounds], locale),
        cliponaxis=False,
        name=locale.t("bound_legend"),
    )


def _other_marks(
    others: list[tuple[int, Record]], divisor: float, metric: str, locale: Locale
) -> go.Scatter:
    """Return the other sources' values for the same years: grey open circles."""
    return go.Scatter(
        x=[y for y, _ in others],
        y=[float(o["value"]) / divisor for _, o in others],
        mode="markers",
        marker={"symbol": "circle-open", "size": 9, "color": "#888888"},
        name=locale.t("also_reported_legend"),
        hovertext=[_also(o, metric, locale) for _, o in others],
        hoverinfo="text",
        # A click on one opens its own report, as on every other point.
        customdata=point_custom([o for _, o in others], locale),
    )


def _event_marks(shown: list[Record], locale: Locale) -> go.Scatter:
    """Return the milestones as a row of diamonds at the bottom, their source on hover."""
    return go.Scatter(
        x=[event_x(e["date"]) for e in shown],
        y=[0.0] * len(shown),
        mode="markers",
        marker={"symbol": "diamond", "size": 10, "color": EVENT_COLOR},
        # No "see hover" words: the legend is also in PNG, SVG and deck images (issue 23).
        name=locale.t("events_legend"),
        hovertext=[event_hover(e, locale) for e in shown],
        hoverinfo="text",
        cliponaxis=False,
    )


def year_chart(
    points: list[Record],
    metric: str,
    locale: Locale,
    events: list[Record] | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Return the line of one series over its years: a tick per year, each value labelled.

    events: milestones (date, title_zh, title_en, kind, source_id, publisher, published); those
    that concern the metric are drawn as a row of markers at the bottom with their source on
    hover, spaced and capped (year_events).
    """
    years = [pd.Timestamp(p["period_end"]).year for p in points]
    values = [p["display_value"] for p in points]
    ticks = list(range(min(years), max(years) + 1))
    others = [(y, o) for y, p in zip(years, points, strict=True) for o in p.get("others", ())]
    divisor = points[0]["value"] / points[0]["display_value"] if points[0]["value"] else 1
    values = [*values, *(float(o["value"]) / divisor for _, o in others)]
    top = max(values)
    traces = [_year_line(points, metric, locale, ticks, top)]
    bounds = [(y, p) for y, p in zip(years, points, strict=True) if is_bound(qualifier_of(p))]
    if bounds:
        traces.append(_bound_marks(bounds, metric, locale, top))
    if others:
        traces.append(_other_marks(others, divisor, metric, locale))
    shown = year_events(points, metric, events)
    if shown:
        traces.append(_event_marks(shown, locale))
    layout = {
        "template": TEMPLATE,
        "height": height,
        "showlegend": bool(others) or bool(shown) or bool(bounds),
        # A fixed share of the height put a short chart's legend over its year ticks.
        "legend": legend_below_ticks(height),
        "margin": TIME_MARGIN,
        "yaxis": {
            "title": {"text": plot_axis_title(metric, locale)},
            "rangemode": "tozero",
            # Headroom above the highest point for its label.
            "range": [0, max(values) * 1.15 if max(values) > 0 else 1],
            **locale.value_axis_numbers(),
        },
        "xaxis": {
            **year_ticks(ticks),
            # Room either side for the first and last value labels.
            "range": [min(years) - 0.7, max(years) + 0.7],
        },
    }
    # The layout in the constructor: update_layout after it would first apply plotly's default
    # template, then validate its replacement (~4× the cost of the whole figure).
    return go.Figure(data=traces, layout=layout)


# A value label goes under its point only where the point stands this far up the axis (as a
# share of the highest value): lower, a label under it would sit on the year ticks.
LABEL_UNDER_FROM = 0.25


def label_sides(years: list[int], values: list[float | None], top: float) -> list[str]:
    """Return each year's value label side: over the point in even years from the axis' first,
    under it in the others (where the point stands high enough), so neighbouring years' labels
    never sit side by side on a narrow chart (a phone's 390 px gives a year about 30 px)."""
    return [
        "bottom center"
        if year % 2 and value is not None and value >= LABEL_UNDER_FROM * top
        else "top center"
        for year, value in zip(years, values, strict=True)
    ]


# Up to this many years every year has its tick at any width; a longer span lets plotly thin
# them to the plot's width (one a year on a wide chart, every second or fifth on a phone).
ALL_YEAR_TICKS = 5


def year_ticks(years: list[int]) -> dict[str, object]:
    """Return a year axis' ticks: bare years, level, never repeated, fewer on a narrow plot."""
    if len(years) <= ALL_YEAR_TICKS:
        return {"tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years],
                "tickangle": 0}  # fmt: skip
    # Auto ticks over six or more years step by 1, 2 or 5 years (never half a year): an integer
    # format cannot print one year twice.
    return {"tickmode": "auto", "tickformat": "d", "tickangle": 0, "tick0": years[0]}


def _decimals(metric: str) -> int:
    return load_metrics()[metric].decimals


def _also(other: Record, metric: str, locale: Locale) -> str:
    value = locale.value(other["value"], metric, qualifier=qualifier_of(other))
    return locale.t("also_reported", value=value, source=escape(str(other["source"])))


def _year_hover(point: Record, metric: str, locale: Locale) -> str:
    return "<br>".join(
        [
            point["period_label"],
            locale.value(point["value"], metric, qualifier=point["qualifier"]),
            escape(str(point["source"])),
            *(_also(o, metric, locale) for o in point.get("others", ())),
        ]
    )


def gap_years(points: list[Record]) -> list[int]:
    """Return the calendar years inside a series' span that no full-year figure covers."""
    years = {pd.Timestamp(p["period_end"]).year for p in points}
    return [y for y in range(min(years), max(years) + 1) if y not in years] if years else []


def year_note(points: list[Record], locale: Locale) -> str:
    """Return the note under a series' years: the years with no full-year report, and what a
    bound's mark means, or ''."""
    notes = []
    gaps = gap_years(points)
    if gaps:
        notes.append(locale.t("gap_note", years=locale.t("list_sep").join(map(str, gaps))))
    for p in points:
        if through_december(p):
            end = pd.Timestamp(p["period_end"])
            notes.append(locale.t("through_note", year=end.year, as_of=locale.as_of(end)))
    if has_bounds(points):
        notes.append(locale.t("bound_note"))
    return " ".join(notes)


def year_points(records: list[Record], locale: Locale) -> list[Record]:
    """Return the points of a series' years with their words and display values."""
    points = build_points(records, locale)
    for p, r in zip(points, records, strict=True):
        p["series_key"] = r["series"]
        # The other sources' values of the year carry their period in words too: a click on
        # one is matched to it (dashboard.downloads.selected_records).
        p["others"] = [
            {**o, "period_label": locale.period(o["period_start"], o["period_end"])}
            for o in r.get("others", ())
        ]
    return points


def year_title(metric: str, locale: Locale, series_key: str | None = None) -> str:
    """Return the chart's title: the series' label (the metric's headline one by default) and
    'by year'."""
    series = headline_series(metric) if series_key is None else series_by_key().get(series_key)
    label = series.label(locale.lang) if series else metric
    return locale.t("title_by_year", label=label)
