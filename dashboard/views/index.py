"""The figure index: one row per figure (deduplicated by the figure identity), as row positions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.locales import Locale
from etl.contract.identity import KEY_COLUMNS, normalise_scope
from etl.contract.period_kinds import PERIOD_KINDS, period_kinds
from etl.contract.qualifiers import BOUNDS
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics

SOURCE_FIELDS = ("title", "publisher", "published", "url", "kind")
Record = dict[str, Any]
# Sorting needs a date for sources without one: they rank as the oldest.
NO_DATE = pd.Timestamp("1900-01-01")


def clean(value: Any) -> Any:
    """Return None for a missing cell (None, NaN, NaT), else the value."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def as_records(frame: pd.DataFrame) -> list[Record]:
    """Return a frame's rows as records."""
    return cast(list[Record], frame.to_dict("records"))


def source_records(sources: pd.DataFrame) -> list[Record]:
    """Return the sources table as records (source_id, publisher, published, …)."""
    return as_records(sources)


def source_name(publisher: str, published: pd.Timestamp | None, locale: Locale) -> str:
    """Return a source as a reader cites it: publisher (in English from the table), date."""
    name = locale.publisher(publisher)
    if published is None or pd.isna(published):
        return name
    return f"{name}{locale.t('comma')}{locale.date(published)}"


FIGURE_COLUMNS = (
    *OBSERVATION_COLUMNS,
    *SOURCE_FIELDS,
    "source",
    "also_reported_by",
)


def among(series: pd.Series, values: frozenset[str] | tuple[str, ...]) -> np.ndarray:
    """Return which cells hold one of the values: a categorical column by its categories."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        # One test per category, not per row: 1M rows in ~2 ms instead of ~80 ms.
        hit = np.append(series.cat.categories.astype(str).isin(list(values)), False)
        return np.asarray(hit[series.cat.codes.to_numpy()])
    # Text as it is held (Arrow for the table's str columns): a copy into Python objects first
    # took five times as long on 1M rows.
    return series.isin(list(values)).to_numpy(dtype=bool)


def ranked_codes(series: pd.Series) -> np.ndarray:
    """Return integer codes ordered as the values' text sorts (as sorting records by it does)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = pd.Index(series.cat.categories.astype(str))
        rank = np.argsort(np.argsort(cats.to_numpy(), kind="stable"), kind="stable")
        codes = series.cat.codes.to_numpy()
        return np.where(codes < 0, -1, rank[codes])
    codes, _ = pd.factorize(series.astype(object).where(series.notna(), "").astype(str), sort=True)
    return np.asarray(codes)


def folded_codes(scope: pd.Series) -> np.ndarray:
    """Return codes equal for scopes that fold to the same simplified text."""
    if isinstance(scope.dtype, pd.CategoricalDtype):
        folded = pd.Index([normalise_scope(str(c)) for c in scope.cat.categories])
        fcodes, _ = pd.factorize(folded)
        codes = scope.cat.codes.to_numpy()
        # A missing scope (code -1) would index the last category: it gets a code of its own.
        return np.where(codes < 0, -1, np.asarray(fcodes)[codes])
    codes, _ = pd.factorize(scope.astype(str).map(normalise_scope))
    return np.asarray(codes)


def date_codes(series: pd.Series) -> np.ndarray:
    """Return dates as nanosecond integers, for sorting and comparing in arrays."""
    # NaT (no stated start) sorts as the smallest value, like any other value of the key.
    return series.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def date_code(value: Any) -> int:
    """Return one date as a nanosecond integer; a missing date ranks as the oldest (NO_DATE)."""
    return NO_DATE.value if value is None or pd.isna(value) else pd.Timestamp(value).value


def identity_codes(series: pd.Series, column: str) -> np.ndarray:
    """Return codes equal exactly for rows whose `column` is the same in the figure identity."""
    if column == "scope":
        return folded_codes(series)
    if column in ("period_start", "period_end"):
        return date_codes(series)
    return ranked_codes(series)


def source_citations(sources: pd.DataFrame, locale: Locale) -> dict[str, Record]:
    """Return each source's fields and citation (publisher, date) by source_id."""
    out: dict[str, Record] = {}
    for src in as_records(sources):
        row: Record = {fld: clean(src.get(fld)) for fld in SOURCE_FIELDS}
        for fld in ("title", "publisher", "url", "kind"):
            row[fld] = "" if row[fld] is None else str(row[fld])
        row["publisher"] = row["publisher"] or str(src["source_id"])
        row["source"] = source_name(row["publisher"], row["published"], locale)
        out[str(src["source_id"])] = row
    return out


def citation(citations: dict[str, Record], source_id: str) -> Record:
    """Return a source's citation fields; a source missing from the table is cited by its id."""
    known = citations.get(source_id)
    if known is not None:
        return known
    return {
        "title": "",
        "publisher": source_id,
        "published": None,
        "url": "",
        "kind": "",
        "source": source_id,
    }


def _chunked_text(series: pd.Series) -> pa.ChunkedArray | None:
    """Return a text column's Arrow chunks when it has several (its take would join them)."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        return None
    chunks = series.array.__arrow_array__()
    return chunks if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1 else None


def take_rows(frame: pd.DataFrame, pos: np.ndarray) -> pd.DataFrame:
    """Return frame.iloc[pos], taking multi-chunk Arrow text columns chunk by chunk.

    Arrow's take on a chunked column first joins its chunks, a copy of the whole column (12 ms
    for a hundred rows of a million quotes); taking from each chunk costs only the rows taken.
    """
    chunked = {c: ch for c in frame.columns if (ch := _chunked_text(frame[c])) is not None}
    if not chunked:
        return frame.iloc[pos]
    out = frame.drop(columns=list(chunked)).iloc[pos]
    for col, chunks in chunked.items():
        ends = np.cumsum([len(c) for c in chunks.chunks])
        which = np.searchsorted(ends, pos, side="right")
        values: list[Any] = [None] * len(pos)
        for i in np.unique(which).tolist():
            at = np.flatnonzero(which == i)
            start = int(ends[i - 1]) if i else 0
            taken = chunks.chunk(i).take(pa.array(pos[at] - start)).to_pylist()
            for j, value in zip(at.tolist(), taken, strict=True):
                values[j] = value
        out[col] = pd.Series(values, index=out.index, dtype=frame[col].dtype)
    return out.loc[:, list(frame.columns)]


def column_values(series: pd.Series, pos: np.ndarray) -> list[Any]:
    """Return a column's cells at positions as Python values, missing cells as None.

    The values `frame.iloc[pos].to_dict("records")` gives, cleaned, without its per-call
    overhead: a category's text is read once per distinct category taken (pandas turns every
    taken cell's category into an array of its own), a text column is taken from its Arrow
    chunks, numbers and dates straight from their arrays.
    """
    values = series.array
    if isinstance(values, pd.Categorical):
        codes = values.codes[pos]
        used = np.unique(codes[codes >= 0])
        names = dict(zip(used.tolist(), values.categories.take(used).tolist(), strict=True))
        return [clean(names.get(c)) for c in codes.tolist()]
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        chunks = values.__arrow_array__()
        if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1:
            return [clean(v) for v in take_rows(series.to_frame(), pos).iloc[:, 0].tolist()]
        return [clean(v) for v in chunks.take(pa.array(pos, type=pa.int64())).to_pylist()]
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "M":
        return [clean(v) for v in pd.DatetimeIndex(series.to_numpy()[pos])]
    if series.dtype.kind in "fiub":
        return [clean(v) for v in series.to_numpy()[pos].tolist()]
    return [clean(v) for v in series.iloc[pos].tolist()]


def row_records(frame: pd.DataFrame, pos: np.ndarray) -> list[Record]:
    """Return the frame's rows at positions as records, missing cells as None (see
    column_values): what cleaning `take_rows(frame, pos).to_dict("records")` gives."""
    names = [str(c) for c in frame.columns]
    columns = [column_values(frame[c], pos) for c in frame.columns]
    return [dict(zip(names, cells, strict=True)) for cells in zip(*columns, strict=True)]


@dataclass(frozen=True)
class FigureSelection:
    """The figures a filter keeps, one per figure, in no language: what the data path caches.

    `shared` maps the winning row of each figure several sources report to the source ids of
    all its rows, in precedence order (winner first); in_words cites them in a language.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    shared: dict[int, tuple[str, ...]]
    index: TableIndex
    # What pure functions of the figures worked out once (briefing.headline_rows): shared by
    # the selection's views in every language.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class FigureView:
    """The figures a filter keeps, one per figure: row positions into the shared frame.

    Nothing is copied: records are built only for the rows a page shows. Its index is the
    table's, so every view of one table shares it.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    also: dict[int, str]
    citations: dict[str, Record]
    index: TableIndex
    # What pure functions of the view worked out once (briefing.headline_rows): a view is
    # immutable, so its answers stay true for the view's life.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self, positions: np.ndarray | None = None) -> list[Record]:
        """Return figure records (source fields and citation joined) for positions, else all."""
        pos = self.rows if positions is None else positions
        out: list[Record] = []
        for p, cells in zip(pos.tolist(), self.index.cells(self.frame, pos), strict=True):
            row = dict(cells)
            row.update(citation(self.citations, str(row["source_id"])))
            row["also_reported_by"] = self.also.get(p, "")
            out.append(row)
        return out

    def kinds(self, positions: np.ndarray) -> np.ndarray:
        """Return the period kind (period_kinds') of the rows at positions, as text."""
        return self.index.kinds(self.frame, positions)

    def ends(self, positions: np.ndarray) -> np.ndarray:
        """Return the period ends of the rows at positions as datetime64[ns]."""
        return self.index.ends(self.frame, positions)

    def column(self, name: str) -> pd.Series:
        """Return one column of the kept rows (a small copy of that column only)."""
        return self.frame[name].iloc[self.rows]

    def figures_frame(self) -> pd.DataFrame:
        """Return the kept figures as a typed frame with source fields, built column-wise."""
        out = self.frame.iloc[self.rows].reset_index(drop=True)
        ids = out["source_id"].astype(str)
        cites = {sid: citation(self.citations, sid) for sid in ids.unique()}
        for fld in (*SOURCE_FIELDS, "source"):
            out[fld] = ids.map({sid: c[fld] for sid, c in cites.items()})
        out["published"] = pd.to_datetime(out["published"])
        out["also_reported_by"] = [self.also.get(p, "") for p in self.rows.tolist()]
        return out.loc[:, list(FIGURE_COLUMNS)]


# Rows whose cells a table's index keeps: a large table's charts and briefings touch a few
# thousand; a record is ~30 values, so this bounds the memo near 20 MB (past it, it starts over).
CELL_MEMO_ROWS = 10_000
# A period kind's number in the index's memo; "" is a row without an end.
KIND_NAMES = pd.Index([*PERIOD_KINDS, ""], dtype=object)


@dataclass(frozen=True)
class TableIndex:
    """Per table: each row's figure identity, which source wins, and the reading order.

    Built once per data version, so a new filter costs a few passes over arrays, not a sort.
    """

    key: np.ndarray
    priority: np.ndarray
    reading: np.ndarray
    shared: np.ndarray
    kpi: KpiIndex
    # What is true of a row whatever the filter, worked out the first time a view asks (cells,
    # kinds): one table's rows are shared by every view of it, so a new filter reads them again.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def cells(self, frame: pd.DataFrame, pos: np.ndarray) -> list[Record]:
        """Return the rows of frame (this index's table) at positions as records, missing cells
        None (row_records'), each row read once per table; callers copy before changing one."""
        wanted = pos.tolist()
        distinct = set(wanted)
        if len(distinct) > CELL_MEMO_ROWS:
            return row_records(frame, pos)
        known: dict[int, Record] = self.memo.setdefault("cells", {})
        missing = {p for p in distinct if p not in known}
        if missing and len(known) + len(missing) > CELL_MEMO_ROWS:
            # A new dict, not cleared: another session's run may be reading this one.
            known, missing = {}, distinct
            self.memo["cells"] = known
        if missing:
            at = np.array(sorted(missing), dtype=np.int64)
            known.update(zip(at.tolist(), row_records(frame, at), strict=True))
        return [known[p] for p in wanted]

    def codes(self, frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Return a column of frame (this index's table) as codes of its distinct values and
        those values as text (a missing cell's code -1), worked out once per table."""
        found: tuple[np.ndarray, np.ndarray] | None = self.memo.get(f"codes:{column}")
        if found is None:
            codes, uniques = pd.factorize(frame[column])
            found = (np.asarray(codes), np.asarray([str(u) for u in uniques], dtype=object))
            self.memo[f"codes:{column}"] = found
        return found

    def holds(
        self, frame: pd.DataFrame, column: str, values: Iterable[str], pos: np.ndarray
    ) -> np.ndarray:
        """Return which of frame's rows at positions hold one of the values (as text) in column."""
        codes, uniques = self.codes(frame, column)
        hit = np.append(np.isin(uniques, list(values)), False)
        return np.asarray(hit[codes[pos]])

    def ends(self, frame: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
        """Return the period ends of frame's rows at positions as datetime64[ns] (NaT: none),
        the column read once per table."""
        ends = self.memo.get("ends")
        if ends is None:
            ends = self.memo.setdefault("ends", date_codes(frame["period_end"]))
        return np.asarray(ends[pos]).astype("datetime64[ns]")

    def kinds(self, frame: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
        """Return the period kind of frame's rows at positions (period_kinds' text, "" where
        there is no end), each row's worked out once per table."""
        codes = self.memo.get("kinds")
        if codes is None:
            codes = self.memo.setdefault("kinds", np.full(len(frame), -1, dtype=np.int8))
        missing = pos[codes[pos] < 0]
        if len(missing):
            cols = take_rows(frame.loc[:, ["period_start", "period_end", "metric"]], missing)
            text = period_kinds(cols["period_start"], cols["period_end"], cols["metric"])
            codes[missing] = KIND_NAMES.get_indexer(pd.Index(text))
        return np.asarray(KIND_NAMES.to_numpy()[codes[pos]])


HEADLINE_SERIES = frozenset(s.key for s in load_series() if s.headline)


def in_headline_series(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows belong to their metric's headline series (the card's line)."""
    if "series" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame["series"].astype("object").isin(HEADLINE_SERIES).to_numpy()


@dataclass(frozen=True)
class KpiIndex:
    """Per table: the headline metrics' rows, each metric's best KPI figure first.

    `order` holds the rows of every headline metric, grouped by metric (`spans`), each group
    ordered as latest_record ranks figures, best first: in the headline series, period end,
    stated exactly, source date, has a yoy, corridor-wide, value. `tie` numbers runs of rows
    equal on all seven (ascending along `order`), `reported` says which are reported. The firms
    beside the freight card: `firms` (reported beneficiary_firms rows) ordered by `firms_end`.
    `rank` is each row's place in reading order.
    """

    order: np.ndarray
    tie: np.ndarray
    reported: np.ndarray
    spans: dict[str, tuple[int, int]]
    firms: np.ndarray
    firms_end: np.ndarray
    rank: np.ndarray


def kpi_index(frame: pd.DataFrame, sources: pd.DataFrame, reading: np.ndarray) -> KpiIndex:
    """Return the table's KPI index (see KpiIndex), built once per data version."""
    published = dict(zip(sources["source_id"].astype(str), sources["published"], strict=True))
    codes, uniques = pd.factorize(frame["source_id"])
    by_id = [date_code(published.get(str(u))) for u in uniques]
    src_published = np.array(by_id or [0], dtype=np.int64)[np.asarray(codes)]
    # Compared through the metric's codes: one pass per distinct metric, not per row.
    m_codes, m_names = pd.factorize(frame["metric"])
    m_codes = np.asarray(m_codes)
    reported = (frame["basis"] == "reported").to_numpy()
    ends = date_codes(frame["period_end"])
    headline = [k for k, m in load_metrics().items() if m.headline]
    slot_of = np.array([headline.index(m) if m in headline else -1 for m in map(str, m_names)])
    slot = np.append(slot_of, -1)[m_codes].astype(np.int64)
    firms_code = [i for i, m in enumerate(map(str, m_names)) if m == "beneficiary_firms"]
    at = np.flatnonzero(slot >= 0)
    exact = (
        ~among(frame["qualifier"], BOUNDS) if "qualifier" in frame else np.ones(len(frame), bool)
    )
    keys = (
        frame["value"].to_numpy(dtype=float)[at],
        (frame["region"] == "corridor").to_numpy()[at],
        frame["yoy_pct"].notna().to_numpy()[at],
        src_published[at],
        exact[at],
        ends[at],
        in_headline_series(frame)[at],
    )
    # Ascending on the keys within a descending slot, reversed: each metric best first.
    by = np.lexsort((*keys, -slot[at]))[::-1]
    order = at[by]
    sorted_keys = [k[by] for k in keys]
    new = np.ones(len(order), dtype=bool)
    if len(order):
        same = np.logical_and.reduce([k[1:] == k[:-1] for k in sorted_keys])
        same &= slot[order][1:] == slot[order][:-1]
        new[1:] = ~same
    tie = np.cumsum(new) - 1
    slots = slot[order]
    spans = {
        key: (int(np.searchsorted(slots, i)), int(np.searchsorted(slots, i, side="right")))
        for i, key in enumerate(headline)
    }
    firms = np.flatnonzero(np.isin(m_codes, firms_code) & reported)
    firms = firms[np.argsort(ends[firms], kind="stable")]
    rank = np.empty(len(frame), dtype=np.int32)
    rank[reading] = np.arange(len(frame), dtype=np.int32)
    return KpiIndex(
        order.astype(np.int32),
        tie.astype(np.int32),
        reported[order],
        spans,
        firms.astype(np.int32),
        ends[firms],
        rank,
    )


def table_index(frame: pd.DataFrame, sources: pd.DataFrame) -> TableIndex:
    """Return the table's figure index: keys, source precedence and reading order of its rows."""
    n = len(frame)
    published = dict(zip(sources["source_id"].astype(str), sources["published"], strict=True))
    codes, uniques = pd.factorize(frame["source_id"])
    ids = [str(u) for u in uniques]
    src_published = np.array(
        [date_code(published.get(i)) for i in ids] or [0],
        dtype=np.int64,
    )
    src_rank = np.argsort(np.argsort(np.array(ids or [""], dtype=object), kind="stable"))
    codes = np.asarray(codes)
    # A figure stated exactly first (an earlier 505万 over a later 首次超500万 of the same
    # figure), then the latest-published source; ties by source id, then the table's own order.
    bound = among(frame["qualifier"], BOUNDS) if "qualifier" in frame else np.zeros(n, dtype=bool)
    priority = np.lexsort((np.arange(n), src_rank[codes], -src_published[codes], bound))
    # The figure identity's columns (etl.contract.identity), scope folded as it folds it.
    key = (
        pd.DataFrame({col: identity_codes(frame[col], col) for col in KEY_COLUMNS})
        .groupby(list(KEY_COLUMNS))
        .ngroup()
        .to_numpy()
    )
    # Keys are group numbers 0..n-1: counting them is one pass, not a hash of every row.
    shared = np.bincount(key)[key] > 1 if n else np.zeros(0, dtype=bool)
    prio_rank = np.empty(n, dtype=np.int64)
    prio_rank[priority] = np.arange(n)
    reading = np.lexsort(
        (
            prio_rank,
            ranked_codes(frame["scope"]),
            ranked_codes(frame["route"]),
            ranked_codes(frame["region"]),
            date_codes(frame["period_end"]),
            ranked_codes(frame["metric"]),
        )
    )
    # Row positions fit in 32 bits up to two billion rows: half the memory of the defaults.
    return TableIndex(
        key.astype(np.int32),
        priority.astype(np.int32),
        reading.astype(np.int32),
        shared,
        kpi_index(frame, sources, reading),
    )


def figure_selection(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    keep: np.ndarray,
    index: TableIndex | None = None,
) -> FigureSelection:
    """Return the kept rows, one per figure identity, from its latest source (no words yet)."""
    index = table_index(frame, sources) if index is None else index
    kept = index.priority[keep[index.priority]]
    best = ~pd.Series(index.key[kept]).duplicated().to_numpy()
    winner = np.zeros(len(frame), dtype=bool)
    winner[kept[best]] = True
    rows = index.reading[winner[index.reading]]
    shared: dict[int, list[str]] = {}
    several = kept[index.shared[kept]]
    if len(several):
        ids = frame["source_id"].iloc[several].astype(str).tolist()
        first: dict[int, int] = {}
        for row, k, sid in zip(several.tolist(), index.key[several].tolist(), ids, strict=True):
            shared.setdefault(first.setdefault(k, row), []).append(sid)
    return FigureSelection(frame, rows, {r: tuple(s) for r, s in shared.items()}, index)


def selection_key(selection: FigureSelection) -> str:
    """Return a digest of the figures a selection keeps and the sources sharing them.

    Two filters that keep the same figures (periods that differ only in months without data,
    a source filter on a page of other sources) give the same key, so what is built from the
    figures alone (charts, briefing, tables) is built once for both.
    """
    known = selection.memo.get("key")
    if isinstance(known, str):
        return known
    digest = hashlib.blake2b(selection.rows.astype(np.int64).tobytes(), digest_size=16)
    digest.update(repr(sorted(selection.shared.items())).encode())
    key = f"{len(selection.rows)}-{digest.hexdigest()}"
    selection.memo["key"] = key
    return key


def in_words(selection: FigureSelection, citations: dict[str, Record]) -> FigureView:
    """Return the selection with its sources cited (source_citations in the page's language)."""
    also: dict[int, str] = {}
    for row, ids in selection.shared.items():
        names = [citation(citations, i)["source"] for i in ids]
        # Each other source once, in precedence order; one cited as the winner is not repeated.
        others = [n for n in dict.fromkeys(names[1:]) if n != names[0]]
        if others:
            also[row] = "；".join(others)
    return FigureView(
        selection.frame, selection.rows, also, citations, selection.index, selection.memo
    )


def figure_view(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    keep: np.ndarray,
    locale: Locale,
    index: TableIndex | None = None,
) -> FigureView:
    """Return the view of the kept rows, one per figure identity, its sources cited in words."""
    selection = figure_selection(frame, sources, keep, index)
    return in_words(selection, source_citations(sources, locale))
