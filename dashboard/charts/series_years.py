"""A metric's headline series over the calendar years: one line, one period kind, 2017 onwards."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.briefing import headline_rows, preferred_rows
from dashboard.charts.figures import axis_title, build_points
from dashboard.charts.theme import TEMPLATE
from dashboard.format import format_value, point_label, value_axis_numbers
from dashboard.i18n import t
from dashboard.series_labels import series_label
from dashboard.views.index import FigureView, Record
from etl.contract.period_kinds import period_kinds
from etl.contract.series import headline_series

FIRST_YEAR = 2017
HEIGHT = 380


def year_records(fv: FigureView, metrics: list[str]) -> dict[str, list[Record]]:
    """Return per metric its headline series' reported calendar-year figures, preferred values."""
    rows = headline_rows(fv)
    if not len(rows):
        return {}
    records = [r for r in fv.records(rows) if r["basis"] == "reported" and r["metric"] in metrics]
    if not records:
        return {}
    frame = pd.DataFrame(
        {
            "start": [r["period_start"] for r in records],
            "end": [r["period_end"] for r in records],
            "metric": [r["metric"] for r in records],
        }
    )
    kinds = period_kinds(frame["start"], frame["end"], frame["metric"]).tolist()
    years = [
        r
        for r, k in zip(records, kinds, strict=True)
        if k == "year" and pd.Timestamp(r["period_end"]).year >= FIRST_YEAR
    ]
    out: dict[str, list[Record]] = {}
    for r in preferred_rows(years) if years else []:
        out.setdefault(str(r["metric"]), []).append(r)
    for recs in out.values():
        recs.sort(key=lambda r: r["period_end"])
    return {m: out[m] for m in metrics if m in out}


def year_figure(points: list[Record], metric: str, lang: str) -> go.Figure:
    """Return the line of one series over its years: a tick per year, each value labelled."""
    years = [pd.Timestamp(p["period_end"]).year for p in points]
    values = [p["display_value"] for p in points]
    hover = [
        f"{p['period_label']}<br>{format_value(p['value'], metric, lang)}<br>{p['source']}"
        for p in points
    ]
    figure = go.Figure(
        go.Scatter(
            x=years,
            y=values,
            mode="lines+markers+text",
            text=[point_label(p["value"], metric, lang) for p in points],
            textposition="top center",
            hovertext=hover,
            hoverinfo="text",
            cliponaxis=False,
            name=series_label(points[0]["series_key"], lang),
        )
    )
    ticks = list(range(min(years), max(years) + 1))
    figure.update_layout(
        template=TEMPLATE,
        height=HEIGHT,
        showlegend=False,
        margin={"t": 30},
        yaxis={
            "title": {"text": axis_title(metric, lang)},
            "rangemode": "tozero",
            # Headroom above the highest point for its label.
            "range": [0, max(values) * 1.15 if max(values) > 0 else 1],
            **value_axis_numbers(lang),
        },
        xaxis={
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [t("year_tick", lang, year=y) for y in ticks],
            # Room either side for the first and last value labels.
            "range": [min(years) - 0.7, max(years) + 0.7],
        },
    )
    return figure


def year_points(records: list[Record], lang: str) -> list[Record]:
    """Return the points of a series' years with their words and display values."""
    points = build_points(records, lang)
    for p, r in zip(points, records, strict=True):
        p["series_key"] = r["series"]
    return points


def year_title(metric: str, lang: str) -> str:
    """Return the chart's title: the headline series' label and 'by year'."""
    series = headline_series(metric)
    label = series.label(lang) if series else metric
    return t("title_by_year", lang, label=label)
