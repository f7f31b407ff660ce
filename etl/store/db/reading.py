"""Reading the record from the database: the active figures and sources, the data version."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

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
ARROW_QUERY = (
    "SELECT "
    + ", ".join(_ARROW_COLUMNS.get(c, c) for c in OBSERVATION_COLUMNS)
    + " FROM figures WHERE removed_batch IS NULL ORDER BY id"
)


def _adbc_connect(url: str) -> Any:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi

        return adbc_driver_sqlite.dbapi.connect(parsed.database)
    import adbc_driver_postgresql.dbapi

    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return adbc_driver_postgresql.dbapi.connect(plain)


def _dates(texts: pd.Series) -> pd.Series:
    # A million rows hold a few hundred distinct dates: each is parsed once.
    codes, uniques = pd.factorize(texts)
    parsed = pd.to_datetime(pd.Series(uniques).replace("", None), format="%Y-%m-%d")
    values = parsed.to_numpy(dtype="datetime64[ns]")[codes]
    return pd.Series(values, index=texts.index, dtype="datetime64[ns]")


def read_observations_arrow(engine: Engine) -> pd.DataFrame:
    """Return the current observations (series filled) read through Arrow (ADBC), the frame
    `read_state` gives, without a Python object per cell."""
    with engine.connect() as connection:
        wordings = active_wordings(connection)
    url = engine.url.render_as_string(hide_password=False)
    with _adbc_connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(ARROW_QUERY)
        arrow = cursor.fetch_arrow_table()
    frame = arrow.to_pandas()
    for col in ("period_start", "period_end"):
        frame[col] = _dates(frame[col])
    missing = frame.pop("yoy_missing").to_numpy(dtype=bool)
    frame["yoy_pct"] = frame["yoy_pct"].astype(float).mask(missing)
    frame["value"] = frame["value"].astype(float)
    for col in OBSERVATION_COLUMNS:
        if col not in ("value", "yoy_pct", "period_start", "period_end"):
            frame[col] = frame[col].astype("str")
    return fill_series(frame, wordings)
