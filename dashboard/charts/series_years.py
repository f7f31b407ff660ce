"""A metric's headline series over the calendar years: one line, one period kind, 2017 onwards."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from dashboard.briefing import headline_rows, preferred_rows
from dashboard.charts.figures import axis_title, build_points
from dashboard.charts.milestones import (
    chosen_events,
    event_hover,
    event_x,
    events_for,
    hidden_count,
)
from dashboard.charts.theme import TEMPLATE
from dashboard.format import format_value, point_label, value_axis_numbers
from dashboard.i18n import t
from dashboard.series_labels import series_label
from dashboard.views.index import FigureView, Record, take_rows
from etl.contract.period_kinds import period_kinds
from etl.contract.series import headline_series

FIRST_YEAR = 2017
HEIGHT = 420
EVENT_COLOR = "#8a6d3b"


def year_records(fv: FigureView, metrics: list[str]) -> dict[str, list[Record]]:
    """Return per metric its headline series' reported calendar-year figures, preferred values."""
    rows = headline_rows(fv)
    if not len(rows):
        return {}
    # Calendar years of the wanted metrics, reported, chosen column-wise before any record is
    # built: a table may hold many other periods of the same series.
    cols = take_rows(fv.frame.loc[:, ["period_start", "period_end", "metric", "basis"]], rows)
    kinds = period_kinds(cols["period_start"], cols["period_end"], cols["metric"]).to_numpy()
    ends = pd.to_datetime(cols["period_end"])
    keep = (
        (kinds == "year")
        & (ends.dt.year >= FIRST_YEAR).to_numpy()
        & (cols["basis"].astype(str) == "reported").to_numpy()
        & cols["metric"].astype(str).isin(metrics).to_numpy()
    )
    years = fv.records(rows[keep])
    out: dict[str, list[Record]] = {}
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
        out.setdefault(str(r["metric"]), []).append({**r, "others": list(others.values())})
    for recs in out.values():
        recs.sort(key=lambda r: r["period_end"])
    return {m: out[m] for m in metrics if m in out}


def year_events(points: list[Record], metric: str, events: list[Record] | None) -> list[Record]:
    """Return the milestones a series' year chart draws: those concerning the metric, within
    its years, spaced and capped (milestones.chosen_events)."""
    years = [pd.Timestamp(p["period_end"]).year for p in points]
    if not years or not events:
        return []
    return chosen_events(events_for(list(events), metric), min(years), max(years))


def year_figure(
    points: list[Record], metric: str, lang: str, events: list[Record] | None = None
) -> go.Figure:
    """Return the line of one series over its years: a tick per year, each value labelled.

    events: milestones (date, title_zh, title_en, kind, source_id, publisher, published); those
    that concern the metric are drawn as a row of markers at the bottom with their source on
    hover, spaced and capped (year_events).
    """
    years = [pd.Timestamp(p["period_end"]).year for p in points]
    values = [p["display_value"] for p in points]
    hover = [
        "<br>".join(
            [
                p["period_label"],
                format_value(p["value"], metric, lang),
                escape(str(p["source"])),
                *(
                    t(
                        "also_reported",
                        lang,
                        value=format_value(o["value"], metric, lang),
                        source=escape(str(o["source"])),
                    )
                    for o in p.get("others", ())
                ),
            ]
        )
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
    others = [(y, o) for y, p in zip(years, points, strict=True) for o in p.get("others", ())]
    if others:
        divisor = points[0]["value"] / points[0]["display_value"] if points[0]["value"] else 1
        figure.add_trace(
            go.Scatter(
                x=[y for y, _ in others],
                y=[float(o["value"]) / divisor for _, o in others],
                mode="markers",
                marker={"symbol": "circle-open", "size": 9, "color": "#888888"},
                name=t("also_reported_legend", lang),
                hovertext=[
                    t(
                        "also_reported",
                        lang,
                        value=format_value(o["value"], metric, lang),
                        source=escape(str(o["source"])),
                    )
                    for _, o in others
                ],
                hoverinfo="text",
            )
        )
        values = [*values, *(float(o["value"]) / divisor for _, o in others)]
    shown = year_events(points, metric, events)
    if shown:
        figure.add_trace(
            go.Scatter(
                x=[event_x(e["date"]) for e in shown],
                y=[0.0] * len(shown),
                mode="markers",
                marker={"symbol": "diamond", "size": 10, "color": EVENT_COLOR},
                name=t("events_legend", lang)
                if not hidden_count(shown)
                else t("events_legend_hidden", lang, count=hidden_count(shown)),
                hovertext=[event_hover(e, lang) for e in shown],
                hoverinfo="text",
                cliponaxis=False,
            )
        )
    ticks = list(range(min(years), max(years) + 1))
    figure.update_layout(
        template=TEMPLATE,
        height=HEIGHT,
        showlegend=bool(others) or bool(shown),
        # Below the year ticks, growing downwards: on a half-width chart the entries wrap to
        # rows, which at a fixed y would sit on the axis and the first years' points.
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        margin={"t": 30, "b": 100},
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
