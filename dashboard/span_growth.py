"""Growth over a series' span: its multiple and average annual growth, a bound when an end is one.

178列 in 2017 to 超1万列 in 2024 is more than 56-fold: a bound at either end makes the multiple a
bound too (never computed as exact), in the direction the bounds allow, or nothing when they pull
both ways.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from dashboard.locales import Locale
from etl.contract.qualifiers import ABOUT, EXACT, NEARLY, OVER, UNDER

# How an end's bound moves the multiple: a larger end (超) raises it, a larger start lowers it.
_END = {EXACT: EXACT, OVER: OVER, UNDER: UNDER, ABOUT: ABOUT, NEARLY: ABOUT}
_START = {EXACT: EXACT, OVER: UNDER, UNDER: OVER, ABOUT: ABOUT, NEARLY: ABOUT}
# The catalogue's words before a multiple and a rate, by the direction of the bound.
_PREFIX = {EXACT: "", OVER: "span_over", UNDER: "span_under", ABOUT: "span_about"}


def _prefix(bound: str, locale: Locale) -> str:
    return locale.t(_PREFIX[bound]) if _PREFIX[bound] else ""


@dataclass(frozen=True)
class SpanGrowth:
    """A series' growth from its first year to its last: multiple, average annual growth (%)."""

    first_year: int
    last_year: int
    multiple: float
    annual_pct: float
    # EXACT, or the direction of the bound (OVER, UNDER, ABOUT) both numbers carry.
    bound: str


def span_growth(first: tuple[int, float, str], last: tuple[int, float, str]) -> SpanGrowth | None:
    """Return the growth between (year, value, qualifier) ends, or None where there is none to
    state: one year, a start of zero or less, or bounds pulling both ways (超 at both ends)."""
    (y0, v0, q0), (y1, v1, q1) = first, last
    if y1 <= y0 or v0 <= 0 or v1 < 0:
        return None
    ways = {_START.get(q0 or EXACT, ABOUT), _END.get(q1 or EXACT, ABOUT)} - {EXACT}
    if len(ways) > 1:
        # 超 at the start and 超 at the end: the multiple could be anything either side.
        ways = {ABOUT} if ways == {ABOUT} else set()
        if not ways:
            return None
    bound = next(iter(ways), EXACT)
    multiple = v1 / v0
    annual = (multiple ** (1 / (y1 - y0)) - 1) * 100
    return SpanGrowth(y0, y1, multiple, annual, bound)


def _shown(value: float, bound: str, decimals: int) -> str:
    # A bound is stated on its safe side: "more than" rounds down, "less than" rounds up.
    step = 10**decimals
    if bound == OVER:
        value = math.floor(value * step) / step
    elif bound == UNDER:
        value = math.ceil(value * step) / step
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def multiple_text(growth: SpanGrowth, locale: Locale) -> str:
    """Return the multiple in words: 超56倍 / more than 56-fold, 3.2倍 / 3.2-fold."""
    decimals = 0 if growth.multiple >= 10 else 1
    number = _shown(growth.multiple, growth.bound, decimals)
    return locale.t("span_multiple", prefix=_prefix(growth.bound, locale), number=number)


def annual_text(growth: SpanGrowth, locale: Locale) -> str:
    """Return the average annual growth in words: 年均增长超78% / more than 78% a year."""
    number = _shown(abs(growth.annual_pct), growth.bound, 1)
    key = "span_annual_up" if growth.annual_pct >= 0 else "span_annual_down"
    return locale.t(key, prefix=_prefix(growth.bound, locale), number=number)


def growth_sentence(growth: SpanGrowth, locale: Locale) -> str:
    """Return the growth over the span: 2017—2024年：超56倍，年均增长超78%."""
    return locale.t(
        "span_sentence",
        first=growth.first_year,
        last=growth.last_year,
        multiple=multiple_text(growth, locale),
        annual=annual_text(growth, locale),
    )


def ends_growth(figures: list[tuple[int, float, str]]) -> SpanGrowth | None:
    """Return the growth from the earliest to the latest of a series' (year, value, qualifier)."""
    if len(figures) < 2:
        return None
    ordered = sorted(figures, key=lambda f: f[0])
    return span_growth(ordered[0], ordered[-1])


@dataclass(frozen=True)
class YearFigure:
    """A series' figure for a calendar year: a full year, or a running total to a December day."""

    year: int
    value: float
    qualifier: str
    # False for a running total to a December day (今年第10218列 on 30 December).
    full_year: bool


def year_figure(period_end: pd.Timestamp | str, value: float, qualifier: object) -> YearFigure:
    """Return a figure ending in a year's December as a YearFigure (full year when it ends on
    31 December)."""
    end = pd.Timestamp(period_end)
    full = end.strftime("%m-%d") == "12-31"
    return YearFigure(end.year, float(value), str(qualifier or EXACT), full)


def _end_rank(figure: YearFigure) -> tuple[bool, bool]:
    return (figure.full_year, figure.qualifier == EXACT)


def span_ends(figures: Iterable[YearFigure]) -> list[tuple[int, float, str]]:
    """Return one (year, value, qualifier) per year: the series' reported full-year figure,
    exact before a bound, with its qualifier as stated (超1万 stays 超1万); a year with none but a
    running total to a December day is at least that total (over). Among equals the first given
    (the caller's preferred value) counts."""
    by_year: dict[int, YearFigure] = {}
    for figure in figures:
        held = by_year.get(figure.year)
        if held is None or _end_rank(figure) > _end_rank(held):
            by_year[figure.year] = figure
    out = []
    for year, figure in sorted(by_year.items()):
        qualifier = figure.qualifier
        if not figure.full_year:
            # The whole year holds the running total and more: over, or about where it was.
            qualifier = OVER if qualifier in (EXACT, OVER) else ABOUT
        out.append((year, figure.value, qualifier))
    return out


def series_growth(figures: Iterable[YearFigure]) -> SpanGrowth | None:
    """Return a series' growth over its span from its year figures, the same for the page's
    chart, the briefing and the deck (span_ends chooses each year's figure)."""
    return ends_growth(span_ends(figures))


def growth_clause(growth: SpanGrowth, locale: Locale) -> str:
    """Return the growth as a clause of a sentence: 为2017年的超56倍（年均增长超77.8%）."""
    return locale.t(
        "span_clause",
        first=growth.first_year,
        multiple=multiple_text(growth, locale),
        annual=annual_text(growth, locale),
    )
