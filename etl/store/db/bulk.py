"""Loading many rows at once inside the caller's transaction: COPY of CSV written by Arrow on
PostgreSQL, one prepared `executemany` on SQLite, and a table's secondary indexes built once
after the load.

SQLAlchemy's `insert()` builds a parameter dict per row, which costs more than the database's
own work at a million rows; these functions hand the driver columns or plain tuples instead.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy import Connection

# Rows a driver call gets at once: bounds the memory of the tuples in flight, nothing else.
BATCH = 50_000
# PostgreSQL's memory for building one index, for this transaction only: the default 64 MB sorts
# a million figures' identity index on disk; 256 MB sorts ~3M of them in memory, and is given
# back when the index is built.
INDEX_BUILD_MEMORY = "256MB"


def insert_columns(
    connection: Connection, table: sa.Table, names: Sequence[str], columns: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given column by column (the named columns' values) in the connection's
    transaction.

    Values are text, float, int, bool or None, and dates as 'YYYY-MM-DD' text (PostgreSQL reads
    it as a date; SQLAlchemy's Date stores that text on SQLite).
    """
    if not columns or not len(columns[0]):
        return
    driver = connection.connection.driver_connection
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        statement = f"COPY {table.name} ({quoted}) FROM STDIN WITH (FORMAT csv)"
    else:
        marks = ", ".join("?" for _ in names)
        statement = f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})"
    dbapi = connection.dialect.loaded_dbapi
    try:
        if postgresql:
            _copy_csv(driver, statement, _arrow_table(table, names, columns))
        else:
            _execute_many(driver, statement, list(zip(*columns, strict=True)))
    except dbapi.Error as exc:
        # The error SQLAlchemy's own execute would raise (IntegrityError for a duplicate, …).
        raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def _arrow_table(
    table: sa.Table, names: Sequence[str], columns: Sequence[Sequence[Any]]
) -> pa.Table:
    def arrow_type(name: str) -> pa.DataType:
        kind = table.c[name].type
        if isinstance(kind, sa.Boolean):
            return pa.bool_()
        if isinstance(kind, sa.Integer):
            return pa.int64()
        if isinstance(kind, sa.Float):
            return pa.float64()
        return pa.string()  # text, and dates as ISO text

    return pa.table(
        {n: pa.array(c, type=arrow_type(n)) for n, c in zip(names, columns, strict=True)}
    )


def _copy_csv(driver: Any, statement: str, rows: pa.Table) -> None:
    # CSV written by Arrow's C++ writer: every text quoted ("" is an empty text), a missing value
    # unquoted and empty (NULL to COPY), floats in their shortest form that reads back exactly.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, rows.num_rows, BATCH):
            sink = io.BytesIO()
            pa_csv.write_csv(rows.slice(start, BATCH), sink, options)
            copy.write(sink.getvalue())


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
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    for index in indexes:
        index.create(connection)
