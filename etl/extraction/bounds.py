"""Reading how a report states a number: exactly, or as a bound (超1万, 近4.5亿, 约5万, 不到1天).

The cue must govern the number directly: a word right before it (超过 / 近 / 约 / 不到, a 了 or
为 allowed between), a hedge inside it (9000多, 80余) or a word right after its unit (1万标箱以上,
5万吨左右). 达 / 高达 / 多达 state the number exactly.
"""

from __future__ import annotations

import re

from etl.contract.qualifiers import EXACT, OVER

# Enough text before a number for the longest cue, its particle and the character that rules a
# look-alike out (节约 is not 约).
BEFORE_WINDOW = 6
# Before the number. 节约 / 制约 / 签约 are verbs, not 约; 最近 / 附近 / 邻近 are not 近.
BEFORE_RE = re.compile(
    r"(?:"
    r"(?P<over>超过|超出|超|突破|逾|破|不少于|不低于)"
    r"|(?P<under>不到|不足|未满|少于)"
    r"|(?P<nearly>将近|接近|(?<![最附邻靠贴亲])近)"
    r"|(?P<about>大约|约合|(?<![节制签预合契特集公条缔违婉])约)"
    r")(?:了|为|是|于)?$"
)
# 上万家企业: 上 before a bare order of magnitude says "more than".
ORDER_RE = re.compile(r"^(?:万|千|亿)")
# Inside the number: 9000多, 80余, 1.5万余, 三百多.
HEDGE_RE = re.compile(r"[多余]")
# After the unit (or the figure's own words): 1万标箱以上, 5万吨左右, 1000列上下.
AFTER_RE = re.compile(
    r"^(?:(?P<over>以上|之上|有余)|(?P<under>以下|以内)|(?P<about>左右|上下(?![游级班车文下])))"
)


def _group(match: re.Match[str] | None) -> str:
    if match is None or match.lastgroup is None:
        return EXACT
    return match.lastgroup


def read_bound(before: str, quantity: str, after: str) -> str:
    """Return the qualifier a number's own words give it (contract keys; '' when exact)."""
    stated_before = _group(BEFORE_RE.search(before[-BEFORE_WINDOW:]))
    if stated_before:
        return stated_before
    if before.endswith("上") and ORDER_RE.match(quantity):
        return OVER
    if HEDGE_RE.search(quantity):
        return OVER
    return _group(AFTER_RE.match(after))
