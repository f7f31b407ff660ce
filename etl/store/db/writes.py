"""Writing to the database: a change as one batch in one transaction, figure identity enforced by
the database's index, so two writers can never both add the same figure."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from etl.contract.errors import CorridorError
from etl.store.db import tables as t
from etl.store.db.engine import writing
from etl.store.db.rows import figure_identities, figure_records

# PostgreSQL: writers take this transaction-level advisory lock before numbering a batch, so
# batch numbers follow commit order (SQLite's BEGIN IMMEDIATE already serialises writers).
BATCH_LOCK_KEY = 0x636F7272  # "corr"
IDENTITY_INDEX = "uq_figures_active_identity"
# A name or detail longer than this is cut: the trail records attempts, not payloads.
MAX_AUDIT_FIELD = 200


def _same_figure_refusal() -> CorridorError:
    return CorridorError.single(
        "另一位分析员刚刚添加了同一数据（同一指标、地区、线路、口径和期间）；本次没有写入任何内容，"
        "请刷新后重试",
        "another analyst has just added the same figure (same metric, region, route, scope and "
        "period); nothing was written: reload and try again",
        column="value",
    )


def _is_identity_clash(exc: IntegrityError) -> bool:
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:  # psycopg names the constraint
        return getattr(diag, "constraint_name", None) == IDENTITY_INDEX
    return "figures.identity, figures.report_no" in str(exc.orig)


def refuse_identity_clash(exc: IntegrityError) -> None:
    """Raise the bilingual refusal of a figure another writer added first when exc is the
    identity index's; return otherwise (the caller re-raises exc)."""
    if _is_identity_clash(exc):
        raise _same_figure_refusal() from None


def next_batch(connection: Connection) -> int:
    """Return the next batch number (the caller is in a write transaction)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(BATCH_LOCK_KEY)))
    last = connection.execute(sa.select(sa.func.max(t.batches.c.seq))).scalar()
    return int(last or 0) + 1


def add_batch(connection: Connection, kind: str, who: str, info: dict[str, Any]) -> str:
    """Record a new batch (its number, person, time and record); return its id."""
    seq = next_batch(connection)
    when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
    record = {"seq": seq, "kind": kind, "who": who, "when": when, **info}
    digest = hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    batch_id = f"{seq:06d}-{digest.hexdigest()[:8]}"
    connection.execute(
        sa.insert(t.batches),
        [
            {
                "id": batch_id,
                "seq": seq,
                "kind": kind,
                "person": who,
                "at": when,
                "reason": str(info.get("reason", "")),
                "file_name": str(info.get("file_name", "")),
                "file_sha256": str(info.get("file_sha256", "")),
                "rows_added": int(info.get("rows_added", 0)),
                "record": record,
            }
        ],
    )
    return batch_id


def add_figures(
    engine: Engine,
    rows: pd.DataFrame,
    who: str,
    *,
    kind: str = "upload",
    info: dict[str, Any] | None = None,
) -> str:
    """Add new figures as one batch in one transaction; return the batch id.

    Each row is the first active report of its figure: a figure another writer holds already,
    or adds at the same moment, is refused by the database's identity index, and nothing of the
    batch is written.
    """
    try:
        with writing(engine) as connection:
            batch_id = add_batch(connection, kind, who, {**(info or {}), "rows_added": len(rows)})
            records = figure_records(rows)
            for record, identity in zip(records, figure_identities(rows), strict=True):
                record |= {"identity": identity, "report_no": 0, "added_batch": batch_id}
            if records:
                connection.execute(sa.insert(t.figures), records)
            # In the same transaction: a change is recorded in the audit trail, or not made.
            record_audit(connection, "write", who, batch=batch_id, kind=kind, rows_added=len(rows))
            bump_version(connection)
    except IntegrityError as exc:
        refuse_identity_clash(exc)
        raise
    return batch_id


def bump_version(connection: Connection) -> None:
    """Raise the data version, so every server's next rerun sees the change."""
    connection.execute(sa.update(t.data_version).values(version=t.data_version.c.version + 1))


def _bounded(value: Any) -> Any:
    return value[:MAX_AUDIT_FIELD] if isinstance(value, str) else value


def record_audit(connection: Connection, event: str, who: str, **details: Any) -> None:
    """Append one event to the audit trail (the database refuses to change or delete it)."""
    when = pd.Timestamp.now(tz="UTC").isoformat(timespec="milliseconds")
    bounded = {k: _bounded(v) for k, v in details.items()}
    entry = {"at": when, "event": event, "person": _bounded(who), "details": bounded}
    try:
        connection.execute(sa.insert(t.audit), [entry])
    except SQLAlchemyError as exc:  # the caller's transaction rolls back: nothing changes
        raise unrecordable(exc) from None


def unrecordable(exc: Exception) -> CorridorError:
    """Return the refusal of something the audit trail could not record."""
    reason = type(exc).__name__
    return CorridorError.single(
        f"无法写入审计记录（{reason}），操作已拒绝，数据没有改动",
        f"the audit trail cannot be written ({reason}): refused, nothing was changed",
    )
