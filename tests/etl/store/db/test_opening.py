"""Opening the store (etl.store.db.opening): the first start builds the database from the data
directory, once, even when two processes start at the same moment; later starts keep it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.contract.events import event_records
from etl.contract.paths import REPO_ROOT, Layout
from etl.contract.series import fill_series
from etl.store.db import tables as t
from etl.store.db.engine import DATABASE_ENV, create_store_engine
from etl.store.db.opening import forget_engines, open_store
from etl.store.db.reading import export_csv
from etl.store.pending import list_pending
from etl.store.table import load_built, load_events, load_table, render_export

# Each process waits for the same moment, then opens the store.
OPENER = """
import sys, time
from pathlib import Path
from etl.contract.paths import Layout
from etl.store.db.opening import store_engine
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
store_engine(Layout(Path(sys.argv[1])))
print("opened")
"""


def _shipped(root: Path) -> Layout:
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    return Layout(root)


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_first_start_builds_the_shipped_tables_and_a_second_keeps_them(
    db_url: str, tmp_path: Path
) -> None:
    layout = _shipped(tmp_path / "data")
    engine = create_store_engine(db_url)
    try:
        assert open_store(engine, layout) is not None
        observations, _sources = load_built(layout)
        assert export_csv(engine) == render_export(fill_series(observations))
        figures = _count(engine, t.figures)
        assert open_store(engine, layout) is None, "a built database is kept"
        assert _count(engine, t.figures) == figures == len(observations)
    finally:
        engine.dispose()


def test_the_events_are_read_from_the_database_by_every_server(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built from the first server's tidy/events.csv; a second server with an empty data
    # directory on the same database reads the same milestones.
    monkeypatch.setenv(DATABASE_ENV, db_url)
    first = _shipped(tmp_path / "one")
    table = load_table(first)
    shipped = event_records(pd.read_csv(first.events_csv, dtype=str), table.sources)
    assert load_events(first, table.sources) == shipped and shipped
    first.events_csv.unlink()
    assert load_events(first, table.sources) == shipped, "read from the database, not the file"
    if db_url.startswith("postgresql"):
        second = Layout(tmp_path / "two")
        second.root.mkdir()
        assert load_events(second, table.sources) == shipped
    forget_engines()


def test_a_first_start_imports_an_earlier_versions_batches_and_pending_items(
    history_layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    waiting = list_pending(history_layout)  # the first use opens, and so builds, the store
    assert [p.status for p in waiting] == ["pending"]
    engine = create_store_engine(f"sqlite:///{history_layout.root / 'corridor.sqlite'}")
    try:
        assert _count(engine, t.batches) == 11
        assert _count(engine, t.pending) == 3
    finally:
        engine.dispose()


def test_two_processes_starting_at_once_build_the_database_once(
    db_url: str, tmp_path: Path
) -> None:
    layout = _shipped(tmp_path / "data")
    env = {**os.environ, DATABASE_ENV: db_url}
    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(layout.root), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode("utf-8", "replace")
        assert out.decode().strip() == "opened"
    engine = create_store_engine(db_url)
    try:
        assert _count(engine, t.figures) == len(load_built(layout)[0])
        assert _count(engine, t.data_version) == 1
    finally:
        engine.dispose()
