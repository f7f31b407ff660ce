"""Numbers in 万/亿 (thousand/million/billion) and periods in words."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.format import (
    axis_unit,
    format_as_of,
    format_period,
    format_value,
    format_yoy,
    growth_words,
    point_format,
    point_label,
    zone_label,
)

D = pd.Timestamp


@pytest.mark.parametrize(
    ("value", "metric", "lang", "expected"),
    [
        (816, "train_runs", "zh", "816列"),
        (816, "train_runs", "en", "816 trains"),
        (15000, "teu", "zh", "1.5万标箱"),
        (15000, "teu", "en", "15,000 TEU"),
        (20218400, "freight_deduction_cny", "zh", "2021.84万元"),
        (20218400, "freight_deduction_cny", "en", "20.2 million yuan"),
        (880000000, "agri_export_value_cny", "zh", "8.8亿元"),
        (880000000, "agri_export_value_cny", "en", "880 million yuan"),
        (413820000000, "trade_value_cny", "zh", "4138.2亿元"),
        (413820000000, "trade_value_cny", "en", "414 billion yuan"),
        (523, "ports_reached", "zh", "523个"),
        (26000, "train_runs", "en", "26,000 trains"),
        (26000, "train_runs", "zh", "2.6万列"),
        (10218, "train_runs", "zh", "10218列"),
        (14300, "train_runs", "zh", "1.43万列"),
        (260000, "vehicles", "zh", "26万车次"),
        (9580, "train_runs", "zh", "9580列"),
        (12000, "vehicles", "zh", "1.2万车次"),
    ],
)
def test_values_show_in_the_metrics_display_scale(
    value: float, metric: str, lang: str, expected: str
) -> None:
    assert format_value(value, metric, lang) == expected


@pytest.mark.parametrize(
    ("value", "metric", "qualifier", "expected"),
    [
        (1425000, "teu", "", "1.43 million TEU"),
        (10000, "train_runs", "over", "over 10,000 trains"),
        (4.5e9, "trade_value_cny", "about", "about 4.5 billion yuan"),
        (0.45e9, "trade_value_cny", "", "450 million yuan"),
        (425300, "teu", "", "425 thousand TEU"),
        (999999, "teu", "", "1 million TEU"),
        (178, "train_runs", "", "178 trains"),
        (1_234_567_890_123, "trade_value_cny", "", "1,230 billion yuan"),
    ],
)
def test_english_says_a_figure_at_the_scale_a_reader_does(
    value: float, metric: str, qualifier: str, expected: str
) -> None:
    # Never "1,425 thousand": the largest word the figure reaches, three significant digits.
    assert format_value(value, metric, "en", qualifier=qualifier) == expected


@pytest.mark.parametrize(
    ("metric", "lang", "expected"),
    [
        ("teu", "zh", "万标箱"),
        ("teu", "en", "thousand TEU"),
        ("freight_deduction_cny", "zh", "万元"),
        ("trade_value_cny", "en", "billion yuan"),
        ("train_runs", "zh", "列"),
    ],
)
def test_axis_unit_names_scale_and_unit(metric: str, lang: str, expected: str) -> None:
    assert axis_unit(metric, lang) == expected


@pytest.mark.parametrize(
    ("start", "end", "zh", "en"),
    [
        ("2024-01-01", "2024-07-31", "2024年1—7月", "Jan–Jul 2024"),
        ("2024-07-01", "2024-07-31", "2024年7月", "Jul 2024"),
        ("2019-01-01", "2019-12-31", "2019年", "2019"),
        ("2023-10-01", "2024-07-31", "2023年10月—2024年7月", "Oct 2023–Jul 2024"),
        ("2024-01-01", "2024-09-11", "2024年1月1日—9月11日", "1 Jan 2024–11 Sep 2024"),
        (None, "2024-09-11", "截至2024年9月11日", "as of 11 Sep 2024"),
        (None, "2024-07-31", "截至2024年7月底", "to end-Jul 2024"),
    ],
)
def test_periods_read_as_words(start: str | None, end: str, zh: str, en: str) -> None:
    begin = None if start is None else D(start)
    assert format_period(begin, D(end), "zh") == zh
    assert format_period(begin, D(end), "en") == en


def test_snapshot_cut_off_reads_as_of_the_day() -> None:
    assert format_as_of(D("2024-09-11"), "zh") == "截至2024年9月11日"


@pytest.mark.parametrize(
    ("yoy", "expected"), [(17.8, "+17.8%"), (-3.2, "-3.2%"), (510.0, "+510%"), (None, "")]
)
def test_yoy_is_a_signed_percentage(yoy: float | None, expected: str) -> None:
    assert format_yoy(yoy, "zh") == expected


def test_growth_reads_as_a_sentence_in_both_languages() -> None:
    assert growth_words(17.8, "zh") == "同比增长17.8%"
    assert growth_words(-3.2, "zh") == "同比下降3.2%"
    assert growth_words(46.4, "en") == "up 46.4% year on year"


@pytest.mark.parametrize(
    ("value", "metric", "qualifier", "lang", "expected"),
    [
        (10000, "train_runs", "over", "zh", "超1万列"),
        (10000, "train_runs", "over", "en", "over 10,000 trains"),
        (450000000, "trade_value_cny", "nearly", "zh", "近4.5亿元"),
        (9000, "train_runs", "under", "zh", "不到9000列"),
        (9000, "train_runs", "about", "en", "about 9,000 trains"),
        (816, "train_runs", "", "zh", "816列"),
    ],
)
def test_a_value_is_written_as_its_source_states_it(
    value: float, metric: str, qualifier: str, lang: str, expected: str
) -> None:
    assert format_value(value, metric, lang, qualifier=qualifier) == expected


def test_a_point_label_carries_the_qualifier_in_both_languages() -> None:
    assert point_label(10000, "train_runs", "zh", "over") == "超1万"
    assert point_label(10000, "train_runs", "en", "over") == "over 10,000"
    assert point_label(10000, "train_runs", "en") == "10,000"


def test_a_deck_label_format_starts_with_the_qualifier_as_text() -> None:
    assert point_format(10000, 0, "zh", qualifier="over") == '"超"0'
    assert point_format(10000, 0, "en", qualifier="nearly") == '"nearly "#,##0'
    assert point_format(10000, 0, "en") == "#,##0"


def test_china_time_reads_in_words_in_chinese_and_as_its_identifier_in_english() -> None:
    assert zone_label("Asia/Shanghai", "zh") == "北京时间"
    assert zone_label("Asia/Shanghai", "en") == "Asia/Shanghai"
    assert zone_label("Europe/London", "zh") == "Europe/London"
