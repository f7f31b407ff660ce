"""Opening the store: one engine per database URL per process, the schema brought up to date, and
on first start the database built from the data directory.

A data directory's database is `<data-dir>/corridor.sqlite` unless `$CORRIDOR_DATABASE_URL` names
another (etl.store.db.engine). When it holds no batches, figures or accounts it is built from what
the directory holds: the shipped `tidy/` tables and, when there are any, the batches, pending items,
accounts and audit log of the batch format (etl.store.db.importing), in one transaction. Two
processes starting at once build it once: SQLite queues them at BEGIN IMMEDIATE, PostgreSQL at
an advisory lock, and the second finds the database built. An accounts file of earlier versions
that appears later is loaded at the next start if the database never had accounts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Engine

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.db import tables as t
from etl.store.db.engine import create_store_engine, resolve_database_url
from etl.store.db.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from etl.store.db.importing import Imported

# PostgreSQL: the lock a first start holds while it builds the database from the data directory.
BUILD_LOCK_KEY = 0x6275696C  # "buil"
# Where Alembic records the revision a database stands at (its default name, which env.py keeps).
VERSION_TABLE = sa.table("alembic_version", sa.column("version_num"))

_engines: dict[str, Engine] = {}
_ready: set[str] = set()
_guard = threading.Lock()


def close_engines() -> None:
    """Close every opened engine's pooled connections (SQLite checkpoints its log as the last
    connection to a database closes, as it would at the interpreter's exit)."""
    with _guard:
        for engine in _engines.values():
            engine.dispose()


def store_engine(layout: Layout, url: str | None = None) -> Engine:
    """Return the engine of the data directory's database, opened (and built) once per process."""
    resolved = resolve_database_url(url, layout.root)
    with _guard:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _engines[resolved] = create_store_engine(resolved)
        if resolved not in _ready:
            open_store(engine, layout)
            _ready.add(resolved)
    return engine


def forget_engines() -> None:
    """Close every cached engine (tests; a process that forked)."""
    with _guard:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _ready.clear()


def _after_fork() -> None:
    # A forked child must not use its parent's connections: it opens its own (SQLAlchemy's
    # recipe, dispose(close=False), leaves the parent's untouched).
    for engine in _engines.values():
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def at_head(engine: Engine) -> bool:
    """Return whether the database stands at the newest shipped revision, read without Alembic."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(VERSION_TABLE.name):
            return False
        stored = connection.execute(sa.select(VERSION_TABLE.c.version_num)).scalars()
        return list(stored) == [HEAD_REVISION]


def is_empty(engine: Engine) -> bool:
    """Return whether the database holds no batches, no figures and no accounts."""
    with engine.connect() as connection:
        for table in (t.batches, t.figures, t.accounts):
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                return False
    return True


@contextmanager
def _building(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield  # the import's own BEGIN IMMEDIATE queues a second process
        return
    with engine.connect() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_lock(BUILD_LOCK_KEY)))
        connection.commit()
        try:
            yield
        finally:
            connection.execute(sa.select(sa.func.pg_advisory_unlock(BUILD_LOCK_KEY)))
            connection.commit()


def open_store(engine: Engine, layout: Layout) -> Imported | None:
    """Bring the schema up to date; build an empty database from the data directory.

    Return what was imported, or None when the database held data already.
    """
    # Imported here: the batch format's reader uses the store's history, which opens the store.
    from etl.store.db.importing import import_accounts_file, import_batches

    # Read first, without the write lock: a start of an up-to-date store never waits for a writer,
    # nor imports Alembic (~0.3 s); only a new or older database is migrated.
    if not at_head(engine):
        from etl.store.db.migrate import upgrade

        upgrade(engine)
    if not is_empty(engine):
        import_accounts_file(engine, layout)
        return None
    with _building(engine):
        if not is_empty(engine):
            return None
        try:
            return import_batches(engine, layout)
        except CorridorError:
            if is_empty(engine):
                raise
            return None  # another process built it first (SQLite: its import committed first)
