"""The audit trail's logins, failures, lockouts and logouts: each one small insert into the
database's append-only `audit` table, refused with a clear message when it cannot be written.

A change's own entry is written in the change's transaction (etl.store.db.writes.record_audit).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from etl.contract.paths import Layout
from etl.store.db.engine import WRITE_OPTION
from etl.store.db.opening import store_engine
from etl.store.db.writes import record_audit, unrecordable


def audit_ready(layout: Layout) -> None:
    """Refuse (CorridorError) unless the database that keeps the audit trail answers now."""
    try:
        with store_engine(layout).connect() as connection:
            connection.execute(sa.select(sa.literal(1)))
    except SQLAlchemyError as exc:
        raise unrecordable(exc) from None


def audit(layout: Layout, event: str, who: str, **details: Any) -> None:
    """Append one event to the audit trail in its own transaction; refuse if it cannot."""
    try:
        # SQLite: the write lock at BEGIN, so the insert queues behind a writer, never fails
        # half-way; PostgreSQL: no store lock, so a login never waits for a long merge.
        with (
            store_engine(layout).connect() as connection,
            connection.execution_options(**{WRITE_OPTION: True}).begin(),
        ):
            record_audit(connection, event, who, **details)
    except SQLAlchemyError as exc:
        raise unrecordable(exc) from None
