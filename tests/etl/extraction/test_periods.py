"""Resolving period wording against a publication date."""

from __future__ import annotations

from datetime import date

import pytest

from etl.extraction.periods import find_periods, month_end, resolve_period

PUB = date(2024, 9, 11)
D = date

CASES = [
    ("今年前7个月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("前7个月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("1—7月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("1-7月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("1至7月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("1~7月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("１—７月", PUB, (D(2024, 1, 1), D(2024, 7, 31))),
    ("一季度", PUB, (D(2024, 1, 1), D(2024, 3, 31))),
    ("第一季度", PUB, (D(2024, 1, 1), D(2024, 3, 31))),
    ("1季度", PUB, (D(2024, 1, 1), D(2024, 3, 31))),
    ("二季度", PUB, (D(2024, 4, 1), D(2024, 6, 30))),
    ("前三季度", D(2019, 10, 21), (D(2019, 1, 1), D(2019, 9, 30))),
    ("前三个季度", D(2021, 10, 20), (D(2021, 1, 1), D(2021, 9, 30))),
    ("上半年", PUB, (D(2024, 1, 1), D(2024, 6, 30))),
    ("2023年下半年", PUB, (D(2023, 7, 1), D(2023, 12, 31))),
    ("全年", date(2024, 1, 10), (D(2023, 1, 1), D(2023, 12, 31))),
    ("全年", date(2024, 12, 20), (D(2024, 1, 1), D(2024, 12, 31))),
    ("上月", date(2024, 1, 10), (D(2023, 12, 1), D(2023, 12, 31))),
    ("去年全年", PUB, (D(2023, 1, 1), D(2023, 12, 31))),
    ("中欧班列(成渝)2023年共开行超5300列", D(2024, 1, 28), (D(2023, 1, 1), D(2023, 12, 31))),
    ("2025年开行量超5000列", D(2026, 1, 25), (D(2025, 1, 1), D(2025, 12, 31))),
    ("1月份开行488车次", D(2023, 2, 10), (D(2023, 1, 1), D(2023, 1, 31))),
    ("2025年1月运输货物", D(2025, 2, 6), (D(2025, 1, 1), D(2025, 1, 31))),
    ("去年前11月", D(2025, 1, 6), (D(2024, 1, 1), D(2024, 11, 30))),
    ("2022年一季度", D(2022, 4, 27), (D(2022, 1, 1), D(2022, 3, 31))),
    ("截至2021年底", D(2022, 4, 27), (None, D(2021, 12, 31))),
    ("截至2025年8月底", D(2025, 9, 22), (None, D(2025, 8, 31))),
    ("截至7月20日", PUB, (None, D(2024, 7, 20))),
    ("截至目前", PUB, (None, PUB)),
    ("自2016年4月开行以来，截至2023年1月31日", D(2023, 2, 10), (D(2016, 4, 1), D(2023, 1, 31))),
    ("2023年10月，重庆海关创新落实政策，截至今年7月底", PUB, (D(2023, 10, 1), D(2024, 7, 31))),
    ("今年以来", PUB, (D(2024, 1, 1), PUB)),
    ("年初至今", PUB, (D(2024, 1, 1), PUB)),
    ("今年", PUB, (D(2024, 1, 1), PUB)),
    ("前两个月", D(2024, 3, 5), (D(2024, 1, 1), D(2024, 2, 29))),
    ("截至2月底", D(2023, 3, 5), (None, D(2023, 2, 28))),
    ("截至2月底", D(2024, 3, 5), (None, D(2024, 2, 29))),
    # Cut-offs naming part of a year, or only a day of the month.
    ("截至今年上半年", D(2021, 7, 15), (None, D(2021, 6, 30))),
    ("截至一季度末", D(2022, 4, 20), (None, D(2022, 3, 31))),
    ("截至前三季度", D(2022, 10, 20), (None, D(2022, 9, 30))),
    ("截至去年年底", D(2022, 2, 20), (None, D(2021, 12, 31))),
    ("截至28日", D(2020, 9, 28), (None, D(2020, 9, 28))),
    ("截至29日", D(2025, 12, 2), (None, D(2025, 11, 29))),
    ("到2021年4月28日", D(2022, 8, 31), (None, D(2021, 4, 28))),
    # A stated start and cut-off in one phrase.
    ("自2017年9月开通至11月底", D(2020, 12, 24), (D(2017, 9, 1), D(2020, 11, 30))),
    ("从2019年5月首发到今年6月底", D(2022, 7, 3), (D(2019, 5, 1), D(2022, 6, 30))),
    # A dated day dates a milestone; a reporting date does not.
    ("2021年4月28日", D(2022, 8, 31), (None, D(2021, 4, 28))),
    ("2021年4月28日那天", D(2022, 8, 31), (None, D(2021, 4, 28))),
    ("12月31日，北部湾港", D(2022, 1, 27), (None, D(2021, 12, 31))),
    ("今年4月22日", PUB, (None, D(2024, 4, 22))),
    ("1月3日，记者从港口集团获悉", D(2023, 1, 3), None),
    ("记者11月30日从铁路局获悉", D(2025, 11, 30), None),
    # The document time and the half year just ended.
    ("目前", PUB, (None, PUB)),
    ("如今", PUB, (None, PUB)),
    ("半年下来", D(2022, 7, 20), (D(2022, 1, 1), D(2022, 6, 30))),
    ("半年下来", D(2023, 1, 20), (D(2022, 7, 1), D(2022, 12, 31))),
    ("前年", D(2024, 2, 2), (D(2022, 1, 1), D(2022, 12, 31))),
    # N年来: a running total up to publication, with no stated start.
    ("一年来", PUB, (None, PUB)),
    ("近5年来", PUB, (None, PUB)),
    ("五年来", PUB, (None, PUB)),
    # A digit after 年 starts a figure, not a month: 2017年58列.
    ("2017年58列", D(2019, 11, 15), (D(2017, 1, 1), D(2017, 12, 31))),
    ("2017年5月", D(2019, 11, 15), (D(2017, 5, 1), D(2017, 5, 31))),
]


@pytest.mark.parametrize(("phrase", "pub", "expected"), CASES)
def test_period_table(phrase: str, pub: date | None, expected: object) -> None:
    assert resolve_period(phrase, pub or PUB) == expected


def test_months_after_publication_month_belong_to_last_year() -> None:
    assert resolve_period("1—11月", D(2025, 1, 6)) == (D(2024, 1, 1), D(2024, 11, 30))


def test_months_up_to_publication_month_belong_to_this_year() -> None:
    assert resolve_period("1月份", D(2023, 2, 10)) == (D(2023, 1, 1), D(2023, 1, 31))


def test_explicit_year_wins_over_publication_year() -> None:
    assert resolve_period("2019年1—3月", D(2024, 9, 11)) == (D(2019, 1, 1), D(2019, 3, 31))


@pytest.mark.parametrize("phrase", ["比去年同期", "8年增长283倍"])
def test_spans_and_comparison_bases_are_not_periods(phrase: str) -> None:
    assert resolve_period(phrase, PUB) is None


@pytest.mark.parametrize(
    "phrase",
    [
        "2025年13月",
        "13月",
        "2025年1—13月",
        "2025年1-13月",
        "前13个月",
        # Ends before it starts: neither the range nor either of its days is the period.
        "2025年1月1日至2024年1月1日",
        "2025年10月至2024年3月底",
    ],
)
def test_a_month_that_does_not_exist_or_a_range_ending_before_it_starts_is_no_period(
    phrase: str,
) -> None:
    assert find_periods(phrase, D(2025, 6, 1)) == []
    assert resolve_period(phrase, D(2025, 6, 1)) is None


def test_a_cross_year_run_of_months_is_still_read() -> None:
    assert resolve_period("2025年12月—1月", D(2026, 3, 1)) == (D(2025, 12, 1), D(2026, 1, 31))
    assert resolve_period("2024年10月至12月", PUB) == (D(2024, 10, 1), D(2024, 12, 31))


def test_leap_february_ends_on_the_29th() -> None:
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2100, 2) == D(2100, 2, 28)
    assert month_end(2000, 2) == D(2000, 2, 29)


def test_periods_in_one_sentence_keep_their_order() -> None:
    text = "班列集装箱发送量2017年仅3382标箱，2024年已达96万标箱"
    ends = [m.end for m in find_periods(text, D(2025, 9, 22))]
    assert ends == [D(2017, 12, 31), D(2024, 12, 31)]


def test_traditional_wording_is_read_after_simplification() -> None:
    # Callers simplify first; the period words themselves are the same in both scripts.
    assert resolve_period("前三個季度".replace("個", "个"), D(2021, 10, 20)) == (
        D(2021, 1, 1),
        D(2021, 9, 30),
    )
