"""A change recorded in the database: one batch, the figures and sources it removes and adds, in the
caller's transaction, applied as the batch format applies a batch.

A removed figure is every active row with its identity and value; an added figure takes the
smallest report number free among the active reports of its identity; a source id held already
keeps its row. Nothing is deleted: what a batch removes keeps its row with `removed_batch`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection

from etl.contract.errors import CorridorError
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS
from etl.store.batches import BATCH_FORMAT, KINDS, Change
from etl.store.db import tables as t
from etl.store.db.bulk import insert_columns
from etl.store.db.rows import (
    figure_columns,
    figure_identities,
    observations_frame,
    source_records,
    sources_frame,
)
from etl.store.db.writes import bump_version, next_batch, record_audit

# Test hook: seconds to sleep inside the transaction once the batch and its figures are written
# (its sources, audit entry and version not yet), so a crash test can kill the writer mid-change.
# Never set in production.
PAUSE_ENV = "CORRIDOR_TEST_PAUSE_IN_TRANSACTION"
PAUSED = "corridor-test: paused inside the transaction"


def active_figures(connection: Connection, identities: Iterable[str]) -> list[Any]:
    """Return the active figure rows (id, identity, report_no, the contract columns) with the
    identities, in table order."""
    f = t.figures
    query = sa.select(
        f.c.id, f.c.identity, f.c.report_no, *(f.c[c] for c in OBSERVATION_COLUMNS)
    ).where(f.c.removed_batch.is_(None))
    # Both engines reach the identities through the unique index of active identities, whose
    # WHERE is this condition (no other index serves removed_batch IS NULL: migration 0004).
    return sorted(with_identities(connection, query, identities), key=lambda r: r[0])


def with_identities_anywhere(
    connection: Connection, query: sa.Select[Any], identities: Iterable[str]
) -> list[Any]:
    """Return the rows of a query on figures, active or removed, narrowed to the identities."""
    removed = t.figures.c.removed_batch
    wanted = sorted(set(identities))
    # No index holds every identity: the active ones are in the unique index of active figures,
    # the removed ones in the index of removed identities, each reached by its own condition.
    return [
        *with_identities(connection, query.where(removed.is_(None)), wanted),
        *with_identities(connection, query.where(removed.is_not(None)), wanted),
    ]


# Identities looked up in one statement, as one JSON text parameter: an IN list of bound
# parameters costs SQLAlchemy more per value than the database's index lookup does, and
# SQLite bounds the number of parameters. Bounds the text's size (about 2 MB), nothing else.
LOOKUP_CHUNK = 50_000


def with_identities(
    connection: Connection, query: sa.Select[Any], identities: Iterable[str]
) -> list[Any]:
    """Return the rows of a query on figures narrowed to the identities (each asked once)."""
    if connection.dialect.name == "postgresql":
        values = "SELECT json_array_elements_text(CAST(:identities AS json))"
    else:
        values = "SELECT value FROM json_each(:identities)"
    narrowed = query.where(
        t.figures.c.identity.in_(sa.text(values).columns(sa.column("value", sa.Text)))
    )
    wanted = sorted(set(identities))
    out: list[Any] = []
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        part = json.dumps(wanted[start : start + LOOKUP_CHUNK])
        out += connection.execute(narrowed, {"identities": part}).all()
    return out


def unindexed(column: sa.Column[Any], empty: str = "") -> sa.ColumnElement[Any]:
    """Return the batch column with NULL as `empty` (the batch ids' order then holds for every
    row); an expression no index serves."""
    return sa.func.coalesce(column, empty)


def figures_frame(rows: Sequence[Any], name: str) -> pd.DataFrame:
    """Return figure rows as from `active_figures` as a validated observations frame."""
    return observations_frame([tuple(r[3:]) for r in rows], name)


def pause_if_asked() -> None:
    seconds = float(os.environ.get(PAUSE_ENV, "0") or 0)
    if seconds > 0:
        print(PAUSED, file=sys.stderr, flush=True)
        time.sleep(seconds)


def _remove_figures(connection: Connection, removed: pd.DataFrame, batch_id: str) -> int:
    """Mark every active row with a removed figure's identity and value; return how many."""
    if not len(removed):
        return 0
    pairs = set(zip(figure_identities(removed), removed["value"].astype(float), strict=True))
    held = active_figures(connection, [i for i, _ in pairs])
    gone = [r[0] for r in held if (r[1], float(r[3 + OBSERVATION_COLUMNS.index("value")])) in pairs]
    set_removed(connection, t.figures, gone, batch_id)
    return len(gone)


def set_removed(connection: Connection, table: sa.Table, ids: list[int], batch_id: str) -> None:
    """Mark the rows with the ids as removed by the batch."""
    if ids:
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values(removed_batch=batch_id)
        )
        connection.execute(statement, [{"row_id": i} for i in ids])


def add_batch_figures(
    connection: Connection,
    added: pd.DataFrame,
    batch_id: str,
    identities: Sequence[str] | None = None,
    unheld: frozenset[str] = frozenset(),
) -> None:
    """Insert the added figures, each under the smallest report number free for its identity,
    through the driver's own bulk path (etl.store.db.bulk); identities: the rows' own, when the
    caller has them already (figure_identities of `added`); unheld: identities this transaction
    has read as held by no active figure, not looked up again."""
    if not len(added):
        return
    if identities is None or len(identities) != len(added):
        identities = figure_identities(added)
    used: dict[str, set[int]] = defaultdict(set)
    for row in active_figures(connection, [i for i in identities if i not in unheld]):
        used[row[1]].add(int(row[2]))
    reports = [0] * len(identities)
    # An identity held by no active figure and added once takes report 0 (nearly every row of
    # an upload); only the others look for the smallest free number, in the rows' order.
    counts = Counter(identities)
    for i, identity in enumerate(identities):
        if counts[identity] == 1 and identity not in used:
            continue
        taken = used[identity]
        report = 0 if not taken else next(n for n in range(len(taken) + 1) if n not in taken)
        taken.add(report)
        reports[i] = report
    columns = figure_columns(added, iso_dates=True)
    columns |= {
        "identity": list(identities),
        "report_no": reports,
        "added_batch": [batch_id] * len(added),
    }
    insert_columns(connection, t.figures, list(columns), list(columns.values()))


def _change_sources(
    connection: Connection,
    added: pd.DataFrame | None,
    removed: pd.DataFrame | None,
    batch_id: str,
) -> None:
    s = t.sources
    active: dict[str, int] = {
        str(i): int(n)
        for i, n in connection.execute(
            sa.select(s.c.source_id, s.c.id).where(s.c.removed_batch.is_(None))
        )
    }
    if removed is not None and len(removed):
        gone = [active.pop(i) for i in removed["source_id"] if i in active]
        set_removed(connection, s, gone, batch_id)
    if added is not None and len(added):
        rows = []
        for row in source_records(added):
            if row["source_id"] not in active:  # an id held already keeps its row
                active[row["source_id"]] = -1
                rows.append(row | {"added_batch": batch_id})
        if rows:
            connection.execute(sa.insert(s), rows)


def _change_wordings(connection: Connection, change: Change, batch_id: str) -> None:
    # As etl.store.batches.wordings_of reads batch records, so the same wordings are active.
    w = t.wordings
    if change.kind == "wording":
        row = {"batch_id": batch_id, **{k: str(change.info[k]) for k in ("series", "wording")}}
        connection.execute(sa.insert(w), [row])
    elif change.kind == "undo":
        target = str(change.info.get("undoes", ""))
        held = connection.execute(
            sa.select(w.c.id).where(w.c.batch_id == target, w.c.removed_batch.is_(None))
        ).scalar()
        if held is not None:
            set_removed(connection, w, [int(held)], batch_id)
            return
        # Undoing the undo of a wording restores the wording, under its own batch.
        taken = connection.execute(
            sa.select(w.c.batch_id, w.c.series, w.c.wording).where(w.c.removed_batch == target)
        ).first()
        if taken is not None:
            connection.execute(
                sa.insert(w),
                [{"batch_id": taken[0], "series": taken[1], "wording": taken[2]}],
            )


def _batch_record(change: Change, seq: int) -> dict[str, Any]:
    return {
        "format": BATCH_FORMAT,
        "seq": seq,
        "kind": change.kind,
        "who": change.who,
        "when": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "rows_added": len(change.added),
        "rows_removed": len(change.removed),
        "sources_added": [] if change.sources is None else list(change.sources["source_id"]),
        "sources_removed": []
        if change.removed_sources is None
        else list(change.removed_sources["source_id"]),
        **change.info,
    }


def batch_row(
    batch_id: str, seq: int, record: dict[str, Any], rows_added: int, rows_removed: int
) -> dict[str, Any]:
    """Return the batches table's row of a batch and its record."""
    return {
        "id": batch_id,
        "seq": seq,
        "kind": str(record.get("kind", "")),
        "person": str(record.get("who", "")),
        "at": str(record.get("when", "")),
        "file_name": str(record.get("file_name", "")),
        "file_sha256": str(record.get("file_sha256", "")),
        "reason": str(record.get("reason", "")),
        "approved_by": str(record.get("approved_by", "")),
        "pending_id": str(record.get("pending_id", "")),
        "rows_added": rows_added,
        "rows_removed": rows_removed,
        "status": "approved" if record.get("approved_by") else "applied",
        "undoes": record.get("undoes") or None,
        "record": record,
    }


def record_change(
    connection: Connection,
    change: Change,
    *,
    strict: bool = True,
    added_identities: Sequence[str] | None = None,
    unheld: frozenset[str] = frozenset(),
) -> str:
    """Record a change as the next batch in the caller's write transaction; return its id.

    strict: refuse when a figure to remove is no longer held (another writer changed it since
    the change was worked out), so the transaction rolls back instead of half applying it.
    added_identities: figure_identities of change.added, when the caller computed them already;
    unheld: identities the caller read in this transaction as held by no active figure.
    """
    batch_id, _record = open_batch(connection, change)
    removed = _remove_figures(connection, change.removed, batch_id)
    if strict and removed < len(change.removed):
        raise changed_meanwhile()
    add_batch_figures(connection, change.added, batch_id, added_identities, unheld)
    pause_if_asked()
    close_batch(connection, change, batch_id)
    return batch_id


def open_batch(connection: Connection, change: Change) -> tuple[str, dict[str, Any]]:
    """Write the change's batch row as the next batch (counts as the change holds them now);
    return its id and record."""
    if change.kind not in KINDS:
        raise ValueError(f"unknown batch kind {change.kind!r}")
    seq = next_batch(connection)
    record = _batch_record(change, seq)
    digest = hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    batch_id = f"{seq:06d}-{digest.hexdigest()[:8]}"
    row = batch_row(batch_id, seq, record, len(change.added), len(change.removed))
    connection.execute(sa.insert(t.batches), [row])
    return batch_id, record


def count_batch(
    connection: Connection, change: Change, batch_id: str, opened: dict[str, Any]
) -> None:
    """Rewrite an opened batch's counts and record for the change as it ended (figures added
    after open_batch); opened: the record open_batch returned."""
    record = _batch_record(change, int(opened["seq"])) | {"when": opened["when"]}
    row = batch_row(batch_id, int(opened["seq"]), record, len(change.added), len(change.removed))
    b = t.batches
    connection.execute(
        sa.update(b)
        .where(b.c.id == batch_id)
        .values({k: v for k, v in row.items() if k in ("rows_added", "rows_removed", "record")})
    )


def close_batch(connection: Connection, change: Change, batch_id: str) -> None:
    """Write the rest of a batch whose figures are in: its sources, wordings, audit entry and the
    data version."""
    _change_sources(connection, change.sources, change.removed_sources, batch_id)
    _change_wordings(connection, change, batch_id)
    # In the same transaction: a change is recorded in the audit trail, or not made.
    record_audit(
        connection,
        "write",
        change.who,
        batch=batch_id,
        kind=change.kind,
        rows_added=len(change.added),
        rows_removed=len(change.removed),
    )
    bump_version(connection)


def changed_meanwhile() -> CorridorError:
    """Return the refusal of a change whose figures another writer changed since it was read."""
    return CorridorError.single(
        "另一位分析员刚刚修改了同一数据；本次没有写入任何内容，请刷新后重试",
        "another analyst has just changed the same figures; nothing was written: reload and "
        "try again",
    )


def _added_and_removed(
    connection: Connection, table: sa.Table, names: Sequence[str], batch_id: str
) -> tuple[list[Any], list[Any]]:
    """Return the table's rows (the named columns) a batch added and those it removed, in table
    order."""
    columns = [table.c[c] for c in names]
    added, removed = (
        connection.execute(sa.select(*columns).where(column == batch_id).order_by(table.c.id)).all()
        for column in (table.c.added_batch, table.c.removed_batch)
    )
    return list(added), list(removed)


def batch_figures(connection: Connection, batch_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the figures a batch added and those it removed, in table order."""
    added, removed = _added_and_removed(connection, t.figures, OBSERVATION_COLUMNS, batch_id)
    return (
        observations_frame(added, f"batch {batch_id}: added"),
        observations_frame(removed, f"batch {batch_id}: removed"),
    )


def batch_sources(connection: Connection, batch_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the sources a batch registered and those it removed, in table order."""
    added, removed = _added_and_removed(connection, t.sources, SOURCE_COLUMNS, batch_id)
    return (
        sources_frame(added, f"batch {batch_id}: sources"),
        sources_frame(removed, f"batch {batch_id}: removed sources"),
    )
