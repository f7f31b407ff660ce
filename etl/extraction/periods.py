"""Resolving period wording (前7个月, 一季度, 截至2021年底, 自2016年4月以来) against a date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from etl.extraction.numbers import normalize_digits

CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
CN_SMALL |= {"九": 9, "十": 10, "十一": 11, "十二": 12}
RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}

YEAR = r"(?:(?P<Y>(?:19|20)\d{2})年|(?P<R>今年|本年|当年|去年|上年|前年|明年))"
# A month in digits is never the end of a longer number: 13月 is no month, not 3月.
MON = r"(?:(?<!\d)(?:1[0-2]|0?[1-9])|十[一二]?|[一二两三四五六七八九])"
DASH = r"\s*[—\-–~～至到－]\s*"
# Parts of a year a cut-off can name: 截至今年上半年, 截至一季度末.
PART = r"上半年|下半年|前三季度|第?[一二三四]季度末?|年底|年末"
PART_END = {"上半年": 6, "下半年": 12, "前三季度": 9, "一季度": 3, "二季度": 6, "三季度": 9}
PART_END |= {"四季度": 12, "年底": 12, "年末": 12}
# A date followed by these is when a report was made, not a period: 1月3日，记者从…获悉.
REPORTING_AFTER_RE = re.compile(
    r"^[，,\s]*(?:电|讯|消息|记者|从|据|召开|举行|发布|表示|介绍|获悉|在)"
)
REPORTING_BEFORE_RE = re.compile(r"记者$")

# Each kind is tried everywhere; overlapping matches keep the earliest, then the longest.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cutoff",
        re.compile(
            rf"(?:截至|截止(?:到|至)?|截至到|(?<![达增升至])到)\s*(?:(?P<now>目前|当前|现在|今天)|{YEAR}?"
            rf"(?:(?P<part>{PART})"
            rf"|(?:(?P<M>{MON})月(?:份)?)?(?:(?P<D>\d{{1,2}})[日号]|(?P<end>底|末))?))"
        ),
    ),
    (
        # 自2017年9月开通至11月底: a stated start and a stated cut-off in one phrase.
        "sincecut",
        re.compile(
            rf"(?:自|从){YEAR}(?:(?P<M>{MON})月)?(?:\d{{1,2}}[日号])?[^，,。；;]{{0,12}}?(?:至|到)"
            rf"(?:(?P<Y2>(?:19|20)\d{{2}})年|(?P<R2>今年|本年|去年|上年))?"
            rf"(?P<M2>{MON})月(?:份)?(?:(?P<D2>\d{{1,2}})[日号]|底|末)"
        ),
    ),
    (
        "since",
        re.compile(
            rf"(?:自|从){YEAR}(?:(?P<M>{MON})月)?(?:\d{{1,2}}[日号])?[^，,。；;]{{0,20}}?(?:以来|起)"
        ),
    ),
    (
        "span",
        re.compile(
            rf"{YEAR}?(?P<M>{MON})月(?:份)?(?:\d{{1,2}}[日号])?\s*(?:至|到|—|－|-)\s*"
            rf"(?:(?P<Y2>(?:19|20)\d{{2}})年|(?P<R2>今年|本年|去年|上年))?"
            rf"(?P<M2>{MON})月(?:份)?(?:(?P<D2>\d{{1,2}})[日号]|底|末)?"
        ),
    ),
    ("ytd", re.compile(rf"{YEAR}(?:以来|至今)|年初(?:以来|至今)")),
    (
        "date",
        re.compile(
            rf"{YEAR}?(?P<M>{MON})月(?P<D>\d{{1,2}}|[一二三]?十?[一二三四五六七八九]?)[日号]"
            rf"(?:那天|这天|当天)?"
        ),
    ),
    # 当天 / 同日: the narrative day; read against the publication date until a date is in force.
    ("sameday", re.compile(r"当天|当日|同日|(?<![上下前])这一天")),
    # 半年下来 / 这半年来: the half year just ended by publication.
    ("pasthalf", re.compile(r"半年下来|这半年来|半年来")),
    # 5年来 / 近两年来: a running total up to publication (its start is only approximate).
    (
        "yearsago",
        re.compile(r"(?:近|这)?(?<!\d)(?P<n>\d{1,2}|[一两二三四五六七八九十])年(?:来|以来)"),
    ),
    # 目前 / 如今: the document time itself (a snapshot or running total as of publication).
    ("now", re.compile(r"目前|如今|当前|现如今|至今")),
    (
        "range",
        re.compile(
            rf"{YEAR}?(?:(?:前|头)(?P<n>{MON})个?月(?:份)?"
            rf"|(?P<a>{MON})(?:月份?)?{DASH}(?P<b>{MON})月(?:份)?)"
        ),
    ),
    ("ytq", re.compile(rf"{YEAR}?前(?P<q>[一二三1-3])个?季度")),
    ("quarter", re.compile(rf"{YEAR}?第?(?P<q>[一二三四1-4])季度")),
    ("half", re.compile(rf"{YEAR}?(?P<h>上半年|下半年)")),
    ("fullyear", re.compile(rf"{YEAR}?全年(?!累计)")),
    ("relmonth", re.compile(r"上个?月|本月")),
    ("month", re.compile(rf"{YEAR}?(?P<M>{MON})月(?:份)?(?![\d日号底末初中上下])")),
    # 2017年58列: a digit after 年 is a figure unless it is a month (2017年5月) or a run of months
    # (2025年1—3月; 2025年1—13月 is no period at all, not the year).
    (
        "year",
        re.compile(
            rf"{YEAR}(?!\d{{1,2}}\s*(?:月|{DASH})|[一二三四五六七八九十前第上下全同底末初以来至]|月)"
        ),
    ),
)


@dataclass(frozen=True)
class PeriodMention:
    """A period wording found in a sentence, resolved against the publication date."""

    pos: int
    end_pos: int
    kind: str
    start: date | None
    end: date
    explicit_year: bool


def month_end(year: int, month: int) -> date:
    """Return the last day of the month (Feb and leap years included)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(text: str) -> int:
    return int(text) if text.isdigit() else CN_SMALL[text]


def _previous_month(pub: date) -> tuple[int, int]:
    return (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)


def _year(match: re.Match[str], pub: date) -> tuple[int | None, bool]:
    groups = match.groupdict()
    if groups.get("Y"):
        return int(groups["Y"]), True
    if groups.get("R"):
        return pub.year + RELATIVE_YEARS[groups["R"]], False
    return None, False


def _in_year(year: int | None, start_month: int, end_month: int, pub: date) -> int:
    # A month range without a year that ends after the publication month was last year's.
    if year is not None:
        return year
    return pub.year if end_month <= pub.month else pub.year - 1


def _resolve_span(m: re.Match[str], year: int | None, pub: date) -> tuple[date, date]:
    """Resolve 2023年10月至今年7月: each end may carry its own year."""
    g = m.groupdict()
    first, last = _month(g["M"]), _month(g["M2"])
    if g.get("Y2"):
        end_year = int(g["Y2"])
    elif g.get("R2"):
        end_year = pub.year + RELATIVE_YEARS[g["R2"]]
    elif year is not None:
        end_year = year if last >= first else year + 1
    else:
        end_year = _in_year(None, first, last, pub)
    start_year = year if year is not None else (end_year if first <= last else end_year - 1)
    end = date(end_year, last, int(g["D2"])) if g.get("D2") else month_end(end_year, last)
    return date(start_year, first, 1), end


def _resolve(kind: str, m: re.Match[str], pub: date) -> tuple[date | None, date] | None:
    year, _ = _year(m, pub)
    if kind == "cutoff":
        return _resolve_cutoff(m, year, pub)
    if kind == "span":
        return _resolve_span(m, year, pub)
    if kind == "sincecut":
        return _resolve_sincecut(m, year, pub)
    if kind == "date":
        return _resolve_date(m, year, pub)
    if kind in {"range", "ytq", "quarter", "half", "month"}:
        return _resolve_months(kind, m, year, pub)
    g = m.groupdict()
    if kind in {"now", "sameday", "yearsago"}:
        return None, pub
    if kind == "pasthalf":
        if pub.month >= 7:
            return date(pub.year, 1, 1), date(pub.year, 6, 30)
        return date(pub.year - 1, 7, 1), date(pub.year - 1, 12, 31)
    if kind == "since":
        if year is None:
            return None
        return date(year, _month(g["M"]) if g.get("M") else 1, 1), pub
    if kind == "ytd":
        # 今年以来 is the year so far; 2019年以来 runs from 2019 to publication.
        y = year if year is not None else pub.year
        return date(y, 1, 1), pub
    if kind == "year" and m.group("R") in {"今年", "本年"}:
        # A bare 今年 is the year so far.
        return date(pub.year, 1, 1), pub
    if kind == "fullyear" and year is None:
        # A bare 全年 early in a year reports the year just ended.
        year = pub.year - 1 if pub.month <= 3 else pub.year
    if kind == "relmonth":
        y, month = (pub.year, pub.month) if m.group() == "本月" else _previous_month(pub)
        return date(y, month, 1), month_end(y, month)
    if kind in {"year", "fullyear"} and year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    return None


def _resolve_cutoff(m: re.Match[str], year: int | None, pub: date) -> tuple[None, date] | None:
    """Resolve 截至2021年底 / 截至今年上半年 / 截至28日 / 截至目前: a cut-off with no start."""
    g = m.groupdict()
    if g.get("now"):
        return None, pub
    stated = g.get("M") or g.get("D") or g.get("end") or g.get("part")
    if m.group().startswith("到") and not stated:
        # 到2023年的9000列 is that year's figure; only 到…底 / 到M月D日 is a cut-off.
        return None
    if g.get("part"):
        part = g["part"].removeprefix("第").removesuffix("末")
        last = PART_END[part]
        return None, month_end(_in_year(year, 1, last, pub), last)
    if g.get("D") and not g.get("M"):
        # 截至28日: a day of the publication month (or the month before, if still ahead).
        day = int(g["D"])
        y, month = (pub.year, pub.month) if day <= pub.day else _previous_month(pub)
        return None, date(y, month, day)
    if g.get("M"):
        month = _month(g["M"])
        y = _in_year(year, 1, month, pub)
        if g.get("D"):
            return None, date(y, month, int(g["D"]))
        return None, month_end(y, month)
    if year is not None:
        return None, date(year, 12, 31)
    return None


def _resolve_sincecut(m: re.Match[str], year: int | None, pub: date) -> tuple[date, date] | None:
    """Resolve 自2017年9月开通至11月底: a stated start and a stated cut-off."""
    g = m.groupdict()
    if year is None:
        return None
    start = date(year, _month(g["M"]) if g.get("M") else 1, 1)
    last = _month(g["M2"])
    if g.get("Y2"):
        end_year = int(g["Y2"])
    elif g.get("R2"):
        end_year = pub.year + RELATIVE_YEARS[g["R2"]]
    else:
        # 至11月底 with no year: the cut-off is the latest such month by publication.
        end_year = _in_year(None, last, last, pub)
    end = date(end_year, last, int(g["D2"])) if g.get("D2") else month_end(end_year, last)
    return start, end


def _resolve_date(m: re.Match[str], year: int | None, pub: date) -> tuple[None, date] | None:
    """Resolve 2023年3月17日 / 3月17日: a day, unless it is when the report was made."""
    g = m.groupdict()
    if REPORTING_AFTER_RE.match(m.string[m.end() :]) or REPORTING_BEFORE_RE.search(
        m.string[: m.start()]
    ):
        return None
    month = _month(g["M"])
    day = int(g["D"]) if g["D"].isdigit() else int(parse_cn_day(g["D"]))
    return None, date(year if year is not None else _in_year(None, month, month, pub), month, day)


def _resolve_months(kind: str, m: re.Match[str], year: int | None, pub: date) -> tuple[date, date]:
    """Resolve a run of whole months: 前7个月, 1—3月, 前三季度, 一季度, 上半年, 5月."""
    g = m.groupdict()
    if kind == "range":
        first, last = (1, _month(g["n"])) if g.get("n") else (_month(g["a"]), _month(g["b"]))
    elif kind == "ytq":
        first, last = 1, 3 * _month(g["q"])
    elif kind == "quarter":
        q = _month(g["q"])
        first, last = 3 * q - 2, 3 * q
    elif kind == "half":
        first, last = (1, 6) if g["h"] == "上半年" else (7, 12)
    else:
        first = last = _month(g["M"])
    y = _in_year(year, first, last, pub)
    return date(y, first, 1), month_end(y, last)


def parse_cn_day(text: str) -> int:
    """Return a day written in Chinese numerals (二十八 → 28)."""
    if text.startswith("十"):
        text = "一" + text
    tens, _, units = text.partition("十")
    if not _:
        return CN_SMALL[text]
    return CN_SMALL.get(tens, 1) * 10 + (CN_SMALL[units] if units else 0)


def _resolve_safe(kind: str, m: re.Match[str], pub: date) -> tuple[date | None, date] | None:
    try:
        return _resolve(kind, m, pub)
    except (ValueError, KeyError):
        return None


def find_periods(text: str, pub: date) -> list[PeriodMention]:
    """Return the period wordings in text, in order, without overlaps; dates are kind 'date'."""
    s = normalize_digits(text)
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(s):
            if m.end() > m.start():
                found.append((m.start(), -(m.end() - m.start()), kind, m))
    found.sort(key=lambda t: (t[0], t[1]))
    mentions: list[PeriodMention] = []
    taken_until = -1
    for start, _, kind, m in found:
        if start < taken_until:
            continue
        if kind == "date" and _resolve_safe(kind, m, pub) is None:
            # A reporting date (1月3日，记者…获悉) says when, not what period: skip its words.
            taken_until = m.end()
            continue
        try:
            resolved = _resolve(kind, m, pub)
        except (ValueError, KeyError):
            resolved = None
        if resolved is None:
            continue
        taken_until = m.end()
        if resolved[0] is not None and resolved[0] > resolved[1]:
            # 2025年1月1日至2024年1月1日 ends before it starts: no period, nor any inside it.
            continue
        explicit = bool(m.groupdict().get("Y"))
        if kind == "year" and m.group("R") in {"今年", "本年"}:
            kind = "ytd"
        mentions.append(PeriodMention(start, m.end(), kind, resolved[0], resolved[1], explicit))
    return mentions


def resolve_period(phrase: str, pub: date) -> tuple[date | None, date] | None:
    """Return (period_start, period_end) of the phrase's period wording, or None if it has none."""
    mentions = find_periods(phrase, pub)
    if not mentions:
        return None
    cutoffs = [m for m in mentions if m.kind == "cutoff"]
    starts = [m for m in mentions if m.kind in {"since", "month"}]
    if cutoffs and starts and starts[0].pos < cutoffs[0].pos:
        return starts[0].start, cutoffs[0].end
    first = mentions[0]
    return first.start, first.end
