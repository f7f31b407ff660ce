"""A metric page's series charts on the shipped data: headline years first, then at most four
more corridor series, each one line of one period kind named by its series label."""

from __future__ import annotations

import pytest

from dashboard.charts.series_charts import MAX_MORE_SERIES, MAX_PAGE_CHARTS
from dashboard.charts.specs import SERIES_SUFFIX, is_series_chart, series_page_specs
from dashboard.filters import Filters
from dashboard.locales import EN, ZH, Locale
from dashboard.views.index import FigureView
from etl.contract.paths import DEFAULT_DATA_DIR
from etl.contract.series import series_by_key


def _shipped_view(monkeypatch: pytest.MonkeyPatch, locale: Locale) -> FigureView:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    from dashboard import data

    return data.view(data.current_table(), Filters(), locale)


@pytest.mark.parametrize("locale", [ZH, EN], ids=["zh", "en"])
def test_trains_page_opens_with_its_headline_years_then_at_most_four_more_series(
    monkeypatch: pytest.MonkeyPatch, locale: Locale
) -> None:
    specs = series_page_specs(_shipped_view(monkeypatch, locale), "trains", locale)
    assert specs[0].id == "train_runs_years"
    assert len(specs) <= MAX_PAGE_CHARTS and all(is_series_chart(s) for s in specs)
    more = [s for s in specs if s.id.endswith(SERIES_SUFFIX)]
    assert 1 <= len(more) <= MAX_MORE_SERIES
    known = series_by_key()
    for spec in more:
        key = spec.id.removesuffix(SERIES_SUFFIX)
        assert known[key].context == "corridor" and not known[key].headline
        # One line over the calendar years, named by the series label.
        line = spec.chart.data[0]
        assert line.type == "scatter" and line.name == known[key].label(locale.lang)
        assert list(line.x) == sorted(set(line.x))
        assert spec.title.startswith(known[key].label(locale.lang))
        assert all(p["period_start"].strftime("%m-%d") == "01-01" for p in spec.point_records)


def test_headline_years_state_their_growth_over_the_span_as_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    specs = series_page_specs(_shipped_view(monkeypatch, ZH), "trains", ZH)
    trains = specs[0]
    # 178列 in 2017; 2025's point is a running total to 30 December (10218), but the year is
    # reported as 超1万: the end is the year's own figure as stated, as the briefing has it.
    assert trains.growth.startswith("2017—2025年：超56倍，年均增长超")
    assert all(not s.growth for s in specs if not s.id.endswith("_years"))


def test_the_reach_page_draws_its_counts_as_of_dates_as_series_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    specs = series_page_specs(_shipped_view(monkeypatch, ZH), "reach", ZH)
    assert specs[0].id == f"corridor_ports_reached{SERIES_SUFFIX}"
    names = {t.name for s in specs for t in s.chart.data if t.name}
    assert names <= {lab for s in series_by_key().values() for lab in (s.label_zh,)}


@pytest.mark.parametrize("locale", [ZH, EN], ids=["zh", "en"])
def test_year_axes_read_at_every_size_one_number_style_and_no_see_hover_words(
    monkeypatch: pytest.MonkeyPatch, locale: Locale
) -> None:
    import re

    fv = _shipped_view(monkeypatch, locale)
    specs = [s for page in ("trains", "reach") for s in series_page_specs(fv, page, locale)]
    years = [s for s in specs if s.id.endswith(("_years", SERIES_SUFFIX)) and s.kind == "flow"]
    assert years
    for spec in years:
        axis = spec.chart.layout.xaxis
        # Bare years, level: every year over a short span; over a long one plotly's own ticks
        # in whole years (an integer format: never one year twice), fewer on a narrow plot.
        assert axis.tickangle == 0
        if axis.tickmode == "array":
            assert list(axis.ticktext) == [str(v) for v in axis.tickvals]
            assert list(axis.tickvals) == list(range(axis.tickvals[0], axis.tickvals[-1] + 1))
        else:
            assert axis.tickmode == "auto" and axis.tickformat == "d" and axis.dtick is None
            assert axis.range[1] - axis.range[0] > 5  # plotly's steps: 1, 2 or 5 years
        # Every value label in the axis' own scale: a number with at most a bound's word,
        # never 1万 beside 8820 (the unit is in the axis title, once).
        labels = [x for d in spec.chart.data if d.text is not None for x in d.text if x]
        assert labels
        for label in labels:
            assert re.fullmatch(r"(超|不到|约|近|over |under |about |nearly )?[\d,.]+", label), (
                spec.id,
                label,
            )
        assert "万" not in "".join(labels) and "thousand" not in "".join(labels)
    # No "see hover" words in anything an image or a slide prints: names, labels, titles.
    for spec in specs:
        printed = spec.chart.to_json()
        assert "见悬停" not in printed and "on hover" not in printed, spec.id


def test_series_legends_sit_below_the_plot_where_the_modebar_never_covers_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fv = _shipped_view(monkeypatch, ZH)
    specs = [s for page in ("trains", "reach") for s in series_page_specs(fv, page, ZH)]
    for spec in (s for s in specs if not s.id.endswith("_ytd")):
        legend = spec.chart.layout.legend
        assert legend.orientation == "h" and legend.yanchor == "top" and legend.y < 0, spec.id


def test_counts_as_of_dates_label_their_latest_and_tick_once_a_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    specs = series_page_specs(_shipped_view(monkeypatch, EN), "reach", EN)
    ports = specs[0]
    texts = [x for d in ports.chart.data if d.text is not None for x in d.text]
    assert len([x for x in texts if x]) == 1 and texts[-1] == "584"
    axis = ports.chart.layout.xaxis
    assert (axis.dtick, axis.tickformat, axis.tickangle) == ("M12", "%Y", 0)
