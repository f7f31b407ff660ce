"""Backing up the store's database: SQLite's online backup to one file; PostgreSQL: pg_dump."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import Engine

from etl.contract.errors import CorridorError
from etl.store.db.engine import is_sqlite


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy a SQLite store, consistent while servers keep writing, into a new file; return it."""
    if not is_sqlite(engine):
        raise CorridorError.single(
            "PostgreSQL 数据库请用 pg_dump 备份（见 docs/operations.md）",
            "back up a PostgreSQL database with pg_dump (see docs/operations.md)",
        )
    target = target.expanduser().resolve()
    if target.exists():
        raise CorridorError.single(
            "备份文件已存在，不会覆盖",
            "the backup file exists already; it is never overwritten",
            file=str(target),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    # The copy holds the accounts' password hashes: readable by its owner only.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            # The online backup API copies a consistent snapshot page by page; writers go on.
            source.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)  # a backup appears whole or not at all
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return target
