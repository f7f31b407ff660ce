"""Reading the record from the database: the active figures and sources, the data version."""

from __future__ import annotations

import pandas as pd
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
