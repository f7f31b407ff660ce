"""Which database the store uses and how to connect: SQLite beside the data, or a URL's server.

`CORRIDOR_DATABASE_URL` (or `--database-url`) names a PostgreSQL server; without one the store
is `<data-dir>/corridor.sqlite`, in WAL mode so readers never wait for a writer.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from etl.contract.errors import CorridorError, LockedError

DATABASE_ENV = "CORRIDOR_DATABASE_URL"
DATABASE_FILE = "corridor.sqlite"
# A writer waits this long for another to commit: a merge of 200,000 rows takes seconds, so a
# longer wait means a stuck writer, and the caller gets a clear refusal instead of hanging.
BUSY_TIMEOUT_MS = 30_000
# Between tries of switching a new database to WAL while another process does the same (see
# _wal_mode): short against a merge, long against the other process' switch.
WAL_RETRY_S = 0.05
# Execution option asking SQLite for the write lock when the transaction begins: two writers
# then queue at BEGIN instead of both reading and one failing when it first writes.
WRITE_OPTION = "corridor_write"
# PostgreSQL: every write transaction takes this transaction-level advisory lock first, so writers
# queue as SQLite's BEGIN IMMEDIATE queues them, and what a change checked is what it changes.
# The same key as etl.store.db.writes.BATCH_LOCK_KEY (taken again there; the lock stacks).
WRITE_LOCK_KEY = 0x636F7272  # "corr"
# SQLite's page cache (KiB, as `PRAGMA cache_size=-N` takes it) while a write transaction runs:
# a merge inserts into the random-keyed identity indexes of a million-row table, and SQLite's
# default 2 MiB cache re-reads their pages from the file again and again. Allocated only as
# pages are read, and given back when the transaction ends.
WRITE_CACHE_KIB = 256 * 1024
READ_CACHE_KIB = 2_000  # SQLite's default


def resolve_database_url(option: str | None, data_dir: Path) -> str:
    """Return the database URL: the option, else $CORRIDOR_DATABASE_URL, else the data dir file."""
    text = (option or os.environ.get(DATABASE_ENV, "")).strip()
    if not text:
        return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise _bad_url(text) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        # psycopg 3 for PostgreSQL, whatever driver the URL names (or none).
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite" and url.database not in (None, "", ":memory:"):
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    raise _bad_url(text)


def _bad_url(text: str) -> CorridorError:
    try:
        shown = make_url(text).render_as_string()  # the password, if any, as ***
    except (ArgumentError, ValueError):
        shown = text.split("@")[-1]
    return CorridorError.single(
        "数据库地址无效：须为 postgresql://… 或 sqlite:///文件路径",
        "invalid database URL: use postgresql://… or sqlite:///path/to/file",
        value=shown,
    )


def is_sqlite(engine: Engine) -> bool:
    """Return whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def create_store_engine(url: str) -> Engine:
    """Return an engine for the store's URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    path = make_url(url).database
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The database holds the accounts' password hashes: readable by its owner only (SQLite
        # gives its -wal and -shm files the database file's mode).
        if not Path(path).exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is switched off so BEGIN is ours (SQLAlchemy's
    # documented recipe): Python's sqlite3 would otherwise begin late and commit DDL implicitly.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _wal_mode(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: a committed change survives a power cut, as the batch folders' fsyncs did.
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _wal_mode(cursor: Any) -> None:
    """Switch the database to WAL, trying again within the busy timeout while it is locked."""
    # Switching takes an exclusive lock, and SQLite answers "database is locked" at once, without
    # its busy wait, to one of two processes opening a new database together (a lock it cannot
    # wait for without deadlock): the other's switch is over in milliseconds.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _cache_size(connection: Connection, kib: int) -> None:
    # On the driver's connection, outside any transaction (SQLAlchemy would begin one).
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA cache_size=-{kib}")
    finally:
        cursor.close()


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one write transaction, committed on success, rolled back on error.

    A writer that waits longer than the busy timeout for another is refused as locked.
    """
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**{WRITE_OPTION: True})
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _cache_size(connection, WRITE_CACHE_KIB)
            try:
                with connection.begin():
                    if not sqlite:
                        connection.exec_driver_sql(
                            f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
                        )
                    yield connection
            finally:
                if sqlite and not connection.invalidated:
                    _cache_size(connection, READ_CACHE_KIB)
    except OperationalError as exc:
        if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
            raise
        raise LockedError.single(
            "数据正被另一个写入占用，请稍后再试",
            "another change is being written to the data; try again shortly",
        ) from None
