"""Pure chart builders: a frame of figures in, ChartSpecs (plotly figure plus its words) out."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.format import (
    axis_unit,
    format_number,
    format_period,
    format_value,
    format_yoy,
    growth_words,
)
from dashboard.i18n import basis_label, metric_label, region_label, route_label, t
from dashboard.safe_text import chart_text
from dashboard.views import (
    NO_DATE,
    FigureView,
    Record,
    figure_records,
    folded_codes,
    kpi_cards,
    latest_record,
    ranked_codes,
)
from etl.contract.identity import normalise_scope
from etl.contract.vocabulary import load_metrics

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
# Group pages by the vocabulary's chart group.
GROUP_PAGE = {
    "trains_teu": "trains",
    "trade": "trains",
    "freight": "freight",
    "agri": "agri",
    "reach": "reach",
}
PAGES = ("overview", "trains", "freight", "agri", "reach")
# The overview stays light (it is the page opened most): the growth chart and one metric chart.
OVERVIEW_METRIC_CHARTS = 1
# Series (region, route, scope) a chart draws by default: the largest by their latest figure.
# Eight keeps Okabe–Ito's seven hues nearly unrepeated and a phone-width legend short.
DEFAULT_TOP = 8
# Choices for the reader's "scopes shown" control.
TOP_CHOICES = (8, 15, 30, 60)
# Bars in one flow chart: BAR_HEIGHT px each, so 120 bars is a ~3,700 px chart, the most a page
# should scroll through; older periods are left to the period filter.
MAX_BARS = 120
# Markers in one time chart: each carries its hover text (up to ~450 bytes of JSON), so 1,000
# keeps a chart under ~450 KB, inside the 500 KB budget a phone on a slow link can take.
MAX_MARKERS = 1000
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


@dataclass(frozen=True)
class ChartSpec:
    """One chart with everything needed to show it on a page, a slide or a wall."""

    id: str
    page: str
    title: str
    headline: str
    source_line: str
    alt: str
    figure: go.Figure
    point_records: tuple[Record, ...]
    note: str = ""

    @cached_property
    def points(self) -> pd.DataFrame:
        """Return the tidy frame of the points drawn: metric, period, value, basis, scope, scale."""
        return points_frame(list(self.point_records))


def tint(colour: str, amount: float = DERIVED_TINT) -> str:
    """Return the colour mixed with `amount` of white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def axis_title(metric: str, lang: str) -> str:
    """Return an axis title with its unit: 集装箱运量（万标箱）, Container volume (thousand TEU)."""
    unit = axis_unit(metric, lang)
    label = metric_label(metric, lang)
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def _series_names(points: list[Record], lang: str) -> list[str]:
    base = [
        " · ".join(
            x
            for x in (
                region_label(p["region"], lang),
                route_label(p["route"], lang) if p["route"] else "",
            )
            if x
        )
        for p in points
    ]
    scopes: dict[str, set[str]] = {}
    for name, p in zip(base, points, strict=True):
        scopes.setdefault(name, set()).add(normalise_scope(p["scope"]))
    return [
        name if len(scopes[name]) == 1 else f"{name}（{_short(normalise_scope(p['scope']))}）"
        for name, p in zip(base, points, strict=True)
    ]


def _short(scope: str) -> str:
    return scope if len(scope) <= 16 else scope[:15] + "…"


def _wrap(text: str) -> str:
    # Data text is made inert for plotly's HTML subset before the <br>s go in.
    text = chart_text(text)
    return "<br>".join(textwrap.wrap(text, HOVER_WRAP)) or text


def build_points(records: list[Record], lang: str) -> list[Record]:
    """Return the points a chart draws: each figure with its words, display value and scale."""
    metrics = load_metrics()
    points = [
        {
            **r,
            "period_label": format_period(r["period_start"], r["period_end"], lang),
            "display_value": r["value"] / metrics[r["metric"]].scale(lang)[1],
            "display_unit": axis_unit(r["metric"], lang),
        }
        for r in records
    ]
    for p, name in zip(points, _series_names(points, lang), strict=True):
        # Series names (scopes) become legend entries, headings and tick labels: no markup.
        p["series"] = chart_text(name)
    return points


def source_line(points: list[Record], lang: str, limit: int = 3) -> str:
    """Return the line under a chart: 来源：publisher，date；…, noting derived values."""
    ordered = sorted(points, key=lambda p: p["published"] or NO_DATE, reverse=True)
    names = list(dict.fromkeys(p["source"] for p in ordered))
    shown = names[:limit]
    more = len(names) - len(shown)
    derived = any(p["basis"] == "derived" for p in points)
    if lang == "zh":
        text = "来源：" + "；".join(shown) + (f"等{len(names)}个来源" if more > 0 else "")
        if derived:
            text += "。浅色斜纹为推算值（由报道的同比增速倒推上年同期）"
        return text
    text = "Source: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    if derived:
        text += (
            ". Pale hatched bars are derived (prior year computed from the reported growth rate)"
        )
    return text


def _hover(recs: list[Record], lang: str) -> tuple[list[list[str]], str]:
    yoy = t("yoy", lang)
    custom = [
        [
            format_value(float(r["value"]), r["metric"], lang),
            r["period_label"],
            _wrap(str(r["scope"])),
            basis_label(r["basis"], lang)
            + (f" · {yoy} {format_yoy(r['yoy_pct'], lang)}" if r["yoy_pct"] is not None else ""),
            _wrap(str(r["quote"])),
            chart_text(r["source"]),
        ]
        for r in recs
    ]
    scope = t("scope", lang)
    src = t("source", lang)
    sep = "：" if lang == "zh" else ": "
    template = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        f"{scope}{sep}%{{customdata[2]}}<br>%{{customdata[3]}}<br>"
        "“%{customdata[4]}”<br>"
        f"{src}{sep}%{{customdata[5]}}<extra></extra>"
    )
    return custom, template


def headline_text(points: list[Record], metric: str, lang: str) -> str:
    """Return the chart's one-sentence headline from its latest reported point."""
    row = latest_record(points)
    if row is None:
        return ""
    label = metric_label(metric, lang)
    value = format_value(float(row["value"]), metric, lang)
    period = row["period_label"]
    growth = ""
    if row["yoy_pct"] is not None:
        growth = ("，" if lang == "zh" else ", ") + growth_words(float(row["yoy_pct"]), lang)
    if lang == "zh":
        return f"{period} {label}{value}{growth}"
    return f"{label}: {value}, {period}{growth}"


def _colours(series: list[str]) -> dict[str, str]:
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(series)}


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


def _label_number(value: float, decimals: int, lang: str) -> str:
    # Chinese figures in 万/亿 are written without thousands separators (2021.84万元).
    text = format_number(value, decimals)
    return text.replace(",", "") if lang == "zh" else text


def _date_ticks(span: pd.Timedelta, lang: str) -> str:
    # Plotly's own date ticks are English; a span under two years is labelled by month.
    if span < pd.Timedelta(days=730):
        return "%Y年%-m月" if lang == "zh" else "%b %Y"
    return "%Y年" if lang == "zh" else "%Y"


def flow_figure(points: list[Record], metric: str, lang: str) -> go.Figure:
    """Return horizontal bars, one per figure, grouped under a heading per series; never joined.

    Each series (region, route, scope) gets a bold heading row, then one bar per period in time
    order. Reported bars are solid, derived ones pale and hatched; the growth rate sits by the bar.
    """
    latest: dict[str, pd.Timestamp] = {}
    for p in points:
        latest[p["series"]] = max(latest.get(p["series"], p["period_end"]), p["period_end"])
    recs = sorted(
        points,
        key=lambda p: (
            -latest[p["series"]].value,
            p["series"],
            p["period_end"],
            p["period_start"] or NO_DATE,
        ),
    )
    position: list[float] = []
    headings: list[Record] = []
    ticks: list[float] = []
    labels: list[str] = []
    row = 0.0
    current = None
    for r in recs:
        if r["series"] != current:
            current = r["series"]
            text = _wrap_label(current, HEADING_WRAP)
            lines = text.count("<br>") + 1
            headings.append(
                {
                    "x": 0,
                    "xref": "paper",
                    "xanchor": "left",
                    "y": row + (lines - 1) / 2 + 0.1,
                    "yanchor": "middle",
                    "text": f"<b>{text}</b>",
                    "showarrow": False,
                    "align": "left",
                    "font": {"size": 13},
                }
            )
            row += lines
        position.append(row)
        ticks.append(row)
        labels.append(r["period_label"])
        row += 1
    decimals = load_metrics()[metric].decimals
    traces: list[Record] = []
    for basis in ("reported", "derived"):
        chosen = [(y, r) for y, r in zip(position, recs, strict=True) if r["basis"] == basis]
        if not chosen:
            continue
        sel = [r for _, r in chosen]
        custom, template = _hover(sel, lang)
        derived = basis == "derived"
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [y for y, _ in chosen],
                "x": [r["display_value"] for r in sel],
                "width": 0.72,
                "name": t("derived_legend", lang) if derived else t("reported", lang),
                "marker": {
                    "color": tint(REPORTED_COLOUR) if derived else REPORTED_COLOUR,
                    "line": {"color": REPORTED_COLOUR, "width": 1.5},
                    "pattern": {
                        "shape": DERIVED_PATTERN if derived else "",
                        "fgcolor": REPORTED_COLOUR,
                        "size": 7,
                        "solidity": 0.3,
                    },
                },
                "text": [
                    _label_number(r["display_value"], decimals, lang)
                    + (
                        f"  {format_yoy(r['yoy_pct'], lang)}"
                        if not derived and r["yoy_pct"] is not None
                        else ""
                    )
                    for r in sel
                ],
                "textposition": "outside",
                "textfont": {"size": 13},
                "cliponaxis": False,
                "customdata": custom,
                "hovertemplate": template,
            }
        )
    layout = {
        "template": TEMPLATE,
        "height": 110 + BAR_HEIGHT * row,
        "barmode": "overlay",
        "showlegend": True,
        "legend": {"traceorder": "normal"},
        "annotations": headings,
        "xaxis": {
            "title": {"text": axis_title(metric, lang)},
            "range": [0, _top([r["display_value"] for r in recs]) * 1.1],
            "gridcolor": GRID_COLOUR,
            "showgrid": True,
            "tickformat": ",~f",
        },
        "yaxis": {
            "tickvals": ticks,
            "ticktext": labels,
            "range": [row - 0.4, -0.7],
            "showgrid": False,
            "rangemode": "normal",
            "zeroline": False,
        },
        "margin": {"l": 8, "r": 16, "t": 40, "b": 8},
    }
    return go.Figure(data=traces, layout=layout)


def snapshot_figure(points: list[Record], metric: str, lang: str) -> go.Figure:
    """Return markers on a time axis, one colour per scope; snapshots are never joined by lines."""
    recs = sorted(points, key=lambda p: p["period_end"])
    series = list(dict.fromkeys(r["series"] for r in recs))
    colours = _colours(series)
    decimals = load_metrics()[metric].decimals
    traces: list[Record] = []
    for name in series:
        sel = [r for r in recs if r["series"] == name]
        custom, template = _hover(sel, lang)
        derived = [r["basis"] == "derived" for r in sel]
        base = colours[name]
        traces.append(
            {
                "type": "scatter",
                "x": [r["period_end"] for r in sel],
                "y": [r["display_value"] for r in sel],
                "mode": "markers+text" if len(recs) <= LABEL_LIMIT else "markers",
                "name": name,
                "marker": {
                    "size": 14,
                    "color": [tint(base) if d else base for d in derived],
                    "line": {"color": base, "width": 2},
                    "symbol": ["circle-open" if d else "circle" for d in derived],
                },
                "text": [_label_number(r["display_value"], decimals, lang) for r in sel]
                if len(recs) <= LABEL_LIMIT
                else None,
                "textposition": "top center",
                "cliponaxis": False,
                "customdata": custom,
                "hovertemplate": template,
            }
        )
    lo, hi = recs[0]["period_end"], recs[-1]["period_end"]
    pad = max(pd.Timedelta(days=90), (hi - lo) * 0.08)
    layout = _layout(axis_title(metric, lang))
    layout["xaxis"] = {
        "type": "date",
        "range": [lo - pad, hi + pad],
        "tickformat": _date_ticks(hi - lo, lang),
    }
    layout["yaxis"]["range"] = [0, _top([r["display_value"] for r in recs])]
    layout["yaxis"]["tickformat"] = ",~f"
    return go.Figure(data=traces, layout=layout)


def _alt(title: str, kind: str, points: list[Record], headline: str, lang: str) -> str:
    labels = [p["period_label"] for p in sorted(points, key=lambda p: p["period_end"])]
    span = labels[0] if len(set(labels)) == 1 else f"{labels[0]}—{labels[-1]}"
    if lang == "zh":
        return f"{title}：{kind}，{len(points)}个数据点，{span}。{headline}。"
    return f"{title}: {kind}, {len(points)} figures, {span}. {headline}."


POINT_COLUMNS = (
    "metric",
    "period_start",
    "period_end",
    "period_label",
    "value",
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


def metric_chart(points: list[Record], metric: str, lang: str, note: str = "") -> ChartSpec:
    """Return the chart of one metric: bars for period flows, markers for snapshots and totals.

    A flow figure with no stated start (a running total, 截至…累计) is drawn as a marker on a time
    axis, in a chart of its own, so it never sits on a scale beside the figures of one period.
    """
    m = load_metrics()[metric]
    cumulative = m.kind == "flow" and all(p["period_start"] is None for p in points)
    title = m.label(lang)
    if cumulative:
        title = f"{title}（{t('cumulative', lang)}）" if lang == "zh" else f"{title} (cumulative)"
    headline = headline_text(points, metric, lang)
    if m.kind == "flow" and not cumulative:
        figure = flow_figure(points, metric, lang)
        kind = "按口径和期间排列的条形图" if lang == "zh" else "bar chart by scope and period"
    else:
        figure = snapshot_figure(points, metric, lang)
        kind = "按时间排列的散点图" if lang == "zh" else "dot chart over time"
    return ChartSpec(
        id=f"{metric}_cumulative" if cumulative else metric,
        page=GROUP_PAGE.get(m.group, "trains"),
        title=title,
        headline=headline,
        source_line=source_line(points, lang),
        alt=_alt(title, kind, points, headline, lang),
        figure=figure,
        point_records=tuple(points),
        note=note,
    )


def metric_charts(
    records: list[Record], metric: str, lang: str, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return a metric's charts: its period figures, then its running totals if it has any.

    Each chart draws at most `top` series and a bounded number of points (see select_figures).
    """
    m = load_metrics()[metric]
    parts = (
        [(records, m.kind == "flow")]
        if m.kind != "flow"
        else [
            ([r for r in records if r["period_start"] is not None], True),
            ([r for r in records if r["period_start"] is None], False),
        ]
    )
    specs = []
    for part, bars in parts:
        if not part:
            continue
        frame = pd.DataFrame(part, columns=["region", "route", "scope", "period_end", "value"])
        chosen, selection = select_figures(frame, top, MAX_BARS if bars else MAX_MARKERS)
        picked = [part[i] for i in chosen.tolist()]
        specs.append(
            metric_chart(build_points(picked, lang), metric, lang, selection_note(selection, lang))
        )
    return specs


@dataclass(frozen=True)
class Selection:
    """What a chart left out: series and periods beyond its bounds."""

    series: int
    series_shown: int
    figures: int
    figures_shown: int


def select_figures(frame: pd.DataFrame, top: int, max_points: int) -> tuple[np.ndarray, Selection]:
    """Return positions of the figures to draw: the `top` series by latest value, latest periods.

    A series is a region, route and scope (folded to simplified). Series rank by the value of
    their latest figure (largest first); within the chosen series the oldest periods are left
    out until at most `max_points` remain. Nothing is summed: figures are chosen, never merged.
    """
    n = len(frame)
    if n == 0:
        return np.arange(0), Selection(0, 0, 0, 0)
    series = (
        pd.DataFrame(
            {
                "region": ranked_codes(frame["region"]),
                "route": ranked_codes(frame["route"]),
                "scope": folded_codes(frame["scope"]),
            }
        )
        .groupby(["region", "route", "scope"], sort=True)
        .ngroup()
        .to_numpy()
    )
    ends = pd.to_datetime(frame["period_end"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    values = pd.to_numeric(frame["value"]).to_numpy(dtype=float)
    work = pd.DataFrame({"s": series, "end": ends, "v": values})
    latest_end = work.groupby("s")["end"].transform("max").to_numpy()
    at_latest = work.loc[ends == latest_end]
    latest_value = at_latest.groupby("s")["v"].max()
    ranked = latest_value.sort_values(ascending=False, kind="stable")
    keep_series = ranked.index[:top].to_numpy()
    chosen = np.isin(series, keep_series)
    shown = len(keep_series)
    if chosen.sum() > max_points:
        # Per series, keep its latest periods: the same number for each, so no series is cut short.
        per_series = max(1, max_points // max(shown, 1))
        recency = (
            work.loc[chosen].groupby("s")["end"].rank(method="dense", ascending=False).to_numpy()
        )
        inside = np.zeros(n, dtype=bool)
        inside[np.flatnonzero(chosen)] = recency <= per_series
        chosen = inside
        if chosen.sum() > max_points:
            chosen[np.flatnonzero(chosen)[max_points:]] = False
    positions = np.flatnonzero(chosen)
    return positions, Selection(len(ranked), shown, n, len(positions))


def selection_note(selection: Selection, lang: str) -> str:
    """Return the line saying what a chart left out, or "" when it draws everything."""
    if selection.figures_shown == selection.figures:
        return ""
    if lang == "zh":
        parts = []
        if selection.series_shown < selection.series:
            parts.append(
                f"按最新数值显示前{selection.series_shown}个口径（共{selection.series}个）"
            )
        parts.append(f"图中{selection.figures_shown}个数据点（筛选结果共{selection.figures}个）")
        if selection.figures_shown < selection.figures:
            parts.append("可用“显示口径数”、地区、线路和期间筛选查看其余")
        return "；".join(parts) + "。"
    parts = []
    if selection.series_shown < selection.series:
        parts.append(
            f"showing the {selection.series_shown} largest of {selection.series} scopes "
            "by their latest figure"
        )
    parts.append(f"{selection.figures_shown} of {selection.figures} figures drawn")
    parts.append("use 'Scopes shown' and the region, route and period filters to see others")
    return "; ".join(parts).capitalize() + "."


def growth_chart(records: list[Record], lang: str) -> ChartSpec | None:
    """Return horizontal bars of the headline figures' yoy growth, each labelled with its period."""
    chosen = [c.record for c in kpi_cards(records, lang)]
    recs = sorted(
        (
            p
            for p in build_points(chosen, lang)
            if p["yoy_pct"] is not None and p["basis"] == "reported"
        ),
        key=lambda p: p["yoy_pct"],
    )
    if not recs:
        return None
    custom, template = _hover(recs, lang)
    growth = [float(r["yoy_pct"]) for r in recs]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": growth,
        "y": [
            f"{metric_label(r['metric'], lang)}<br><span style='font-size:12px'>"
            f"{r['period_label']}</span>"
            for r in recs
        ],
        "marker": {"color": [OKABE_ITO[2] if v >= 0 else OKABE_ITO[3] for v in growth]},
        "text": [format_yoy(v, lang) for v in growth],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": custom,
        "hovertemplate": template,
        "name": t("reported", lang),
    }
    x_title = "同比增速（%）" if lang == "zh" else "Growth on the same period a year earlier (%)"
    hi, lo = max([*growth, 0.0]), min([*growth, 0.0])
    layout = {
        "template": TEMPLATE,
        "height": max(240, 80 * len(recs) + 90),
        "showlegend": False,
        "margin": {"l": 8, "r": 56, "t": 16, "b": 8},
        "xaxis": {
            "title": {"text": x_title},
            "range": [lo * 1.3, hi * 1.3 + 1],
            "gridcolor": GRID_COLOUR,
            "zeroline": True,
            "showgrid": True,
            "automargin": True,
        },
        "yaxis": {"showgrid": False, "automargin": True, "rangemode": "normal", "zeroline": False},
    }
    top = recs[-1]
    title = "核心指标同比增速" if lang == "zh" else "Growth of the headline figures"
    if lang == "zh":
        headline = (
            f"{top['period_label']} {metric_label(top['metric'], lang)}"
            f"{growth_words(growth[-1], lang)}，增速居核心指标之首"
        )
    else:
        headline = (
            f"{metric_label(top['metric'], lang)} grew fastest of the headline figures: "
            f"{growth_words(growth[-1], lang)} ({top['period_label']})"
        )
    kind = "横向柱状图" if lang == "zh" else "horizontal bar chart"
    return ChartSpec(
        id="headline_growth",
        page="overview",
        title=title,
        headline=headline,
        source_line=source_line(recs, lang),
        alt=_alt(title, kind, recs, headline, lang),
        figure=go.Figure(data=[bar], layout=layout),
        point_records=tuple(recs),
    )


def build_chart_specs(
    frame: pd.DataFrame, sources: pd.DataFrame, lang: str, page: str | None = None
) -> list[ChartSpec]:
    """Return the charts of a page (or of every page) for a filtered observations frame."""
    return chart_specs_from_records(figure_records(frame, sources, lang), lang, page)


def chart_specs_from_records(
    records: list[Record], lang: str, page: str | None = None, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return the charts of a page (or of every page) for deduplicated figure records."""
    by_metric: dict[str, list[Record]] = {}
    for r in records:
        by_metric.setdefault(r["metric"], []).append(r)
    return page_chart_specs(records, by_metric, lang, page, top)


def page_metrics(page: str | None) -> list[str]:
    """Return the metrics whose charts a page (or every page, for None) draws, in order."""
    flows = [k for k, m in load_metrics().items() if m.headline and m.kind == "flow"]
    own = [
        k for k, m in load_metrics().items() if page in (None, GROUP_PAGE.get(m.group, "trains"))
    ]
    lead = flows[:OVERVIEW_METRIC_CHARTS] if page in (None, "overview") else []
    return list(dict.fromkeys([*lead, *own]))


def page_chart_specs(
    headline_records: list[Record],
    by_metric: dict[str, list[Record]],
    lang: str,
    page: str | None = None,
    top: int = DEFAULT_TOP,
) -> list[ChartSpec]:
    """Return a page's charts from the headline candidates and each metric's figures."""
    specs: list[ChartSpec] = []
    if page in (None, "overview"):
        growth = growth_chart(headline_records, lang)
        if growth is not None:
            specs.append(growth)
        flows = [k for k, m in load_metrics().items() if m.headline and m.kind == "flow"]
        for metric in flows[:OVERVIEW_METRIC_CHARTS]:
            if metric in by_metric:
                specs.extend(
                    _on_page(s, "overview")
                    for s in metric_charts(by_metric[metric], metric, lang, top)[:1]
                )
    for metric, m in load_metrics().items():
        if page not in (None, GROUP_PAGE.get(m.group, "trains")) or metric not in by_metric:
            continue
        specs.extend(metric_charts(by_metric[metric], metric, lang, top))
    return specs


def _on_page(spec: ChartSpec, page: str) -> ChartSpec:
    return ChartSpec(
        id=f"{page}_{spec.id}",
        page=page,
        title=spec.title,
        headline=spec.headline,
        source_line=spec.source_line,
        alt=spec.alt,
        figure=spec.figure,
        point_records=spec.point_records,
        note=spec.note,
    )


SELECT_COLUMNS = ("region", "route", "scope", "period_end", "value")


def metric_records(
    fv: FigureView, metric: str, top: int = DEFAULT_TOP
) -> tuple[list[Record], dict[str, Selection]]:
    """Return the records a metric's charts draw from a view, and what each chart left out.

    The same bounded choice the pages make : period figures and running totals
    apart, each the `top` scopes by latest value and at most MAX_BARS / MAX_MARKERS points.
    Records are built only for the chosen rows, so a million-row view costs a few array passes.
    """
    mine = fv.rows[(fv.column("metric") == metric).to_numpy()]
    if not len(mine):
        return [], {}
    flow = load_metrics()[metric].kind == "flow"
    starts = fv.frame["period_start"].iloc[mine].isna().to_numpy()
    chosen: list[np.ndarray] = []
    selections: dict[str, Selection] = {}
    for part, limit, spec_id in (
        (mine[~starts], MAX_BARS, metric),
        (mine[starts], MAX_MARKERS, f"{metric}_cumulative" if flow else metric),
    ):
        if len(part):
            cols = pd.DataFrame(
                {c: fv.frame[c].iloc[part].reset_index(drop=True) for c in SELECT_COLUMNS}
            )
            picked, selections[spec_id] = select_figures(cols, top, limit)
            chosen.append(part[picked])
    return fv.records(np.sort(np.concatenate(chosen))), selections
