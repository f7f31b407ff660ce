"""Loading many rows at once inside the caller's transaction: COPY on PostgreSQL, one prepared
`executemany` on SQLite, and a table's secondary indexes built once after the load.

SQLAlchemy's `insert()` builds a parameter dict per row, which costs more than the database's
own work at a million rows; these functions hand the driver plain tuples instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

# Rows a driver call gets at once: bounds the memory of the tuples in flight, nothing else.
BATCH = 50_000


def insert_rows(
    connection: Connection, table: sa.Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert the rows (tuples of the named columns' values) in the connection's transaction.

    Values go to the driver as they are: text, float, int, None, and dates as 'YYYY-MM-DD' text
    (PostgreSQL's COPY reads it as a date; SQLAlchemy's Date stores that text on SQLite).
    """
    if not rows:
        return
    driver = connection.connection.driver_connection
    columns = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        statement = f"COPY {table.name} ({columns}) FROM STDIN"
    else:
        marks = ", ".join("?" for _ in names)
        statement = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
    dbapi = connection.dialect.loaded_dbapi
    try:
        if postgresql:
            _copy(driver, statement, rows)
        else:
            _execute_many(driver, statement, rows)
    except dbapi.Error as exc:
        # The error SQLAlchemy's own execute would raise (IntegrityError for a duplicate, …).
        raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def _copy(driver: Any, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _execute_many(driver: Any, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
    cursor = driver.cursor()
    try:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(statement, rows[start : start + BATCH])
    finally:
        cursor.close()


@contextlib.contextmanager
def indexes_after(connection: Connection, table: sa.Table) -> Iterator[None]:
    """Drop the table's secondary indexes, let the caller load it, then create them again.

    One sorted build per index instead of a B-tree insert per row; inside the transaction, so a
    failed load leaves the indexes as they were. The indexes are the ones `tables.py` declares
    (the migrations create the same), so a unique index still checks every loaded row.
    """
    indexes = sorted(table.indexes, key=lambda i: str(i.name))
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)
