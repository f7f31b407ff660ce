"""Chart specs: which charts each page draws, chosen for each metric, with their words."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go

from dashboard.briefing import BoundedMemo, headline_rows
from dashboard.charts.drawn import DrawnFigure, drawn
from dashboard.charts.metric_charts import (
    alt_text,
    build_points,
    flow_chart,
    growth_chart,
    has_bounds,
    headline_text,
    points_frame,
    qualifier_of,
    snapshot_chart,
    source_line,
)
from dashboard.charts.select import (
    DEFAULT_TOP,
    MAX_BARS,
    MAX_MARKERS,
    RELATED_SUFFIX,
    Selection,
    metric_records,
    select_figures,
    selection_note,
)
from dashboard.charts.series_charts import (
    MAX_MORE_SERIES,
    MAX_PAGE_CHARTS,
    more_year_series,
    quiet_snapshot,
    snapshot_series,
)
from dashboard.charts.series_years import (
    SHORT_HEIGHT,
    year_chart,
    year_events,
    year_note,
    year_points,
    year_records,
    year_title,
)
from dashboard.charts.ytd import ytd_chart, ytd_headline, ytd_pair, ytd_points, ytd_title
from dashboard.filters import is_related_record, related_rows
from dashboard.locales import Locale
from dashboard.span_growth import growth_sentence, series_growth, year_figure
from dashboard.views.index import HEADLINE_SERIES, FigureView, Record, among
from dashboard.views.kpi import kpi_cards
from etl.contract.series import headline_series
from etl.contract.vocabulary import load_metrics

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
# How a chart is drawn, on the page and as a native chart in the deck: bars of growth, bars of
# period flows (one per figure), or markers on a time axis (snapshots and running totals).
KINDS = ("growth", "flow", "snapshot")
# Charts remembered per process by what they are drawn from (see remembered): several views'
# worth of every page's charts; each is a figure and its points, up to a few hundred KB.
CHART_MEMO = 512
_chart_memo: BoundedMemo[bytes, Any] = BoundedMemo(CHART_MEMO)
T = TypeVar("T")


def remembered(build: Callable[..., T], *args: Any) -> T:
    """Return build(*args), built once per process for equal arguments (compared by their repr).

    A chart is a pure function of its records and its language: another filter that keeps the
    same records for it (a basis, a related switch or a metric that leaves it, a period that
    ends in the same year) draws the same chart, so only the charts whose figures changed are
    built again. Callers share what comes back and must not change it.
    """
    # A Locale is its language (locale_for's one object per language): its id, not its words.
    said = tuple((a.lang, id(a)) if isinstance(a, Locale) else a for a in args)
    key = hashlib.blake2b(repr((build.__qualname__, said)).encode(), digest_size=16).digest()
    found: T | None = _chart_memo.get(key)
    if found is None:
        found = build(*args)
        _chart_memo.put(key, found)
    return found


@dataclass(frozen=True)
class ChartSpec:
    """One chart with everything needed to show it on a page, a slide or a wall."""

    id: str
    page: str
    kind: str
    title: str
    headline: str
    source_line: str
    alt: str
    chart: go.Figure
    point_records: tuple[Record, ...]
    note: str = ""
    # The milestones drawn on its time axis (each with the ones near it left out, "hidden").
    events: tuple[Record, ...] = ()
    # A headline series' growth over its span (超56倍，年均增长…), shown under its chart.
    growth: str = ""

    @cached_property
    def drawn(self) -> DrawnFigure:
        """Return the chart as the page draws it on every run: its dict made once (the spec is
        cached and shared, never changed once built)."""
        return drawn(self.chart)

    @cached_property
    def points(self) -> pd.DataFrame:
        """Return the tidy frame of the points drawn: metric, period, value, basis, scope, scale."""
        return points_frame(list(self.point_records))


def metric_spec(points: list[Record], metric: str, locale: Locale, note: str = "") -> ChartSpec:
    """Return the chart of one metric: bars for period flows, markers for snapshots and totals.

    A flow figure with no stated start (a running total, 截至…累计) is drawn as a marker on a time
    axis, in a chart of its own, so it never sits on a scale beside the figures of one period.
    """
    m = load_metrics()[metric]
    cumulative = m.kind == "flow" and all(p["period_start"] is None for p in points)
    title = m.label(locale.lang)
    if cumulative:
        title = locale.t("title_cumulative", title=title)
    headline = headline_text(points, metric, locale)
    if m.kind == "flow" and not cumulative:
        kind, chart = "flow", flow_chart(points, metric, locale)
    else:
        kind, chart = "snapshot", snapshot_chart(points, metric, locale)
    return ChartSpec(
        id=f"{metric}_cumulative" if cumulative else metric,
        page=GROUP_PAGE.get(m.group, "trains"),
        kind=kind,
        title=title,
        headline=headline,
        source_line=source_line(points, locale),
        alt=alt_text(title, f"kind_{kind}", points, headline, locale),
        chart=chart,
        point_records=tuple(points),
        note=note,
    )


def metric_specs(
    records: list[Record], metric: str, locale: Locale, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return a metric's charts: its period figures, then its running totals if it has any.

    Each chart draws at most `top` series and a bounded number of points (see select_figures).
    A related series (中欧班列, a province's total trade: there only with the related switch on)
    never shares a chart with this corridor's: it comes after them, in charts of its own whose
    title and headline say 相关通道 / related corridors.
    """
    ours = [r for r in records if not is_related_record(r)]
    related = [r for r in records if is_related_record(r)]
    specs = list(remembered(_metric_specs, ours, metric, locale, top))
    for spec in remembered(_metric_specs, related, metric, locale, top):
        specs.append(
            replace(
                spec,
                id=f"{spec.id}{RELATED_SUFFIX}",
                title=locale.t("related_title", title=spec.title),
                headline=locale.t("related_title", title=spec.headline),
                alt=locale.t("related_title", title=spec.alt),
            )
        )
    return specs


def is_related(spec: ChartSpec) -> bool:
    """Return whether a chart draws related corridors' series (its own chart, so labelled)."""
    return spec.id.endswith(RELATED_SUFFIX)


def _metric_specs(records: list[Record], metric: str, locale: Locale, top: int) -> list[ChartSpec]:
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
        frame = pd.DataFrame(
            part, columns=["region", "route", "scope", "series", "period_end", "value"]
        )
        chosen, selection = select_figures(frame, top, MAX_BARS if bars else MAX_MARKERS)
        picked = [part[i] for i in chosen.tolist()]
        points = build_points(picked, locale)
        specs.append(metric_spec(points, metric, locale, chart_note(selection, points, locale)))
    return specs


def chart_note(selection: Selection, points: list[Record], locale: Locale) -> str:
    """Return the note under a chart: what it left out, and what a bound's mark means."""
    parts = [
        selection_note(selection, locale),
        locale.t("bound_note") if has_bounds(points) else "",
    ]
    return " ".join(p for p in parts if p)


def growth_spec(records: list[Record], locale: Locale) -> ChartSpec | None:
    """Return horizontal bars of the headline figures' yoy growth, each labelled with its period."""
    # Only the headline series, as the overview's series cards: never a figure of another series.
    ours = [r for r in records if str(r.get("series") or "") in HEADLINE_SERIES]
    chosen = [c.record for c in kpi_cards(ours, locale)]
    recs = sorted(
        (
            p
            for p in build_points(chosen, locale)
            if p["yoy_pct"] is not None and p["basis"] == "reported"
        ),
        key=lambda p: p["yoy_pct"],
    )
    if not recs:
        return None
    top = recs[-1]
    title = locale.t("growth_title")
    headline = locale.t(
        "growth_headline",
        period=top["period_label"],
        label=locale.metric(top["metric"]),
        growth=locale.growth_words(float(top["yoy_pct"])),
    )
    return ChartSpec(
        id="headline_growth",
        page="overview",
        kind="growth",
        title=title,
        headline=headline,
        source_line=source_line(recs, locale),
        alt=alt_text(title, "kind_growth", recs, headline, locale),
        chart=growth_chart(recs, locale),
        point_records=tuple(recs),
    )


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
    locale: Locale,
    page: str,
    top: int = DEFAULT_TOP,
) -> list[ChartSpec]:
    """Return a page's charts from the headline candidates and each metric's figures."""
    specs: list[ChartSpec] = []
    if page == "overview":
        growth = remembered(growth_spec, headline_records, locale)
        if growth is not None:
            specs.append(growth)
        for metric in page_metrics("overview")[:OVERVIEW_METRIC_CHARTS]:
            if metric in by_metric:
                specs.extend(
                    replace(s, id=f"overview_{s.id}", page="overview")
                    for s in metric_specs(by_metric[metric], metric, locale, top)[:1]
                )
    for metric, m in load_metrics().items():
        if page != GROUP_PAGE.get(m.group, "trains") or metric not in by_metric:
            continue
        specs.extend(metric_specs(by_metric[metric], metric, locale, top))
    # This corridor first: related corridors' charts (there only with the switch on) close the page.
    return [s for s in specs if not is_related(s)] + [s for s in specs if is_related(s)]


def _chosen(
    fv: FigureView, metrics: list[str], top: int
) -> tuple[dict[str, list[Record]], dict[str, Selection]]:
    by_metric: dict[str, list[Record]] = {}
    selections: dict[str, Selection] = {}
    for metric in metrics:
        records, chosen = metric_records(fv, metric, top)
        if records:
            by_metric[metric] = records
            selections.update(chosen)
    return by_metric, selections


def _view_notes(
    specs: list[ChartSpec], selections: dict[str, Selection], page: str, locale: Locale
) -> list[ChartSpec]:
    # The notes say what the whole view left out, not what the pre-chosen records did.
    return [
        replace(s, note=chart_note(selections[base], list(s.point_records), locale))
        if (base := s.id.removeprefix(f"{page}_")) in selections
        else s
        for s in specs
    ]


def page_specs(
    fv: FigureView,
    headline: list[Record],
    locale: Locale,
    page: str,
    top: int = DEFAULT_TOP,
    events: list[Record] | None = None,
) -> list[ChartSpec]:
    """Return the charts a page draws for a view, bounded: the top scopes, capped points.

    headline: the view's KPI candidates (views.kpi.kpi_candidates), for the overview's growth
    chart. Records are built only for the figures the charts draw. A metric page draws its
    corridor series (series_page_specs); only a view with none of them over time falls back to
    the metric charts, at most MAX_PAGE_CHARTS of them.
    """
    if page != "overview":
        drawn = series_page_specs(fv, page, locale, events)
        if drawn:
            return [*drawn, *related_specs(fv, page, locale, top, len(drawn))]
    elif overview := overview_specs(fv, locale, events):
        return overview
    # The metric charts: a page (or the overview) with no series over time under the filters.
    by_metric, selections = _chosen(fv, page_metrics(page), top)
    specs = _view_notes(
        page_chart_specs(headline, by_metric, locale, page, top), selections, page, locale
    )
    if page == "overview":
        return specs
    years = headline_specs(fv, page_metrics(page), locale, events)
    return [*[y for y in years if y.page == page], *specs][:MAX_PAGE_CHARTS]


def related_specs(
    fv: FigureView, page: str, locale: Locale, top: int, drawn: int
) -> list[ChartSpec]:
    """Return a page's related corridors' charts (there only with the related switch on), in the
    room its series charts leave."""
    room = MAX_PAGE_CHARTS - drawn
    if room <= 0 or not related_rows(fv, fv.rows).any():
        return []
    by_metric, selections = _chosen(fv, page_metrics(page), top)
    specs = page_chart_specs([], by_metric, locale, page, top)
    return _view_notes([s for s in specs if is_related(s)], selections, page, locale)[:room]


def series_page_specs(
    fv: FigureView, page: str, locale: Locale, events: list[Record] | None = None
) -> list[ChartSpec]:
    """Return a metric page's series charts: each headline series over the years (with its year
    to date), then at most MAX_MORE_SERIES more corridor series, MAX_PAGE_CHARTS in all."""
    metrics = page_metrics(page)
    years = [y for y in headline_specs(fv, metrics, locale, events) if y.page == page]
    found = {**snapshot_series(fv, metrics), **more_year_series(fv, metrics)}
    room = max(0, min(MAX_MORE_SERIES, MAX_PAGE_CHARTS - len(years)))
    more = [
        remembered(series_spec, key, recs, page, locale) for key, recs in list(found.items())[:room]
    ]
    if not more and not any(is_years(y) for y in years):
        # Nothing over time but a year to date: the page's few figures are its metric charts.
        return []
    return [*years, *more][:MAX_PAGE_CHARTS]


def series_spec(key: str, records: list[Record], page: str, locale: Locale) -> ChartSpec:
    """Return one corridor series' chart: a line over the calendar years for a flow, a line
    through its dates for counts as of dates, named by the series label (never its scopes)."""
    metric = str(records[0]["metric"])
    snapshot = load_metrics()[metric].kind == "snapshot"
    points = year_points(records, locale)
    label = locale.series(key)
    for p in points:
        # The line is the series: its label names it in the legend and the hover.
        p["series"] = label
    title = label if snapshot else year_title(metric, locale, key)
    headline = headline_text(points, metric, locale)
    kind = "snapshot" if snapshot else "flow"
    chart = (
        snapshot_chart(points, metric, locale)
        if snapshot
        else year_chart(points, metric, locale, height=SHORT_HEIGHT)
    )
    if snapshot:
        quiet_snapshot(chart, points)
    return ChartSpec(
        id=f"{key}{SERIES_SUFFIX}",
        page=page,
        kind=kind,
        title=title,
        headline=headline,
        source_line=source_line(points, locale),
        alt=alt_text(title, f"kind_{kind}", points, headline, locale),
        chart=chart,
        point_records=tuple(points),
        note=chart_note(Selection(1, 1, len(points), len(points)), points, locale)
        if snapshot
        else year_note(points, locale),
    )


SERIES_SUFFIX = "_series"


def overview_specs(
    fv: FigureView, locale: Locale, events: list[Record] | None = None
) -> list[ChartSpec]:
    """Return the overview's one chart: the first headline series over the calendar years.

    The corridor's trains unless a filter leaves another metric; the cards and the briefing
    above it carry the other series. None drawn (no series over years under the filters): the
    caller falls back to the growth and metric charts.
    """
    flows = [k for k, m in load_metrics().items() if m.headline and m.kind == "flow"]
    # Only the first series is drawn: its chart alone is built.
    for metric, records in list(year_records(fv, flows).items())[:1]:
        spec = remembered(year_spec, metric, records, locale, events)
        return [replace(spec, id=f"overview_{spec.id}", page="overview")]
    return []


def year_specs(
    fv: FigureView, metrics: list[str], locale: Locale, events: list[Record] | None = None
) -> list[ChartSpec]:
    """Return each metric's headline series over the calendar years, for a metric page's top."""
    return [
        remembered(year_spec, metric, records, locale, events)
        for metric, records in year_records(fv, metrics).items()
    ]


def year_spec(
    metric: str, records: list[Record], locale: Locale, events: list[Record] | None = None
) -> ChartSpec:
    """Return one metric's headline series over the calendar years (records: year_records')."""
    points = year_points(records, locale)
    return _flow_spec(
        f"{metric}_years",
        metric,
        year_title(metric, locale),
        headline_text(points, metric, locale),
        points,
        year_chart(points, metric, locale, events),
        locale,
        note=year_note(points, locale),
        events=tuple(year_events(points, metric, events)),
        growth=span_words(points, locale),
    )


def _flow_spec(
    spec_id: str,
    metric: str,
    title: str,
    headline: str,
    points: list[Record],
    chart: go.Figure,
    locale: Locale,
    **more: Any,
) -> ChartSpec:
    """Return a flow chart's spec on its metric's page, its source line and alt text from its
    points (more: the spec's other fields)."""
    return ChartSpec(
        id=spec_id,
        page=GROUP_PAGE.get(load_metrics()[metric].group, "trains"),
        kind="flow",
        title=title,
        headline=headline,
        source_line=source_line(points, locale),
        alt=alt_text(title, "kind_flow", points, headline, locale),
        chart=chart,
        point_records=tuple(points),
        **more,
    )


def span_words(points: list[Record], locale: Locale) -> str:
    """Return a series' growth from its first year to its last, in words, or '': each year's
    end chosen as the briefing and the deck choose it (span_growth.span_ends)."""
    figures = [
        year_figure(f["period_end"], float(f["value"]), qualifier_of(f))
        for p in points
        for f in (p, *p.get("others", ()))
    ]
    growth = series_growth(figures)
    return "" if growth is None else growth_sentence(growth, locale)


YTD_SUFFIX = "_ytd"
YEARS_SUFFIX = "_years"


def is_years(spec: ChartSpec) -> bool:
    """Return whether a chart is a headline series over the calendar years."""
    return spec.id.endswith(YEARS_SUFFIX)


def is_series_chart(spec: ChartSpec) -> bool:
    """Return whether a chart draws one catalogued series over time (a metric page's layout)."""
    return spec.id.endswith((YEARS_SUFFIX, YTD_SUFFIX, SERIES_SUFFIX))


def is_ytd(spec: ChartSpec) -> bool:
    """Return whether a chart is a year to date beside the same months a year before."""
    return spec.id.endswith(YTD_SUFFIX)


def ytd_specs(fv: FigureView, metrics: list[str], locale: Locale) -> list[ChartSpec]:
    """Return each metric's latest year to date beside the same months a year before (ytd_pair)."""
    rows = headline_rows(fv)
    # Records only of the metrics asked for (the headline rows hold every metric's series).
    rows = rows[among(fv.frame["metric"].iloc[rows], tuple(metrics))] if len(rows) else rows
    if not len(rows):
        return []
    records = fv.records(rows)
    out = []
    for metric in metrics:
        series = headline_series(metric)
        if series is None:
            continue
        pair = ytd_pair([r for r in records if r["series"] == series.key])
        if pair is None:
            continue
        out.append(remembered(ytd_spec, metric, series.key, pair, locale))
    return out


def ytd_spec(metric: str, key: str, pair: tuple[Record, Record], locale: Locale) -> ChartSpec:
    """Return a metric's year to date beside the same months a year before (pair: ytd_pair's)."""
    points = ytd_points(pair, locale)
    return _flow_spec(
        f"{metric}{YTD_SUFFIX}",
        metric,
        ytd_title(key, locale),
        ytd_headline(points, metric, locale),
        points,
        ytd_chart(points, metric, locale),
        locale,
    )


def headline_specs(
    fv: FigureView, metrics: list[str], locale: Locale, events: list[Record] | None = None
) -> list[ChartSpec]:
    """Return a metric page's top: each metric's years, then its year to date beside the year
    before, metric by metric."""
    years = year_specs(fv, metrics, locale, events)
    ytds = ytd_specs(fv, metrics, locale)
    return [
        s
        for metric in metrics
        for s in (*years, *ytds)
        if s.id in (f"{metric}_years", f"{metric}{YTD_SUFFIX}")
    ]


def _same(spec: ChartSpec) -> tuple[str, str, str]:
    return (spec.title, spec.headline, spec.points.to_json(date_format="iso"))


def once_each(specs: Iterable[ChartSpec]) -> list[ChartSpec]:
    """Return the specs once each: a chart the overview repeats from its own page is dropped."""
    specs = list(specs)
    # The overview borrows a page's chart under the id overview_<id>; keep the page's own.
    own = {_same(s) for s in specs if not s.id.startswith("overview_")}
    seen: set[tuple[str, str, str]] = set()
    out: list[ChartSpec] = []
    for spec in specs:
        key = _same(spec)
        if key in seen or (spec.id.startswith("overview_") and key in own):
            continue
        seen.add(key)
        out.append(spec)
    return out


def every_page_specs(
    fv: FigureView,
    headline: list[Record],
    locale: Locale,
    top: int = DEFAULT_TOP,
    events: list[Record] | None = None,
) -> list[ChartSpec]:
    """Return every page's charts once each, in page order, as the pages draw them.

    What the deck, present mode and the deck download show: each page's own charts
    (page_specs, as the page asks for them), a page of a few figures only its year to date
    (page_draws), and a chart the overview borrows from its page once, on that page.
    """
    return once_each(
        spec
        for page in PAGES
        for spec in page_draws(
            page_specs(fv, headline if page == "overview" else [], locale, page, top, events)
        )
    )


# A metric page whose every chart has this many points or fewer, none of them two like periods
# to set side by side, reads better as cards, a sentence and a table than as one-dot charts.
THIN_POINTS = 2


def is_thin_page(specs: list[ChartSpec]) -> bool:
    """Return whether a metric page's charts are a few figures, shown as cards and a table
    (its year to date beside the year before, which always compares, aside)."""
    rest = [s for s in specs if not is_ytd(s)]
    return all(len(s.point_records) <= THIN_POINTS and not compares(s) for s in rest)


def page_draws(specs: list[ChartSpec]) -> list[ChartSpec]:
    """Return the charts a page shows of its specs: a thin metric page only its year to date."""
    if specs and specs[0].page != "overview" and is_thin_page(specs):
        return [s for s in specs if is_ytd(s)]
    return specs


def compares(spec: ChartSpec) -> bool:
    """Return whether a chart sets two figures of like periods (same months) side by side.

    Counts as of dates (ports reached, running totals) are a line through their dates: two or
    more of them compare.
    """
    if len(spec.point_records) > 1 and all(r["period_start"] is None for r in spec.point_records):
        return True
    spans = [
        (
            None
            if r["period_start"] is None
            else pd.Timestamp(r["period_start"]).strftime("%m-%d"),
            pd.Timestamp(r["period_end"]).strftime("%m-%d"),
        )
        for r in spec.point_records
    ]
    return len(set(spans)) < len(spans)
