"""Growth over a series' span: exact ends, bound ends, one year, a zero start."""

from __future__ import annotations

import pytest

from dashboard.locales import EN, ZH
from dashboard.span_growth import growth_sentence, multiple_text, span_growth


def test_exact_ends_give_the_multiple_and_average_annual_growth() -> None:
    g = span_growth((2017, 178, ""), (2024, 9000, ""))
    assert g is not None and g.bound == ""
    assert g.multiple == pytest.approx(9000 / 178)
    assert g.annual_pct == pytest.approx(((9000 / 178) ** (1 / 7) - 1) * 100)
    assert multiple_text(g, ZH) == "51倍"
    assert growth_sentence(g, ZH) == "2017—2024年：51倍，年均增长75.1%"
    assert growth_sentence(g, EN) == "2017–2024: 51-fold, 75.1% a year on average"


def test_an_over_end_makes_a_lower_bound_rounded_down() -> None:
    # 178列 in 2017 to 超1万列 in 2024: 56.18 times, stated as more than 56-fold.
    g = span_growth((2017, 178, ""), (2024, 10000, "over"))
    assert g is not None and g.bound == "over"
    assert multiple_text(g, ZH) == "超56倍"
    assert multiple_text(g, EN) == "more than 56-fold"
    assert growth_sentence(g, ZH) == "2017—2024年：超56倍，年均增长超77.8%"


def test_an_under_end_or_an_over_start_makes_an_upper_bound_rounded_up() -> None:
    under = span_growth((2020, 100, ""), (2022, 240.1, "under"))
    over_start = span_growth((2020, 100, "over"), (2022, 240.1, ""))
    for g in (under, over_start):
        assert g is not None and g.bound == "under"
        assert multiple_text(g, ZH) == "不到2.5倍"
        assert multiple_text(g, EN) == "less than 2.5-fold"


def test_about_and_nearly_ends_say_about() -> None:
    g = span_growth((2020, 100, "nearly"), (2023, 300, ""))
    assert g is not None and g.bound == "about"
    assert growth_sentence(g, EN).startswith("2020–2023: about 3-fold, about 44.2%")


def test_bounds_pulling_both_ways_state_nothing() -> None:
    assert span_growth((2017, 178, "over"), (2024, 10000, "over")) is None


def test_a_single_year_or_a_zero_start_states_nothing() -> None:
    assert span_growth((2024, 100, ""), (2024, 200, "")) is None
    assert span_growth((2020, 0, ""), (2024, 200, "")) is None


def test_a_decline_reads_as_a_fall() -> None:
    g = span_growth((2020, 200, ""), (2022, 60, ""))
    assert g is not None
    assert growth_sentence(g, ZH) == "2020—2022年：0.3倍，年均下降45.2%"


def test_a_year_ends_at_its_reported_full_year_figure_with_its_qualifier_as_stated() -> None:
    from dashboard.span_growth import span_ends, year_figure

    figures = [
        year_figure("2017-12-31", 178, ""),
        # 今年第10218列 on 30 December beside the year reported as 超1万: the year's own figure.
        year_figure("2025-12-30", 10218, ""),
        year_figure("2025-12-31", 10000, "over"),
    ]
    assert span_ends(figures) == [(2017, 178.0, ""), (2025, 10000.0, "over")]
    # An exact full-year figure comes before a bound of the same year, whichever is given first.
    exact = [*figures, year_figure("2025-12-31", 10100, "")]
    assert span_ends(exact)[-1] == (2025, 10100.0, "")


def test_a_year_with_only_a_running_total_to_december_is_at_least_that_total() -> None:
    from dashboard.span_growth import series_growth, span_ends, year_figure

    figures = [year_figure("2017-12-31", 178, ""), year_figure("2025-12-30", 10218, "")]
    assert span_ends(figures)[-1] == (2025, 10218.0, "over")
    growth = series_growth(figures)
    assert growth is not None and growth.bound == "over"
    assert multiple_text(growth, ZH) == "超57倍"
    nearly = span_ends([year_figure("2025-12-30", 10218, "nearly")])
    assert nearly == [(2025, 10218.0, "about")]


def test_the_page_chart_the_briefing_and_the_deck_state_one_growth_on_the_shipped_data() -> None:
    import io

    import numpy as np
    from pptx import Presentation

    from dashboard.briefing import briefing_for_view
    from dashboard.charts.specs import page_specs
    from dashboard.deck.slides import build_deck
    from dashboard.filters import Filters
    from dashboard.span_growth import multiple_text as words
    from dashboard.views.index import figure_view
    from etl.contract.paths import DEFAULT_DATA_DIR, layout
    from etl.store.cache import load_cached_table

    table = load_cached_table(layout(DEFAULT_DATA_DIR))
    obs = table.observations
    for locale in (ZH, EN):
        fv = figure_view(obs, table.sources, np.ones(len(obs), dtype=bool), locale)
        years = [s for s in page_specs(fv, [], locale, "trains") if s.id == "train_runs_years"]
        assert years and years[0].growth, "the trains page states its growth"
        chart_growth = years[0].growth
        # 178 in 2017 to the 2025 figure reported as 超1万 (not the running total 10218).
        assert words(span_growth((2017, 178, ""), (2025, 10000, "over")), locale) in chart_growth
        brief = briefing_for_view(fv, locale)
        # The trains sentence: 为2017年的超56倍（年均增长超65.4%）, the chart's very words.
        trains = " ".join(s.text for s in brief.sentences)
        multiple = chart_growth.split("：" if locale is ZH else ": ", 1)[1]
        for part in multiple.replace("，", ", ").split(", "):
            assert part.removeprefix("年均增长") in trains, (part, trains)
        deck = build_deck(years, [], Filters(), table.sources, locale=locale)
        texts = [
            shape.text_frame.text
            for slide in Presentation(io.BytesIO(deck)).slides
            for shape in slide.shapes
            if shape.has_text_frame
        ]
        # On the chart's slide, under its headline, not only on the briefing slide.
        assert any(chart_growth in t for t in texts), texts
