"""Parsing Chinese numbers, multipliers and growth rates as news reports write them."""

from __future__ import annotations

import math
import re
from functools import lru_cache

# Full-width digits and signs map one-to-one onto ASCII, so offsets into the text stay valid.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

MULTIPLIERS: dict[str, float] = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}

# Hedges around a stated number: the contract takes the number as stated (超27万 → 27万).
HEDGE_BEFORE = r"(?:超过|超出|高达|多达|将近|接近|大约|约合|逾|超|近|约|达|共|计)"
HEDGE_AFTER = r"(?:余|多)"

CN_DIGITS = "零〇一二两三四五六七八九十百千"
# A digit number: thousands separators only between groups of exactly three digits.
DIGITS = r"\d{1,3}(?:[,，]\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
CN_NUMBER = rf"[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?"
NUMBER = rf"(?:{DIGITS}|{CN_NUMBER})"

# A quantity: number, optional hedge, optional multiplier (万 alone means 1万, as in 超万列).
QUANTITY_RE = re.compile(
    rf"(?P<num>{NUMBER})?(?P<h1>{HEDGE_AFTER})?(?P<mult>万亿|亿|万|千)?(?P<h2>{HEDGE_AFTER})?"
)

RATE_RE = re.compile(rf"(?P<num>{NUMBER})(?:{HEDGE_AFTER})?(?P<unit>%|％|个百分点|倍|成)")
RATE_DOWN_WORDS = ("下降", "减少", "回落", "下滑", "降幅", "降低", "下跌", "减")


def normalize_digits(text: str) -> str:
    """Return text with full-width digits, point and percent sign as ASCII (same length)."""
    return text.translate(FULL_WIDTH)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float:
    """Return the value of a bare number in digits or Chinese numerals (no multiplier)."""
    s = normalize_digits(text).strip().replace(",", "").replace("，", "")
    if not s:
        raise ValueError("empty number")
    try:
        return float(s)
    except ValueError:
        pass
    # Imported on first use: under a tight memory limit (the upload child) importing cn2an can
    # hang or fail without a MemoryError; digits, most numbers in news, never need it.
    import cn2an

    try:
        value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    return float(value)


def check_scaled(value: float, text: str) -> float:
    """Return value after a multiplication, refusing NaN, infinities and negatives loudly."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"multiplying {text!r} gave {value}: expected a finite value >= 0")
    return value


def parse_quantity(text: str) -> float:
    """Return a quantity (1.5万, 超27万, 300多, 80余, 超万, 两千三百, 1,234) in base units."""
    s = normalize_digits(text).strip()
    s = re.sub(rf"^{HEDGE_BEFORE}", "", s)
    match = QUANTITY_RE.fullmatch(s)
    if not match or not (match.group("num") or match.group("mult")):
        raise ValueError(f"not a quantity: {text!r}")
    number = parse_number(match.group("num")) if match.group("num") else 1.0
    mult = match.group("mult")
    if not mult:
        return number
    # Rounding drops binary noise (8.8 × 1e8 = 880000000.0000001); base units need no decimals.
    return round(check_scaled(number * MULTIPLIERS[mult], text), 4)


def parse_rate(text: str) -> float:
    """Return a rate in percent: 增长17.8% → 17.8, 下降3.2% → -3.2, 5.1倍 → 510, 三成 → 30."""
    s = normalize_digits(text)
    match = RATE_RE.search(s)
    if not match:
        raise ValueError(f"no rate in {text!r}")
    number = parse_number(match.group("num"))
    unit = match.group("unit")
    # N倍 growth is N×100 percent, N成 is N×10 percent (增长5.1倍 → 510, 超三成 → 30).
    if unit == "倍":
        number *= 100
    elif unit == "成":
        number *= 10
    before = s[: match.start()]
    if any(word in before for word in RATE_DOWN_WORDS):
        number = -number
    return round(number, 6)
