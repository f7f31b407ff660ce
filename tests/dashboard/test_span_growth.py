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
