"""Helpers shared by the upload tests: files of valid rows and fingerprints of a data directory."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from etl.contract.paths import Layout
from etl.store.actors import ANALYST, Actor
from etl.store.commands import add_source
from etl.store.db.engine import DATABASE_ENV, DATABASE_FILE
from etl.store.db.opening import forget_engines

HEADER = "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote"
SOURCE = "test-src"
ANALYST_ACTOR = Actor("tester@test", ANALYST)
# The account the command-line tests act as (conftest.cli_account): the first (admin) analyst,
# to which the OS user running the tests is mapped, as an admin would set it up.
CLI_ACCOUNT = "tester"
CLI_PASSWORD = "tester password 2025"


def csv_line(
    i: int, tag: str = "a", value: str | None = None, source: str = SOURCE, **cells: str
) -> str:
    """Return one valid upload row; i picks a distinct figure (scope and period)."""
    year = 2000 + i % 25
    month = 1 + (i // 25) % 12
    row = {
        "metric": "teu",
        "value": value if value is not None else f"{1000 + i}",
        "unit": "TEU",
        "period_start": f"{year}-{month:02d}-01",
        "period_end": f"{year}-{month:02d}-28",
        "scope": f"重庆西部陆海新通道铁海联运班列{tag}{i // 300}",
        "yoy_pct": f"{i % 40}.5",
        "source_id": source,
        "quote": f"note {tag} {i}",
    }
    row.update(cells)
    return ",".join(row[c] for c in HEADER.split(","))


def csv_bytes(n: int, tag: str = "a", start: int = 0, header: str = HEADER) -> bytes:
    """Return a valid upload of n distinct rows."""
    lines = [header] + [csv_line(i, tag) for i in range(start, start + n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def with_rows(*rows: str, header: str = HEADER) -> bytes:
    """Return an upload of the given row lines under the header."""
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def new_layout(root: Path, *sources: str) -> Layout:
    """Return a data directory with the test source (and any others) registered."""
    layout = Layout(root)
    for source in (SOURCE, *sources):
        add_source(
            layout,
            ANALYST_ACTOR,
            source_id=source,
            title=f"测试来源 {source}",
            publisher="测试 Test",
            published=date(2025, 1, 1),
        )
    return layout


def tree_digest(root: Path, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """Return every file and folder under root with its content hash, the store's database as
    the digest of what it holds (store_digest) rather than of its pages."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.name in ignore or path.name.startswith(DATABASE_FILE):
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    if (root / DATABASE_FILE).exists():
        out[DATABASE_FILE] = store_digest(Layout(root))
    return out


def store_digest(layout: Layout) -> str:
    """Return a digest of everything the store's database holds, table by table, row by row."""
    import sqlalchemy as sa

    from etl.store.db import tables as t
    from etl.store.db.opening import store_engine

    digest = hashlib.sha256()
    with store_engine(layout).connect() as connection:
        for table in t.metadata.sorted_tables:
            rows = connection.execute(sa.select(table)).all()
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(f"{table.name}|{row}\n".encode())
    return digest.hexdigest()


def table_hash(frame: object) -> str:
    """Return a digest of a table's rows as contract CSV records, whatever their order."""
    from etl.store.records import render_records

    records = sorted(render_records(frame).tolist())  # type: ignore[arg-type]
    return hashlib.sha256("".join(records).encode("utf-8")).hexdigest()


def xlsx_bytes(rows: list[list[object]], sheets: int = 1) -> bytes:
    """Return an XLSX workbook holding rows on its first sheet (and empty extra sheets)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for i in range(1, sheets):
        workbook.create_sheet(f"Sheet{i + 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def engine_store(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Layout]:
    """A data directory with the test source, its database the engine's (db_url, pg_support)."""
    if db_url.startswith("postgresql"):
        monkeypatch.setenv(DATABASE_ENV, db_url)
    else:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
    yield new_layout(tmp_path / "data")
    forget_engines()  # PostgreSQL drops the database: no connection may stay open
