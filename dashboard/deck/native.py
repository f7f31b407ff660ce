"""Native (editable) PowerPoint charts from chart specs: growth bars, flow bars, XY markers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.datalabel import DataLabels
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.chart import XL_MARKER_STYLE as MARKER
from pptx.enum.dml import MSO_PATTERN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from dashboard.charts.metric_charts import axis_title
from dashboard.charts.specs import SERIES_SUFFIX, ChartSpec, is_years
from dashboard.charts.theme import OKABE_ITO, TEXT_COLOUR, tint
from dashboard.deck.labels import growth_label, spaced_labels, unique_labels
from dashboard.deck.series import (
    NativeSeries,
    category_series,
    excel_serial,
    series_name,
    xy_series,
    year_series,
)
from dashboard.deck.workbooks import TextCategoryChartData, TextXyChartData
from dashboard.locales import Locale
from etl.contract.vocabulary import load_metrics

# 16:9 at PowerPoint's own widescreen size (13.333 × 7.5 in), so nothing is rescaled on open.
SLIDE_WIDTH = Emu(12192000)
SLIDE_HEIGHT = Emu(6858000)
MARGIN = Inches(0.6)
CONTENT_WIDTH = Emu(SLIDE_WIDTH - 2 * MARGIN)
GROWTH_UP, GROWTH_DOWN = OKABE_ITO[2], OKABE_ITO[3]
# Snapshot charts pad the date axis so end markers and labels are not cut off (as on the page).
DATE_PAD_DAYS = 90
CATEGORY_FONT_PT = 12
NO_BREAK_ROT = "-600"  # 0.01° in 60000ths of a degree


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _number_format(metric: str, locale: Locale) -> str:
    # One fixed decimal, the rest optional: 8.8 and 2021.84 as the page shows them, never "9.".
    decimals = load_metrics()[metric].decimals if metric in load_metrics() else 0
    return locale.excel_number_format(decimals)


# Axis ticks choose their own precision (0.5, 1000); General never pads them with zeros.
AXIS_FORMAT = "General"


def _style_series(series: Any, s: NativeSeries, *, marker: bool = False) -> None:
    derived = s.basis == "derived"
    if marker:
        bound = s.basis == "bound"
        # A bound is a triangle (open on the page); derived a pale diamond.
        series.marker.style = (
            MARKER.TRIANGLE if bound else (MARKER.DIAMOND if derived else MARKER.CIRCLE)
        )
        series.marker.size = 13
        fill = series.marker.format.fill
        fill.solid()
        # Filled, not open: LibreOffice draws a marker's fill but not its outline.
        fill.fore_color.rgb = rgb(tint(s.colour) if derived else s.colour)
        series.marker.format.line.color.rgb = rgb(s.colour)
        series.marker.format.line.width = Pt(1.5)
        series.format.line.fill.background()
        return
    fill = series.format.fill
    if s.basis == "bound":
        # An outline only: a bar of 超1万 is no measured length.
        fill.solid()
        fill.fore_color.rgb = rgb("#FFFFFF")
    elif derived:
        fill.patterned()
        fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
        fill.fore_color.rgb = rgb(s.colour)
        fill.back_color.rgb = rgb(tint(s.colour))
    else:
        fill.solid()
        fill.fore_color.rgb = rgb(s.colour)
    series.format.line.color.rgb = rgb(s.colour)
    series.format.line.width = Pt(1.25)


def _axis_style(axis: Any, title: str | None, *, grid: bool) -> None:
    axis.has_major_gridlines = grid
    if grid:
        axis.major_gridlines.format.line.color.rgb = rgb("E5E7EB")
    axis.format.line.color.rgb = rgb("9CA3AF")
    axis.tick_labels.font.size = Pt(13)
    axis.tick_labels.font.color.rgb = rgb(TEXT_COLOUR)
    if title:
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        font = axis.axis_title.text_frame.paragraphs[0].runs[0].font
        font.size = Pt(14)
        font.bold = False
        font.color.rgb = rgb(TEXT_COLOUR)


def _label_style(labels: DataLabels, number_format: str, position: Any) -> None:
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.position = position
    labels.font.size = Pt(13)
    labels.font.color.rgb = rgb(TEXT_COLOUR)


def _labels(plot: Any, number_format: str, position: Any) -> None:
    if hasattr(plot._element, "dLbls"):
        plot.has_data_labels = True
        _label_style(plot.data_labels, number_format, position)
        return
    # Scatter plots hold their labels per series.
    for series in plot.series:
        _label_style(DataLabels(series._element.get_or_add_dLbls()), number_format, position)


def _point_labels(
    native: Any,
    values: list[float | None],
    decimals: int,
    locale: Locale,
    position: Any,
    *,
    signed_pct: bool = False,
    qualifiers: list[str] | None = None,
) -> None:
    """Give every drawn point of a series its own label number format (see point_format); a
    bound's label starts with its qualifier (超10000 / over 10,000)."""
    for i, value in enumerate(values):
        if value is None:
            continue
        qualifier = qualifiers[i] if qualifiers else ""
        label = native.points[i].data_label
        dlbl = label._get_or_add_dLbl()
        old = dlbl.find(qn("c:numFmt"))
        if old is not None:
            dlbl.remove(old)
        fmt = etree.SubElement(dlbl, qn("c:numFmt"))
        fmt.set(
            "formatCode",
            locale.point_format(value, decimals, signed_pct=signed_pct, qualifier=qualifier),
        )
        fmt.set("sourceLinked", "0")
        dlbl.find(qn("c:idx")).addnext(fmt)
        label.position = position
        label.font.size = Pt(13)
        label.font.color.rgb = rgb(TEXT_COLOUR)


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
    chart.font.color.rgb = rgb(TEXT_COLOUR)
    return chart


def _value_bars(
    slide: Slide,
    metric: str,
    locale: Locale,
    shape: tuple[Any, int],
    labels: list[str],
    series: list[NativeSeries],
    legend: bool,
) -> Chart:
    # Bars (or columns) of one metric's values: a reported and a derived series sharing each
    # slot (each figure is in one of them only, as the page's overlay draws it), labelled with
    # the dashboard's decimals, the value axis from zero.
    chart_type, gap = shape
    data = TextCategoryChartData(number_format=_number_format(metric, locale))
    data.categories = labels
    for s in series:
        data.add_series(series_name(s, locale), s.values)
    chart = _frame(slide, chart_type, data)
    plot = chart.plots[0]
    plot.gap_width = gap
    plot.overlap = 100
    for native, s in zip(plot.series, series, strict=True):
        _style_series(native, s)
    _labels(plot, _number_format(metric, locale), XL_LABEL_POSITION.OUTSIDE_END)
    decimals = load_metrics()[metric].decimals
    for native, s in zip(plot.series, series, strict=True):
        _point_labels(
            native,
            s.values,
            decimals,
            locale,
            XL_LABEL_POSITION.OUTSIDE_END,
            qualifiers=s.qualifiers,
        )
    _axis_style(chart.value_axis, axis_title(metric, locale), grid=True)
    chart.value_axis.minimum_scale = 0
    chart.value_axis.tick_labels.number_format = AXIS_FORMAT
    chart.value_axis.tick_labels.number_format_is_linked = False
    _axis_style(chart.category_axis, None, grid=False)
    _category_labels_style(chart.category_axis)
    _legend(chart, legend)
    return chart


def add_flow_chart(slide: Slide, spec: ChartSpec, locale: Locale) -> Chart:
    """Add horizontal bars by scope and period; derived bars pale and hatched."""
    metric = str(spec.points["metric"].iloc[0])
    labels, series = category_series(spec.points)
    shape = (XL_CHART_TYPE.BAR_CLUSTERED, 40)
    return _value_bars(slide, metric, locale, shape, labels, series, legend=True)


def add_years_chart(slide: Slide, spec: ChartSpec, locale: Locale) -> Chart:
    """Add a headline series as columns, one per year left to right; derived columns hatched."""
    metric = str(spec.points["metric"].iloc[0])
    labels, series = year_series(spec.points)
    shape = (XL_CHART_TYPE.COLUMN_CLUSTERED, 60)
    return _value_bars(slide, metric, locale, shape, labels, series, legend=len(series) > 1)


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


def add_snapshot_chart(slide: Slide, spec: ChartSpec, locale: Locale) -> Chart:
    """Add markers on a date axis (XY); snapshots are never joined by lines."""
    metric = str(spec.points["metric"].iloc[0])
    series = xy_series(spec.points)
    data = TextXyChartData(number_format=_number_format(metric, locale))
    for s in series:
        native = data.add_series(series_name(s, locale))
        for day, value in zip(s.dates, s.values, strict=True):
            native.add_data_point(excel_serial(day), value)
    chart = _frame(slide, XL_CHART_TYPE.XY_SCATTER, data)
    plot = chart.plots[0]
    for native, s in zip(plot.series, series, strict=True):
        _style_series(native, s, marker=True)
    _labels(plot, _number_format(metric, locale), XL_LABEL_POSITION.ABOVE)
    decimals = load_metrics()[metric].decimals
    for native, s in zip(plot.series, series, strict=True):
        _point_labels(
            native,
            list(s.values),
            decimals,
            locale,
            XL_LABEL_POSITION.ABOVE,
            qualifiers=s.qualifiers,
        )
    _thin_labels(plot, series, decimals, locale)
    x_axis, y_axis = chart.category_axis, chart.value_axis
    _axis_style(y_axis, axis_title(metric, locale), grid=True)
    y_axis.minimum_scale = 0
    y_axis.tick_labels.number_format = AXIS_FORMAT
    y_axis.tick_labels.number_format_is_linked = False
    _axis_style(x_axis, None, grid=False)
    days = [excel_serial(d) for s in series for d in s.dates]
    lo, hi = min(days), max(days)
    pad = max(DATE_PAD_DAYS, (hi - lo) * 0.08)
    x_axis.minimum_scale = lo - pad
    x_axis.maximum_scale = hi + pad
    x_axis.tick_labels.number_format = locale.excel_date_format()
    x_axis.tick_labels.number_format_is_linked = False
    _legend(chart, True)
    return chart


def _thin_labels(plot: Any, series: list[NativeSeries], decimals: int, locale: Locale) -> None:
    """Hide the value labels that would overprint others (the latest kept first): a crowded
    XY chart's labels never overlap; every value stays in the chart's data and the notes."""
    placed = [
        (native, i, excel_serial(day), float(value), s.qualifier(i))
        for native, s in zip(plot.series, series, strict=True)
        for i, (day, value) in enumerate(zip(s.dates, s.values, strict=True))
        if value is not None
    ]
    if not placed:
        return
    days = [p[2] for p in placed]
    lo, hi = min(days), max(days)
    pad = max(DATE_PAD_DAYS, (hi - lo) * 0.08)
    # The value axis' top is at least the highest value and a step over it: assume a quarter.
    top = max(p[3] for p in placed) * 1.25
    texts = [locale.label_prefix(p[4]) + locale.label_number(p[3], decimals) for p in placed]
    labelled = [(p[2], p[3], text) for p, text in zip(placed, texts, strict=True)]
    keep = spaced_labels(labelled, (lo - pad, hi + pad), top)
    for (native, i, *_), kept in zip(placed, keep, strict=True):
        if not kept:
            hide_label(native, i)


def hide_label(native: Any, index: int) -> None:
    """Delete one point's data label (its value stays in the chart's data)."""
    dlbl = native.points[index].data_label._get_or_add_dLbl()
    for child in list(dlbl):
        if child.tag != qn("c:idx"):
            dlbl.remove(child)
    etree.SubElement(dlbl, qn("c:delete")).set("val", "1")


def add_growth_chart(slide: Slide, spec: ChartSpec, locale: Locale) -> Chart:
    """Add horizontal bars of yoy growth (%), rises green and falls vermillion."""
    points = spec.points
    growth = [float(v) for v in points["yoy_pct"]]
    data = TextCategoryChartData(number_format='+0.0"%";-0.0"%"')
    labels = [growth_label(row, locale) for _, row in points.iterrows()]
    data.categories = unique_labels(labels)
    data.add_series(locale.t("yoy"), growth)
    chart = _frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.vary_by_categories = False
    native = plot.series[0]
    native.invert_if_negative = False
    for i, value in enumerate(growth):
        fill = native.points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(GROWTH_UP if value >= 0 else GROWTH_DOWN)
    _labels(plot, '+0.0"%";-0.0"%"', XL_LABEL_POSITION.OUTSIDE_END)
    _point_labels(native, list(growth), 1, locale, XL_LABEL_POSITION.OUTSIDE_END, signed_pct=True)
    _axis_style(chart.value_axis, locale.t("growth_axis"), grid=True)
    _axis_style(chart.category_axis, None, grid=False)
    _category_labels_style(chart.category_axis)
    _legend(chart, False)
    return chart


def add_chart(slide: Slide, spec: ChartSpec, locale: Locale) -> Chart:
    """Add a spec's native chart: a series over the years (a headline one, or a metric page's
    further flow series) as columns, else by its kind."""
    over_years = is_years(spec) or (spec.id.endswith(SERIES_SUFFIX) and spec.kind == "flow")
    return (add_years_chart if over_years else ADDERS[spec.kind])(slide, spec, locale)


# How each kind of chart (ChartSpec.kind, chosen by dashboard.charts.specs) is drawn natively.
ADDERS: dict[str, Callable[[Slide, ChartSpec, Locale], Chart]] = {
    "growth": add_growth_chart,
    "flow": add_flow_chart,
    "snapshot": add_snapshot_chart,
}
