"""What the batches since a known one changed: the figures they added and removed, read by batch.

Figures are never updated but to mark them removed, and every change is one batch that adds rows
(ids above every earlier row's) and marks rows removed (etl/store/db/tables.py). So the active
figures after batch k are those after batch j < k, less the rows batches j+1..k removed, plus the
rows they added that they did not remove again: whatever later batches did, read by batch, not
by time. A reader that holds the table as of one batch reads only what changed since, and falls
back to reading everything (None) whenever that is not provably the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from etl.contract.schema import SOURCE_COLUMNS
from etl.store.db import tables as t
from etl.store.db.opening import VERSION_TABLE
from etl.store.db.reading import ARROW_COLUMNS, ARROW_NAMES, ARROW_TYPES, active_wordings
from etl.store.db.rows import sources_frame

# Batches read since the table's own at most: more since one rerun is a bulk import or a server
# that slept through a day of edits, and one read of everything costs about as much.
MAX_DELTA_BATCHES = 200
# Figures added plus removed by those batches at most: past this the rows come through
# SQLAlchemy's row objects, several times slower a row than the full Arrow read, so a full read
# of a million rows (~6 s at load 2, bench/README.md) is no slower.
MAX_DELTA_ROWS = 100_000
# Kinds whose figures and sources say all they changed. A wording changes the series of figures
# already held (filled on read), so it and the undo of one (or of an undo) reload everything.
FIGURE_KINDS = frozenset(t.BATCH_KINDS) - {"wording"}
# Undoing these changes wordings (an undo of an undo restores the wording it took back).
WORDING_UNDO_TARGETS = frozenset({"wording", "undo"})


@dataclass(frozen=True)
class Anchor:
    """The point in the store's history a table is the state of: just after one batch."""

    version: int  # the data version after that batch (one raise per batch)
    seq: int  # the batch's number; 0: none, and no history to read from
    batch_id: str
    revision: str  # the schema's migration: another schema reads everything again
    wordings: tuple[tuple[str, str], ...]  # the series wordings the figures' series were filled by


@dataclass(frozen=True)
class Delta:
    """What the batches after an anchor changed, up to the new anchor."""

    anchor: Anchor
    added: pa.Table  # the figures added and still active at the new anchor (ARROW_COLUMNS), by id
    removed_ids: np.ndarray  # the ids of figures held at the old anchor that are removed now
    sources: pd.DataFrame | None  # the sources at the new anchor when a batch changed them


def read_anchor(engine: Engine) -> Anchor:
    """Return the store's current point: its version, last batch, schema and wordings."""
    with engine.connect() as connection:
        version, revision = _point(connection)
        b = t.batches
        last = connection.execute(
            sa.select(b.c.seq, b.c.id).order_by(b.c.seq.desc()).limit(1)
        ).first()
        wordings = active_wordings(connection)
    seq, batch_id = (int(last[0]), str(last[1])) if last is not None else (0, "")
    return Anchor(version, seq, batch_id, revision, wordings)


def _point(connection: Connection) -> tuple[int, str]:
    version = connection.execute(sa.select(t.data_version.c.version)).scalar_one()
    revision = connection.execute(sa.select(VERSION_TABLE.c.version_num)).scalar()
    return int(version), str(revision or "")


def read_delta(engine: Engine, anchor: Anchor) -> Delta | None:
    """Return what changed since the anchor, or None when only a full read is provably right:
    no history to start from, another schema, a version that went back or moved without a
    batch, a gap in the batches or another history, a wording, too many batches or rows."""
    if anchor.seq == 0:
        return None
    with engine.connect() as connection:
        version, revision = _point(connection)
        if revision != anchor.revision or version < anchor.version:
            return None
        batches = _batches_since(connection, anchor)
        if batches is None or len(batches) < version - anchor.version:
            return None
        if not batches:
            return Delta(anchor, _no_rows(), np.zeros(0, dtype=np.int64), None)
        if not _figures_say_all(connection, batches):
            return None
        wordings = active_wordings(connection)
        if wordings != anchor.wordings:
            return None
        ids = [str(b.id) for b in batches]
        added = _added_rows(connection, ids)
        removed = _removed_ids(connection, ids)
        last = batches[-1]
        sources = (
            _sources_at(connection, int(last.seq)) if _sources_changed(connection, ids) else None
        )
    after = Anchor(anchor.version + len(batches), int(last.seq), str(last.id), revision, wordings)
    return Delta(after, added, removed, sources)


def _batches_since(connection: Connection, anchor: Anchor) -> list[Any] | None:
    """Return the batches after the anchor's in order, or None when the anchor's batch is not
    the one held (another history: a restore), they skip a number or are too many."""
    b = t.batches
    rows = connection.execute(
        sa.select(b.c.seq, b.c.id, b.c.kind, b.c.undoes, b.c.rows_added, b.c.rows_removed)
        .where(b.c.seq >= anchor.seq)
        .order_by(b.c.seq)
        .limit(MAX_DELTA_BATCHES + 2)
    ).all()
    if not rows or (int(rows[0].seq), str(rows[0].id)) != (anchor.seq, anchor.batch_id):
        return None
    since = rows[1:]
    if len(since) > MAX_DELTA_BATCHES:
        return None
    if [int(r.seq) for r in since] != list(range(anchor.seq + 1, anchor.seq + 1 + len(since))):
        return None
    return list(since)


def _figures_say_all(connection: Connection, batches: Sequence[Any]) -> bool:
    """Return whether the batches changed figures and sources alone, few enough to read by id."""
    if any(str(b.kind) not in FIGURE_KINDS for b in batches):
        return False
    if sum(int(b.rows_added) + int(b.rows_removed) for b in batches) > MAX_DELTA_ROWS:
        return False
    targets = sorted({str(b.undoes) for b in batches if b.kind == "undo" and b.undoes})
    if not targets:
        return True
    b = t.batches
    kinds = connection.execute(sa.select(b.c.kind).where(b.c.id.in_(targets))).scalars()
    return not any(str(k) in WORDING_UNDO_TARGETS for k in kinds)


def _added_rows(connection: Connection, ids: list[str]) -> pa.Table:
    """Return the figures the batches added that none of them removed, in id order (a batch
    after them may have: at the new anchor they are still held)."""
    query = sa.text(
        f"SELECT {ARROW_COLUMNS} FROM figures WHERE added_batch IN :ids "
        "AND (removed_batch IS NULL OR removed_batch NOT IN :ids) ORDER BY id"
    ).bindparams(sa.bindparam("ids", expanding=True))
    result = connection.execute(query, {"ids": ids})
    names = list(result.keys())
    rows = result.all()
    return pa.table(
        {
            name: pa.array([row[i] for row in rows], type=ARROW_TYPES.get(name, pa.string()))
            for i, name in enumerate(names)
        }
    )


def _no_rows() -> pa.Table:
    return pa.table({n: pa.array([], type=ARROW_TYPES.get(n, pa.string())) for n in ARROW_NAMES})


def _removed_ids(connection: Connection, ids: list[str]) -> np.ndarray:
    """Return the ids of figures held before the batches that they removed, ascending."""
    f = t.figures
    query = (
        sa.select(f.c.id)
        .where(
            f.c.removed_batch.is_not(None),
            f.c.removed_batch.in_(ids),
            sa.or_(f.c.added_batch.is_(None), f.c.added_batch.not_in(ids)),
        )
        .order_by(f.c.id)
    )
    return np.asarray(connection.execute(query).scalars().all(), dtype=np.int64)


def _sources_changed(connection: Connection, ids: list[str]) -> bool:
    s = t.sources
    touched = sa.or_(s.c.added_batch.in_(ids), s.c.removed_batch.in_(ids))
    return connection.execute(sa.select(s.c.id).where(touched).limit(1)).first() is not None


def _sources_at(connection: Connection, seq: int) -> pd.DataFrame:
    """Return the sources held just after batch `seq`, in table order, as a full read has them."""
    s, b = t.sources, t.batches
    upto = sa.select(b.c.id).where(b.c.seq <= seq)
    rows = connection.execute(
        sa.select(*(s.c[c] for c in SOURCE_COLUMNS))
        .where(
            sa.or_(s.c.added_batch.is_(None), s.c.added_batch.in_(upto)),
            sa.or_(s.c.removed_batch.is_(None), s.c.removed_batch.not_in(upto)),
        )
        .order_by(s.c.id)
    ).all()
    return sources_frame(rows, "database: sources")
