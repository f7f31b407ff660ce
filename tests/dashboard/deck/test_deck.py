"""The meeting deck, opened again with python-pptx: slides, native charts, values, words, fonts."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from itertools import chain

import pandas as pd
import pytest
from dashboard_data import big_frame, observations, sources
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from references import figure_records

from dashboard import data
from dashboard.charts.select import DEFAULT_TOP, MAX_BARS, MAX_MARKERS
from dashboard.charts.specs import KINDS, PAGES, once_each
from dashboard.deck.labels import MAX_LABEL_WIDTH, category_labels, text_width
from dashboard.deck.native import ADDERS
from dashboard.deck.series import excel_serial
from dashboard.deck.slides import EAST_ASIAN_FONT, build_deck, deck_briefing, deck_inputs
from dashboard.deck.text_fit import EMU_PER_PT, lines_height, text_points
from dashboard.filters import Filters, apply_filters
from dashboard.i18n import t
from dashboard.locales import EN, ZH, Locale, locale_for
from dashboard.views.kpi import briefing_cards
from etl.contract.paths import REPO_ROOT, Layout
from etl.contract.vocabulary import load_metrics
from etl.store.cache import compact_observations
from etl.store.table import Table, load_table

NATIVE = {
    "growth": XL_CHART_TYPE.BAR_CLUSTERED,
    "flow": XL_CHART_TYPE.BAR_CLUSTERED,
    "snapshot": XL_CHART_TYPE.XY_SCATTER,
}
MADE = date(2026, 11, 28)


def _deck(
    frame: pd.DataFrame, srcs: pd.DataFrame, filters: Filters, locale: Locale = ZH
) -> tuple[object, list]:
    specs, cards, _ = deck_inputs(frame, srcs, filters, locale)
    data = build_deck(specs, cards, filters, srcs, locale=locale, made=MADE)
    return Presentation(io.BytesIO(data)), specs


def _chart(slide: object) -> object:
    frames = [s for s in slide.shapes if s.has_chart]  # type: ignore[attr-defined]
    assert len(frames) == 1
    return frames[0].chart


def _expected_values(frame: pd.DataFrame, srcs: pd.DataFrame, spec: object, lang: str) -> list:
    """The values a chart must hold: the filtered figures of its metric ÷ the display scale."""
    figures = figure_records(frame, srcs, lang)
    points = spec.points  # type: ignore[attr-defined]
    if spec.id == "headline_growth":  # type: ignore[attr-defined]
        return sorted(float(v) for v in points["yoy_pct"])
    out = []
    if spec.id.endswith("_ytd"):  # type: ignore[attr-defined]
        # The earlier bar, when derived, is computed from the latest's yoy, rounded like it.
        from dashboard.charts.ytd import round_like

        latest = points.iloc[-1]
        _, divisor = load_metrics()[latest["metric"]].scale(lang)
        if points["basis"].iloc[0] == "derived":
            value = float(latest["value"]) / (1 + float(latest["yoy_pct"]) / 100)
            out.append(round_like(value, float(latest["value"]), latest["metric"]) / divisor)
            points = points.iloc[1:]
    keys = set(
        zip(points["metric"], points["period_end"], points["scope"], points["basis"], strict=True)
    )
    for r in figures:
        if (r["metric"], r["period_end"], r["scope"], r["basis"]) in keys:
            _, divisor = load_metrics()[r["metric"]].scale(lang)
            out.append(float(r["value"]) / divisor)
    return sorted(out)


def _values(chart: object) -> list[float]:
    return sorted(
        float(v)
        for plot in chart.plots  # type: ignore[attr-defined]
        for series in plot.series
        for v in series.values
        if v is not None
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_has_title_kpi_and_one_native_chart_per_spec(lang: str) -> None:
    frame, srcs = observations(), sources()
    filters = Filters()
    prs, specs = _deck(frame, srcs, filters, locale_for(lang))
    assert len(prs.slides) == 2 + len(specs)
    assert len(specs) >= 4
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9
    for slide, spec in zip(list(prs.slides)[2:], specs, strict=True):
        chart = _chart(slide)
        assert chart.chart_type == NATIVE[spec.kind], spec.id
        assert _values(chart) == pytest.approx(
            _expected_values(apply_filters(frame, filters), srcs, spec, lang)
        ), spec.id


def test_every_series_value_is_the_filtered_figure_over_the_display_scale() -> None:
    frame, srcs = observations(), sources()
    filters = Filters(regions=("chongqing",))
    prs, specs = _deck(frame, srcs, filters)
    by_title = {s.shapes.title.text_frame.text: s for s in list(prs.slides)[2:]}
    trains = next(s for s in specs if s.id == "train_runs")
    values = _values(_chart(by_title[trains.headline]))
    # 816 trains reported and 692.7 derived: trains are shown in 列, no scale.
    assert values == pytest.approx([692.7, 816.0])
    agri = next(s for s in specs if s.id == "agri_export_value_cny")
    # 8.8亿元 and its derived prior year, in 亿元.
    assert _values(_chart(by_title[agri.headline])) == pytest.approx([6.010928962, 8.8])
    teu = next(s for s in specs if s.id == "teu")
    chart = _chart(by_title[teu.headline])
    assert _values(chart) == pytest.approx([1.0661, 1.5])
    assert chart.value_axis.axis_title.text_frame.text == "集装箱运量（万标箱）"


def test_english_deck_uses_english_scales_titles_and_notes() -> None:
    frame, srcs = observations(), sources()
    prs, specs = _deck(frame, srcs, Filters(), EN)
    title = prs.slides[0].shapes.title.text_frame.text
    assert title == "Western Land-Sea New Corridor"
    assert prs.slides[1].shapes.title.text_frame.text == "Headline figures"
    teu = next(s for s in specs if s.id == "teu")
    slide = next(s for s in prs.slides if s.shapes.title.text_frame.text == teu.headline)
    chart = _chart(slide)
    assert _values(chart) == pytest.approx([10.661, 15.0])
    assert chart.value_axis.axis_title.text_frame.text == "Container volume (thousand TEU)"
    notes = slide.notes_slide.notes_text_frame.text
    assert "All sources:" in notes and "Derived values" in notes
    assert (
        "Chongqing Customs" in notes
    )  # the English deck names outlets in English (publishers.toml)


def test_chinese_deck_titles_and_notes_are_chinese() -> None:
    prs, specs = _deck(observations(), sources(), Filters())
    assert prs.slides[0].shapes.title.text_frame.text == "西部陆海新通道数据看板"
    assert "制作日期：2026年11月28日" in prs.slides[0].placeholders[1].text_frame.text
    assert prs.slides[1].shapes.title.text_frame.text == "核心指标"
    kpi = " ".join(sh.text_frame.text for sh in prs.slides[1].shapes if sh.has_text_frame)
    # The overview's series cards: headline series only (Chongqing customs' 816 trains are a
    # related series, never a card), each named under its value.
    assert "8.8亿元" in kpi and "2021.84万元" in kpi and "+46.4%" in kpi
    assert "816列" not in kpi and "西部陆海新通道通达港口" in kpi
    trains = next(s for s in specs if s.id == "train_runs")
    slide = next(s for s in prs.slides if s.shapes.title.text_frame.text == trains.headline)
    assert trains.headline == "2024年1—7月 班列开行816列，同比增长17.8%"
    texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
    assert trains.source_line in texts
    notes = slide.notes_slide.notes_text_frame.text
    assert "全部来源：" in notes and "推算值（浅色斜纹）" in notes
    assert "cqcustoms-20240911" in notes


def test_derived_values_are_a_separate_pale_hatched_series() -> None:
    prs, specs = _deck(observations(), sources(), Filters())
    trains = next(s for s in specs if s.id == "train_runs")
    slide = next(s for s in prs.slides if s.shapes.title.text_frame.text == trains.headline)
    series = {s.name: s for s in _chart(slide).plots[0].series}
    assert set(series) == {"报道值", "推算值（由同比增速倒推）"}
    derived = series["推算值（由同比增速倒推）"]
    assert [v for v in derived.values if v is not None] == pytest.approx([692.7])
    assert (
        derived.format.fill._xPr.find(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}pattFill"
        )
        is not None
    )


def test_no_slide_has_an_empty_placeholder() -> None:
    prs, _ = _deck(observations(), sources(), Filters())
    for slide in prs.slides:
        for shape in slide.placeholders:
            assert shape.has_text_frame and shape.text_frame.text.strip(), shape.name


def test_east_asian_font_is_set_on_every_run_including_charts() -> None:
    # Microsoft YaHei on every run and in the theme; Noto Sans CJK SC is the PDF's fallback.
    assert EAST_ASIAN_FONT == "Microsoft YaHei"
    prs, _ = _deck(observations(), sources(), Filters())
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode("utf-8")
    assert theme.count('<a:ea typeface="Microsoft YaHei"/>') == 2
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for slide in prs.slides:
        for run in slide.element.iter(f"{ns}r"):
            ea = run.find(f"{ns}rPr/{ns}ea")
            assert ea is not None and ea.get("typeface") == EAST_ASIAN_FONT
        for shape in slide.shapes:
            if shape.has_chart:
                space = shape.chart._chartSpace
                props = list(space.iter(f"{ns}defRPr", f"{ns}rPr"))
                assert props
                assert all(p.find(f"{ns}ea").get("typeface") == EAST_ASIAN_FONT for p in props)


def test_snapshot_charts_plot_dates_on_an_xy_axis() -> None:
    prs, specs = _deck(observations(), sources(), Filters())
    ports = next(s for s in specs if s.id == "ports_reached")
    slide = next(s for s in prs.slides if s.shapes.title.text_frame.text == ports.headline)
    chart = _chart(slide)
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    ys = sorted(y for s in chart.plots[0].series for y in s.values)
    assert ys == pytest.approx(sorted(ports.points["display_value"]))
    xs = [float(v.text) for v in chart._chartSpace.xpath(".//c:xVal//c:v")]
    assert excel_serial(pd.Timestamp("2024-09-11")) in xs


def test_overview_repeats_are_not_second_slides() -> None:
    specs, _, _ = deck_inputs(observations(), sources(), Filters(), ZH)
    ids = [s.id for s in specs]
    assert "train_runs" in ids and "overview_train_runs" not in ids
    assert once_each(specs + specs) == specs


def test_deck_of_the_shipped_data_has_a_slide_per_chart(shipped_layout: Layout) -> None:
    table = load_table(shipped_layout)
    filters = Filters()
    prs, specs = _deck(table.observations, table.sources, filters)
    assert len(prs.slides) == 2 + len(specs)
    counts = Counter(_chart(s).chart_type for s in list(prs.slides)[2:])
    assert counts[XL_CHART_TYPE.BAR_CLUSTERED] >= 1 and counts[XL_CHART_TYPE.XY_SCATTER] >= 1
    for slide, spec in zip(list(prs.slides)[2:], specs, strict=True):
        assert _values(_chart(slide)) == pytest.approx(
            _expected_values(table.observations, table.sources, spec, "zh")
        ), spec.id


def _assert_flat_short_unique(prs: object) -> int:
    bars = 0
    for slide in list(prs.slides)[2:]:  # type: ignore[attr-defined]
        chart = _chart(slide)
        if chart.chart_type != XL_CHART_TYPE.BAR_CLUSTERED:
            continue
        bars += 1
        categories = chart.plots[0].categories
        assert categories.depth == 1, categories.flattened_labels
        labels = [str(c) for c in categories]
        assert len(set(labels)) == len(labels), labels
        for label in labels:
            assert "\n" not in label and text_width(label) <= MAX_LABEL_WIDTH, label
    return bars


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bar_categories_are_single_level_short_and_unique(lang: str) -> None:
    prs, specs = _deck(observations(), sources(), Filters(), locale_for(lang))
    assert _assert_flat_short_unique(prs) >= 2
    for slide, spec in zip(list(prs.slides)[2:], specs, strict=True):
        if _chart(slide).chart_type != XL_CHART_TYPE.BAR_CLUSTERED or spec.kind == "growth":
            continue
        labels = [str(c) for c in _chart(slide).plots[0].categories]
        if spec.points["series"].nunique() > 1:
            # Scope and period in one label, e.g. "重庆 · 铁海联运 · 2024年1—7月".
            assert all(" · " in label for label in labels), labels
        else:
            # One series (the slide's subtitle names it): its bars by period alone.
            assert set(labels) <= set(spec.points["period_label"]), labels


def test_shipped_deck_bar_categories_are_single_level_short_and_unique(
    shipped_layout: Layout,
) -> None:
    table = load_table(shipped_layout)
    for lang in ("zh", "en"):
        prs, _ = _deck(table.observations, table.sources, Filters(), locale_for(lang))
        assert _assert_flat_short_unique(prs) >= 1


def test_long_labels_are_cut_keep_the_period_and_stay_unique() -> None:
    long = "Chongqing · China–Europe Railway Express（中欧班列(重庆)"
    pairs = [
        ("成渝 · 中欧班列", "2023年"),
        (long + "）", "Jan–Sep 2019"),
        (long + "重庆本地企业）", "Jan–Sep 2019"),
        ("x" * 90, "y" * 70),
        ("x" * 90, "y" * 70),
    ]
    labels = category_labels(pairs)
    assert labels[0] == "成渝 · 中欧班列 · 2023年"
    assert labels[1].endswith(" · Jan–Sep 2019") and labels[2].endswith(" · Jan–Sep 2019")
    assert labels[1].startswith("Chongqing") and "…" in labels[1]
    assert len(set(labels)) == len(labels)
    assert all(text_width(label) <= MAX_LABEL_WIDTH for label in labels)
    assert text_width("重庆") == 4


def test_deck_of_a_big_table_has_the_charts_the_pages_draw_bounded() -> None:
    table = Table(compact_observations(big_frame(20_000)), sources(), "test-deck-big")
    filters = Filters()
    specs, cards, view = deck_inputs(table.observations, table.sources, filters, ZH)
    pages = once_each(chain.from_iterable(data.chart_specs(table, filters, ZH, p) for p in PAGES))
    assert [(s.id, s.headline, s.note) for s in specs] == [
        (s.id, s.headline, s.note) for s in pages
    ]
    for mine, theirs in zip(specs, pages, strict=True):
        pd.testing.assert_frame_equal(mine.points, theirs.points)
    assert any(s.note for s in specs)
    # Present mode and the deck download take the server's cached set: the same charts.
    assert [(s.id, s.headline, s.note) for s in data.every_chart(table, filters, ZH)] == [
        (s.id, s.headline, s.note) for s in specs
    ]
    for spec in specs:
        assert len(spec.point_records) <= max(MAX_BARS, MAX_MARKERS), spec.id
        assert len({(p["region"], p["route"], p["scope"]) for p in spec.point_records}) <= (
            DEFAULT_TOP
        )
    # The overview's series cards, from the same briefing the overview shows.
    assert cards == briefing_cards(data.briefing(table, filters, ZH), ZH)
    assert len(view) == len(data.view(table, filters, ZH))


def test_every_kind_of_chart_the_chart_modules_choose_has_a_native_drawing() -> None:
    assert set(ADDERS) == set(KINDS) == set(NATIVE)


def _shipped_deck(lang: str) -> object:
    table = load_table(Layout(REPO_ROOT / "data"))
    filters, locale = Filters(), locale_for(lang)
    specs, cards, view = deck_inputs(table.observations, table.sources, filters, locale)
    brief = deck_briefing(view, locale)
    deck = build_deck(
        specs, cards, filters, table.sources, locale=locale, made=MADE, briefing=brief
    )
    return Presentation(io.BytesIO(deck)), brief


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_slide_follows_the_title_with_linked_numbers(lang: str) -> None:
    prs, brief = _shipped_deck(lang)
    slide = prs.slides[1]  # type: ignore[attr-defined]
    assert slide.shapes.title.text_frame.text == t("brief_title", lang)
    assert brief.sentences, "the shipped data has headline figures to brief on"
    body = next(s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
    text = " ".join(p.text for p in body.text_frame.paragraphs)
    for sentence in brief.sentences:
        assert sentence.text.strip() in text
    linked = [r for p in body.text_frame.paragraphs for r in p.runs if r.hyperlink.address]
    figures = [seg for s in brief.sentences for seg in s.segments if seg.figure is not None]
    assert linked and len(linked) <= len(figures)
    assert all(r.hyperlink.address.startswith("http") for r in linked)
    assert prs.slides[2].shapes.title.text_frame.text == t("deck_kpi_title", lang)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_labels_print_the_places_the_dashboard_prints(lang: str) -> None:
    """No label reads 27.0 or 10000.0: a whole number's label has no decimal places."""
    prs, _ = _shipped_deck(lang)
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    checked = 0
    for slide in prs.slides:  # type: ignore[attr-defined]
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            for ser in shape.chart._chartSpace.iter(f"{c}ser"):
                values = (
                    ser.find(f"{c}val") if ser.find(f"{c}val") is not None else ser.find(f"{c}yVal")
                )
                cache = {
                    int(p.get("idx")): float(p.find(f"{c}v").text) for p in values.iter(f"{c}pt")
                }
                for label in ser.iter(f"{c}dLbl"):
                    if label.find(f"{c}delete") is not None:
                        continue  # a crowded chart's hidden label prints nothing
                    idx = int(label.find(f"{c}idx").get("val"))
                    code = label.find(f"{c}numFmt").get("formatCode")
                    value = abs(cache[idx])
                    shown = code.split(";")[0].strip('+"%')
                    places = len(shown.split(".")[1]) if "." in shown else 0
                    if value == round(value):
                        assert places == 0, (code, value)
                    if places:
                        # The places shown are the places the value has: never a trailing 0.
                        assert not f"{value:.{places}f}".endswith("0"), (code, value)
                    checked += 1
    assert checked > 50


def test_english_card_text_fits_its_box() -> None:
    prs, _ = _shipped_deck("en")
    slide = prs.slides[2]  # type: ignore[attr-defined]
    cards = [s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]
    assert cards
    for card in cards:
        frame = card.text_frame
        width = (card.width - frame.margin_left - frame.margin_right) / EMU_PER_PT
        height = (card.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
        lines = [
            (p.text, p.runs[0].font.size.pt, bool(p.runs[0].font.bold), "")
            for p in frame.paragraphs
            if p.runs
        ]
        value = lines[1]
        assert text_points(value[0], value[1], value[2]) <= width, value
        assert lines_height(lines, width) <= height, [line[0] for line in lines]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_year_chart_slide_lists_the_milestones_in_its_span_in_a_box_that_fits(lang: str) -> None:
    from dashboard.charts.milestones import event_metrics, event_title
    from dashboard.deck.slides import event_line
    from etl.store.table import load_events

    where = Layout(REPO_ROOT / "data")
    table = load_table(where)
    events = load_events(where, table.sources)
    filters, locale = Filters(), locale_for(lang)
    specs, cards, _ = deck_inputs(table.observations, table.sources, filters, locale, events=events)
    trains = next(s for s in specs if s.id == "train_runs_years")
    years = [p["period_end"].year for p in trains.point_records]
    assert trains.events
    prs = Presentation(
        io.BytesIO(build_deck(specs, cards, filters, table.sources, locale=locale, made=MADE))
    )
    index = [s.id for s in once_each(specs)].index("train_runs_years")
    slide = prs.slides[2 + index]  # title and cards slides first (no briefing given)
    assert slide.shapes.title.text_frame.text == trains.headline
    box = next(
        s
        for s in slide.shapes
        if s.has_text_frame and s.text_frame.text.startswith(t("events_legend", lang))
    )
    listed = [p.text for p in box.text_frame.paragraphs][1:]
    # Every drawn milestone, in order, dated and within the chart's years; the rest counted.
    drawn = [event_line(e, locale_for(lang)) for e in trains.events]
    assert listed[: len(drawn)] == drawn
    assert all(min(years) <= e["date"].year <= max(years) for e in trains.events)
    assert all("train_runs" in event_metrics(e) for e in trains.events)
    assert any(event_title(e, locale_for(lang)) in line for e in trains.events for line in listed)
    # Nothing spills: the wrapped lines fit the box beside the narrower chart.
    frame = box.text_frame
    width = (box.width - frame.margin_left - frame.margin_right) / EMU_PER_PT
    height = (box.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
    lines = [
        (p.text, p.runs[0].font.size.pt, bool(p.runs[0].font.bold), "") for p in frame.paragraphs
    ]
    assert lines_height(lines, width) <= height
    chart = next(s for s in slide.shapes if s.has_chart)
    assert chart.left + chart.width <= box.left
    # The notes name every milestone near the chart, drawn or not.
    notes = slide.notes_slide.notes_text_frame.text
    assert all(event_line(e, locale_for(lang)) in notes for e in trains.events)


def test_deck_without_events_has_no_milestones_box() -> None:
    specs, cards, _ = deck_inputs(observations(), sources(), Filters(), ZH)
    assert not any(s.events for s in specs)
    prs = Presentation(
        io.BytesIO(build_deck(specs, cards, Filters(), sources(), locale=ZH, made=MADE))
    )
    for slide in prs.slides:
        assert not any(
            s.has_text_frame and s.text_frame.text.startswith(t("events_legend", "zh"))
            for s in slide.shapes
        )


def test_a_series_over_the_years_is_columns_oldest_first(shipped_layout: Layout) -> None:
    # As on the page: the years left to right, one column each, whatever scope wording or body
    # each year's figure came from (not bars grouped by scope).
    from pptx.enum.chart import XL_CHART_TYPE

    table = load_table(shipped_layout)
    filters, locale = Filters(), ZH
    specs, cards, _ = deck_inputs(table.observations, table.sources, filters, locale)
    trains = next(s for s in specs if s.id == "train_runs_years")
    prs = Presentation(
        io.BytesIO(build_deck(specs, cards, filters, table.sources, locale=locale, made=MADE))
    )
    index = [s.id for s in once_each(specs)].index("train_runs_years")
    chart = _chart(prs.slides[2 + index])
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    categories = list(chart.plots[0].categories)
    years = sorted(trains.point_records, key=lambda p: p["period_end"])
    first, last = years[0]["period_end"].year, years[-1]["period_end"].year
    # Every calendar year in the span keeps its place; a year no report covers stays empty.
    assert categories == [f"{y}年" for y in range(first, last + 1)]
    assert categories[0] == "2017年"
    shown = [v for s in chart.plots[0].series for v in s.values if v is not None]
    assert sorted(shown) == sorted(float(p["display_value"]) for p in years)


def test_chart_workbooks_hold_text_from_the_data_as_text_never_a_formula() -> None:
    # "Edit data" opens each chart's embedded workbook. Labels and series names come from the
    # data: one starting with "=" must be a string there. python-pptx's own chart data writes
    # it as a live formula (checked below, so the test can tell the two apart).
    import openpyxl
    from pptx.chart.data import CategoryChartData, XyChartData

    from dashboard.deck.workbooks import TextCategoryChartData, TextXyChartData

    hostile = ['=HYPERLINK("http://example.invalid","x")', "=1+1", "+SUM(A1)", "@cmd"]

    def cells(data: object) -> list[object]:
        blob = data.xlsx_blob  # type: ignore[attr-defined]
        book = openpyxl.load_workbook(io.BytesIO(blob))
        return [c for row in book.active.iter_rows() for c in row if c.value is not None]

    def category(cls: type) -> object:
        data = cls()
        data.categories = hostile
        data.add_series("=SUM(B2:B5)", [1.0, 2.0, 3.0, 4.0])
        return data

    def xy(cls: type) -> object:
        data = cls()
        series = data.add_series("=SUM(B2:B5)")
        series.add_data_point(1.0, 2.0)
        return data

    for ours, theirs in ((category(TextCategoryChartData), category(CategoryChartData)),
                         (xy(TextXyChartData), xy(XyChartData))):  # fmt: skip
        assert not [c.value for c in cells(ours) if c.data_type == "f"]
        assert "=SUM(B2:B5)" in [c.value for c in cells(ours)]
        assert [c.value for c in cells(theirs) if c.data_type == "f"], "the default writes formulas"


def _bound_deck(lang: str, related: bool = False) -> tuple[object, list]:
    from dashboard_data import BOUND_ROWS, ROWS

    return _deck(
        observations([*ROWS, *BOUND_ROWS]), sources(), Filters(related=related), locale_for(lang)
    )


@pytest.mark.parametrize(
    ("lang", "heading", "label"),
    [("zh", "超1万列", '"超"'), ("en", "over 10,000 trains", '"over "')],
)
def test_a_bound_is_stated_in_the_slide_title_its_label_and_notes(
    lang: str, heading: str, label: str
) -> None:
    prs, specs = _bound_deck(lang)
    years = next(s for s in specs if s.id.endswith("train_runs_years"))
    slide = next(
        s
        for s in prs.slides  # type: ignore[attr-defined]
        if s.shapes.title is not None and s.shapes.title.text_frame.text == years.headline
    )
    assert heading in years.headline
    chart = _chart(slide)
    names = [s.name for s in chart.plots[0].series]
    assert t("bound_legend", lang) in names
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    bound_ser = chart.plots[0].series[names.index(t("bound_legend", lang))]._element
    codes = [lbl.find(f"{c}numFmt").get("formatCode") for lbl in bound_ser.iter(f"{c}dLbl")]
    assert codes and all(code.startswith(label) for code in codes)
    # The exact years' labels are plain numbers.
    exact_ser = chart.plots[0].series[names.index(t("reported", lang))]._element
    assert not any(
        lbl.find(f"{c}numFmt").get("formatCode").startswith('"')
        for lbl in exact_ser.iter(f"{c}dLbl")
    )
    notes = slide.notes_slide.notes_text_frame.text
    assert t("bound_note", lang) in notes
    assert t("gap_note", lang, years="2020") in notes


def test_the_deck_leaves_related_corridors_out_unless_asked() -> None:
    _, specs = _bound_deck("zh")
    assert not any("中欧班列" in s.title or "相关通道" in s.title for s in specs)
    assert not any("china_europe" in str(v) for s in specs for v in s.points["scope"])
    prs, specs = _bound_deck("zh", related=True)
    related = [s for s in specs if s.id.endswith("_related")]
    assert related and all(s.title.startswith("相关通道") for s in related)
    assert all(s.headline.startswith("相关通道") for s in related)
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]  # type: ignore[attr-defined]
    assert any(x.startswith("相关通道") for x in titles)


def test_a_bound_snapshot_is_its_own_triangle_series_labelled_as_stated() -> None:
    from dashboard_data import ROWS
    from pptx.enum.chart import XL_MARKER_STYLE

    rows = [(*r, "over") if "523个港口" in r[-1] else r for r in ROWS]
    prs, specs = _deck(observations(rows), sources(), Filters())
    spec = next(s for s in specs if s.id == "ports_reached")
    slide = next(
        s
        for s in prs.slides  # type: ignore[attr-defined]
        if s.shapes.title is not None and s.shapes.title.text_frame.text == spec.headline
    )
    assert spec.headline == "截至2024年9月11日 通达港口超523个"
    series = {s.name: s for s in _chart(slide).plots[0].series}
    bound = next(s for name, s in series.items() if name.endswith(t("bound_short", "zh")))
    assert list(bound.values) == [523.0]
    assert bound.marker.style == XL_MARKER_STYLE.TRIANGLE
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    codes = [lbl.find(f"{c}numFmt").get("formatCode") for lbl in bound._element.iter(f"{c}dLbl")]
    assert codes == ['"超"0']


# A bar or column chart names at most this many categories when its points go unlabelled.
FEW_CATEGORIES = 12
_DIGIT_SPACE_CJK = re.compile(r"[0-9][ \u00a0\u2009\u202f]+[\u3400-\u9fff]")


def _shipped_zh_deck(shipped_layout: Layout) -> object:
    table = load_table(shipped_layout)
    specs, cards, _ = deck_inputs(table.observations, table.sources, Filters(), ZH)
    data = build_deck(specs, cards, Filters(), table.sources, locale=ZH, made=MADE)
    return Presentation(io.BytesIO(data))


def _labelled(series: object) -> bool:
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    element = series._element  # type: ignore[attr-defined]
    shown = {
        int(d.find(f"{ns}idx").get("val"))
        for d in element.iter(f"{ns}dLbl")
        if d.find(f"{ns}delete") is None
    }
    plot_labels = element.getparent().find(f"{ns}dLbls")
    plot_shows = plot_labels is not None and any(
        v.get("val") == "1" for v in plot_labels.iter(f"{ns}showVal")
    )
    own = element.find(f"{ns}dLbls")
    own_shows = own is not None and any(v.get("val") == "1" for v in own.iter(f"{ns}showVal"))
    values = list(series.values)  # type: ignore[attr-defined]
    drawn = {i for i, v in enumerate(values) if v is not None and v == v}
    return drawn <= shown or plot_shows or own_shows


def test_every_deck_chart_labels_every_point_or_has_few_categories(
    shipped_layout: Layout,
) -> None:
    prs = _shipped_zh_deck(shipped_layout)
    charts = [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert charts
    for chart in charts:
        for plot in chart.plots:
            few = len(list(plot.categories)) <= FEW_CATEGORIES if plot.categories else False
            assert few or all(_labelled(series) for series in plot.series), chart.chart_type


def test_no_deck_text_puts_a_space_between_digits_and_chinese(shipped_layout: Layout) -> None:
    prs = _shipped_zh_deck(shipped_layout)
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
        texts.append(slide.notes_slide.notes_text_frame.text)
    assert texts
    found = [t for t in texts if _DIGIT_SPACE_CJK.search(t)]
    assert not found, found[:3]


def test_the_deck_draws_the_charts_the_pages_draw_and_the_reach_map_as_a_table(
    shipped_layout: Layout,
) -> None:
    from dashboard.charts.geography import load_geography
    from dashboard.charts.specs import page_draws, page_specs
    from dashboard.views.kpi import kpi_candidates
    from dashboard.views.reach import totals_headline, view_totals

    table = load_table(shipped_layout)
    specs, cards, view = deck_inputs(table.observations, table.sources, Filters(), ZH)
    # One source of truth (issue 23): each page's own charts, as the page shows them, in order.
    pages = once_each(
        s
        for page in PAGES
        for s in page_draws(
            page_specs(view, kpi_candidates(view) if page == "overview" else [], ZH, page)
        )
    )
    assert [s.id for s in specs] == [s.id for s in pages]
    assert all(s.id.endswith(("_years", "_ytd", "_series")) for s in specs if s.page != "agri")
    totals = view_totals(view)
    deck = build_deck(specs, cards, Filters(), table.sources, locale=ZH, made=MADE, reach=totals)
    slides = list(Presentation(io.BytesIO(deck)).slides)
    tables = [(i, s) for i, s in enumerate(slides) for sh in s.shapes if sh.has_table]
    assert len(tables) == 1
    at, slide = tables[0]
    assert slide.shapes.title.text_frame.text == totals_headline(totals, ZH)
    grid = next(sh.table for sh in slide.shapes if sh.has_table)
    assert len(grid.rows) == 1 + len(load_geography().lanes)
    # The Reach page opens with its map: the table comes right before the reach charts.
    first_reach = next(i for i, s in enumerate(specs) if s.page == "reach")
    assert at == 2 + first_reach


def _shown(series: object) -> list[bool]:
    """Return, per point of an XY series, whether its value label is shown."""
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    hidden = {
        int(d.find(f"{ns}idx").get("val"))
        for d in series._element.iter(f"{ns}dLbl")  # type: ignore[attr-defined]
        if d.find(f"{ns}delete") is not None
    }
    return [i not in hidden for i in range(len(list(series.values)))]  # type: ignore[attr-defined]


def test_crowded_xy_slides_label_what_fits_and_no_two_labels_overlap(
    shipped_layout: Layout,
) -> None:
    from dashboard.deck.labels import spaced_labels

    prs = _shipped_zh_deck(shipped_layout)
    crowded = 0
    for chart in (s.chart for sl in prs.slides for s in sl.shapes if s.has_chart):
        if chart.chart_type != XL_CHART_TYPE.XY_SCATTER:
            continue
        points = []
        for series in chart.plots[0].series:
            xs = series._element.xpath("./c:xVal//c:v")
            points += [
                (float(x.text), float(y), f"{y:.0f}", shown)
                for x, y, shown in zip(xs, series.values, _shown(series), strict=True)
            ]
        labelled = [p for p in points if p[3]]
        # The latest point always says its value; a crowded chart labels fewer than its points.
        assert max(points)[3], points
        crowded += len(labelled) < len(points)
        lo, hi = min(p[0] for p in points), max(p[0] for p in points)
        pad = max(90, (hi - lo) * 0.08)
        top = max(p[1] for p in points) * 1.25
        kept = spaced_labels([p[:3] for p in labelled], (lo - pad, hi + pad), top)
        assert all(kept), labelled  # the labels shown clear one another
    assert crowded >= 2  # ports and countries reached: two dozen dates each


def test_spaced_labels_keep_the_latest_and_drop_those_that_would_overprint() -> None:
    from dashboard.deck.labels import spaced_labels

    dense = [(float(day), 500.0 + day / 10, "5xx") for day in range(0, 240, 10)]
    keep = spaced_labels(dense, (-20.0, 260.0), 700.0)
    assert keep[-1] and 1 < sum(keep) < len(dense)
    sparse = [(0.0, 100.0, "100"), (500.0, 300.0, "300"), (1000.0, 600.0, "超600")]
    assert spaced_labels(sparse, (-90.0, 1090.0), 750.0) == [True, True, True]


def test_each_slide_title_states_the_period_of_the_data_it_shows() -> None:
    # A filter wider than the figures: the title says the figures' span, not the filter's.
    wide = Filters(start=pd.Timestamp("2010-01-01"), end=pd.Timestamp("2030-12-31"))
    prs, specs = _deck(observations(), sources(), wide)
    slides = list(prs.slides)
    subtitle = slides[0].placeholders[1].text_frame.text
    starts = [d for s in specs for d in s.points["period_start"].dropna()]
    ends = [d for s in specs for d in s.points["period_end"]]
    assert "2010" not in subtitle and "2030" not in subtitle, subtitle
    first = pd.Timestamp(min(starts + ends)).to_period("M").to_timestamp()
    assert f"{first.year}年{first.month}月" in subtitle, subtitle
    for slide, spec in zip(slides[2:], specs, strict=True):
        title = slide.shapes.title.text_frame.text
        # Each chart's headline names the period of one of its own points.
        assert any(label in title for label in spec.points["period_label"]), (title, spec.id)
