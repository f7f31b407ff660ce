"""The stored table with compact dtypes, read from the database through Arrow.

`load_cached_table` returns what `etl.store.table.load_table` returns, with the repeated text
columns as categories, read through `etl.store.db.reading` (Arrow) instead of the contract's
per-cell parsers. Callers keep it between reruns keyed by the data version (dashboard/data.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from etl.contract.paths import Layout
from etl.contract.schema import SOURCE_COLUMNS
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.db.reading import read_observations_arrow
from etl.store.db.rows import sources_frame
from etl.store.table import Table, version_of

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


def load_cached_table(layout: Layout, *, write: bool = True) -> Table:
    """Return the current table with compact dtypes (write: kept for callers; nothing is written
    but the database a first start builds)."""
    del write
    engine = store_engine(layout)
    # The version first: rows at least as new as the version they are kept under.
    version = version_of(engine)
    observations = compact_observations(read_observations_arrow(engine))
    s = t.sources
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*(s.c[c] for c in SOURCE_COLUMNS))
            .where(s.c.removed_batch.is_(None))
            .order_by(s.c.id)
        ).all()
    return Table(observations, sources_frame(rows, "database: sources"), version)


if __name__ == "__main__":
    store_engine(Layout(Path(sys.argv[1])))
