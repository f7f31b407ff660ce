"""Reading vocabulary figures out of Chinese news text about the corridor: sentences to figures.

The text is split into sentences; each sentence is read on a simplified-character copy (the
conversion keeps lengths, so offsets line up) and quoted in its original characters. A figure is
a quantity with a unit (列, 标箱, 吨, 亿元, 家, 个港口 ...) whose context names a vocabulary metric
(mentions.py); its period comes from the nearest period wording before it in the sentence, else
from the last sentence that stated one (period_assignment.py); its scope is the subject that
holds it (scopes.py); its yoy is the growth rate the grammar ties to it. This module walks the
sentences in order and keeps what the article has told so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from etl.extraction.cues import SNAPSHOT_METRICS
from etl.extraction.figures import Figure
from etl.extraction.mentions import Mention, assign_rates, find_mentions
from etl.extraction.period_assignment import (
    STATED,
    Carry,
    carry_after,
    figure_period,
    narrative,
    own_periods,
    respective_periods,
)
from etl.extraction.periods import PeriodMention
from etl.extraction.scopes import (
    ScopeContext,
    figure_scope,
    mark_cumulative,
    note_sentence,
    speaker_of,
)
from etl.extraction.sentences import bounded_sentences, simplify


@dataclass
class _Reading:
    """What the article has told so far, as its sentences are read in order."""

    published: date
    figures: list[Figure] = field(default_factory=list)
    carry: Carry | None = None
    last_metric: str | None = None
    ctx: ScopeContext = field(default_factory=ScopeContext)
    # The period a later 同期 refers to: the first flow figure's of the last sentence that had one
    # (一季度…；3月单月….同期，… is the quarter, the sentence's topic, not the month inside it).
    last_flow: tuple[date | None, date] | None = None
    flow_sentence: int = -1
    seen: dict[tuple[str, float, int, int], int] = field(default_factory=dict)


class _Sentence(NamedTuple):
    """One sentence as read: its words in both forms, its periods and where it stands."""

    original: str
    s: str
    # Its place among the article's sentences.
    number: int
    paragraph: int
    periods: list[PeriodMention]
    speaker: str
    respective: dict[int, PeriodMention]
    # Only a flow figure stands between a time and a snapshot (96个国家的264个港口 is one pair).
    flows: tuple[int, ...]


def extract_figures(body: str, published: date) -> list[Figure]:
    """Return the vocabulary figures stated in an article body published on the given date."""
    reading = _Reading(published)
    # An over-long sentence is read as pieces of its paragraph (sentences.py): its figures quote
    # the piece that holds them.
    numbered = [(n, s) for n, line in enumerate(body.splitlines()) for s in bounded_sentences(line)]
    sentences = [s for _, s in numbered]
    for index, (paragraph, sentence) in enumerate(numbered):
        following = sentences[index + 1] if index + 1 < len(sentences) else ""
        _read_sentence(reading, index, paragraph, sentence, following)
    return reading.figures


def _read_sentence(
    reading: _Reading, index: int, paragraph: int, sentence: str, following: str
) -> None:
    """Add a sentence's figures to the reading and carry its period and names forward."""
    s = simplify(sentence)
    speaker = speaker_of(following)
    periods = narrative(s, own_periods(s, reading.published), reading.carry)
    mentions = assign_rates(s, find_mentions(s, reading.last_metric))
    respective = respective_periods(s, periods, mentions)
    flows = tuple(m.pos for m in mentions if m.metric not in SNAPSHOT_METRICS)
    here = _Sentence(sentence, s, index, paragraph, periods, speaker, respective, flows)
    since = 0
    stated_flow: tuple[date | None, date] | None = None
    for m in mentions:
        figure = _read_mention(reading, here, m, since)
        if figure is None:
            continue
        if m.metric not in SNAPSHOT_METRICS and figure.how == STATED:
            stated_flow = (figure.period_start, figure.period_end)
        since = m.end
    carry = carry_after(s, periods, reading.carry, reading.published, paragraph)
    if carry and carry.start is None and stated_flow and stated_flow[1] == carry.end:
        # 今年截至3月31日…。其中，…651列: a 其中 after it shares the year-to-date period.
        carry = replace(carry, start=stated_flow[0])
    reading.carry = carry
    note_sentence(reading.ctx, sentence, s)


def _read_mention(reading: _Reading, here: _Sentence, m: Mention, since: int) -> Figure | None:
    """Return the figure a mention states, or None when the article already reported it."""
    start, end, how = figure_period(
        m,
        here.s,
        here.periods,
        reading.carry,
        here.paragraph,
        reading.published,
        here.flows,
        here.respective,
        reading.last_flow,
    )
    scope = figure_scope(
        here.original,
        here.s,
        m,
        here.periods,
        reading.ctx,
        here.speaker,
        here.paragraph,
        since,
        reading.last_metric,
    )
    scope = mark_cumulative(scope, here.original, here.s, m.metric, start, end)
    key = (m.metric, m.value, end.year, end.month)
    if reading.seen.get(key, here.number) != here.number:
        # The same figure for the same period restated later in the article: report once
        # (two equal figures in one sentence are two subjects' and both stand).
        return None
    reading.seen[key] = here.number
    figure = Figure(m.metric, m.value, start, end, scope, m.yoy, here.original, how, m.qualifier)
    reading.figures.append(figure)
    if m.metric not in SNAPSHOT_METRICS and reading.flow_sentence != here.number:
        reading.last_flow, reading.flow_sentence = (start, end), here.number
    reading.last_metric = m.metric
    return figure
