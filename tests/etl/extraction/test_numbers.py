"""Parsing Chinese numbers, multipliers and growth rates."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.extraction.numbers import parse_number, parse_quantity, parse_rate

QUANTITIES = [
    ("816", 816),
    ("1.5万", 15_000),
    ("超27万", 270_000),
    ("近15万", 150_000),
    ("300多", 300),
    ("80余", 80),
    ("1100余", 1100),
    ("超万", 10_000),
    ("万亿", 1e12),
    ("4138.2亿", 413_820_000_000),
    ("2021.84万", 20_218_400),
    ("17429万", 174_290_000),
    ("2万余", 20_000),
    ("约4.84万", 48_400),
    ("1,234", 1234),
    ("12,345,678", 12_345_678),
    ("１２３", 123),
    ("１．５万", 15_000),
    ("两千三百", 2300),
    ("三百五十", 350),
    ("五万", 50_000),
    ("十二", 12),
    ("逾1500亿", 150_000_000_000),
]


@pytest.mark.parametrize(("text", "expected"), QUANTITIES)
def test_quantity_table(text: str, expected: float) -> None:
    assert parse_quantity(text) == pytest.approx(expected)


RATES = [
    ("同比增长17.8%", 17.8),
    ("下降3.2%", -3.2),
    ("同比减少3.2%", -3.2),
    ("回落3.2%", -3.2),
    ("增幅近50%", 50),
    ("增长5.1倍", 510),
    ("超三成", 30),
    ("增长超三成", 30),
    ("上升838%", 838),
    ("增长１２．５％", 12.5),
]


@pytest.mark.parametrize(("text", "expected"), RATES)
def test_rate_table(text: str, expected: float) -> None:
    assert parse_rate(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "标箱", "abc", "余"])
def test_not_a_quantity_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quantity(text)


def test_no_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="no rate"):
        parse_rate("增长很快")


def test_infinite_product_is_refused_loudly() -> None:
    with pytest.raises(ValueError, match="expected a finite value"):
        parse_quantity("9" * 400 + "万")


@given(st.integers(min_value=1, max_value=10**7))
def test_wan_multiplies_by_ten_thousand(n: int) -> None:
    assert parse_quantity(f"{n}万") == pytest.approx(n * 1e4)


@given(st.decimals(min_value="0.01", max_value="99999", places=2))
def test_yi_multiplies_by_hundred_million(n: object) -> None:
    assert parse_quantity(f"{n}亿") == pytest.approx(float(str(n)) * 1e8, rel=1e-12)


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_with_commas_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1, max_value=10**8))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_number(cn2an.an2cn(n)) == n
