"""Numbers and periods in words: Chinese (万/亿, 2024年1—7月) or English (million, Jan–Jul 2024).

The one place outside the catalogue (dashboard.i18n) that looks at the language: how a number,
a date or a period is written differs by more than words (no thousands separators in 万/亿, the
year before the month, 年/月 in date patterns), so these rules branch on it on purpose.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from etl.contract.qualifiers import qualify
from etl.contract.vocabulary import load_metrics

WAN = 10_000
# A count in 万 is written to at most two places (2.6万, 1.43万): a hundred is its last digit.
WAN_STEP = 100
# English says a large figure at the scale a reader would (1.43 million, not 1,425 thousand):
# the largest word the value reaches, three significant digits; below the smallest, plain digits.
SCALES_EN = ((1e9, 1e9, "billion"), (1e6, 1e6, "million"), (1e5, 1e3, "thousand"))
SIGNIFICANT_EN = 3
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_number(value: float, decimals: int) -> str:
    """Return value rounded to at most `decimals` places, trailing zeros dropped (8.80 → 8.8)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}" if decimals > 0 else f"{value:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def scaled(value: float, metric: str, lang: str) -> float:
    """Return value divided by the metric's display scale in the language."""
    _, divisor = load_metrics()[metric].scale(lang)
    return value / divisor


def axis_unit(metric: str, lang: str) -> str:
    """Return the unit as shown on an axis: 万标箱, 亿元, thousand TEU, million yuan, 列."""
    m = load_metrics()[metric]
    word, _ = m.scale(lang)
    if lang == "zh":
        return f"{word}{m.unit_zh}"
    return f"{word} {m.unit_en}".strip()


def format_value(
    value: float, metric: str, lang: str, *, with_unit: bool = True, qualifier: object = ""
) -> str:
    """Return a figure as stated, in the display scale: 超1万列, 近4.5亿元, 1.43 million TEU.

    qualifier: how the source states it (etl.contract.qualifiers), '' for an exact figure.
    """
    return qualify(_scaled_text(value, metric, lang, with_unit), qualifier, lang)


def english_amount(value: float, decimals: int) -> str:
    """Return a number as an English reader says it: 1.43 million, 450 million, 10,000, 8.8."""
    # Rounded first, so 999,999 reads 1 million, not 1,000 thousand.
    rounded = float(_significant(value, SIGNIFICANT_EN).replace(",", ""))
    for least, divisor, word in SCALES_EN:
        if abs(rounded) >= least:
            return f"{_significant(rounded / divisor, SIGNIFICANT_EN)} {word}"
    return format_number(value, decimals)


def _significant(value: float, digits: int) -> str:
    # Decimal from the shortest repr rounds 1.425 half up (float formatting would give 1.42);
    # the whole part is never cut (413.82 billion reads 414 billion).
    number = Decimal(repr(value))
    whole = len(str(int(abs(number)))) if abs(number) >= 1 else 0
    places = digits - whole
    step = Decimal(1).scaleb(-places)
    text = f"{number.quantize(step, rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _reads_in_wan(value: float) -> bool:
    """Return whether a count is one Chinese reports write in 万: at most two places of 万."""
    return Decimal(repr(value)) % WAN_STEP == 0


def _scaled_text(value: float, metric: str, lang: str, with_unit: bool) -> str:
    m = load_metrics()[metric]
    if lang != "zh":
        number = english_amount(value, m.decimals)
        return f"{number} {m.unit_en}" if with_unit else number
    word, divisor = m.scale(lang)
    if lang == "zh" and divisor == 1 and abs(value) >= WAN and _reads_in_wan(value):
        # A count a report gives in 万 (2.6万列, 超1万列) reads so; one it gives digit by digit
        # (第10218列) keeps its digits: 1.0218万列 is a number no report writes.
        number = format_number(value / WAN, m.decimals + 4).replace(",", "")
        return f"{number}万" + ("" if not with_unit else m.unit_zh)
    number = format_number(scaled(value, metric, lang), m.decimals)
    if lang == "zh":
        number = number.replace(",", "")
    if not with_unit:
        return f"{number}{word}" if lang == "zh" else f"{number} {word}".strip()
    unit = axis_unit(metric, lang)
    return f"{number}{unit}" if lang == "zh" else f"{number} {unit}"


def format_yoy(yoy: float | None, lang: str) -> str:
    """Return a year-on-year change as a signed percentage (+17.8%), or '' when unknown."""
    if yoy is None or (isinstance(yoy, float) and math.isnan(yoy)):
        return ""
    text = f"{yoy:+.1f}"
    return f"{text.removesuffix('.0')}%"


def growth_words(yoy: float, lang: str) -> str:
    """Return the yoy change in a sentence's words: 同比增长17.8% / up 17.8% year on year."""
    size = format_number(abs(yoy), 1)
    if lang == "zh":
        return f"同比{'增长' if yoy >= 0 else '下降'}{size}%"
    return f"{'up' if yoy >= 0 else 'down'} {size}% year on year"


def _is_month_start(day: pd.Timestamp) -> bool:
    return bool(day.day == 1)


def _is_month_end(day: pd.Timestamp) -> bool:
    return bool(day.is_month_end)


def _day_en(day: pd.Timestamp) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def format_as_of(end: pd.Timestamp, lang: str) -> str:
    """Return a cut-off in words: 截至2024年9月11日 / 截至2024年7月底 / as of 11 Sep 2024."""
    if lang == "zh":
        if _is_month_end(end):
            return f"截至{end.year}年{end.month}月底"
        return f"截至{end.year}年{end.month}月{end.day}日"
    if _is_month_end(end):
        return f"to end-{MONTHS_EN[end.month - 1]} {end.year}"
    return f"as of {_day_en(end)}"


def format_period(start: pd.Timestamp | None, end: pd.Timestamp, lang: str) -> str:
    """Return a period in words: 2024年1—7月, 2023年10月—2024年7月, Jan–Jul 2024, 2019."""
    if start is None or pd.isna(start):
        return format_as_of(end, lang)
    if not (_is_month_start(start) and _is_month_end(end)):
        if lang == "zh":
            tail = (
                f"{end.month}月{end.day}日"
                if start.year == end.year
                else f"{end.year}年{end.month}月{end.day}日"
            )
            return f"{start.year}年{start.month}月{start.day}日—{tail}"
        return f"{_day_en(start)}–{_day_en(end)}"
    if start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}年" if lang == "zh" else str(start.year)
        if start.month == end.month:
            return (
                f"{start.year}年{start.month}月"
                if lang == "zh"
                else f"{MONTHS_EN[start.month - 1]} {start.year}"
            )
        if lang == "zh":
            return f"{start.year}年{start.month}—{end.month}月"
        return f"{MONTHS_EN[start.month - 1]}–{MONTHS_EN[end.month - 1]} {start.year}"
    if lang == "zh":
        return f"{start.year}年{start.month}月—{end.year}年{end.month}月"
    return f"{MONTHS_EN[start.month - 1]} {start.year}–{MONTHS_EN[end.month - 1]} {end.year}"


def format_date(day: pd.Timestamp, lang: str) -> str:
    """Return a calendar date: 2024年9月11日 / 11 Sep 2024."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else _day_en(day)


def reads_source_words(lang: str) -> bool:
    """Return whether the sources' own (Chinese) words, such as a scope, read in this language."""
    # The reports are Chinese: their scopes name a figure in Chinese, never in English.
    return lang == "zh"


# The zone a Chinese reader names in words; any other zone shows its identifier.
ZONE_NAMES_ZH = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "PRC": "北京时间"}


def zone_label(zone: object, lang: str) -> str:
    """Return a time zone as a reader names it: 北京时间 in Chinese, else its id."""
    name = str(zone)
    return ZONE_NAMES_ZH.get(name, name) if lang == "zh" else name


def label_number(value: float, decimals: int, lang: str) -> str:
    """Return a number as a chart label prints it (no unit): 2021.84 in Chinese, 2,021.84 else."""
    # Chinese figures in 万/亿 are written without thousands separators (2021.84万元).
    text = format_number(value, decimals)
    return text.replace(",", "") if lang == "zh" else text


def date_tick_format(span: pd.Timedelta, lang: str) -> str:
    """Return plotly's date tick format for a time axis spanning `span`."""
    # Plotly's own date ticks are English; a span under two years is labelled by month.
    if span < pd.Timedelta(days=730):
        return "%Y年%-m月" if lang == "zh" else "%b %Y"
    return "%Y年" if lang == "zh" else "%Y"


def month_key_label(month: str, lang: str) -> str:
    """Return a YYYY-MM key as the period slider shows it: 2024年7月 / Jul 2024."""
    year, number = month[:4], int(month[5:])
    return f"{year}年{number}月" if lang == "zh" else f"{MONTHS_EN[number - 1]} {year}"


def excel_number_format(decimals: int, lang: str) -> str:
    """Return the deck's number format: one fixed decimal, the rest optional (8.8, 2021.84)."""
    whole = "0" if lang == "zh" else "#,##0"
    return whole + (".0" + "#" * (decimals - 1) if decimals else "")


def excel_date_format(lang: str) -> str:
    """Return the deck's date-axis format: 2024年7月 / Jul 2024."""
    return 'yyyy"年"m"月"' if lang == "zh" else "mmm yyyy"


def point_format(
    value: float, decimals: int, lang: str, *, signed_pct: bool = False, qualifier: object = ""
) -> str:
    """Return one label's number format with the places the dashboard prints: 27, 8.8, 2021.84.

    A chart-wide "0.0##" would print 27 as 27.0 and 10000 as 10000.0; each label gets its own.
    A bound's label starts with its qualifier as literal text ("超"0 → 超10000, over 10,000).
    """
    text = format_number(abs(value), decimals)
    places = len(text.split(".")[1]) if "." in text else 0
    fmt = ("0" if lang == "zh" or signed_pct else "#,##0") + ("." + "0" * places if places else "")
    if signed_pct:
        return f'+{fmt}"%";-{fmt}"%"'
    prefix = label_prefix(qualifier, lang)
    return f'"{prefix}"{fmt}' if prefix else fmt


def value_axis_numbers(lang: str) -> dict[str, object]:
    """Return plotly value-axis settings: numbers as the labels write them (10000 in Chinese,
    10,000 in English; never 10k)."""
    # An explicit d3 format: plotly's own groups five-digit ticks (10,000) whatever
    # separatethousands says, beside Chinese labels written 10000.
    return {"exponentformat": "none", "tickformat": "~f" if lang == "zh" else ",~f"}


def point_label(value: float, metric: str, lang: str, qualifier: object = "") -> str:
    """Return a chart point's label as stated: 超1万 / 142.5万 in Chinese, over 1,425 in English."""
    if lang == "zh":
        return format_value(value, metric, lang, with_unit=False, qualifier=qualifier)
    # The English axis title carries the scale word (thousand TEU): the label is the number.
    number = format_number(scaled(value, metric, lang), load_metrics()[metric].decimals)
    return qualify(number, qualifier, lang)


def label_prefix(qualifier: object, lang: str) -> str:
    """Return the words a bounded label starts with (超 / over ), '' for an exact figure."""
    return qualify("", qualifier, lang)
