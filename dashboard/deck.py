"""Meeting decks: ChartSpecs, KPI cards and filters in, a 16:9 PPTX with native charts out."""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.datalabel import DataLabels
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.chart import XL_MARKER_STYLE as MARKER
from pptx.enum.dml import MSO_PATTERN
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from dashboard.charts import (
    DEFAULT_TOP,
    OKABE_ITO,
    PAGES,
    REPORTED_COLOUR,
    TEXT_COLOUR,
    ChartSpec,
    Selection,
    axis_title,
    metric_records,
    page_chart_specs,
    page_metrics,
    selection_note,
    tint,
)
from dashboard.filters import NO_ROUTE, Filters, filter_mask
from dashboard.format import format_date, format_period
from dashboard.i18n import basis_label, metric_label, region_label, route_label, t
from dashboard.views import (
    NO_DATE,
    FigureView,
    KpiCard,
    Record,
    figure_view,
    kpi_candidates,
    kpi_cards,
)
from etl.contract.vocabulary import load_metrics

# 16:9 at PowerPoint's own widescreen size (13.333 × 7.5 in), so nothing is rescaled on open.
SLIDE_WIDTH = Emu(12192000)
SLIDE_HEIGHT = Emu(6858000)
MARGIN = Inches(0.6)
CONTENT_WIDTH = Emu(SLIDE_WIDTH - 2 * MARGIN)
# Microsoft YaHei ships with every Chinese Windows and with WPS, where decks are opened and
# edited; elsewhere the viewer substitutes its own CJK font (LibreOffice picks Noto Sans CJK).
EAST_ASIAN_FONT = "Microsoft YaHei"
LATIN_FONT = "Arial"
MUTED = "6B7280"
CARD_FILL = "F3F6F9"
CARD_LINE = "D7DEE6"
GROWTH_UP, GROWTH_DOWN = OKABE_ITO[2], OKABE_ITO[3]
# Slide layouts of python-pptx's default template: 0 title slide, 5 title only.
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
# Excel's day zero: XY charts take dates as serial day numbers.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Snapshot charts pad the date axis so end markers and labels are not cut off (as on the page).
DATE_PAD_DAYS = 90
KPI_COLUMNS = 3
LANG_TAG = {"zh": "zh-CN", "en": "en-GB"}

WORDS: dict[str, tuple[str, str]] = {
    "deck_title": ("西部陆海新通道数据看板", "Western Land-Sea New Corridor"),
    "deck_subtitle": ("会议简报", "Meeting briefing"),
    "made": ("制作日期", "Made"),
    "period": ("数据期间", "Period"),
    "filters": ("筛选条件", "Filters"),
    "no_filters": ("全部数据（未筛选）", "all figures (no filter)"),
    "kpi_title": ("核心指标", "Headline figures"),
    "no_kpi": (
        "当前筛选条件下没有核心指标。",
        "No headline figures under these filters.",
    ),
    "sources": ("全部来源", "All sources"),
    "derived_note": (
        "推算值（浅色斜纹）：由报道的同比增速倒推的上年同期值，并非原文数字。",
        "Derived values (pale, hatched): the prior-year figure computed from the reported "
        "growth rate, not a reported number.",
    ),
    "growth_axis": ("同比增速（%）", "Growth on the same period a year earlier (%)"),
    "made_by": (
        "由 corridor deck 根据新闻报道中的数据生成；图表为可编辑的原生 PowerPoint 图表。",
        "Made by corridor deck from figures reported in the news; the charts are native, "
        "editable PowerPoint charts.",
    ),
}


def word(key: str, lang: str) -> str:
    """Return the deck's own text for key in 'zh' or 'en'."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Series:
    """One series of a native chart, as written into the deck."""

    name: str
    basis: str
    colour: str
    values: list[float | None]
    dates: list[pd.Timestamp]


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _same(spec: ChartSpec) -> tuple[str, str, str]:
    return (spec.title, spec.headline, spec.points.to_json(date_format="iso"))


def deck_charts(specs: Iterable[ChartSpec]) -> list[ChartSpec]:
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


# What select_figures reads of a metric's rows (as dashboard.data reads them).
def view_chart_specs(
    fv: FigureView, headline: list[Record], lang: str, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return every page's charts once each, in page order, as the pages draw them (bounded).

    headline: the view's KPI candidates (views.kpi_candidates), for the growth chart.
    """
    by_metric: dict[str, list[Record]] = {}
    selections: dict[str, Selection] = {}
    for metric in page_metrics(None):
        records, chosen = metric_records(fv, metric, top)
        if records:
            by_metric[metric] = records
            selections.update(chosen)
    specs: list[ChartSpec] = []
    for page in PAGES:
        for spec in page_chart_specs(headline, by_metric, lang, page, top):
            # The notes say what the whole view left out, not what the chosen records did.
            base = spec.id.removeprefix(f"{page}_")
            if base in selections:
                spec = replace(spec, note=selection_note(selections[base], lang))
            specs.append(spec)
    return deck_charts(specs)


def deck_inputs(
    frame: pd.DataFrame, sources: pd.DataFrame, filters: Filters, top: int = DEFAULT_TOP
) -> tuple[list[ChartSpec], list[KpiCard], FigureView]:
    """Return the charts, headline cards and filtered view a deck shows for an observations frame.

    Bounded as the dashboard is: the charts draw the top scopes and capped points, the cards come
    from the view's headline candidates, and no record is built for a figure nobody sees.
    """
    fv = figure_view(frame, sources, filter_mask(frame, filters), filters.lang)
    headline = kpi_candidates(fv)
    specs = view_chart_specs(fv, headline, filters.lang, top)
    return specs, kpi_cards(headline, filters.lang), fv


def chart_type(spec: ChartSpec) -> str:
    """Return how a spec is drawn natively: 'growth', 'flow' (bars) or 'snapshot' (XY markers).

    As on the page, running totals (a flow with no stated start) are markers over time.
    """
    if spec.id == "headline_growth":
        return "growth"
    points = spec.points
    metric = str(points["metric"].iloc[0]) if len(points) else ""
    kind = load_metrics()[metric].kind if metric in load_metrics() else "flow"
    if kind == "flow" and points["period_start"].notna().any():
        return "flow"
    return "snapshot"


def _ordered(points: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = points.copy()
    out["_start"] = out["period_start"].fillna(NO_DATE)
    return out.sort_values([*by, "_start"], kind="stable")


def bar_rows(points: pd.DataFrame) -> pd.DataFrame:
    """Return a bar chart's points in the page's order: latest series first, then by period."""
    out = points.copy()
    out["_latest"] = out.groupby("series")["period_end"].transform("max")
    out["_start"] = out["period_start"].fillna(NO_DATE)
    out = out.sort_values(
        ["_latest", "series", "period_end", "_start"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return out.drop(columns=["_latest", "_start"]).reset_index(drop=True)


# A bar's category label is at most this wide, counting a CJK character as two: 46 Latin or
# 23 Chinese characters, under 4 of the chart's 12 inches, on one line left of the bars.
MAX_LABEL_WIDTH = 46
LABEL_SEP = " · "
CATEGORY_FONT_PT = 12
NO_BREAK_ROT = "-600"  # 0.01° in 60000ths of a degree
ELLIPSIS = "…"
# Separators and opening brackets are dropped before an ellipsis.
_LOOSE = " ·(（-–—,，"


def text_width(text: str) -> int:
    """Return how wide text is drawn, in Latin character widths (CJK counts as two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int, *, middle: bool = False) -> str:
    """Return text cut to width with an ellipsis at its end (or middle, keeping head and tail)."""
    if text_width(text) <= width:
        return text
    room = max(width - text_width(ELLIPSIS), 1)
    if not middle:
        out = ""
        for ch in text:
            if text_width(out + ch) > room:
                break
            out += ch
        return out.rstrip(_LOOSE) + ELLIPSIS
    head, tail = "", ""
    chars = list(text)
    while chars:
        # Take from the tail first: a scope's distinguishing note sits at its end.
        take_tail = text_width(tail) <= text_width(head)
        ch = chars[-1] if take_tail else chars[0]
        if text_width(head + tail + ch) > room:
            break
        if take_tail:
            tail = chars.pop() + tail
        else:
            head += chars.pop(0)
    return head.rstrip(_LOOSE) + ELLIPSIS + tail.lstrip(" ·")


def _label(name: str, period: str, width: int, *, middle: bool = False) -> str:
    budget = width - text_width(LABEL_SEP + period)
    if budget < 8:  # a period so long the name would vanish: cut the whole label instead
        return _cut(name + LABEL_SEP + period, width, middle=True)
    return _cut(name, budget, middle=middle) + LABEL_SEP + period


def category_labels(pairs: list[tuple[str, str]], width: int = MAX_LABEL_WIDTH) -> list[str]:
    """Return one single-level label per (series, period): "成渝 · 中欧班列 · 2023年".

    A long series name is cut to keep the label within width (the period is kept whole). Labels
    stay unique: names that would collide keep their ends instead, and a last resort numbers them.
    """
    labels = [_label(name, period, width) for name, period in pairs]
    counts = Counter(labels)
    labels = [
        _label(name, period, width, middle=True) if counts[label] > 1 else label
        for (name, period), label in zip(pairs, labels, strict=True)
    ]
    return unique_labels(labels, width)


def unique_labels(labels: list[str], width: int = MAX_LABEL_WIDTH) -> list[str]:
    """Return the labels with any repeated one numbered " (1)", " (2)" …, still within width."""
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for label in labels:
        if counts[label] > 1:
            seen[label] += 1
            mark = f" ({seen[label]})"
            label = _cut(label, width - text_width(mark), middle=True) + mark
        out.append(label)
    return out


def category_series(
    points: pd.DataFrame, width: int = MAX_LABEL_WIDTH
) -> tuple[list[str], list[Series]]:
    """Return single-level category labels bottom-up and a reported and a derived series.

    One bar per figure, as on the page, labelled with its series (region, route, scope) and
    period; each figure has a value in one of the two series and a gap (None) in the other.
    PowerPoint draws the first category at the bottom, so the page's top-down order is reversed.
    """
    rows = bar_rows(points).iloc[::-1]
    pairs: list[tuple[str, str]] = []
    values: dict[str, list[float | None]] = {"reported": [], "derived": []}
    for _, row in rows.iterrows():
        pairs.append((str(row["series"]), str(row["period_label"])))
        for basis, column in values.items():
            column.append(float(row["display_value"]) if row["basis"] == basis else None)
    series = [
        Series(basis, basis, REPORTED_COLOUR, column, [])
        for basis, column in values.items()
        if any(v is not None for v in column)
    ]
    return category_labels(pairs, width), series


def xy_series(points: pd.DataFrame) -> list[Series]:
    """Return one XY series (dates, values) per drawn series and basis."""
    recs = _ordered(points, ["period_end"])
    names = list(dict.fromkeys(recs["series"]))
    out: list[Series] = []
    for i, name in enumerate(names):
        for basis in ("reported", "derived"):
            sel = recs[(recs["series"] == name) & (recs["basis"] == basis)]
            if len(sel):
                out.append(
                    Series(
                        name,
                        basis,
                        OKABE_ITO[i % len(OKABE_ITO)],
                        [float(v) for v in sel["display_value"]],
                        list(sel["period_end"]),
                    )
                )
    return out


def series_name(series: Series, lang: str) -> str:
    """Return a series' legend name; derived series say so."""
    if series.name == series.basis:
        return t("derived_legend", lang) if series.basis == "derived" else t("reported", lang)
    if series.basis == "derived":
        return f"{series.name} · {basis_label('derived', lang)}"
    return series.name


def _number_format(metric: str, lang: str) -> str:
    # One fixed decimal, the rest optional: 8.8 and 2021.84 as the page shows them, never "9.".
    decimals = load_metrics()[metric].decimals if metric in load_metrics() else 0
    whole = "0" if lang == "zh" else "#,##0"
    return whole + (".0" + "#" * (decimals - 1) if decimals else "")


# Axis ticks choose their own precision (0.5, 1000); General never pads them with zeros.
AXIS_FORMAT = "General"


def excel_serial(day: pd.Timestamp) -> float:
    """Return a date as Excel's serial day number (what XY charts plot)."""
    return float((pd.Timestamp(day) - EXCEL_EPOCH) / pd.Timedelta(days=1))


def _style_series(series: Any, s: Series, *, marker: bool = False) -> None:
    derived = s.basis == "derived"
    if marker:
        series.marker.style = MARKER.DIAMOND if derived else MARKER.CIRCLE
        series.marker.size = 13
        fill = series.marker.format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(tint(s.colour) if derived else s.colour)
        series.marker.format.line.color.rgb = _rgb(s.colour)
        series.marker.format.line.width = Pt(1.5)
        series.format.line.fill.background()
        return
    fill = series.format.fill
    if derived:
        fill.patterned()
        fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
        fill.fore_color.rgb = _rgb(s.colour)
        fill.back_color.rgb = _rgb(tint(s.colour))
    else:
        fill.solid()
        fill.fore_color.rgb = _rgb(s.colour)
    series.format.line.color.rgb = _rgb(s.colour)
    series.format.line.width = Pt(1.25)


def _axis_style(axis: Any, title: str | None, *, grid: bool) -> None:
    axis.has_major_gridlines = grid
    if grid:
        axis.major_gridlines.format.line.color.rgb = _rgb("E5E7EB")
    axis.format.line.color.rgb = _rgb("9CA3AF")
    axis.tick_labels.font.size = Pt(13)
    axis.tick_labels.font.color.rgb = _rgb(TEXT_COLOUR)
    if title:
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        font = axis.axis_title.text_frame.paragraphs[0].runs[0].font
        font.size = Pt(14)
        font.bold = False
        font.color.rgb = _rgb(TEXT_COLOUR)


def _label_style(labels: DataLabels, number_format: str, position: Any) -> None:
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.position = position
    labels.font.size = Pt(13)
    labels.font.color.rgb = _rgb(TEXT_COLOUR)


def _labels(plot: Any, number_format: str, position: Any) -> None:
    if hasattr(plot._element, "dLbls"):
        plot.has_data_labels = True
        _label_style(plot.data_labels, number_format, position)
        return
    # Scatter plots hold their labels per series.
    for series in plot.series:
        _label_style(DataLabels(series._element.get_or_add_dLbls()), number_format, position)


def _legend(chart: Chart, show: bool) -> None:
    chart.has_legend = show
    if show:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(13)


def _frame(slide: Slide, kind: Any, data: Any) -> Chart:
    shape = slide.shapes.add_chart(kind, MARGIN, Inches(1.45), CONTENT_WIDTH, Inches(5.1), data)
    chart: Chart = shape.chart  # type: ignore[attr-defined]
    # The slide title names the chart; without this a one-series chart titles itself.
    chart.has_title = False
    chart.font.size = Pt(13)
    chart.font.color.rgb = _rgb(TEXT_COLOUR)
    return chart


def add_flow_chart(slide: Slide, spec: ChartSpec, lang: str) -> Chart:
    """Add horizontal bars by scope and period; derived bars pale and hatched."""
    metric = str(spec.points["metric"].iloc[0])
    labels, series = category_series(spec.points)
    data = CategoryChartData(number_format=_number_format(metric, lang))
    data.categories = labels
    for s in series:
        data.add_series(series_name(s, lang), s.values)
    chart = _frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width = 40
    # Each figure is in one series only: the two share a slot, as the page's overlay does.
    plot.overlap = 100
    for native, s in zip(plot.series, series, strict=True):
        _style_series(native, s)
    _labels(plot, _number_format(metric, lang), XL_LABEL_POSITION.OUTSIDE_END)
    _axis_style(chart.value_axis, axis_title(metric, lang), grid=True)
    chart.value_axis.minimum_scale = 0
    chart.value_axis.tick_labels.number_format = AXIS_FORMAT
    chart.value_axis.tick_labels.number_format_is_linked = False
    _axis_style(chart.category_axis, None, grid=False)
    _category_labels_style(chart.category_axis)
    _legend(chart, True)
    return chart


def _category_labels_style(axis: Any) -> None:
    """Lay the category labels flat on one line, a point smaller than the other chart text."""
    axis.tick_labels.font.size = Pt(CATEGORY_FONT_PT)
    # Never turned on their side to fit (LibreOffice does when crowded) nor wrapped: PowerPoint
    # honours wrap="none"; LibreOffice breaks category labels unless they state a rotation, so
    # they state the least it keeps (0.01°, invisible).
    body = axis._element.get_or_add_txPr().find(qn("a:bodyPr"))
    body.set("rot", NO_BREAK_ROT)
    body.set("vert", "horz")
    body.set("wrap", "none")


def add_snapshot_chart(slide: Slide, spec: ChartSpec, lang: str) -> Chart:
    """Add markers on a date axis (XY); snapshots are never joined by lines."""
    metric = str(spec.points["metric"].iloc[0])
    series = xy_series(spec.points)
    data = XyChartData(number_format=_number_format(metric, lang))
    for s in series:
        native = data.add_series(series_name(s, lang))
        for day, value in zip(s.dates, s.values, strict=True):
            native.add_data_point(excel_serial(day), value)
    chart = _frame(slide, XL_CHART_TYPE.XY_SCATTER, data)
    plot = chart.plots[0]
    for native, s in zip(plot.series, series, strict=True):
        _style_series(native, s, marker=True)
    _labels(plot, _number_format(metric, lang), XL_LABEL_POSITION.ABOVE)
    x_axis, y_axis = chart.category_axis, chart.value_axis
    _axis_style(y_axis, axis_title(metric, lang), grid=True)
    y_axis.minimum_scale = 0
    y_axis.tick_labels.number_format = AXIS_FORMAT
    y_axis.tick_labels.number_format_is_linked = False
    _axis_style(x_axis, None, grid=False)
    days = [excel_serial(d) for s in series for d in s.dates]
    lo, hi = min(days), max(days)
    pad = max(DATE_PAD_DAYS, (hi - lo) * 0.08)
    x_axis.minimum_scale = lo - pad
    x_axis.maximum_scale = hi + pad
    x_axis.tick_labels.number_format = 'yyyy"年"m"月"' if lang == "zh" else "mmm yyyy"
    x_axis.tick_labels.number_format_is_linked = False
    _legend(chart, True)
    return chart


def growth_label(row: pd.Series, lang: str) -> str:
    """Return a growth bar's category: the metric and its period (the metric cut if long)."""
    period = f"（{row['period_label']}）" if lang == "zh" else f" ({row['period_label']})"
    label = _cut(metric_label(str(row["metric"]), lang), MAX_LABEL_WIDTH - text_width(period))
    return label + period


def add_growth_chart(slide: Slide, spec: ChartSpec, lang: str) -> Chart:
    """Add horizontal bars of yoy growth (%), rises green and falls vermillion."""
    points = spec.points
    growth = [float(v) for v in points["yoy_pct"]]
    data = CategoryChartData(number_format='+0.0"%";-0.0"%"')
    labels = [growth_label(row, lang) for _, row in points.iterrows()]
    data.categories = unique_labels(labels)
    data.add_series(t("yoy", lang), growth)
    chart = _frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.vary_by_categories = False
    native = plot.series[0]
    native.invert_if_negative = False
    for i, value in enumerate(growth):
        fill = native.points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(GROWTH_UP if value >= 0 else GROWTH_DOWN)
    _labels(plot, '+0.0"%";-0.0"%"', XL_LABEL_POSITION.OUTSIDE_END)
    _axis_style(chart.value_axis, word("growth_axis", lang), grid=True)
    _axis_style(chart.category_axis, None, grid=False)
    _category_labels_style(chart.category_axis)
    _legend(chart, False)
    return chart


# A paragraph of a text box: text, size in points, bold, colour.
Line = tuple[str, int, bool, str]

ADDERS: dict[str, Callable[[Slide, ChartSpec, str], Chart]] = {
    "growth": add_growth_chart,
    "flow": add_flow_chart,
    "snapshot": add_snapshot_chart,
}


def _set_text(frame: Any, lines: list[Line]) -> None:
    """Fill a text frame with (text, size pt, bold, colour) paragraphs."""
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)


def _textbox(slide: Slide, left: int, top: int, width: int, height: int, lines: list[Line]) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    _set_text(box.text_frame, lines)


def _title(slide: Slide, text: str, size: int = 28) -> None:
    title = slide.shapes.title
    assert title is not None  # the layouts used all carry a title placeholder
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(0.3),
        CONTENT_WIDTH,
        Inches(1.0),
    )
    frame = title.text_frame
    frame.clear()
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _set_text(frame, [(text, size, True, TEXT_COLOUR)])
    frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def remove_empty_placeholders(slide: Slide) -> None:
    """Remove placeholders that hold no text, chart or picture (they show 'Click to add …')."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and shape.text_frame.text.strip():
            continue
        element = shape.element
        element.getparent().remove(element)


def set_fonts(
    element: Any, lang: str, latin: str = LATIN_FONT, east: str = EAST_ASIAN_FONT
) -> None:
    """Set the Latin and East Asian typefaces (and language) on every run property in the XML."""
    tags = {qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")}
    for run in element.iter(qn("a:r")):
        run.get_or_add_rPr()
    for props in element.iter(*tags):
        props.set("lang", LANG_TAG[lang])
        if lang == "zh":
            props.set("altLang", "en-US")
        old = props.find(qn("a:ea"))
        if old is not None:
            props.remove(old)
        props.get_or_add_latin().set("typeface", latin)
        ea = etree.SubElement(props, qn("a:ea"))
        ea.set("typeface", east)
        props.find(qn("a:latin")).addnext(ea)


def _filters_words(filters: Filters) -> str:
    lang = filters.lang
    parts: list[str] = []
    sep = "：" if lang == "zh" else ": "
    joiner = "、" if lang == "zh" else ", "
    if filters.regions:
        parts.append(
            t("region", lang) + sep + joiner.join(region_label(r, lang) for r in filters.regions)
        )
    if filters.routes:
        names = [route_label("" if r == NO_ROUTE else r, lang) for r in filters.routes]
        parts.append(t("route", lang) + sep + joiner.join(names))
    if filters.metrics:
        parts.append(
            t("metric", lang) + sep + joiner.join(metric_label(m, lang) for m in filters.metrics)
        )
    if filters.bases:
        parts.append(
            t("basis", lang) + sep + joiner.join(basis_label(b, lang) for b in filters.bases)
        )
    if filters.sources:
        parts.append(t("source", lang) + sep + joiner.join(filters.sources))
    return ("；" if lang == "zh" else "; ").join(parts) or word("no_filters", lang)


def deck_period(specs: list[ChartSpec], cards: list[KpiCard], filters: Filters) -> str:
    """Return the period the deck covers: the filter's months, else the span of its figures."""
    frames = [s.points for s in specs]
    starts = [d for f in frames for d in f["period_start"].dropna()]
    ends = [d for f in frames for d in f["period_end"].dropna()]
    ends += [c.record["period_end"] for c in cards]
    if not ends:
        return "—"
    start = filters.start or min(starts + ends)
    end = filters.end or max(ends)
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    return format_period(first, last, filters.lang)


def _sources_lines(source_ids: Iterable[str], sources: pd.DataFrame, lang: str) -> list[str]:
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")} if len(sources) else {}
    lines = []
    for sid in dict.fromkeys(source_ids):
        src = by_id.get(sid, {})
        published = src.get("published")
        when = (
            format_date(pd.Timestamp(published), lang)
            if published is not None and not pd.isna(published)
            else ""
        )
        bits = [
            str(src.get("publisher") or sid),
            when,
            f"《{src['title']}》" if src.get("title") else "",
            str(src.get("url") or ""),
        ]
        lines.append(
            "· " + ("，" if lang == "zh" else ", ").join(b for b in bits if b) + f" [{sid}]"
        )
    return lines


def chart_notes(spec: ChartSpec, sources: pd.DataFrame, filters: Filters) -> str:
    """Return a chart slide's speaker notes: headline, description, filters and every source."""
    lang = filters.lang
    lines = [
        spec.headline,
        spec.alt,
        f"{word('filters', lang)}{'：' if lang == 'zh' else ': '}{_filters_words(filters)}",
    ]
    if (spec.points["basis"] == "derived").any():
        lines.append(word("derived_note", lang))
    lines.append(word("sources", lang) + ("：" if lang == "zh" else ":"))
    lines += _sources_lines((str(s) for s in spec.points["source_id"]), sources, lang)
    return "\n".join(x for x in lines if x)


def add_title_slide(
    prs: Any, specs: list[ChartSpec], cards: list[KpiCard], filters: Filters, made: date
) -> Slide:
    """Add the title slide: title, period, date made and the filters applied."""
    lang = filters.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(2.0),
        CONTENT_WIDTH,
        Inches(1.5),
    )
    _set_text(title.text_frame, [(word("deck_title", lang), 44, True, TEXT_COLOUR)])
    sep = "：" if lang == "zh" else ": "
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN,
        Inches(3.7),
        CONTENT_WIDTH,
        Inches(2.4),
    )
    subtitle.text_frame.clear()
    _set_text(
        subtitle.text_frame,
        [
            (
                word("deck_subtitle", lang) + " · " + deck_period(specs, cards, filters),
                26,
                False,
                OKABE_ITO[0],
            ),
            (word("made", lang) + sep + format_date(pd.Timestamp(made), lang), 18, False, MUTED),
            (word("filters", lang) + sep + _filters_words(filters), 16, False, MUTED),
        ],
    )
    for para in [*title.text_frame.paragraphs, *subtitle.text_frame.paragraphs]:
        para.alignment = PP_ALIGN.LEFT
    slide.notes_slide.notes_text_frame.text = "\n".join(
        [word("made_by", lang), word("filters", lang) + sep + _filters_words(filters)]
    )
    return slide


def add_kpi_slide(prs: Any, cards: list[KpiCard], sources: pd.DataFrame, filters: Filters) -> Slide:
    """Add the headline figures as cards: value, growth, period, scope and source."""
    lang = filters.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, word("kpi_title", lang))
    sep = "：" if lang == "zh" else ": "
    if not cards:
        _textbox(
            slide,
            MARGIN,
            Inches(2.0),
            CONTENT_WIDTH,
            Inches(1.0),
            [(word("no_kpi", lang), 24, False, MUTED)],
        )
    gap = Inches(0.25)
    rows = max(1, -(-len(cards) // KPI_COLUMNS))
    width = int((CONTENT_WIDTH - gap * (KPI_COLUMNS - 1)) / KPI_COLUMNS)
    height = int((Inches(5.7) - gap * (rows - 1)) / rows)
    for i, card in enumerate(cards):
        left = MARGIN + (width + gap) * (i % KPI_COLUMNS)
        top = Inches(1.45) + (height + gap) * (i // KPI_COLUMNS)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        box.adjustments[0] = 0.06
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(CARD_FILL)
        box.line.color.rgb = _rgb(CARD_LINE)
        box.shadow.inherit = False
        frame = box.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top"):
            setattr(frame, side, Inches(0.2))
        delta = card.delta or t("no_yoy", lang)
        colour = (
            MUTED
            if not card.delta
            else (GROWTH_UP if not card.delta.startswith("-") else GROWTH_DOWN)
        )
        lines = [
            (card.label, 16, False, MUTED),
            (card.value, 30, True, TEXT_COLOUR),
            (f"{t('yoy', lang)} {delta}" if card.delta else delta, 16, bool(card.delta), colour),
            (card.period + (f" · {card.note}" if card.note else ""), 13, False, TEXT_COLOUR),
            (card.scope, 11, False, MUTED),
            (t("source", lang) + sep + card.source, 11, False, MUTED),
        ]
        _set_text(frame, lines)
        for para in frame.paragraphs:
            para.alignment = PP_ALIGN.LEFT
    notes = [word("kpi_title", lang) + sep]
    notes += [_card_note(c, lang) for c in cards]
    notes.append(word("sources", lang) + sep)
    notes += _sources_lines((str(c.record["source_id"]) for c in cards), sources, lang)
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def _card_note(card: KpiCard, lang: str) -> str:
    delta = f" {t('yoy', lang)} {card.delta}" if card.delta else ""
    if lang == "zh":
        return f"· {card.label} {card.value}{delta}（{card.period}，{card.scope}）"
    return f"· {card.label} {card.value}{delta} ({card.period}, {card.scope})"


def add_chart_slide(prs: Any, spec: ChartSpec, sources: pd.DataFrame, filters: Filters) -> Slide:
    """Add one chart: headline as title, the native chart, the source line beneath, notes."""
    lang = filters.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, spec.headline or spec.title, 26)
    _textbox(
        slide, MARGIN, Inches(1.1), CONTENT_WIDTH, Inches(0.4), [(spec.title, 15, False, MUTED)]
    )
    chart = ADDERS[chart_type(spec)](slide, spec, lang)
    frame = slide.shapes[-1]
    frame._element.nvGraphicFramePr.cNvPr.set("descr", spec.alt)
    _textbox(
        slide,
        MARGIN,
        Inches(6.65),
        CONTENT_WIDTH,
        Inches(0.6),
        [(spec.source_line, 12, False, MUTED)],
    )
    slide.notes_slide.notes_text_frame.text = chart_notes(spec, sources, filters)
    set_fonts(chart._chartSpace, lang)
    return slide


def build_deck(
    specs: list[ChartSpec],
    cards: list[KpiCard],
    filters: Filters,
    sources: pd.DataFrame,
    *,
    made: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return a 16:9 PPTX: title slide, headline cards, then one native chart per spec."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    specs = deck_charts(specs)
    add_title_slide(prs, specs, cards, filters, made or date.today())
    add_kpi_slide(prs, cards, sources, filters)
    for i, spec in enumerate(specs, 1):
        add_chart_slide(prs, spec, sources, filters)
        if progress is not None:
            progress(i, len(specs))
    for slide in prs.slides:
        remove_empty_placeholders(slide)
        set_fonts(slide.element, filters.lang)
        set_fonts(slide.notes_slide.element, filters.lang)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def build_deck_from_frame(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    filters: Filters,
    *,
    made: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return the deck of every chart for an observations frame under the filters."""
    specs, cards, _ = deck_inputs(frame, sources, filters)
    return build_deck(specs, cards, filters, sources, made=made, progress=progress)
