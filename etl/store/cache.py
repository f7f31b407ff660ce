"""The stored table with compact dtypes, read from the database through Arrow, and brought up to
date from the batches since it was read.

`load_cached_table` returns what `etl.store.table.load_table` returns, with the repeated text
columns as categories, read through `etl.store.db.reading` (Arrow) instead of the contract's
per-cell parsers. A server keeps a `LoadedTable` between reruns (dashboard/data.py) and
`refresh_table` gives the next one: the rows the batches since then added appended and those
they removed dropped (etl.store.db.delta), equal to a full read, or a full read when that is
not provably the same.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from pandas.api.types import union_categoricals
from sqlalchemy import Engine

from etl.contract.paths import Layout
from etl.contract.schema import SOURCE_COLUMNS
from etl.store.db import tables as t
from etl.store.db.delta import Anchor, Delta, read_anchor, read_delta
from etl.store.db.opening import store_engine
from etl.store.db.reading import observations_from_arrow, read_observations_with_ids
from etl.store.db.rows import sources_frame
from etl.store.table import Table, version_of

# pandas holds an appended Arrow text column as the pieces appended, one more each refresh that
# adds rows (a removal joins them): past this many they are joined into one (~0.5 s at 1M rows,
# once per this many refreshes), so a server that follows many small merges keeps few pieces.
MAX_PIECES = 32
# Text columns with few distinct values: held as codes into one copy of each value.
CATEGORY_COLUMNS = ("metric", "unit", "region", "route", "basis", "source_id", "scope", "series")


def compact_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Return observations with the repeated text columns as sorted categories (a new frame)."""
    out = frame.copy(deep=False)
    for col in CATEGORY_COLUMNS:
        if col in out and not isinstance(out[col].dtype, pd.CategoricalDtype):
            cat = out[col].fillna("").astype("str").astype("category")
            out[col] = cat.cat.reorder_categories(sorted(cat.cat.categories))
    return out


@dataclass(frozen=True)
class LoadedTable:
    """A table as a server keeps it: with each row's figure id and the batch it is the state of."""

    table: Table
    ids: np.ndarray  # each row's figure id, ascending
    anchor: Anchor | None  # None: a batch landed while it was read; the next change reads all
    delta: bool = False  # whether it was brought up to date from batches, not read whole


def load_cached_table(layout: Layout, *, write: bool = True) -> Table:
    """Return the current table with compact dtypes (write: kept for callers; nothing is written
    but the database a first start builds)."""
    del write
    return load_anchored(layout).table


def load_anchored(layout: Layout) -> LoadedTable:
    """Return the current table read whole, with its figure ids and the batch it is the state
    of when no batch landed while it was read."""
    engine = store_engine(layout)
    # The version first: rows at least as new as the version they are kept under.
    version = version_of(engine)
    before = read_anchor(engine)
    observations, ids = read_observations_with_ids(engine)
    sources = _read_sources(engine)
    after = read_anchor(engine)
    table = Table(compact_observations(observations), sources, version)
    return LoadedTable(table, ids, before if before == after else None)


def _read_sources(engine: Engine) -> pd.DataFrame:
    s = t.sources
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*(s.c[c] for c in SOURCE_COLUMNS))
            .where(s.c.removed_batch.is_(None))
            .order_by(s.c.id)
        ).all()
    return sources_frame(rows, "database: sources")


def refresh_table(layout: Layout, previous: LoadedTable | None) -> LoadedTable:
    """Return the current table: previous when nothing changed, previous brought up to date from
    the batches since when that is provably what a full read gives, else a full read."""
    if previous is None or previous.anchor is None:
        return load_anchored(layout)
    engine = store_engine(layout)
    version = version_of(engine)
    if version == previous.table.version:
        # The same store at the same version, unless it was replaced (a restore, a test's new
        # database at the same place): then its last batch is another.
        return previous if read_anchor(engine) == previous.anchor else load_anchored(layout)
    same_store = version.split("-")[0] == previous.table.version.split("-")[0]
    delta = read_delta(engine, previous.anchor) if same_store else None
    loaded = None if delta is None else _applied(previous, delta, version)
    return load_anchored(layout) if loaded is None else loaded


def _applied(previous: LoadedTable, delta: Delta, version: str) -> LoadedTable | None:
    """Return previous with the delta's rows removed and added, or None when the delta does not
    fit it (a removed figure it does not hold, an added one it holds or older than its last)."""
    ids = previous.ids
    removed = delta.removed_ids
    added_ids = delta.added.column("id").to_numpy().astype(np.int64)
    at = np.searchsorted(ids, removed)
    if len(removed) and (at[-1] >= len(ids) or not np.array_equal(ids[at], removed)):
        return None
    if len(added_ids) and len(ids) and added_ids[0] <= ids[-1]:
        return None
    old = previous.table
    observations = old.observations
    if len(removed):
        keep = np.ones(len(ids), dtype=bool)
        keep[at] = False
        observations, ids = observations.iloc[np.flatnonzero(keep)], ids[keep]
    if len(added_ids) or len(removed):
        fresh = compact_observations(observations_from_arrow(delta.added, delta.anchor.wordings))
        observations = joined(observations, fresh)
        ids = np.concatenate([ids, added_ids])
    sources = old.sources if delta.sources is None else delta.sources
    return LoadedTable(Table(observations, sources, version), ids, delta.anchor, delta=True)


def joined(first: pd.DataFrame, then: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of first then those of then, numbered from 0, each category column's
    categories the sorted values its rows hold (as a full read gives them)."""
    columns: dict[str, object] = {}
    for col in first.columns:
        a, b = first[col], then[col]
        if isinstance(a.dtype, pd.CategoricalDtype):
            both = union_categoricals([a.array, b.array], sort_categories=True)
            columns[col] = both.remove_unused_categories()
        else:
            columns[col] = _in_few_pieces(pd.concat([a, b], ignore_index=True))
    return pd.DataFrame(columns)


def _in_few_pieces(column: pd.Series) -> pd.Series:
    """Return a text column held in one Arrow piece when appends have left it in many."""
    if column.dtype != "str":
        return column
    held = pa.array(column)
    if not isinstance(held, pa.ChunkedArray) or held.num_chunks <= MAX_PIECES:
        return column
    return pd.Series(held.combine_chunks().to_pandas().astype("str"), name=column.name)


if __name__ == "__main__":
    store_engine(Layout(Path(sys.argv[1])))
