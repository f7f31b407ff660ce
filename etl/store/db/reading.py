"""Reading the record from the database: the active figures and sources, the data version."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

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
_ARROW_TYPES = {"value": pa.float64(), "yoy_pct": pa.float64(), "yoy_missing": pa.int64()}
ARROW_QUERY = (
    "SELECT "
    + ", ".join(_ARROW_COLUMNS.get(c, c) for c in OBSERVATION_COLUMNS)
    + " FROM figures WHERE removed_batch IS NULL ORDER BY id"
)


def _fetch_arrow(engine: Engine) -> pa.Table:
    """Return the active figures as an Arrow table: PostgreSQL through ADBC (binary COPY)."""
    if engine.dialect.name == "postgresql":
        import adbc_driver_postgresql.dbapi

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with adbc_driver_postgresql.dbapi.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute(ARROW_QUERY)
            return cursor.fetch_arrow_table()
    # SQLite through Python's own driver: ADBC's SQLite is a second copy of the library in the
    # process, and two copies on one file break each other's locks (sqlite.org/howtocorrupt.html
    # 2.2.1; a test with two servers on one file caught it).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(ARROW_QUERY)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        raw.close()
    columns = list(zip(*rows, strict=True)) or [() for _ in names]
    return pa.table(
        {
            n: pa.array(c, type=_ARROW_TYPES.get(n, pa.string()))
            for n, c in zip(names, columns, strict=True)
        }
    )


def _dates(texts: pd.Series) -> pd.Series:
    # A million rows hold a few hundred distinct dates: each is parsed once.
    codes, uniques = pd.factorize(texts)
    parsed = pd.to_datetime(pd.Series(uniques).replace("", None), format="%Y-%m-%d")
    values = parsed.to_numpy(dtype="datetime64[ns]")[codes]
    return pd.Series(values, index=texts.index, dtype="datetime64[ns]")


def read_observations_arrow(engine: Engine) -> pd.DataFrame:
    """Return the current observations (series filled) read through Arrow, the frame
    `read_state` gives, without the contract parser's per-cell work."""
    with engine.connect() as connection:
        wordings = active_wordings(connection)
    frame = _fetch_arrow(engine).to_pandas()
    for col in ("period_start", "period_end"):
        frame[col] = _dates(frame[col])
    missing = frame.pop("yoy_missing").to_numpy(dtype=bool)
    frame["yoy_pct"] = frame["yoy_pct"].astype(float).mask(missing)
    frame["value"] = frame["value"].astype(float)
    for col in OBSERVATION_COLUMNS:
        if col not in ("value", "yoy_pct", "period_start", "period_end"):
            frame[col] = frame[col].astype("str")
    return fill_series(frame, wordings)


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
