"""Period assignment: which period each figure of a sentence covers, and how that was decided.

periods.py reads period wording (前7个月, 截至2021年底) into dates; this module decides which of a
sentence's periods dates each figure. A flow figure takes the nearest period before it (a cut-off
with its stated start, the year so far, a span of years, 分别 pairs), else the period the last
period-stating sentence left in force (Carry), else the publication date; a snapshot takes its
governing time or cut-off. Narrative times (当天, 当年, a dateline) are read as the story's, not the
publication's. How each was decided is STATED, CARRIED or PUBLICATION.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from etl.extraction.cues import (
    BASE_PERIOD_RE,
    CUMULATIVE_RE,
    DATELINE_RE,
    DAY_AFTER_RE,
    DAYS_TAKEN_RE,
    EVENT_BACK_RE,
    FULL_DATE_RE,
    PERIOD_JOIN_RE,
    REFERS_BACK_RE,
    RELEASED_RE,
    RUNNING_COUNT_RE,
    SAME_DAY_RE,
    SAME_PERIOD_RE,
    SAVING_METRICS,
    SNAPSHOT_METRICS,
    STATE_RE,
    THIS_YEAR_RE,
    YEAR_SO_FAR_RE,
    YEAR_SPAN_RE,
    YEARS_COUNT_RE,
)
from etl.extraction.mentions import Mention
from etl.extraction.periods import PeriodMention, find_periods, month_end
from etl.extraction.sentences import clause_start

# How a figure's period was decided (an extra column off the contract).
STATED, CARRIED, PUBLICATION = "stated", "carried", "publication"


@dataclass(frozen=True)
class Carry:
    """The period the last period-stating sentence left in force."""

    start: date | None
    end: date
    is_cutoff: bool
    paragraph: int = 0


def _period_for(
    metric: str,
    pos: int,
    s: str,
    mentions: list[PeriodMention],
    carry: Carry | None,
    published: date,
    figures: tuple[int, ...] = (),
) -> tuple[date | None, date, str]:
    """Return a figure's period and how it was decided: stated, carried or publication."""
    prior = [m for m in mentions if m.pos < pos]
    if metric in SNAPSHOT_METRICS:
        return _snapshot_period(metric, pos, s, prior, mentions, carry, published, figures)
    current = prior[-1] if prior else None
    if current is None:
        if carry and (REFERS_BACK_RE.match(s) or not CUMULATIVE_RE.search(s)):
            return carry.start, carry.end, CARRIED
        if carry and carry.is_cutoff and not mentions:
            return carry.start, carry.end, CARRIED
        if not mentions:
            return None, published, PUBLICATION
        # Only a sentence's own later wording dates a figure that nothing before dates.
        current = mentions[0]
    if current.kind == "cutoff":
        starts = [m for m in prior if m.kind in {"since", "month"} and m.pos < current.pos]
        if starts:
            return starts[-1].start, current.end, STATED
        # 截至7月20日 with no 累计 and no year is this year's running total.
        if not current.explicit_year and not CUMULATIVE_RE.search(s):
            return date(current.end.year, 1, 1), current.end, STATED
        return None, current.end, STATED
    if current.kind == "ytd" and current.start is not None:
        # 截至9月底，今年…: the year so far, up to the cut-off stated before it.
        year = current.start.year
        cutoffs = [m for m in prior if m.kind == "cutoff" and m.end.year == year]
        if cutoffs:
            return current.start, cutoffs[-1].end, STATED
    if current.kind in {"since", "yearsago"}:
        # 截至3月底，…自2017年开行以来累计…: the sentence's cut-off ends the running total.
        cutoffs = [m for m in mentions if m.kind == "cutoff"]
        return current.start, cutoffs[-1].end if cutoffs else published, STATED
    if current.kind == "year" and current.start == date(published.year, 1, 1):
        # 2024年…完成5000列 in a 2024 report: the year so far, not a year not yet over.
        return current.start, min(current.end, published), STATED
    return current.start, current.end, STATED


def _narrative_day(
    s: str,
    pos: int,
    periods: list[PeriodMention],
    carry: Carry | None,
    carry_year: int | None = None,
) -> date | None:
    """Return the day a figure's event happened: the date governing it, or the last sentence's."""
    told = DATELINE_RE.search(s, 0, pos)
    if told and SAME_DAY_RE.search(s, told.end(), pos) and carry_year is not None:
        # (南宁6月14日电):当天上午…至此今年…已完成5000列: 当天 is the dateline's day.
        return date(carry_year, int(told.group(1)), int(told.group(2)))
    for p in reversed([p for p in periods if p.pos < pos]):
        # 12月30日，…；2025年…: a year or 今年 frames the count; the date before it is its day.
        if p.kind == "date":
            return p.end
        if p.kind not in {"year", "ytd"}:
            return None
    dated = any(p.kind in {"date", "cutoff", "sincecut"} for p in periods)
    if carry is not None and carry.start is None and not dated and EVENT_BACK_RE.match(s):
        # 6月14日…发出。这标志着2024年…完成5000列: the milestone is the day just told.
        return carry.end
    return None


def _as_stated(
    s: str,
    m: Mention,
    periods: list[PeriodMention],
    start: date | None,
    end: date,
    carry: Carry | None,
    published: date,
) -> tuple[date | None, date]:
    """Return a flow figure's period of the kind its words state (year so far, since, span)."""
    pos = m.pos
    clause = clause_start(s, pos)
    prior = [p for p in periods if p.pos < pos]
    current = prior[-1] if prior else None
    span = list(YEAR_SPAN_RE.finditer(s, 0, pos))
    if span and CUMULATIVE_RE.search(s, span[-1].end(), pos) and current and current.kind == "year":
        # 2017年至2021年累计减免运费近4.5亿元: the whole span of years.
        return date(int(span[-1].group(1)), 1, 1), date(int(span[-1].group(2)), 12, 31)
    if current is not None and current.kind == "cutoff" and start is None:
        # 从2017年4月28日测试开行…，到2021年4月28日累计完成1万列: the count from that day.
        # 2017年4月28日，…测试开行，…，到2021年4月28日累计完成1万列: a sentence opening on a day.
        opened = [
            p
            for p in prior
            if p.kind in {"date", "month"} and (p.pos == 0 or s[p.pos - 1] in "从自")
        ]
        if opened and opened[-1].end < current.end and CUMULATIVE_RE.search(s, current.pos, pos):
            first = opened[-1].end
            return date(first.year, first.month, 1), end
    if current is not None and current.kind == "yearsago" and start is None and carry is not None:
        # 2019年8月，总体规划颁布实施。5年来，…累计…: the years counted from the month just told.
        years = YEARS_COUNT_RE.search(s, current.pos, current.end_pos)
        n = _small_number(years.group(1)) if years else None
        told = carry.start
        month = told is not None and carry.end == month_end(told.year, told.month)
        if n and told is not None and month and told.year == published.year - n:
            return told, end
    within_year = YEAR_SO_FAR_RE.search(s, clause, pos) is not None
    this_year = current is not None and current.kind == "cutoff" and start is None
    this_year = this_year and THIS_YEAR_RE.search(s, 0, pos) is not None
    if this_year and current is not None and current.end.year == published.year:
        # 今年截至3月31日 / 截至今年4月底…同比增长46%: this year's running total. A 累计 alone
        # may be a total since a service began; with a year-on-year rate it is this year's.
        accumulated = CUMULATIVE_RE.search(s, clause, pos) is not None
        if m.yoy is not None or not accumulated:
            return date(current.end.year, 1, 1), current.end
    day = _narrative_day(s, pos, periods, carry, start.year if start is not None else None)
    named = day is not None and _year_named_before(s, clause, pos, day.year)
    if start is None and day is not None and (within_year or named):
        # 当天…今年第10218列 / 12月31日…年集装箱吞吐量突破600万标箱: the year so far to that day.
        return date(day.year, 1, 1), day
    back = carry if carry is not None and carry.start and REFERS_BACK_RE.match(s) else None
    if start is None and day is not None and back and back.start and back.start <= day <= back.end:
        # 今年1月…。其中，1月29日突破10万标箱: the running total of the period in force.
        return back.start, day
    year_so_far = start is not None and start == date(start.year, 1, 1) and end == published
    if year_so_far and start and day and start.year == day.year and day < end:
        # 今年 / 2025年 in a report of that year: the year so far, to the day the report tells of.
        return start, day
    topic = current is not None and current.kind in {"year", "ytd"} and current.end_pos <= clause
    running = RUNNING_COUNT_RE.search(s, clause, pos) is not None
    if topic and start is not None and running and not within_year:
        # 2022年，…，班列累计开行量突破2万列: the level of a running count since the service
        # began, reached in that year; not the year's own count (2022年，…累计开行3100多列 is).
        return None, min(end, published)
    return start, end


def _small_number(text: str) -> int | None:
    """Return a count of years written in digits or one Chinese numeral (5, 五)."""
    if text.isdigit():
        return int(text)
    return "一二三四五六七八九十".find(text) + 1 or None


def _year_named_before(s: str, clause: int, pos: int, year: int) -> bool:
    """Return whether the figure's own clause names the day's year (2025年…累计开行超万列)."""
    # 2021年4月28日累计达到1万列: a year inside the day's own date (FULL_DATE_RE) names no
    # year so far.
    return f"{year}年" in FULL_DATE_RE.sub("", s[clause:pos])


def _is_first_term_time(s: str, m: PeriodMention, pos: int) -> bool:
    """Return whether a time dates only the first term of 由2022年…增加到… before pos."""
    return (
        m.pos > 0
        and s[m.pos - 1] in "由从"
        and re.search(r"[到至]", s[m.end_pos : pos]) is not None
    )


def stated_day(found: re.Match[str], published: date) -> date | None:
    """Return the day a month–day match names, in the publication's year (or the year before)."""
    month, day = int(found.group(1)), int(found.group(2))
    year = (
        published.year if (month, day) <= (published.month, published.day) else published.year - 1
    )
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _snapshot_period(
    metric: str,
    pos: int,
    s: str,
    prior: list[PeriodMention],
    mentions: list[PeriodMention],
    carry: Carry | None,
    published: date,
    figures: tuple[int, ...],
) -> tuple[date | None, date, str]:
    """Return a snapshot's date: its sentence's governing time, a carried cut-off or publication."""
    # The nearest time with no figure between governs; a topic time (2025年，…) governs its whole
    # statement up to a semicolon, unless a state verb (已通达) says the snapshot is as of now.
    stative = STATE_RE.search(s, clause_start(s, pos), pos) is not None
    statement = max(s.rfind("；", 0, pos), s.rfind(";", 0, pos))
    governing: list[PeriodMention] = []
    for m in reversed(prior):
        if m.kind in {"since", "ytd", "sincecut", "yearsago"} or metric in SAVING_METRICS:
            continue
        if _is_first_term_time(s, m, pos):
            continue
        if not any(m.end_pos <= f < pos for f in figures):
            governing = [m]
            break
        topic = s[m.end_pos : m.end_pos + 1] in "，," and m.pos > statement
        if topic and not stative:
            governing = [m]
            break
    cutoffs = [m for m in prior if m.kind == "cutoff"]
    stated = max(governing[-1:] + cutoffs[-1:], key=lambda m: m.pos, default=None)
    released = RELEASED_RE.search(s, 0, pos)
    day = stated_day(released, published) if released else None
    if day is not None and (stated is None or stated.kind == "now"):
        # 口岸物流办1月16日发布的数据:…目前可达…: as of the day the data were released.
        return None, day, STATED
    if stated is not None:
        return None, stated.end, STATED
    # A cut-off carries to a later snapshot unless its state verb (已通达) says: as of now.
    carried_cutoff = carry is not None and carry.is_cutoff and not stative
    if carry and not mentions and (carried_cutoff or REFERS_BACK_RE.match(s)):
        return None, carry.end, CARRIED
    return None, published, PUBLICATION


def own_periods(s: str, published: date) -> list[PeriodMention]:
    """Return the sentence's period wordings, without comparison bases (较上半年, 比去年同期)."""
    return [
        p
        for p in find_periods(s, published)
        if not BASE_PERIOD_RE.search(s, max(0, p.pos - 1), p.pos)
    ]


def narrative(s: str, periods: list[PeriodMention], carry: Carry | None) -> list[PeriodMention]:
    """Return periods with 当年 / 当天 read as the narrative time, not the publication year."""
    out: list[PeriodMention] = []
    for p in periods:
        word = s[p.pos : p.end_pos]
        if p.kind == "sameday":
            day = next((q for q in reversed(out) if q.kind == "date"), None)
            if day is not None:
                p = replace(p, kind="date", end=day.end)
            elif carry is not None and carry.start is None:
                p = replace(p, kind="date", end=carry.end)
            else:
                p = replace(p, kind="date")
        if word.startswith("当年") and p.kind in {"year", "ytd", "fullyear"}:
            anchor = next((q for q in reversed(out) if q.explicit_year), None)
            year = anchor.end.year if anchor else carry.end.year if carry else None
            if year is not None:
                p = replace(p, kind="year", start=date(year, 1, 1), end=date(year, 12, 31))
        out.append(p)
    return out


def respective_periods(
    s: str, periods: list[PeriodMention], mentions: list[Mention]
) -> dict[int, PeriodMention]:
    """Return each figure's own period when 2023年和2024年…分别 pairs periods with figures."""
    eaches = [m.start() for m in re.finditer("分别", s)]
    if not eaches:
        return {}
    run: list[PeriodMention] = []
    for p in (p for p in periods if p.end_pos <= eaches[0]):
        if run and not PERIOD_JOIN_RE.fullmatch(s[run[-1].end_pos : p.pos]):
            run = []
        run.append(p)
    span = list(YEAR_SPAN_RE.finditer(s, 0, eaches[0]))
    if span and len(run) < 2:
        # 2019年至2021年，…分别为A、B和C: one figure per year of the span.
        first, last = int(span[-1].group(1)), int(span[-1].group(2))
        run = (
            [
                PeriodMention(
                    span[-1].start(), span[-1].end(), "year", date(y, 1, 1), date(y, 12, 31), True
                )
                for y in range(first, last + 1)
            ]
            if 0 < last - first < 12
            else []
        )
    if len(run) < 2:
        return {}
    out: dict[int, PeriodMention] = {}
    for each, stop in zip(eaches, [*eaches[1:], len(s)], strict=True):
        group = [m.pos for m in mentions if each < m.pos < stop]
        if len(group) == len(run):
            out.update(zip(group, run, strict=True))
    return out


def _same_period(s: str, pos: int, periods: list[PeriodMention]) -> bool:
    """Return whether a figure is dated by a 同期 that refers back to earlier figures."""
    same = [m.end() for m in SAME_PERIOD_RE.finditer(s, 0, pos)]
    return bool(same) and not any(same[-1] <= p.pos < pos for p in periods)


def carry_after(
    s: str, mentions: list[PeriodMention], carry: Carry | None, pub: date, paragraph: int
) -> Carry | None:
    """Return the period a sentence leaves in force for the next (its own, if it states one)."""
    if not mentions:
        return carry
    start, end, _ = _period_for("train_runs", len(s), s, mentions, carry, pub)
    return Carry(start, end, mentions[-1].kind == "cutoff", paragraph)


def figure_period(
    m: Mention,
    s: str,
    periods: list[PeriodMention],
    carry: Carry | None,
    paragraph: int,
    published: date,
    flows: tuple[int, ...],
    respective: dict[int, PeriodMention],
    last_flow: tuple[date | None, date] | None,
) -> tuple[date | None, date, str]:
    """Return a figure's period and how it was decided, given the sentence's periods and context.

    flows are the positions of the sentence's flow figures; respective pairs figures with the
    periods a 分别 lists; last_flow is the period a later 同期 refers to.
    """
    # A cut-off dates later snapshots only within its own paragraph.
    own = carry if carry and carry.paragraph == paragraph else None
    in_force = own if m.metric in SNAPSHOT_METRICS else carry
    start, end, how = _period_for(m.metric, m.pos, s, periods, in_force, published, flows)
    if last_flow and m.metric not in SNAPSHOT_METRICS and _same_period(s, m.pos, periods):
        (start, end), how = last_flow, CARRIED
    if m.pos in respective:
        start, end, how = respective[m.pos].start, respective[m.pos].end, STATED
    if m.base_year is not None:
        start, end, how = date(m.base_year, 1, 1), date(m.base_year, 12, 31), STATED
        if m.metric in SNAPSHOT_METRICS:
            start = None
    days = DAYS_TAKEN_RE.search(s, clause_start(s, m.pos), m.pos)
    if days and start is not None and start.month == start.day == 1 and how == STATED:
        # 今年以来仅131天就突破30万标箱: the milestone fell on the year's 131st day.
        reached = start + timedelta(days=int(days.group(1)) - 1)
        end = min(end, reached)
    if m.metric not in SNAPSHOT_METRICS and m.base_year is None and m.pos not in respective:
        start, end = _as_stated(s, m, periods, start, end, carry, published)
    on_day = DAY_AFTER_RE.match(s, m.end)
    if on_day and start is not None and start == date(end.year, 1, 1):
        # 第2000列于3月17日发往四川: the running count reached on the day it names.
        day = date(end.year, int(on_day.group(1)), int(on_day.group(2)))
        end = day if start <= day <= end else end
    return start, end, how
