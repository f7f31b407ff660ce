"""The latest year to date beside the same months of the year before: two bars, like for like.

The earlier bar is a reported figure of exactly that span (same series, same months) when the
data has one; otherwise, when the latest figure states a yoy, the earlier value computed from it
(value ÷ (1 + yoy)), drawn and labelled as derived and rounded like the reported value. Unlike
spans (1—10月 against 1—9月) are never set side by side: without either, there is no chart.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.briefing import preferred_rows, record_kinds
from dashboard.charts.metric_charts import (
    build_points,
    plot_axis_title,
    point_custom,
    point_text,
    qualifier_of,
)
from dashboard.charts.theme import (
    DERIVED_PATTERN,
    REPORTED_COLOUR,
    TEMPLATE,
    TIME_MARGIN,
    legend_below_ticks,
    tint,
)
from dashboard.format import (
    format_number,
)
from dashboard.locales import Locale
from dashboard.safe_text import chart_text
from dashboard.views.index import Record
from etl.contract.period_kinds import a_year_before, same_span_a_year_before
from etl.contract.qualifiers import is_bound
from etl.contract.vocabulary import load_metrics

HEIGHT = 310


def round_like(value: float, reported: float, metric: str) -> float:
    """Return value rounded to the places the reported value is written with (121.4万 → 0.1万).

    Places are counted in the metric's Chinese display scale (万, 亿), at most its decimals, so
    the rounding is the same in either language.
    """
    m = load_metrics()[metric]
    _, divisor = m.scale("zh")
    text = format_number(abs(reported) / divisor, m.decimals).replace(",", "")
    places = len(text.split(".")[1]) if "." in text else 0
    return round(value / divisor, places) * divisor


def _derived_before(current: Record) -> Record | None:
    """Return the same months a year before, computed from the current figure's stated yoy.

    None from a bound: 超1万 ÷ (1 + yoy) is no figure of the year before.
    """
    yoy = current.get("yoy_pct")
    if yoy is None or pd.isna(yoy) or float(yoy) <= -100 or is_bound(qualifier_of(current)):
        return None
    start, end = a_year_before(current["period_start"], current["period_end"])
    metric = str(current["metric"])
    value = round_like(float(current["value"]) / (1 + float(yoy) / 100), current["value"], metric)
    return {
        **current,
        "value": value,
        "period_start": start,
        "period_end": end,
        "basis": "derived",
        "yoy_pct": None,
        # What the derived bar is computed from, for its hover and label.
        "derived_from": current,
    }


def ytd_pair(records: list[Record]) -> tuple[Record, Record] | None:
    """Return (same months a year before, latest year to date) of one headline series, or None.

    records: the series' figures (reported ones are used). The latest year to date counts only
    when it is newer than the latest full year (a year to date of a finished year says nothing
    the year does not). None when neither a reported figure of exactly the same span a year
    earlier nor a stated yoy exists.
    """
    reported = [r for r in records if r.get("basis") == "reported"]
    if not reported:
        return None
    rows = preferred_rows(reported)
    kinds = record_kinds(rows)
    years = [r for r, k in zip(rows, kinds, strict=True) if k == "year"]
    ytds = [r for r, k in zip(rows, kinds, strict=True) if k == "ytd"]
    if years:
        last_year = max(pd.Timestamp(r["period_end"]).year for r in years)
        ytds = [r for r in ytds if pd.Timestamp(r["period_end"]).year > last_year]
    if not ytds:
        return None
    current = max(ytds, key=lambda r: pd.Timestamp(r["period_end"]))
    start, end = pd.Timestamp(current["period_start"]), pd.Timestamp(current["period_end"])
    before = [
        r
        for r, k in zip(rows, kinds, strict=True)
        if k == "ytd"
        and r["series"] == current["series"]
        and same_span_a_year_before(start, end, r.get("period_start"), r["period_end"])
    ]
    if before:
        return before[0], current
    derived = _derived_before(current)
    return None if derived is None else (derived, current)


def ytd_points(pair: tuple[Record, Record], locale: Locale) -> list[Record]:
    """Return the two bars' points with their words and display values, earlier first."""
    points = build_points(list(pair), locale)
    for p, r in zip(points, pair, strict=True):
        p["series_key"] = str(r.get("series") or "")
        # Both bars are the one series, named by its label (never the two reports' scopes).
        p["series"] = locale.series(p["series_key"]) or p["series"]
    return points


def _hover(p: Record, metric: str, locale: Locale) -> str:
    value = locale.value(p["value"], metric, qualifier=qualifier_of(p))
    lines = [f"<b>{value}</b>", p["period_label"]]
    source = chart_text(p["source"])
    if p["basis"] == "derived":
        cur = p["derived_from"]
        lines.append(
            locale.t(
                "ytd_derived_hover",
                value=locale.value(cur["value"], metric),
                yoy=locale.yoy(cur["yoy_pct"]),
            )
        )
    elif p.get("yoy_pct") is not None and not pd.isna(p["yoy_pct"]):
        lines.append(f"{locale.t('yoy')} {locale.yoy(p['yoy_pct'])}")
    lines.append(locale.t("event_source", source=source))
    return "<br>".join(lines)


def ytd_chart(points: list[Record], metric: str, locale: Locale) -> go.Figure:
    """Return two bars: the same months a year before (hollow and hatched when derived), then
    the latest year to date, each labelled with its value (the derived one says so)."""
    bars = []
    for i, p in enumerate(points):
        derived = p["basis"] == "derived"
        bound = is_bound(qualifier_of(p))
        # In the axis' own scale (the unit is in its title): 超10000 beside ticks of 8000.
        label = point_text(p, load_metrics()[metric].decimals, locale)
        if derived:
            label = locale.t("ytd_derived_label", value=label)
        # Only the latest bar prints its yoy: the earlier one's (against the year before it)
        # would read as the change between the two bars.
        elif i == len(points) - 1 and p.get("yoy_pct") is not None and not pd.isna(p["yoy_pct"]):
            label += f"  {locale.yoy(p['yoy_pct'])}"
        bars.append(
            go.Bar(
                x=[p["period_label"]],
                y=[p["display_value"]],
                width=0.5,
                name=locale.t("derived_legend")
                if derived
                else locale.t("bound_legend" if bound else "reported"),
                marker={
                    # A bound is an outline: 超1万 is no measured height.
                    "color": tint(REPORTED_COLOUR)
                    if derived
                    else ("#FFFFFF" if bound else REPORTED_COLOUR),
                    "line": {"color": REPORTED_COLOUR, "width": 1.5},
                    "pattern": {
                        "shape": DERIVED_PATTERN if derived else "",
                        "fgcolor": REPORTED_COLOUR,
                        "size": 7,
                        "solidity": 0.3,
                    },
                },
                text=[label],
                textposition="outside",
                textfont={"size": 13},
                cliponaxis=False,
                hovertext=[_hover(p, metric, locale)],
                hoverinfo="text",
                # A click on the bar opens its report under the chart (as on every chart).
                customdata=point_custom([p], locale),
                showlegend=derived or bound,
            )
        )
    top = max(p["display_value"] for p in points)
    layout = {
        "template": TEMPLATE,
        "height": HEIGHT,
        "barmode": "group",
        "showlegend": any(p["basis"] == "derived" or is_bound(qualifier_of(p)) for p in points),
        "legend": legend_below_ticks(HEIGHT),
        "margin": TIME_MARGIN,
        "xaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [p["period_label"] for p in points],
        },
        "yaxis": {
            "title": {"text": plot_axis_title(metric, locale)},
            # Headroom above the taller bar for its label.
            "range": [0, top * 1.2 if top > 0 else 1],
            **locale.value_axis_numbers(),
        },
    }
    # The layout in the constructor: update_layout after it would first apply plotly's default
    # template, then validate its replacement (~4× the cost of the whole figure).
    return go.Figure(data=bars, layout=layout)


def ytd_title(series_key: str, locale: Locale) -> str:
    """Return the chart's title: the series and 'year to date against the year before'."""
    return locale.t("title_ytd", label=locale.series(series_key))


def ytd_headline(points: list[Record], metric: str, locale: Locale) -> str:
    """Return the chart's headline: the latest year to date, its yoy, and the year before."""
    before, current = points
    yoy = current.get("yoy_pct")
    growth = (
        "" if yoy is None or pd.isna(yoy) else locale.t("comma") + locale.growth_words(float(yoy))
    )
    return locale.t(
        "ytd_headline",
        period=current["period_label"],
        label=locale.metric(metric),
        value=locale.value(current["value"], metric, qualifier=qualifier_of(current)),
        growth=growth,
        before=locale.value(before["value"], metric, qualifier=qualifier_of(before)),
        derived=locale.t("ytd_derived_mark") if before["basis"] == "derived" else "",
    )
