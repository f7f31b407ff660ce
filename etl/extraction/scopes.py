"""Scope naming: whose figure it is, in the words the source uses.

A figure's scope is the subject of its clause or of the clauses before it (重庆经这条通道), with
demonstratives and shortened names filled in from what the article has named so far (the corridor
or route, the paragraph's subject, the last organisation), a quoted 我们 read as its speaker, a 其中
part keeping the route of its whole, the body that counts it and the way it is counted in brackets,
and (累计) for a running total. When the source names no one the scope says so (UNNAMED_SCOPE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from etl.contract.places import UNSPECIFIED, resolve_region, resolve_route
from etl.contract.series import load_scope_words
from etl.extraction.cues import (
    CITED_BODY_RE,
    COUNTED_BY_RE,
    CUMULATIVE_RE,
    DEMONSTRATIVE_HEAD_RE,
    DEMONSTRATIVE_RE,
    ENTITY_RE,
    EVENT_MARKS_RE,
    GENERIC_RE,
    NAME_RE,
    NOT_SUBJECT_RE,
    ORG_CITED_RE,
    ORG_POINTER_RE,
    ORG_RE,
    SCOPE_AFTER_CUT_RE,
    SCOPE_AFTER_LEAD_RE,
    SCOPE_CUT_RE,
    SCOPE_LEAD_RE,
    SCOPE_STRIP_RE,
    SCOPE_TRIM,
    SNAPSHOT_METRICS,
    SUBSET_RE,
    TRANSPORT_VERB_RE,
)
from etl.extraction.mentions import Mention
from etl.extraction.periods import PeriodMention
from etl.extraction.sentences import CLAUSE_DELIM_RE, simplify

# The contract wants a non-empty scope; this says honestly that the source names no one.
UNNAMED_SCOPE = "（未注明主体）"
# A short subject that names no place (柑橘, 与东盟国家之间) qualifies its context's.
QUALIFIER_MAX = 8


def _scope_pieces(original: str, s: str, pos: int, mentions: list[PeriodMention]) -> list[str]:
    """Return the subject words of each clause before a figure, nearest first, as written."""
    masked = list(s[:pos])
    for m in mentions:
        for i in range(m.pos, min(m.end_pos, pos)):
            masked[i] = "，"
    text = "".join(masked)
    bounds = [0] + [m.end() for m in CLAUSE_DELIM_RE.finditer(text)] + [pos]
    pieces: list[str] = []
    for start, stop in reversed(list(pairwise(bounds))):
        lead = SCOPE_LEAD_RE.match(text, start, stop)
        begin = lead.end() if lead else start
        cut = SCOPE_CUT_RE.search(text, begin, stop)
        end = cut.start() if cut else stop
        while end > begin and text[end - 1] in SCOPE_TRIM:
            end -= 1
        # 钦州港区的一次吊装标志着广西北部湾港…: the subject is what the event marks.
        marked = EVENT_MARKS_RE.search(text, begin, end)
        begin = marked.end() if marked else begin
        piece = SCOPE_STRIP_RE.sub("", original[begin:end])
        # 陆港累计开行西部陆海新通道班列126列: the route after the verb is part of whose figure.
        route = NAME_RE.search(text, end, stop)
        moved = route and TRANSPORT_VERB_RE.match(text, end, route.start())
        if route and moved and route.group() not in text[begin:end]:
            piece += SCOPE_STRIP_RE.sub("", original[route.start() : route.end()])
        if len(piece) >= 2 and not NOT_SUBJECT_RE.fullmatch(text[begin:end]):
            pieces.append(piece)
    return pieces


def _names_someone(piece: str) -> bool:
    """Return whether a subject names a place, a route or an organisation."""
    folded = simplify(piece)
    if GENERIC_RE.fullmatch(folded):
        return False
    known = resolve_region(folded) != UNSPECIFIED or resolve_route(folded) != ""
    return known or ENTITY_RE.search(folded) is not None


def _name_upto(name: str, head: str) -> str:
    """Return the context name cut after a head word (…铁海联运班列, 通道 → 西部陆海新通道)."""
    folded = simplify(name)
    at = folded.find(head)
    if at < 0:
        # 班列集装箱 in a passage on 西部陆海新通道铁海联运: the name's trains.
        return name + head if head in ("班列", "班车") and folded.endswith("联运") else name
    stop = at + len(head)
    bracket = re.match(r"[(（][^)）]*[)）]", folded[stop:])
    return name[: stop + (bracket.end() if bracket else 0)]


@dataclass
class ScopeContext:
    """What an article has named so far: the corridor or route, and the paragraph's subject."""

    name: str = ""
    subject: str = ""
    paragraph: int = -1
    # The last organisation named (数据来自北部湾港集团): what a later 该集团 stands for.
    org: str = ""
    # The last figure's scope: what a 其中 breaks down and a 经… subject continues.
    last_scope: str = ""
    # The whole a 其中 list breaks down (其中市内6.4万标箱,市外4.8万标箱), within one sentence.
    whole: str = ""
    whole_metric: str = ""


def _expand(piece: str, ctx: ScopeContext, previous: str) -> str:
    """Return a subject with demonstratives and shortened names filled in from context."""
    folded = simplify(piece)
    if ctx.name:
        demo = DEMONSTRATIVE_RE.search(folded)
        if demo:
            filled = _name_upto(ctx.name, demo.group("head"))
            return piece[: demo.start()] + filled + piece[demo.end() :]
        name = simplify(ctx.name)
        for k in range(len(folded), 1, -1):
            if name.endswith(folded[:k]) and name != folded:
                # 铁海联运班列 after 西部陆海新通道铁海联运(班列): the full name.
                return ctx.name + piece[k:]
    at = simplify(previous).find("经")
    if folded.startswith("经") and at > 0:
        # 重庆企业经国际铁路联运…；经东盟公路班车…: the same subject by another route.
        return previous[:at] + piece
    return piece


def _choose_scope(
    pieces: list[str], ctx: ScopeContext, previous: str, after: str
) -> tuple[str, bool]:
    """Return the figure's subject and whether its own sentence named it (else: context)."""
    for piece in pieces:
        generic = GENERIC_RE.fullmatch(simplify(piece))
        head = generic.group("head") if generic else ""
        pointed = generic and DEMONSTRATIVE_HEAD_RE.match(simplify(piece))
        org_head = ORG_POINTER_RE.fullmatch(simplify(piece))
        if org_head and ctx.org and simplify(ctx.org).endswith(org_head.group(1)):
            # 数据来自北部湾港集团。该集团2022年的集装箱吞吐量…: the group just named.
            return ctx.org, True
        if pointed and ctx.subject and simplify(ctx.subject).endswith(head):
            # 云南西部陆海新通道班列…；这条班列自2018年5月开行以来: the subject just named.
            return ctx.subject, True
        if generic and ctx.name:
            return _name_upto(ctx.name, head), True
        if _names_someone(piece):
            return _expand(piece, ctx, previous), True
    if after and _names_someone(after):
        return after, True
    base = ctx.subject or ctx.name
    if not base:
        return (pieces[0] if pieces else UNNAMED_SCOPE), False
    nearest = pieces[0] if pieces else ""
    if nearest and len(nearest) <= QUALIFIER_MAX:
        return f"{base}({nearest})", False
    return base, False


def _is_place(piece: str) -> bool:
    """Return whether a subject is a place alone (酒泉, 重庆): a region or a narrower place."""
    folded = simplify(piece)
    places = load_scope_words().narrower
    return resolve_region(folded) != UNSPECIFIED or places.get(folded) == "place"


def _without_cumulative(scope: str) -> str:
    return re.sub(r"[(（](?:累计|累計)[)）]$", "", scope)


def _part_word(pieces: list[str]) -> str:
    """Return the few words naming a part right before a figure (市内, 跨境货物), else ''."""
    nearest = pieces[0] if pieces else ""
    folded = simplify(nearest)
    if not nearest or len(nearest) > QUALIFIER_MAX or GENERIC_RE.fullmatch(folded):
        return ""
    return "" if _names_someone(nearest) else nearest


def _subset_of(whole: str, part: str) -> str:
    """Return a 其中 part's scope: it keeps the route of the whole it is part of."""
    whole = re.sub(r"[(（](?:累计|累計)[)）]$", "", whole)
    if resolve_route(simplify(part)) or not resolve_route(simplify(whole)) or whole in part:
        return part
    return whole + part


def _update_name(ctx: ScopeContext, text: str) -> None:
    """Remember the last corridor or route name, unless it only shortens the one in force."""
    names = list(NAME_RE.finditer(simplify(text)))
    if not names:
        return
    found = text[names[-1].start() : names[-1].end()]
    if simplify(found) not in simplify(ctx.name):
        ctx.name = found


def speaker_of(following: str) -> str:
    """Return the organisation that speaks a quote, named in the sentence after it."""
    found = ORG_RE.search(simplify(following)[:40])
    return following[found.start() : found.end()] if found else ""


def _resolve_we(scope: str, speaker: str) -> str:
    """Return the scope with a quoted 我们 replaced by the speaking organisation, if known."""
    for we in ("我们", "我們"):
        if scope.startswith(we) and speaker:
            return speaker + scope[len(we) :]
    return scope


def _scope_after(original: str, s: str, end: int) -> str:
    """Return the subject named right after a figure (2025年开行超5000列——中欧班列(成渝)由此…)."""
    lead = SCOPE_AFTER_LEAD_RE.match(s, end)
    begin = lead.end() if lead else end
    stop = CLAUSE_DELIM_RE.search(s, begin)
    limit = stop.start() if stop else len(s)
    cut = SCOPE_AFTER_CUT_RE.search(s, begin, limit)
    piece = SCOPE_STRIP_RE.sub("", original[begin : cut.start() if cut else limit])
    return piece if 2 <= len(piece) <= 40 else ""


def figure_scope(
    sentence: str,
    s: str,
    m: Mention,
    periods: list[PeriodMention],
    ctx: ScopeContext,
    speaker: str,
    paragraph: int,
    since: int,
    last_metric: str | None,
) -> str:
    """Return a figure's scope (before any 累计 mark) and remember its subject in ctx."""
    if ctx.paragraph != paragraph:
        ctx.subject, ctx.paragraph = "", paragraph
    pieces = [_resolve_we(p, speaker) for p in _scope_pieces(sentence, s, m.pos, periods)]
    after = _scope_after(sentence, s, m.end)
    scope, named = _choose_scope(pieces, ctx, ctx.last_scope, after)
    if SUBSET_RE.search(s, since, m.pos) and ctx.last_scope and last_metric:
        ctx.whole, ctx.whole_metric = ctx.last_scope, last_metric
    if named:
        scope = _counted_as(sentence, s, m, scope)
    part = _part_word(pieces)
    if ctx.whole and part and m.metric == ctx.whole_metric:
        # 其中跨境货物1600万吨: a part named by a few words, not by a place or body.
        scope = f"{_without_cumulative(ctx.whole)}(其中{part})"
    elif named and SUBSET_RE.search(s, since, m.pos):
        scope = _subset_of(ctx.last_scope, scope)
    ctx.last_scope = scope
    if named:
        ctx.subject = scope
        _update_name(ctx, scope)
    elif pieces and _is_place(pieces[0]):
        # 2025年,酒泉共发出铁海联运班列6列,…10多个国家: the place stays the subject.
        ctx.subject = scope
    return scope


def _counted_as(sentence: str, s: str, m: Mention, scope: str) -> str:
    """Return a named scope with the body that counts it or the way it is counted, if stated."""
    cited = CITED_BODY_RE.search(s, 0, m.pos)
    # 沿线省区市 counted by 重庆海关: every province's, not the citing body's own.
    if cited and m.metric not in SNAPSHOT_METRICS and "沿线" not in scope:
        body = sentence[cited.start(1) : cited.end(1)]
        # 据重庆市口岸物流办消息,…西部陆海新通道…共运送3.76万标箱: the body's own count.
        if resolve_region(simplify(scope)) in (UNSPECIFIED, "corridor") and resolve_region(
            simplify(body)
        ) not in (UNSPECIFIED, "corridor"):
            scope = f"{scope}({body})"
    counted = COUNTED_BY_RE.search(s, 0, m.pos)
    if counted and counted.group(1) not in simplify(scope):
        # 按成渝两地发出的线路计,西部陆海新通道的物流网络…: counted that narrower way.
        scope = f"{scope}({sentence[counted.start(1) : counted.end(1)]})"
    return scope


def mark_cumulative(
    scope: str, sentence: str, s: str, metric: str, start: date | None, end: date
) -> str:
    """Return the scope marked (累计) when the figure is a running total over years or no start."""
    # Totals since a start years back, or with no start, are cumulative (truth's style).
    long_run = start is None or (end - start).days > 366
    if long_run and CUMULATIVE_RE.search(s) and metric not in SNAPSHOT_METRICS:
        return f"{scope}({'累計' if '累計' in sentence else '累计'})"
    return scope


def note_sentence(ctx: ScopeContext, sentence: str, s: str) -> None:
    """Remember the corridor or route and the organisation a finished sentence named."""
    # A 其中 list breaks down a whole of its own sentence only.
    ctx.whole, ctx.whole_metric = "", ""
    _update_name(ctx, sentence)
    orgs = list(ORG_RE.finditer(s))
    if orgs:
        # 数据来自北部湾港集团: the organisation, not the words that cite it.
        ctx.org = ORG_CITED_RE.sub("", sentence[orgs[-1].start() : orgs[-1].end()])
