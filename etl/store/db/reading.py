"""Reading the record from the database: the active figures and sources, the data version."""

from __future__ import annotations

import ctypes

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from etl.contract.events import EVENT_COLUMNS
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS
from etl.contract.series import fill_series
from etl.store.db import tables as t
from etl.store.db.rows import observations_frame, sources_frame
from etl.store.table import render_export


def active_wordings(connection: Connection) -> tuple[tuple[str, str], ...]:
    """Return the (series, wording) mappings not undone, in the order their batches were made."""
    w = t.wordings
    query = (
        sa.select(w.c.series, w.c.wording)
        .where(w.c.removed_batch.is_(None))
        .order_by(w.c.batch_id, w.c.id)
    )
    return tuple((str(s), str(x)) for s, x in connection.execute(query))


def read_state(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the current observations (series filled) and sources, in one snapshot."""
    f, s = t.figures, t.sources
    with engine.connect() as connection, connection.begin():
        figure_rows = connection.execute(
            sa.select(*(f.c[c] for c in OBSERVATION_COLUMNS))
            .where(f.c.removed_batch.is_(None))
            .order_by(f.c.id)
        ).all()
        source_rows = connection.execute(
            sa.select(*(s.c[c] for c in SOURCE_COLUMNS))
            .where(s.c.removed_batch.is_(None))
            .order_by(s.c.id)
        ).all()
        wordings = active_wordings(connection)
    observations = observations_frame(figure_rows, "database: figures")
    return fill_series(observations, wordings), sources_frame(source_rows, "database: sources")


def read_events(engine: Engine) -> pd.DataFrame:
    """Return the events table (the milestones) in its order, columns as tidy/events.csv has."""
    e = t.events
    with engine.connect() as connection:
        rows = connection.execute(sa.select(*(e.c[c] for c in EVENT_COLUMNS)).order_by(e.c.id))
        return pd.DataFrame(rows.all(), columns=list(EVENT_COLUMNS))


def export_csv(engine: Engine, *, raw: bool = False) -> str:
    """Return every stored row as `corridor export` writes it, read from the database."""
    return render_export(read_state(engine)[0], raw=raw)


def data_version(engine: Engine) -> int:
    """Return the data version: one cheap query that tells a reader whether anything changed."""
    with engine.connect() as connection:
        return int(connection.execute(sa.select(t.data_version.c.version)).scalar_one())


# Every column typed the same on both engines and never NULL: the SQLite driver infers a
# column's type from its first rows, so a NULL there would type it wrongly for later rows.
_ARROW_COLUMNS = {
    "period_start": "COALESCE(CAST(period_start AS TEXT), '') AS period_start",
    "period_end": "CAST(period_end AS TEXT) AS period_end",
    "yoy_pct": "COALESCE(yoy_pct, 0.0) AS yoy_pct, "
    "CASE WHEN yoy_pct IS NULL THEN 1 ELSE 0 END AS yoy_missing",
}
ARROW_TYPES = {
    "id": pa.int64(),
    "value": pa.float64(),
    "yoy_pct": pa.float64(),
    "yoy_missing": pa.int64(),
}
# The figures' columns as both engines send them to Arrow, each figure's id first.
ARROW_COLUMNS = "id, " + ", ".join(_ARROW_COLUMNS.get(c, c) for c in OBSERVATION_COLUMNS)
_AFTER_YOY = list(OBSERVATION_COLUMNS).index("yoy_pct") + 1
# The names of ARROW_COLUMNS, in order.
ARROW_NAMES = (
    "id",
    *OBSERVATION_COLUMNS[:_AFTER_YOY],
    "yoy_missing",
    *OBSERVATION_COLUMNS[_AFTER_YOY:],
)
ARROW_QUERY = f"SELECT {ARROW_COLUMNS} FROM figures WHERE removed_batch IS NULL ORDER BY id"
# PostgreSQL sends the rows as it scans them, with their ids, and they are put in the table's
# order here: a scan comes in id order but for rows rewritten since, and skipping the server's
# sort of a million rows saves most of the query's time.
POSTGRESQL_QUERY = ARROW_QUERY.removesuffix(" ORDER BY id")


def _in_id_order(table: pa.Table) -> pa.Table:
    ids = table.column("id").to_numpy()
    if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        table = table.take(np.argsort(ids, kind="stable"))
    return table


# SQLite's text as its UTF-8 bytes: the driver copies them instead of decoding each cell into a
# Python string that Arrow would then encode again (Arrow checks the UTF-8 once, in C++).
_SQLITE_TEXTS = {
    c: f"CAST({c} AS BLOB) AS {c}"
    for c in OBSERVATION_COLUMNS
    if c not in ("value", "yoy_pct", "period_start")
}
_SQLITE_TEXTS["period_start"] = "CAST(COALESCE(period_start, '') AS BLOB) AS period_start"
SQLITE_QUERY = (
    "SELECT id, "
    + ", ".join(_SQLITE_TEXTS.get(c, _ARROW_COLUMNS.get(c, c)) for c in OBSERVATION_COLUMNS)
    + " FROM figures WHERE removed_batch IS NULL ORDER BY id"
)
# Rows fetched from SQLite at a time.
FETCH_ROWS = 50_000


def _fetch_arrow(engine: Engine) -> pa.Table:
    """Return the active figures (ARROW_COLUMNS) as an Arrow table in id order: PostgreSQL
    through ADBC (binary COPY)."""
    if engine.dialect.name == "postgresql":
        import adbc_driver_postgresql.dbapi

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with adbc_driver_postgresql.dbapi.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute(POSTGRESQL_QUERY)
            return _in_id_order(cursor.fetch_arrow_table())
    # SQLite through Python's own driver: ADBC's SQLite is a second copy of the library in the
    # process, and two copies on one file break each other's locks (sqlite.org/howtocorrupt.html
    # 2.2.1; a test with two servers on one file caught it).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(SQLITE_QUERY)
        names = [d[0] for d in cursor.description]
        row_type = pa.struct([(n, ARROW_TYPES.get(n, pa.binary())) for n in names])
        # Rows become Arrow a chunk at a time (Arrow's C++ reads the tuples): no transposing in
        # Python, and at most one chunk of Python values alive at once.
        chunks = []
        while rows := cursor.fetchmany(FETCH_ROWS):
            chunks.append(pa.array(rows, type=row_type))
    finally:
        raw.close()
    table = pa.Table.from_struct_array(pa.chunked_array(chunks, type=row_type))
    return table.cast(pa.schema([(n, ARROW_TYPES.get(n, pa.string())) for n in names]))


# Text columns with few distinct values, read as categories with sorted categories: the dtypes
# the parquet cache gave the dashboard (etl/store/cache.py), one copy of each distinct text.
CATEGORY_COLUMNS = ("metric", "unit", "region", "route", "basis", "source_id", "scope", "series")
# The columns whose distinct combinations decide an empty series (etl/contract/series.py).
SERIES_KEY = ("metric", "region", "route", "scope", "series")


def _encoded(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Return a text column as codes into its distinct values (in Arrow's C++, no Python loop)."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return codes, encoded.dictionary.to_pylist()


def _category(codes: np.ndarray, values: list[str]) -> pd.Categorical:
    """Return codes into values as a categorical whose categories are sorted."""
    order = sorted(range(len(values)), key=values.__getitem__)
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    categories = [values[i] for i in order]
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
    return pd.Categorical.from_codes(rank[codes] if len(codes) else codes, dtype=dtype)


def _dates(codes: np.ndarray, values: list[str]) -> np.ndarray:
    # A million rows hold a few hundred distinct dates: each is parsed once.
    parsed = pd.to_datetime(pd.Series(values, dtype=object).replace("", None), format="%Y-%m-%d")
    return np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[codes]


def _series_filled(
    key_codes: dict[str, tuple[np.ndarray, list[str]]], wordings: tuple[tuple[str, str], ...]
) -> tuple[np.ndarray, list[str]]:
    """Return the series column filled by the rules, as codes into its values: the rules run on
    each distinct (metric, region, route, scope, series) once, not on every row."""
    n = len(next(iter(key_codes.values()))[0])
    key = np.zeros(n, dtype=np.int64)
    for col in SERIES_KEY:
        codes, values = key_codes[col]
        key = key * (len(values) + 1) + codes
        if key.size and key.max() > 2**40:  # renumbered densely before it could overflow
            key = np.unique(key, return_inverse=True)[1].astype(np.int64).reshape(-1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    distinct = pd.DataFrame(
        {
            col: np.asarray(key_codes[col][1] + [""], dtype=object)[key_codes[col][0][first]]
            for col in SERIES_KEY
        }
    )
    filled = [str(v) for v in fill_series(distinct, wordings)["series"].astype(object)]
    codes, uniques = pd.factorize(np.asarray(filled, dtype=object))
    rows = np.asarray(inverse).reshape(-1)
    return codes[rows].astype(np.int64), [str(v) for v in uniques]


def observations_from_arrow(table: pa.Table, wordings: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Return the contract frame (series filled, repeated texts as categories) from the Arrow
    table `ARROW_QUERY` reads, column by column, without a Python step per row."""
    texts = {
        col: _encoded(table.column(col))
        for col in OBSERVATION_COLUMNS
        if col not in ("value", "yoy_pct", "qualifier", "quote")
    }
    series = _series_filled(texts, wordings) if table.num_rows else texts["series"]
    texts["series"] = series
    missing = table.column("yoy_missing").to_numpy().astype(bool)
    yoy = table.column("yoy_pct").to_numpy().astype(float)
    columns: dict[str, object] = {}
    for col in OBSERVATION_COLUMNS:
        if col == "value":
            columns[col] = table.column(col).to_numpy().astype(float)
        elif col == "yoy_pct":
            columns[col] = np.where(missing, np.nan, yoy)
        elif col in ("period_start", "period_end"):
            columns[col] = _dates(*texts[col])
        elif col in CATEGORY_COLUMNS:
            columns[col] = _category(*texts[col])
        else:  # qualifier and quote: mostly distinct, kept as text
            columns[col] = table.column(col).to_pandas().astype("str")
    return pd.DataFrame(columns)


def read_observations_arrow(engine: Engine) -> pd.DataFrame:
    """Return the current observations (series filled) read through Arrow: the frame
    `read_state` gives, with the repeated text columns as categories as the parquet cache had
    them, without the contract parser's per-cell work."""
    return read_observations_with_ids(engine)[0]


def read_observations_with_ids(engine: Engine) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the current observations as `read_observations_arrow` does, and each row's figure
    id (ascending), which a later batch's removals name."""
    with engine.connect() as connection:
        wordings = active_wordings(connection)
    table = _fetch_arrow(engine)
    ids = table.column("id").to_numpy().astype(np.int64)
    observations = observations_from_arrow(table, wordings)
    del table
    release_freed_memory()
    return observations, ids


def release_freed_memory() -> None:
    """Hand the memory a large read freed back to the system, so a server holds only the frame.

    Arrow's allocator and glibc's malloc both keep freed blocks for reuse: after reading 1M
    rows a server kept ~320 MB more than the frame needs (bench/README.md, issue 24 memory).
    """
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    # malloc_trim is glibc's (Linux); elsewhere the allocator's own policy stands. The symbols
    # the process already has (CDLL(None)): ctypes.util.find_library would run `ldconfig -p`
    # in a subprocess on every start of every command that reads the store.
    try:
        libc = ctypes.CDLL(None)
        libc.malloc_trim  # noqa: B018 - present only in glibc
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


class RecordView:
    """One server's view of the record: kept between reruns, reloaded when the data version moves.

    Each call costs one data-version query; a change committed by any server (or command) on
    the same database shows on the next call.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._version: int | None = None
        self._observations: pd.DataFrame | None = None

    def observations(self) -> pd.DataFrame:
        """Return the current observations, read again only when the data version changed."""
        # The version is read before the rows: rows at least as new as the version they are
        # kept under, so a change committed in between is read again next time, never missed.
        version = data_version(self._engine)
        if self._observations is None or version != self._version:
            self._observations = read_observations_arrow(self._engine)
            self._version = version
        return self._observations
