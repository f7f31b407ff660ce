"""The written briefing: one sentence per headline series, each number tied to its source.

Pure (no Streamlit): the pages, present mode and the deck call it with the same inputs. Only
reported figures are stated; a change is stated only between like periods of one series (the
same period kind over the same months, one year apart): the source's own yoy where it gives
one, else computed from the two reported figures.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import numpy as np
import pandas as pd

from dashboard.locales import Locale
from dashboard.safe_text import plain
from dashboard.span_growth import growth_clause, series_growth, year_figure
from dashboard.views.index import HEADLINE_SERIES, FigureView, Record, source_name, take_rows
from etl.contract.conflicts import preference_rank, preferred_values
from etl.contract.period_kinds import period_kinds, same_span_a_year_before
from etl.contract.qualifiers import is_bound
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics

K = TypeVar("K")
V = TypeVar("V")

# The overview's briefing speaks of the metrics that have cards.
BRIEF_METRICS = tuple(k for k, m in load_metrics().items() if m.headline)
# Marks where a template's figure goes, so the text around it is kept apart from the number.
_SLOT = "\x00"
# A figure stated as a bound (超1万列, 突破…) is no base for a computed change: two bounds of
# 1万 would read as 0%. Conservative: any such word in the figure's quote rules it out.
_BOUND = re.compile(r"超|突破|逾|余|多|以上|近|约")
# Rounding of a computed change: as the reports state theirs (one decimal).
CHANGE_DECIMALS = 1


@dataclass(frozen=True)
class Source:
    """Where a figure was reported."""

    source_id: str
    publisher: str
    published: str
    url: str
    title: str
    cited: str


@dataclass(frozen=True)
class CitedFigure:
    """One reported figure as the briefing states it."""

    series: str
    metric: str
    value: float
    text: str
    kind: str
    period_start: pd.Timestamp | None
    period_end: pd.Timestamp
    period: str
    yoy_pct: float | None
    bound: bool
    source: Source
    # How the source states it: exact ("") or a bound (over, under, about, nearly).
    qualifier: str = ""


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence: plain words, or a number with the figure it comes from."""

    text: str
    figure: CitedFigure | None = None


@dataclass(frozen=True)
class Comparison:
    """A change between like periods of one series: reported (the source's) or computed."""

    current: CitedFigure
    previous: CitedFigure | None
    change_pct: float
    computed: bool


@dataclass(frozen=True)
class Sentence:
    """One headline series' sentence: its pieces, the figures stated and the changes."""

    series: str
    segments: tuple[Segment, ...]
    figures: tuple[CitedFigure, ...]
    comparisons: tuple[Comparison, ...]

    @property
    def stated(self) -> tuple[CitedFigure, ...]:
        """Return the figures the sentence states for itself (not the bases of its changes)."""
        bases = {id(c.previous) for c in self.comparisons if c.computed}
        return tuple(f for f in self.figures if id(f) not in bases)

    def change(self, figure: CitedFigure) -> Comparison | None:
        """Return the change stated for a figure, if any."""
        return next((c for c in self.comparisons if c.current is figure), None)

    @property
    def text(self) -> str:
        """Return the sentence as plain text."""
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Briefing:
    """The briefing: its sentences, in the catalogue's order of headline metrics."""

    locale: Locale
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """Return the briefing as plain text (what the copy button copies)."""
        return "".join(s.text for s in self.sentences).strip()

    def sources(self) -> tuple[Source, ...]:
        """Return every source the briefing cites, once each, in order of first citation."""
        seen: dict[str, Source] = {}
        for sentence in self.sentences:
            for fig in sentence.figures:
                seen.setdefault(fig.source.source_id, fig.source)
        return tuple(seen.values())

    def markdown(self) -> str:
        """Return the briefing as markdown: text escaped, each number linked to its source."""
        out = []
        for sentence in self.sentences:
            for seg in sentence.segments:
                out.append(_linked(seg))
        return "".join(out)


def escape_markdown(text: object) -> str:
    """Return untrusted text that markdown shows literally (no links, markup, math or emoji)."""
    return plain(text)


def safe_url(url: object) -> str:
    """Return an http(s) URL made safe inside a markdown link, or '' for anything else."""
    text = str(url or "").strip()
    if not re.match(r"^https?://[^\s]+$", text, flags=re.IGNORECASE):
        return ""
    return quote(text, safe=":/?#[]@!$&'*+,;=%-._~").replace("(", "%28").replace(")", "%29")


def _linked(seg: Segment) -> str:
    text = escape_markdown(seg.text)
    if seg.figure is None:
        return text
    src = seg.figure.source
    url = safe_url(src.url)
    title = escape_markdown(src.cited).replace('"', "")
    return f'[{text}]({url} "{title}")' if url else text


def _filled(key: str, locale: Locale, value: Segment, **fields: str) -> list[Segment]:
    before, _, after = locale.t(key, value=_SLOT, **fields).partition(_SLOT)
    return [s for s in (Segment(before), value, Segment(after)) if s.text]


def _opt_float(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _figure(row: Record, kind: str, locale: Locale) -> CitedFigure:
    start = row.get("period_start")
    start = None if start is None or pd.isna(start) else pd.Timestamp(start)
    end = pd.Timestamp(row["period_end"])
    published = row.get("published")
    metric = str(row["metric"])
    qualifier = str(row.get("qualifier") or "")
    return CitedFigure(
        series=str(row["series"]),
        metric=metric,
        value=float(row["value"]),
        text=locale.value(float(row["value"]), metric, qualifier=qualifier),
        kind=kind,
        period_start=start,
        period_end=end,
        period=locale.as_of(end) if start is None else locale.period(start, end),
        yoy_pct=_opt_float(row.get("yoy_pct")),
        bound=is_bound(qualifier) or bool(_BOUND.search(str(row.get("quote") or ""))),
        source=Source(
            source_id=str(row["source_id"]),
            publisher=str(row.get("publisher") or row["source_id"]),
            published=""
            if published is None or pd.isna(published)
            else pd.Timestamp(published).date().isoformat(),
            url=str(row.get("url") or ""),
            title=str(row.get("title") or ""),
            cited=source_name(
                str(row.get("publisher") or row["source_id"]),
                None if published is None or pd.isna(published) else pd.Timestamp(published),
                locale,
            ),
        ),
        qualifier=qualifier,
    )


def _same_months_a_year_before(cur: CitedFigure, other: CitedFigure) -> bool:
    """Return whether other covers the same months (and kind) as cur, one year earlier."""
    if other.kind != cur.kind or other.series != cur.series or cur.period_start is None:
        return False
    return same_span_a_year_before(
        cur.period_start, cur.period_end, other.period_start, other.period_end
    )


def _comparison(cur: CitedFigure, pool: list[CitedFigure]) -> Comparison | None:
    previous = next((f for f in pool if _same_months_a_year_before(cur, f)), None)
    if cur.yoy_pct is not None:
        return Comparison(cur, previous, cur.yoy_pct, computed=False)
    if previous is None or previous.value == 0 or previous.bound or cur.bound:
        return None
    change = round((cur.value / previous.value - 1) * 100, CHANGE_DECIMALS)
    return Comparison(cur, previous, change, computed=True)


def _change_segments(comp: Comparison | None, locale: Locale) -> list[Segment]:
    if comp is None:
        return []
    words = locale.growth_words(comp.change_pct)
    out = [Segment(locale.t("comma")), Segment(words, None if comp.computed else comp.current)]
    if comp.computed and comp.previous is not None:
        value = Segment(comp.previous.text, comp.previous)
        out += _filled("brief_before", locale, value)
    return out


# What preferred_values reads of a row, and what preferred_rows tells rows apart by: rows equal
# on these are chosen alike, whichever filter or chart asked.
PREFERENCE_FIELDS = (
    "series",
    "basis",
    "source_id",
    "published",
    "value",
    "qualifier",
    "period_start",
    "period_end",
    "scope",
    "quote",
)


class BoundedMemo(Generic[K, V]):
    """A per-process memo shared by the server's sessions: at most size entries, the least
    recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """Return the remembered value of key, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        """Remember value for key, dropping the least recently used beyond the size."""
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


# Choices remembered per process, one per series and period end: a digest and a few positions.
# A choice reads only the rows of its own series and period end, so it is the same under every
# filter that keeps those rows: a new period or basis chooses only for the periods no filter has
# shown yet, in one pandas pass (~40 ms however few), not again for every period it keeps. The
# shipped table holds a few hundred such groups, a million rows some thousands.
PREFERRED_MEMO = 8192
_preferred_memo: BoundedMemo[bytes, tuple[int, ...]] = BoundedMemo(PREFERRED_MEMO)


def preferred_rows(rows: list[Record]) -> list[Record]:
    """Return one reported row per series and period: the series' preferred body's value."""
    # preferred_values chooses within a series, period start and end; a chosen row is then found
    # by its series, source, value and end (_preferred_positions), so a series and period end
    # holds everything that one choice reads or matches, in the order the rows came.
    groups: dict[tuple[str, object], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((str(row["series"]), pd.Timestamp(row["period_end"])), []).append(i)
    chosen: list[int] = []
    missing: dict[bytes, list[int]] = {}
    for members in groups.values():
        digest = hashlib.blake2b(digest_size=16)
        for i in members:
            digest.update(repr(tuple(str(rows[i].get(k)) for k in PREFERENCE_FIELDS)).encode())
        key = digest.digest()
        known = _preferred_memo.get(key)
        if known is None:
            missing[key] = members
        else:
            chosen += [members[j] for j in known]
    if missing:
        order = sorted(i for members in missing.values() for i in members)
        picked = {order[j] for j in _preferred_positions([rows[i] for i in order])}
        for key, members in missing.items():
            found = tuple(j for j, i in enumerate(members) if i in picked)
            _preferred_memo.put(key, found)
            chosen += [members[j] for j in found]
    return [rows[i] for i in sorted(chosen)]


# Period kinds remembered per process by (start, end, metric): the same headline periods recur
# on every page and under every filter, and period_kinds on a frame of a few rows is 5–10 ms of
# pandas a call. A table's headline series hold a few thousand distinct periods at most.
KINDS_MEMO = 8192
_kinds_memo: BoundedMemo[tuple[Any, Any, Any], str] = BoundedMemo(KINDS_MEMO)


def record_kinds(rows: list[Record]) -> list[str]:
    """Return each record's period kind (etl.contract.period_kinds), as of its dates and metric."""
    keys = [(r.get("period_start"), r["period_end"], r["metric"]) for r in rows]
    known = [_kinds_memo.get(key) for key in keys]
    missing = list(dict.fromkeys(k for k, kind in zip(keys, known, strict=True) if kind is None))
    if not missing:
        return [str(kind) for kind in known]
    frame = pd.DataFrame(missing, columns=["start", "end", "metric"])
    made = dict(
        zip(missing, period_kinds(frame["start"], frame["end"], frame["metric"]), strict=True)
    )
    for key, kind in made.items():
        _kinds_memo.put(key, str(kind))
    return [
        str(kind) if kind is not None else str(made[k]) for k, kind in zip(keys, known, strict=True)
    ]


def _preferred_positions(rows: list[Record]) -> tuple[int, ...]:
    frame = pd.DataFrame(rows)
    for col in ("scope", "quote"):
        if col not in frame:
            frame[col] = ""
    sources = frame[["source_id", "published"]].assign(
        published=pd.to_datetime(frame["published"], errors="coerce")
    )
    chosen = preferred_values(frame, sources)
    if not len(chosen):
        return ()
    wanted = {
        (str(r["series"]), str(r["source_id"]), float(r["value"]), pd.Timestamp(r["period_end"]))
        for r in chosen.to_dict("records")
    }
    out, seen = [], set()
    for i, row in enumerate(rows):
        key = (str(row["series"]), str(row["source_id"]), float(row["value"]))
        ident = (*key, pd.Timestamp(row["period_end"]))
        period = (key[0], str(row.get("period_start")), ident[3])
        if ident in wanted and period not in seen:
            seen.add(period)
            out.append(i)
    return tuple(out)


def _sentence(key: str, figures: list[CitedFigure], locale: Locale) -> Sentence | None:
    series = next(s for s in load_series() if s.key == key)
    label = series.label(locale.lang)
    by_kind: dict[str, list[CitedFigure]] = {}
    for fig in sorted(figures, key=lambda f: f.period_end, reverse=True):
        by_kind.setdefault(fig.kind, []).append(fig)
    segments: list[Segment] = []
    stated: list[CitedFigure] = []
    comparisons: list[Comparison] = []
    year = by_kind.get("year", [None])[0]
    ytd = by_kind.get("ytd", [None])[0]
    # A year-to-date figure older than the latest full year says nothing the year does not.
    if ytd is not None and year is not None and ytd.period_end.year <= year.period_end.year:
        ytd = None
    if year is not None:
        segments += _filled(
            "brief_year", locale, Segment(year.text, year), period=year.period, label=label
        )
        comp_year = _comparison(year, by_kind["year"])
        segments += _change_segments(comp_year, locale)
        # The series' growth since its first full year: a bound where an end is one.
        # Each year's end as the page's chart and the deck choose it (span_growth.span_ends).
        ends = [*by_kind["year"], *(f for f in by_kind.get("ytd", []) if f.period_end.month == 12)]
        growth = series_growth(year_figure(f.period_end, f.value, f.qualifier) for f in ends)
        if growth is not None:
            segments += [
                Segment(locale.t("comma")),
                Segment(growth_clause(growth, locale)),
            ]
        stated.append(year)
        if comp_year is not None:
            comparisons.append(comp_year)
    if ytd is not None:
        if segments:
            segments.append(Segment(locale.t("clause_sep")))
            segments += _filled("brief_ytd", locale, Segment(ytd.text, ytd), period=ytd.period)
        else:
            segments += _filled(
                "brief_year", locale, Segment(ytd.text, ytd), period=ytd.period, label=label
            )
        comp_ytd = _comparison(ytd, by_kind["ytd"])
        segments += _change_segments(comp_ytd, locale)
        stated.append(ytd)
        if comp_ytd is not None:
            comparisons.append(comp_ytd)
    # Neither a year nor a year to date: the latest snapshot, else the latest figure of another
    # kind (a total since a start, a span), stated with its own period and compared with nothing.
    rest = sorted(
        (f for kind, figs in by_kind.items() if kind not in ("year", "ytd") for f in figs),
        key=lambda f: (f.kind == "snapshot", f.period_end),
        reverse=True,
    )
    if not segments and rest:
        other = rest[0]
        key = "brief_snapshot" if other.period_start is None else "brief_year"
        fields = {"as_of": other.period} if other.period_start is None else {"period": other.period}
        segments += _filled(key, locale, Segment(other.text, other), label=label, **fields)
        stated.append(other)
    if not segments:
        return None
    segments.append(Segment(locale.t("brief_end")))
    for comp in comparisons:
        if comp.previous is not None and comp.computed:
            stated.append(comp.previous)
    return Sentence(key, tuple(segments), tuple(stated), tuple(comparisons))


def build_briefing(
    records: Iterable[Record], locale: Locale, metrics: Iterable[str] | None = None
) -> Briefing:
    """Return the briefing written from figure records (source fields joined, as views give).

    metrics: the metrics to brief on (a metric page's); None: the overview's card metrics.
    """
    wanted = set(BRIEF_METRICS if metrics is None else metrics)
    rows = [
        r
        for r in records
        if str(r.get("series") or "") in HEADLINE_SERIES
        and r.get("basis") == "reported"
        and r.get("metric") in wanted
    ]
    if not rows:
        return Briefing(locale, ())
    rows = preferred_rows(rows)
    kinds = record_kinds(rows)
    grouped: dict[str, list[CitedFigure]] = {}
    for row, kind in zip(rows, kinds, strict=True):
        if kind:
            grouped.setdefault(str(row["series"]), []).append(_figure(row, kind, locale))
    order = [s.key for m in load_metrics() for s in load_series() if s.metric == m and s.headline]
    sentences = [
        sentence
        for key in order
        if key in grouped and (sentence := _sentence(key, grouped[key], locale)) is not None
    ]
    return Briefing(locale, tuple(sentences))


# Distinct values kept per series, basis and period: the preferred one and the others shown
# beside it ("另据…"). A table where thousands of rows report one series' year still turns only
# these into records.
MAX_VALUES_PER_PERIOD = 4
# The qualifier ranks an exact figure before a bound of the same period (505万 before 超500万).
_RANK_COLUMNS = (
    "series",
    "basis",
    "period_start",
    "period_end",
    "value",
    "qualifier",
    "scope",
    "quote",
)


def headline_rows(view: FigureView) -> np.ndarray:
    """Return the view's rows in a headline series, at most a few distinct values per period.

    A vectorised pass over the view: the preferred value of each series and period (as
    preferred_values chooses it) is always kept, with up to MAX_VALUES_PER_PERIOD - 1 others.
    """
    if "headline_rows" not in view.memo:
        view.memo["headline_rows"] = _headline_rows(view)
    return np.asarray(view.memo["headline_rows"])


def _headline_rows(view: FigureView) -> np.ndarray:
    if "series" not in view.frame:
        return view.rows[:0]
    series = view.column("series").astype("object")
    rows = view.rows[series.isin(HEADLINE_SERIES).to_numpy()]
    if len(rows) <= MAX_VALUES_PER_PERIOD:
        return rows
    frame = take_rows(view.frame.loc[:, [*_RANK_COLUMNS, "source_id"]], rows)
    published = {sid: c.get("published") for sid, c in view.citations.items()}
    sources = pd.DataFrame({"source_id": list(published), "published": list(published.values())})
    rank = preference_rank(frame.reset_index(drop=True), sources).to_numpy()
    return rows[(rank >= 0) & (rank < MAX_VALUES_PER_PERIOD)]


def briefing_for_view(
    view: FigureView, locale: Locale, metrics: Iterable[str] | None = None
) -> Briefing:
    """Return the briefing of a filtered view: what the pages, present mode and the deck show."""
    return build_briefing(view.records(briefed_rows(view)), locale, metrics)


def briefed_rows(view: FigureView) -> np.ndarray:
    """Return the headline rows a briefing can cite, chosen column-wise before any record.

    Per series: its years and years to date of the latest two years (the latest and the one a
    comparison reaches back to) and the latest figure of every other period kind.
    """
    rows = headline_rows(view)
    if not len(rows):
        return rows
    kinds = view.kinds(rows)
    # Arrays, not groupbys: a view's few hundred headline rows cost a groupby's fixed overhead
    # several times over. A row without an end has kind "" and is never kept.
    ends = view.ends(rows).astype(np.int64)
    series = view.index.codes(view.frame, "series")[0][rows]
    _, kind = np.unique(kinds, return_inverse=True)
    _, group = np.unique(np.stack([series, kind.reshape(-1)], axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    count = int(group.max()) + 1
    latest_end = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest_end, group, ends)
    first_end = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_end, group, ends)
    year = ends.astype("datetime64[ns]").astype("datetime64[Y]").astype(np.int64)
    latest_year = latest_end.astype("datetime64[ns]").astype("datetime64[Y]").astype(np.int64)
    yearly = (kinds == "year") | (kinds == "ytd")
    recent = year >= latest_year[group] - 1
    latest = ends == latest_end[group]
    # The first full year too: the start of the series' growth over its span.
    first = (kinds == "year") & (ends == first_end[group])
    keep = (kinds != "") & (np.where(yearly, recent, latest) | first)
    return rows[keep]
