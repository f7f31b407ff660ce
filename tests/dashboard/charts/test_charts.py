"""Chart specs as the pages and the deck build them: from a filtered view to plotly figures."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from dashboard_data import big_frame, observations, sources

from dashboard.charts.metric_charts import POINT_COLUMNS
from dashboard.charts.select import DEFAULT_TOP, MAX_BARS, MAX_MARKERS, select_figures
from dashboard.charts.specs import ChartSpec, every_page_specs, page_specs
from dashboard.charts.theme import FONT_STACK, OKABE_ITO, REPORTED_COLOUR, tint
from dashboard.filters import Filters, filter_mask
from dashboard.locales import EN, ZH, Locale, locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates


def build(
    frame: pd.DataFrame,
    filters: Filters | None = None,
    page: str | None = None,
    locale: Locale = ZH,
) -> list[ChartSpec]:
    """Return the charts of a page (every page's, once each, for None) under the filters.

    The path the pages (via dashboard.data) and the deck take: a filtered view of the table,
    its KPI candidates, then the bounded chart set.
    """
    filters = filters or Filters()
    view = figure_view(frame, sources(), filter_mask(frame, filters), locale)
    headline = kpi_candidates(view)
    if page is None:
        return every_page_specs(view, headline, locale)
    return page_specs(view, headline, locale, page)


def specs_by_id(lang: str = "zh", page: str | None = None) -> dict[str, ChartSpec]:
    return {s.id: s for s in build(observations(), Filters(), page, locale_for(lang))}


def test_every_page_gets_its_charts_and_each_spec_is_complete() -> None:
    specs = specs_by_id()
    # The pages' own charts (issue 23): the seed's freight page is a few figures, shown as
    # cards and a table, so it gives the deck no chart.
    assert {s.page for s in specs.values()} == {"overview", "trains", "agri", "reach"}
    for spec in specs.values():
        assert isinstance(spec.chart, go.Figure)
        assert spec.title and spec.headline and spec.alt
        assert spec.source_line.startswith("来源：")
        assert list(spec.points.columns) == list(POINT_COLUMNS)
        assert not spec.points.empty


def test_a_page_asks_for_only_its_own_charts() -> None:
    assert {s.page for s in specs_by_id(page="freight").values()} == {"freight"}


def test_headline_states_the_latest_figure_and_its_growth() -> None:
    specs = specs_by_id()
    assert specs["train_runs"].headline == "2024年1—7月 班列开行816列，同比增长17.8%"
    assert specs["teu"].headline == "2024年1—7月 集装箱运量1.5万标箱，同比增长40.7%"
    assert specs["agri_export_value_cny"].headline == (
        "2024年1—7月 农产品出口额8.8亿元，同比增长46.4%"
    )
    assert specs_by_id("en")["train_runs"].headline == (
        "Train runs: 816 trains, Jan–Jul 2024, up 17.8% year on year"
    )


def test_the_same_figure_from_two_sources_is_drawn_once_from_the_latest() -> None:
    points = specs_by_id()["train_runs"].points
    reported = points[(points["basis"] == "reported") & (points["value"] == 816)]
    assert len(reported) == 1
    assert reported.iloc[0]["source_id"] == "cqcustoms-20240911"


def test_same_period_comparison_has_derived_prior_year_beside_reported() -> None:
    spec = specs_by_id()["train_runs"]
    assert set(spec.points["period_label"]) == {"2023年1—7月", "2024年1—7月"}
    bars = {t.name: t for t in spec.chart.data}
    reported, derived = bars["报道值"], bars["推算值（由同比增速倒推）"]
    assert reported.marker.color == REPORTED_COLOUR
    assert derived.marker.color == tint(REPORTED_COLOUR)
    assert derived.marker.pattern.shape == "/"
    assert not reported.marker.pattern.shape
    assert "+17.8%" in reported.text[0]
    assert all("推算值" in row[3] for row in derived.customdata)


def test_running_totals_get_their_own_chart_of_markers() -> None:
    # The only running total in the test data is China–Europe rail's: a related series, drawn
    # with the related switch on, in a chart of its own.
    specs = {s.id: s for s in build(observations(), Filters(related=True))}
    total = specs["train_runs_cumulative_related"]
    assert list(total.points["value"]) == [3000.0]
    assert all(t.type == "scatter" and "lines" not in t.mode for t in total.chart.data)
    assert 3000 not in list(specs["train_runs"].points["value"])


def test_snapshots_are_markers_never_joined_by_lines() -> None:
    spec = specs_by_id()["ports_reached"]
    assert len(spec.chart.data) == 2
    assert all(t.type == "scatter" and "lines" not in t.mode for t in spec.chart.data)


def test_a_headline_series_snapshots_are_one_line_through_their_dates() -> None:
    from dashboard_data import ROWS, SEED

    rows = [
        *ROWS,
        # Earlier counts of the corridor's ports, listed out of order.
        ("ports_reached", "465", "", "2023-12-31", "corridor", "",
         "西部陆海新通道", "", "reported", SEED, "通达465个港口"),
        ("ports_reached", "393", "", "2022-06-30", "corridor", "",
         "西部陆海新通道", "", "reported", SEED, "通达393个港口"),
    ]  # fmt: skip
    # Issue 23: the reach page draws the headline series as its own chart, named by its label
    # (the other series' lone snapshot goes to the page's more-figures table, not this chart).
    specs = {s.id: s for s in build(observations(rows), page="reach")}
    spec = specs["corridor_ports_reached_series"]
    lines = [d for d in spec.chart.data if "lines" in d.mode]
    assert len(lines) == 1
    assert lines[0].mode.startswith("lines+markers")
    assert list(lines[0].y) == [393, 465, 523]
    xs = [pd.Timestamp(x) for x in lines[0].x]
    assert xs == sorted(xs)
    assert {d.name for d in spec.chart.data} == {"西部陆海新通道通达港口"}


@pytest.mark.parametrize(
    ("lang", "labels"), [("zh", ["2022年12月", "2023年9月"]), ("en", ["Dec 2022", "Sep 2023"])]
)
def test_a_short_span_of_counts_is_ticked_level_at_its_own_months(
    lang: str, labels: list[str]
) -> None:
    from dashboard_data import SEED

    # Issue 23 item 6: two counts nine months apart had quarter ticks (2023年1月, 2023年4月 …)
    # tilted and cut on a phone.
    rows = [
        ("ports_reached", "473", "", "2023-09-30", "chongqing", "",
         "重庆经西部陆海新通道", "", "reported", SEED, "通达473个港口"),
        ("ports_reached", "393", "", "2022-12-31", "chongqing", "",
         "重庆经西部陆海新通道", "", "reported", SEED, "通达393个港口"),
    ]  # fmt: skip
    spec = next(
        s for s in build(observations(rows), locale=locale_for(lang)) if s.kind == "snapshot"
    )
    axis = spec.chart.layout.xaxis
    assert axis.tickangle == 0
    assert list(axis.ticktext) == labels
    assert [pd.Timestamp(v) for v in axis.tickvals] == [
        pd.Timestamp("2022-12-31"),
        pd.Timestamp("2023-09-30"),
    ]


def test_short_span_ticks_never_repeat_a_month_and_cap_their_count() -> None:
    from dashboard.charts.metric_charts import SHORT_SPAN_TICKS, short_span_ticks

    same_month = short_span_ticks([pd.Timestamp("2023-09-15"), pd.Timestamp("2023-09-30")], ZH)
    assert same_month["ticktext"] == ["2023年9月"] and same_month["tickvals"] == ["2023-09-30"]
    many = [pd.Timestamp(f"2023-{m:02d}-28") for m in range(1, 10)]
    assert short_span_ticks(many, EN) == {"nticks": SHORT_SPAN_TICKS, "tickangle": 0}


def test_a_flow_chart_s_value_axis_keeps_a_few_level_ticks() -> None:
    # Its labels beyond the bars narrow the plot on a phone: more ticks would tilt.
    flows = [
        s
        for s in build(observations())
        if s.kind == "flow" and any(t.orientation == "h" for t in s.chart.data)
    ]
    assert flows
    for spec in flows:
        assert spec.chart.layout.xaxis.tickangle == 0
        assert spec.chart.layout.xaxis.nticks <= 3


def test_axis_titles_carry_the_display_unit() -> None:
    assert specs_by_id("zh")["teu"].chart.layout.xaxis.title.text == "集装箱运量（万标箱）"
    # A long title breaks before its unit (a vertical one would be cut on a 310 px chart).
    assert specs_by_id("en")["teu"].chart.layout.xaxis.title.text == (
        "Container volume<br>(thousand TEU)"
    )
    assert specs_by_id("zh")["ports_reached"].chart.layout.yaxis.title.text == "通达港口（个）"


def test_hover_shows_value_period_scope_and_source_sentence() -> None:
    bar = specs_by_id()["train_runs"].chart.data[0]
    row = bar.customdata[-1]
    assert row[0] == "816列"
    assert row[1] == "2024年1—7月"
    assert "重庆海关监管" in row[2]
    assert "816列" in row[4].replace("<br>", "")
    assert row[5].startswith("重庆海关")
    assert "口径" in bar.hovertemplate and "来源" in bar.hovertemplate
    # The seed is an article: its sentence is the original; it has no report address.
    assert row[6] == "原文" and row[7] == "—"
    assert "%{customdata[6]}" in bar.hovertemplate and "报道" in bar.hovertemplate


def test_figures_use_the_project_template_fonts_and_palette() -> None:
    fig = specs_by_id()["teu"].chart
    template = fig.layout.template
    assert "Noto Sans CJK SC" in template.layout.font.family
    assert template.layout.font.family == FONT_STACK
    assert tuple(template.layout.colorway) == OKABE_ITO
    assert "corridor" in pio.templates


def test_source_line_names_publisher_and_date_and_explains_derived_values() -> None:
    line = specs_by_id()["train_runs"].source_line
    assert line.startswith("来源：重庆海关，2024年9月11日")
    assert "推算值" in line
    assert specs_by_id("en")["train_runs"].source_line.startswith(
        "Source: Chongqing Customs, 11 Sep 2024"
    )


def test_alt_text_describes_the_chart() -> None:
    alt = specs_by_id()["train_runs"].alt
    assert alt.startswith("班列开行：") and "816列" in alt


def test_overview_has_the_growth_chart_of_headline_figures() -> None:
    spec = specs_by_id(page="overview")["headline_growth"]
    # Only headline series, as the overview's series cards: the Chongqing customs counts of
    # trains and TEU (related series) are no bars of their own.
    assert sorted(spec.points["yoy_pct"]) == [46.4]
    assert spec.headline.startswith("2024年1—7月 农产品出口额同比增长46.4%")


def test_no_figures_give_no_charts() -> None:
    assert build(observations(), Filters(regions=("yunnan",))) == []


def test_building_does_not_change_the_input_frame() -> None:
    frame = observations()
    before = frame.copy()
    build(frame, Filters(), locale=EN)
    assert frame.equals(before)


def test_no_chart_draws_more_than_its_cap_or_sends_over_500_kb_at_50k_rows() -> None:
    frame = big_frame()
    specs = build(frame)
    assert specs
    for spec in specs:
        cap = MAX_MARKERS if spec.chart.data[0].type == "scatter" else MAX_BARS
        assert len(spec.point_records) <= cap, spec.id
        assert len(spec.chart.to_json()) < 500_000, spec.id
        series = {(p["region"], p["route"], p["scope"]) for p in spec.point_records}
        assert len(series) <= DEFAULT_TOP, spec.id
    truncated = [s for s in specs if s.note]
    assert truncated and all("口径" in s.note for s in truncated)


def test_the_top_scopes_are_those_with_the_largest_latest_figure() -> None:
    frame = pd.DataFrame(
        {
            "region": ["chongqing"] * 6,
            "route": [""] * 6,
            "scope": ["甲", "甲", "乙", "乙", "丙", "丙"],
            "period_end": pd.to_datetime(["2023-12-31", "2024-12-31"] * 3),
            "value": [900.0, 1.0, 5.0, 50.0, 10.0, 20.0],
        }
    )
    chosen, selection = select_figures(frame, top=2, max_points=100)
    assert set(frame["scope"].iloc[chosen]) == {"乙", "丙"}
    assert (selection.series, selection.series_shown) == (3, 2)
    chosen, _ = select_figures(frame, top=3, max_points=3)
    assert len(chosen) == 3 and set(frame["period_end"].iloc[chosen].dt.year) == {2024}


def test_each_chart_says_how_it_is_drawn_for_the_deck() -> None:
    specs = specs_by_id()
    assert specs["headline_growth"].kind == "growth"
    assert specs["train_runs"].kind == "flow"
    assert specs["ports_reached"].kind == "snapshot"
    assert specs["ports_reached"].kind == "snapshot"
    for spec in specs.values():
        traces = {t.type for t in spec.chart.data}
        assert traces == ({"scatter"} if spec.kind == "snapshot" else {"bar"}), spec.id


def test_a_page_draws_the_same_charts_as_every_page_does() -> None:
    from dashboard.charts.specs import page_draws

    every = {s.id: s for s in build(observations())}
    drawn = []
    for page in ("overview", "trains", "freight", "agri", "reach"):
        # What the page shows (a thin page: only its year to date), as the deck and /present do.
        for spec in page_draws(build(observations(), Filters(), page)):
            if spec.id.removeprefix("overview_") in drawn + list(every) and spec.id not in every:
                continue  # the overview borrows a page's chart: the deck draws it once, there
            assert every[spec.id].headline == spec.headline
            pd.testing.assert_frame_equal(every[spec.id].points, spec.points)
            drawn.append(spec.id)
    # Nothing else: the deck is the pages' charts, in page order.
    assert list(every) == drawn


def test_an_axis_names_its_unit_once() -> None:
    from dashboard.charts.metric_charts import axis_title

    assert axis_title("vehicles", ZH) == "车辆（车次）"
    assert axis_title("teu", ZH) == "集装箱运量（万标箱）"


def _with_qualifier(quote: str, qualifier: str) -> list[tuple[str, ...]]:
    from dashboard_data import ROWS

    return [(*r, qualifier) if r[-1] == quote else r for r in ROWS]


@pytest.mark.parametrize(("lang", "label"), [("zh", "约1.5"), ("en", "about 15")])
def test_a_bound_bar_is_an_outline_labelled_as_stated(lang: str, label: str) -> None:
    from dashboard.i18n import t

    rows = _with_qualifier("集装箱1.5万标箱，增长40.7%", "about")
    spec = {s.id: s for s in build(observations(rows), Filters(), locale=locale_for(lang))}["teu"]
    bars = {tr.name: tr for tr in spec.chart.data}
    bound = bars[t("bound_legend", lang)]
    assert bound.marker.color == "#FFFFFF" and bound.marker.line.color == REPORTED_COLOUR
    assert bound.text[0].startswith(label)
    assert bound.customdata[0][0].startswith("约" if lang == "zh" else "about ")
    assert label.split(" ")[0] in spec.headline
    assert t("bound_note", lang) in spec.note


def test_a_bound_snapshot_is_an_open_triangle_labelled_as_stated() -> None:
    rows = _with_qualifier("通达全球127个国家和地区的523个港口", "over")
    spec = {s.id: s for s in build(observations(rows), Filters())}["ports_reached"]
    corridor = next(tr for tr in spec.chart.data if "超523" in list(tr.text))
    assert list(corridor.marker.symbol) == ["triangle-up-open"]
    assert spec.headline == "截至2024年9月11日 通达港口超523个"


def test_a_headline_states_the_exact_figure_of_a_period_before_a_bound_of_it() -> None:
    from dashboard_data import ROWS, SEED

    scope = "西部陆海新通道铁海联运班列"
    rows = [
        *ROWS,
        # 2025年1月1日—12月30日: the 10218th train, and the same span's 近1.1万列 elsewhere
        # (a larger number, so only the exact-first rule keeps it out of the headline).
        ("train_runs", "10218", "2025-01-01", "2025-12-30", "corridor", "rail_sea", scope, "",
         "reported", SEED, "今年第10218列", ""),
        ("train_runs", "11000", "2025-01-01", "2025-12-30", "corridor", "rail_sea", scope + "年内",
         "", "reported", SEED, "今年开行近1.1万列", "nearly"),
    ]  # fmt: skip
    # Issue 23: the trains page now opens with the headline series' years (its metric charts
    # are gone); the year's headline states the exact figure the same way.
    # The deck draws it once: the trains page here is a thin one (one year), so the overview's.
    spec = next(s for s in build(observations(rows), Filters()) if s.id.endswith("runs_years"))
    assert "10218列" in spec.headline and "近" not in spec.headline


def test_each_catalogued_series_keeps_a_place_among_the_scopes_a_chart_draws() -> None:
    from dashboard.charts.select import select_figures

    # Nine wordings of one large series and one small catalogued series (the seed's count) and an
    # unplaced fragment: with room for three, the small series is drawn before bigger wordings.
    rows = [
        ("chongqing", "", f"重庆经西部陆海新通道{i}", "chongqing_corridor_teu", 100000.0 + i)
        for i in range(9)
    ]
    rows += [
        ("chongqing", "rail_sea", "重庆海关监管班列", "chongqing_customs_corridor_teu", 15000.0),
        ("chongqing", "", "某一片段", "", 900000.0),
    ]
    frame = pd.DataFrame(rows, columns=["region", "route", "scope", "series", "value"])
    frame["period_end"] = pd.Timestamp("2024-07-31")
    chosen, selection = select_figures(frame, 3, 100)
    scopes = set(frame["scope"].iloc[chosen])
    assert "重庆海关监管班列" in scopes and "重庆经西部陆海新通道8" in scopes
    assert "某一片段" in scopes  # the largest of the rest
    assert selection.series_shown == 3
    # Without the catalogue column, scopes rank by their latest value alone.
    plain, _ = select_figures(frame.drop(columns="series"), 3, 100)
    assert "重庆海关监管班列" not in set(frame["scope"].iloc[plain])


def _agri_headings(lang: str) -> list[str]:
    from dashboard_data import ROWS, SEED

    # The shipped agricultural figures: the same all-routes series under two scopes (重庆,
    # 重庆农产品) and a part of it outside every series (其中柑橘), each with a derived prior year.
    agri = ("agri_export_value_cny", "chongqing", "")
    rows = [
        *ROWS,
        (agri[0], "1450000000", "2024-01-01", "2024-11-30", *agri[1:], "重庆农产品", "39.4",
         "reported", SEED, "去年前11月,重庆农产品出口额达14.5亿元,同比增长39.4%"),
        (agri[0], "158000000", "2024-01-01", "2024-11-30", *agri[1:], "重庆农产品(其中柑橘)",
         "176", "reported", SEED, "柑橘出口额同比增长176%,达1.58亿元"),
        (agri[0], "57246376.8", "2023-01-01", "2023-11-30", *agri[1:], "重庆农产品(其中柑橘)",
         "", "derived", SEED, "推算 derived: 158000000 ÷ (1 + 176%)"),
    ]  # fmt: skip
    specs = build(observations(rows), page="agri", locale=locale_for(lang))
    spec = next(s for s in specs if s.id == "agri_export_value_cny")
    return [a.text for a in spec.chart.layout.annotations]


def test_english_headings_name_a_series_by_its_label_and_a_part_by_what_it_counts() -> None:
    # Issue 23: English read "Chongqing (1)", "Chongqing (2)", "Chongqing (3)".
    headings = [h.replace("<br>", " ") for h in _agri_headings("en")]
    assert headings == [
        "<b>Chongqing's agricultural exports, all routes</b>",
        "<b>Chongqing · of which citrus</b>",
    ] or headings == [
        "<b>Chongqing · of which citrus</b>",
        "<b>Chongqing's agricultural exports, all routes</b>",
    ]
    assert not any(re.search(r"\(\d\)", h) for h in headings)


def test_chinese_headings_name_a_series_by_its_label_and_a_part_by_its_scope() -> None:
    assert sorted(_agri_headings("zh")) == [
        "<b>重庆农产品出口（全部途径）</b>",
        "<b>重庆（重庆农产品(其中柑橘)）</b>",
    ]


def test_english_numbers_only_figures_nothing_else_tells_apart() -> None:
    from dashboard.charts.metric_charts import build_points

    base = {
        "metric": "teu", "value": 1.0, "qualifier": "", "period_start": None,
        "period_end": pd.Timestamp("2024-07-31"), "region": "chongqing", "route": "",
        "series": "", "yoy_pct": None, "basis": "reported",
    }  # fmt: skip
    scopes = ["重庆甲", "重庆乙", "重庆某物流公司"]
    points = build_points([{**base, "scope": s} for s in scopes], EN)
    assert sorted(p["series"] for p in points) == [
        "Chongqing (1)",
        "Chongqing (2)",
        "Chongqing · one company's count",
    ]
