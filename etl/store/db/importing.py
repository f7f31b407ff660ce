"""`corridor db import-batches`: a data directory in today's batch format, loaded into the database.

Everything the folder holds goes in, in one transaction: the built tables (tidy/), every batch in
order with the figures and sources it added and removed, undo and wordings, pending items with
their files, received files, accounts, the audit log and the events. Rows are never deleted: what
a batch removed keeps its row with `removed_batch`, so the history is in the tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.store.batches import Batch, read_batches
from etl.store.db import tables as t
from etl.store.db.bulk import indexes_after, insert_columns
from etl.store.db.changes import batch_row, pause_if_asked, set_removed
from etl.store.db.engine import writing
from etl.store.db.rows import DATE_COLUMNS, NUMBER_COLUMNS, figure_identities, source_records
from etl.store.db.side_records import (
    account_rows,
    audit_rows,
    event_rows,
    legacy_users_file,
    pending_rows,
    received_file_rows,
)
from etl.store.db.writes import bump_version, record_audit
from etl.store.history import undone_ids
from etl.store.table import load_built

# Rows per INSERT statement: large enough to be fast, small enough for any driver's limits.
CHUNK = 5_000


@dataclass(frozen=True)
class Imported:
    """How much an import loaded, table by table."""

    counts: dict[str, int]

    def summary(self) -> str:
        """Return the counts as one line."""
        return ", ".join(f"{name} {n}" for name, n in self.counts.items())


@dataclass
class _Active:
    """What is active while batches are replayed: figure ids by identity, source and wording ids."""

    figures: dict[str, list[tuple[int, float, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    next_figure: int = 1
    sources: dict[str, int] = field(default_factory=dict)
    next_source: int = 1
    wordings: dict[str, int] = field(default_factory=dict)
    # undo batch id → the wording batch it took back (undoing that undo restores the wording)
    undone_wordings: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    next_wording: int = 1


def import_batches(engine: Engine, layout: Layout) -> Imported:
    """Load a data directory into an empty database in one transaction; return the counts."""
    built_observations, built_sources = load_built(layout)
    batches = read_batches(layout)
    with writing(engine) as connection:
        _refuse_a_used_database(connection)
        active = _Active()
        with indexes_after(connection, t.figures):
            _add_figures(connection, active, built_observations, None)
            _add_sources(connection, active, built_sources, None)
            for batch in batches:
                _add_batch(connection, active, batch)
        _mark_undone(connection, batches)
        counts = {
            "figures": active.next_figure - 1,
            "sources": active.next_source - 1,
            "batches": len(batches),
        }
        for name, table, rows in (
            ("events", t.events, event_rows(layout)),
            ("pending", t.pending, pending_rows(layout)),
            ("files", t.received_files, received_file_rows(layout)),
            ("audit", t.audit, audit_rows(layout)),
        ):
            _insert(connection, table, rows)
            counts[name] = len(rows)
        counts["accounts"] = _add_accounts(connection, layout)
        _advance_sequences(connection)
        bump_version(connection)
        pause_if_asked()  # a crash test's moment: everything written, nothing committed
    return Imported(counts)


def _add_accounts(connection: Connection, layout: Layout) -> int:
    accounts, os_users = account_rows(layout)
    _insert(connection, t.accounts, accounts)
    _insert(connection, t.os_users, os_users)
    return len(accounts)


# Account changes in the audit trail: a database that ever had accounts never takes a file's.
ACCOUNT_EVENTS = ("user_added", "user_removed", "accounts_imported")


def _had_accounts(connection: Connection) -> bool:
    had = sa.union_all(
        sa.select(sa.literal(1)).select_from(t.accounts),
        sa.select(sa.literal(1)).where(t.audit.c.event.in_(ACCOUNT_EVENTS)),
    )
    return bool(connection.execute(sa.select(sa.exists(had))).scalar())


def import_accounts_file(engine: Engine, layout: Layout) -> int:
    """Load an accounts file of earlier versions into a database that never had accounts.

    Return how many accounts came in: none when there is no file, or when the database holds
    accounts or ever did (removed accounts never come back from an old file).
    """
    path = legacy_users_file(layout)
    if not path.is_file():
        return 0
    # Read first, without the write lock: a start beside an old file never waits for a writer.
    with engine.connect() as connection:
        if _had_accounts(connection):
            return 0
    with writing(engine) as connection:
        if _had_accounts(connection):
            return 0
        count = _add_accounts(connection, layout)
        record_audit(connection, "accounts_imported", "", file=str(path), accounts=count)
    return count


def _refuse_a_used_database(connection: Connection) -> None:
    for table in (t.batches, t.figures, t.sources):
        if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar():
            raise CorridorError.single(
                "数据库已有数据；只能导入到新建的空数据库",
                "the database already holds data; import into a new, empty database only",
                value=table.name,
            )


def _insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(table), rows[start : start + CHUNK])


# The figures table's columns in the order _figure_rows gives them.
FIGURE_NAMES = ("id", *OBSERVATION_COLUMNS, "identity", "report_no", "added_batch")


def _add_figures(
    connection: Connection, active: _Active, frame: pd.DataFrame, batch_id: str | None
) -> None:
    identities = figure_identities(frame)
    first = active.next_figure
    reports = []
    figures = active.figures
    for fid, identity, value in zip(
        range(first, first + len(frame)),
        identities,
        frame["value"].astype(float).tolist(),
        strict=True,
    ):
        held = figures.get(identity)
        if held is None:
            report = 0
            figures[identity] = [(fid, value, 0)]
        else:
            # The smallest report number free among the active reports of this figure.
            used = {n for _, _, n in held}
            report = next(n for n in range(len(held) + 1) if n not in used)
            held.append((fid, value, report))
        reports.append(report)
    active.next_figure += len(frame)
    ids = list(range(first, active.next_figure))
    columns = [ids, *_figure_columns(frame), identities, reports, [batch_id] * len(frame)]
    insert_columns(connection, t.figures, FIGURE_NAMES, columns)


def _figure_columns(frame: pd.DataFrame) -> list[list[Any]]:
    """Return the contract columns of a frame as lists of the values the figures table stores:
    text ("" for empty), float or None, and dates as 'YYYY-MM-DD' or None."""
    out: list[list[Any]] = []
    for col in OBSERVATION_COLUMNS:
        series = frame[col]
        if col in DATE_COLUMNS:
            out.append(_date_texts(series))
        elif col in NUMBER_COLUMNS:
            out.append([None if x != x else x for x in series.astype(float).tolist()])
        else:
            out.append(_texts(series))
    return out


def _texts(series: pd.Series) -> list[str]:
    # Each distinct text becomes one Python string, shared by its rows: most columns hold a
    # few distinct values, and a string per cell is what made the import slow.
    codes, uniques = pd.factorize(series)
    texts = pd.Index(uniques).astype(str).to_numpy(dtype=object)
    return np.append(texts, "")[codes].tolist()  # code -1 (an empty cell) takes the last


def _date_texts(series: pd.Series) -> list[str | None]:
    # A million rows hold a few hundred distinct dates: each is formatted once.
    codes, uniques = pd.factorize(pd.to_datetime(series))
    texts = [pd.Timestamp(u).date().isoformat() for u in uniques] + [None]  # -1: a missing date
    return np.array(texts, dtype=object)[codes].tolist()


def _remove_figures(
    connection: Connection, active: _Active, frame: pd.DataFrame, batch_id: str
) -> None:
    # As the batch format applies a removal: every active row with the figure's key and value.
    gone: list[int] = []
    for identity, value in zip(figure_identities(frame), frame["value"].astype(float), strict=True):
        held = active.figures.get(identity, [])
        gone += [fid for fid, v, _ in held if v == value]
        active.figures[identity] = [h for h in held if h[1] != value]
    set_removed(connection, t.figures, sorted(set(gone)), batch_id)


def _add_sources(
    connection: Connection, active: _Active, frame: pd.DataFrame, batch_id: str | None
) -> None:
    rows = []
    for row in source_records(frame):
        if row["source_id"] in active.sources:
            continue  # as the batch format applies sources: an id held already keeps its row
        active.sources[row["source_id"]] = active.next_source
        rows.append(row | {"id": active.next_source, "added_batch": batch_id})
        active.next_source += 1
    _insert(connection, t.sources, rows)


def _add_batch(connection: Connection, active: _Active, batch: Batch) -> None:
    row = batch_row(batch.id, batch.seq, batch.record, len(batch.added), len(batch.removed))
    connection.execute(sa.insert(t.batches), [row])
    _remove_figures(connection, active, batch.removed, batch.id)
    _add_figures(connection, active, batch.added, batch.id)
    gone = [
        active.sources.pop(i) for i in batch.removed_sources["source_id"] if i in active.sources
    ]
    set_removed(connection, t.sources, gone, batch.id)
    _add_sources(connection, active, batch.sources, batch.id)
    _apply_wording(connection, active, batch)


def _apply_wording(connection: Connection, active: _Active, batch: Batch) -> None:
    # As etl.store.batches.wordings_of reads the batch records, so the same wordings are active.
    kind, record = batch.record.get("kind"), batch.record
    if kind == "wording":
        _add_wording(connection, active, batch.id, str(record["series"]), str(record["wording"]))
    elif kind == "undo":
        target = str(record.get("undoes", ""))
        if target in active.wordings:
            set_removed(connection, t.wordings, [active.wordings.pop(target)], batch.id)
            wording = connection.execute(
                sa.select(t.wordings.c.series, t.wordings.c.wording).where(
                    t.wordings.c.batch_id == target
                )
            ).first()
            assert wording is not None
            active.undone_wordings[batch.id] = (target, str(wording[0]), str(wording[1]))
        elif target in active.undone_wordings:
            wording_id, series, text = active.undone_wordings.pop(target)
            _add_wording(connection, active, wording_id, series, text)


def _add_wording(
    connection: Connection, active: _Active, batch_id: str, series: str, wording: str
) -> None:
    row = {"id": active.next_wording, "batch_id": batch_id, "series": series, "wording": wording}
    connection.execute(sa.insert(t.wordings), [row])
    active.wordings[batch_id] = active.next_wording
    active.next_wording += 1


def _mark_undone(connection: Connection, batches: list[Batch]) -> None:
    records = [(b.id, b.record) for b in batches]
    undone = undone_ids(records)
    undoer = {str(r["undoes"]): i for i, r in sorted(records) if r.get("undoes")}
    for batch_id in sorted(undone):
        connection.execute(
            sa.update(t.batches)
            .where(t.batches.c.id == batch_id)
            .values(status="undone", undone_by=undoer.get(batch_id))
        )


def _advance_sequences(connection: Connection) -> None:
    # Ids were given explicitly (to keep the table's order); PostgreSQL's sequences must follow.
    if connection.dialect.name != "postgresql":
        return
    for table in (t.figures, t.sources, t.wordings, t.events, t.audit):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )
