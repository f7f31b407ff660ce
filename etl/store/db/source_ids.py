"""The ids of the sources registered now: all an upload's check needs from the store before its
file goes to the limited child (pandas-free, so a command sends the file before importing more)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from etl.store.db import tables as t


def active_source_ids(connection: Connection) -> set[str]:
    """Return the ids of the sources registered now."""
    s = t.sources
    return set(
        connection.execute(sa.select(s.c.source_id).where(s.c.removed_batch.is_(None))).scalars()
    )
