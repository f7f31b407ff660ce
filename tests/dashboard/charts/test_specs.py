"""The charts every page draws on the shipped data read at every size: one number style per
axis, level year ticks never repeated, legends below the plot, no "see hover" words."""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np
import pandas as pd
import pytest

import dashboard.charts.specs as specs_module
from dashboard.briefing import BoundedMemo
from dashboard.charts.specs import PAGES, ChartSpec, page_specs, remembered
from dashboard.filters import Filters, filter_mask
from dashboard.locales import locale_for
from dashboard.views.index import figure_view, table_index
from dashboard.views.kpi import kpi_candidates
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.cache import load_cached_table
from etl.store.table import load_events

# A label's number: 10218, 超9000, 10,218, over 9,000, 392.91  +26%, 311.83（推算）.
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
ZH_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
EN_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.\d+)?$")


@cache
def shipped_specs(lang: str) -> dict[str, list[ChartSpec]]:
    layout = Layout(DEFAULT_DATA_DIR)
    table = load_cached_table(layout)
    locale = locale_for(lang)
    events = load_events(layout, table.sources)
    keep = np.ones(len(table.observations), dtype=bool)
    fv = figure_view(table.observations, table.sources, keep, locale)
    headline = kpi_candidates(fv)
    return {page: page_specs(fv, headline, locale, page, events=events) for page in PAGES}


def _charts(lang: str) -> list[tuple[str, dict]]:
    return [
        (spec.id, json.loads(spec.chart.to_json()))
        for specs in shipped_specs(lang).values()
        for spec in specs
    ]


def _value_axis(chart: dict) -> dict:
    # Horizontal bars carry their values on x; every other chart on y.
    horizontal = any(t.get("orientation") == "h" for t in chart["data"])
    return chart["layout"]["xaxis" if horizontal else "yaxis"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ticks_and_labels_of_a_value_axis_share_one_number_style(lang: str) -> None:
    shape = ZH_NUMBER if lang == "zh" else EN_NUMBER
    checked = 0
    for chart_id, chart in _charts(lang):
        if chart_id == "headline_growth":
            continue  # a percent axis: its labels are signed rates
        axis = _value_axis(chart)
        # Chinese ticks as the labels write them (10000), English grouped (10,000): never
        # plotly's own format, which groups five digits whatever separatethousands says.
        assert axis.get("tickformat") == ("~f" if lang == "zh" else ",~f"), chart_id
        assert axis.get("exponentformat") == "none", chart_id
        for trace in chart["data"]:
            for text in trace.get("text") or []:
                if not isinstance(text, str) or not text:
                    continue
                # No scale word in a label: the axis title carries it (万标箱, thousand TEU).
                assert not re.search("[万亿]|thousand|million|billion", text), (chart_id, text)
                number = NUMBER.search(text)
                assert number and shape.match(number.group()), (chart_id, text)
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_year_ticks_are_level_whole_years_and_legends_sit_below_the_plot(lang: str) -> None:
    years = 0
    for chart_id, chart in _charts(lang):
        layout = chart["layout"]
        if chart_id.endswith("_years") or (
            chart_id.endswith("_series") and layout["xaxis"].get("type") != "date"
        ):
            axis = layout["xaxis"]
            assert axis["tickangle"] == 0, chart_id
            if axis["tickmode"] == "array":
                assert axis["ticktext"] == [str(v) for v in axis["tickvals"]], chart_id
                assert len(set(axis["ticktext"])) == len(axis["ticktext"]), chart_id
            else:
                # Plotly's auto steps over a span of six or more years are 1, 2 or 5 years:
                # printed as integers they can never repeat one.
                assert axis["tickformat"] == "d", chart_id
                lo, hi = axis["range"]
                assert hi - lo >= 6, chart_id
            years += 1
        if layout.get("showlegend") is not False and chart_id != "headline_growth":
            # Below the plot, where a phone's modebar (top right) never covers it.
            assert layout["legend"]["y"] < 0, chart_id
            assert layout["legend"]["yanchor"] == "top", chart_id
    assert years >= 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_says_see_hover_in_any_text_a_picture_prints(lang: str) -> None:
    i = 0 if lang == "zh" else 1
    words = ["见悬停", "悬停", "on hover", "see hover"][i * 2 : i * 2 + 2]
    for chart_id, chart in _charts(lang):
        printed = json.dumps(
            {
                "names": [t.get("name") for t in chart["data"]],
                "text": [t.get("text") for t in chart["data"]],
                "annotations": chart["layout"].get("annotations"),
                "title": chart["layout"].get("title"),
            },
            ensure_ascii=False,
        )
        for word in words:
            assert word not in printed, (chart_id, word)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_click_on_a_year_or_year_to_date_point_finds_its_source_report(lang: str) -> None:
    from dashboard.downloads import selected_records

    specs = [s for page in shipped_specs(lang).values() for s in page]
    kinds = {"_years": 0, "_ytd": 0}
    for spec in specs:
        suffix = next((k for k in kinds if spec.id.endswith(k)), None)
        if suffix is None:
            continue
        for trace in spec.chart.data:
            # Milestones and the other sources' values are no figure of the chart's series.
            if trace.name in {
                locale_for(lang).t(k) for k in ("events_legend", "also_reported_legend")
            }:
                continue
            for y, custom in zip(trace.y, trace.customdata, strict=True):
                if y is None:
                    continue  # a gap in the line: no figure to open
                # The selection event carries the point's customdata, as Streamlit returns it.
                found = selected_records(spec, {"points": [{"customdata": list(custom)}]})
                assert len(found) == 1, (spec.id, custom)
                assert found[0]["url"] and found[0]["url"] == custom[8], spec.id
                assert found[0]["period_label"] == custom[1], spec.id
                kinds[suffix] += 1
    assert kinds["_years"] >= 10 and kinds["_ytd"] >= 4, kinds


def test_a_chart_is_built_once_for_equal_arguments_and_again_for_other_ones() -> None:
    built: list[object] = []

    def build(records: list[dict], locale: object) -> object:
        built.append(records)
        return object()

    first = remembered(build, [{"value": 1.0, "period_end": "2024-12-31"}], locale_for("zh"))
    # Equal records from another view (a new list, new dicts) find the chart already built.
    again = remembered(build, [{"value": 1.0, "period_end": "2024-12-31"}], locale_for("zh"))
    assert again is first and len(built) == 1
    other_value = remembered(build, [{"value": 2.0, "period_end": "2024-12-31"}], locale_for("zh"))
    other_language = remembered(
        build, [{"value": 1.0, "period_end": "2024-12-31"}], locale_for("en")
    )
    assert len(built) == 3 and first is not other_value and first is not other_language


def _shown(spec: ChartSpec) -> tuple:
    return (
        spec.id,
        spec.page,
        spec.kind,
        spec.title,
        spec.headline,
        spec.source_line,
        spec.alt,
        spec.note,
        spec.growth,
        repr(spec.events),
        repr(spec.point_records),
        json.dumps(_without_revision(spec.drawn.to_dict()), sort_keys=True, default=str),
    )


def _without_revision(figure: dict) -> dict:
    # Each drawn dict has a data revision of its own (dashboard/charts/drawn.py): a chart built
    # afresh differs from a remembered one in that alone, by design.
    layout = {k: v for k, v in figure["layout"].items() if k != "datarevision"}
    return {**figure, "layout": layout}


def test_charts_remembered_across_filters_equal_charts_built_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layout = Layout(DEFAULT_DATA_DIR)
    table = load_cached_table(layout)
    events = load_events(layout, table.sources)
    obs = table.observations
    index = table_index(obs, table.sources)
    # Filters that leave many charts as they were (basis, related, a period ending in a year
    # already drawn) and so draw them from the memo, in both languages.
    views = [
        Filters(),
        Filters(
            bases=("reported",),
            related=True,
            start=pd.Timestamp("2019-01-01"),
            end=pd.Timestamp("2025-12-31"),
        ),
    ]

    def every_page(filters: Filters, lang: str) -> list[tuple]:
        locale = locale_for(lang)
        fv = figure_view(obs, table.sources, filter_mask(obs, filters), locale, index)
        headline = kpi_candidates(fv)
        return [
            _shown(s)
            for page in PAGES
            for s in page_specs(
                fv, headline if page == "overview" else [], locale, page, events=events
            )
        ]

    monkeypatch.setattr(specs_module, "_chart_memo", BoundedMemo(specs_module.CHART_MEMO))
    remembered_charts = [every_page(f, lang) for lang in ("zh", "en") for f in views]
    for k, (f, lang) in enumerate((f, lang) for lang in ("zh", "en") for f in views):
        monkeypatch.setattr(specs_module, "_chart_memo", BoundedMemo(specs_module.CHART_MEMO))
        assert every_page(f, lang) == remembered_charts[k]
