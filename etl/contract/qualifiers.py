"""How a source states a figure: exactly, or as a bound (超 / 不到 / 约 / 近).

The contract's `qualifier` column holds one of QUALIFIERS. Every surface that shows a value shows
its qualifier with it, and nothing compares a bounded value as if it were exact (no yoy, growth
multiple or derived prior-year value from a bound).
"""

from __future__ import annotations

import math
import unicodedata

EXACT = ""
OVER = "over"
UNDER = "under"
ABOUT = "about"
NEARLY = "nearly"
QUALIFIERS: tuple[str, ...] = (EXACT, OVER, UNDER, ABOUT, NEARLY)
BOUNDS: tuple[str, ...] = (OVER, UNDER, ABOUT, NEARLY)

# The word put before a number on every surface. 超 is the reports' own shortest form (超1万列);
# the English words are how an English report would state the same bound.
PREFIX_ZH = {EXACT: "", OVER: "超", UNDER: "不到", ABOUT: "约", NEARLY: "近"}
PREFIX_EN = {EXACT: "", OVER: "over ", UNDER: "under ", ABOUT: "about ", NEARLY: "nearly "}
# What an upload's 限定 / qualifier column may say: the keys, the Chinese labels and their
# synonyms from the contract, English words and symbols an analyst types in Excel.
LABELS_ZH = {EXACT: "准确", OVER: "超过", UNDER: "不到", ABOUT: "约", NEARLY: "近"}
LABELS_EN = {EXACT: "exact", OVER: "over", UNDER: "under", ABOUT: "about", NEARLY: "nearly"}
_ALIASES: dict[str, str] = {
    **{k: k for k in BOUNDS},
    **{v: k for k, v in LABELS_ZH.items()},
    **{v: k for k, v in LABELS_EN.items()},
    "": EXACT,
    "=": EXACT,
    "exactly": EXACT,
    "精确": EXACT,
    "确切": EXACT,
    "无": EXACT,
    "超": OVER,
    "突破": OVER,
    "逾": OVER,
    "以上": OVER,
    "多": OVER,
    "余": OVER,
    "more than": OVER,
    "above": OVER,
    "at least": OVER,
    ">": OVER,
    ">=": OVER,
    "≥": OVER,
    "不足": UNDER,
    "未满": UNDER,
    "以下": UNDER,
    "less than": UNDER,
    "below": UNDER,
    "<": UNDER,
    "<=": UNDER,
    "≤": UNDER,
    "大约": ABOUT,
    "左右": ABOUT,
    "上下": ABOUT,
    "approximately": ABOUT,
    "approx": ABOUT,
    "approx.": ABOUT,
    "around": ABOUT,
    "~": ABOUT,
    "≈": ABOUT,
    "接近": NEARLY,
    "将近": NEARLY,
    "almost": NEARLY,
}


def parse_qualifier(text: object) -> str | None:
    """Return the qualifier key a cell names (超过, over, >, …), or None if it names none."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return EXACT
    key = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _ALIASES.get(key)


def is_bound(qualifier: object) -> bool:
    """Return whether a qualifier makes its value a bound rather than an exact figure."""
    return isinstance(qualifier, str) and qualifier in BOUNDS


def qualify(number: str, qualifier: object, lang: str) -> str:
    """Return a formatted number with its qualifier: 超1万列, 近4.5亿元, over 10,000 trains."""
    key = qualifier if isinstance(qualifier, str) and qualifier in PREFIX_ZH else EXACT
    prefix = PREFIX_ZH[key] if lang == "zh" else PREFIX_EN[key]
    return f"{prefix}{number}"


def label(qualifier: object, lang: str) -> str:
    """Return a qualifier's name for a table column: 超过 / over, '' for an exact figure."""
    key = qualifier if isinstance(qualifier, str) and qualifier in PREFIX_ZH else EXACT
    if key == EXACT:
        return ""
    return LABELS_ZH[key] if lang == "zh" else LABELS_EN[key]
