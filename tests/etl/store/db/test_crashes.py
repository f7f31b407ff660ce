"""The store's commands on both engines as real `corridor` processes: two ingests at once both
land, and a process killed (SIGKILL) inside its transaction of an ingest, an approval or an undo
leaves the old record, never a part of the new one, and the change can be made again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from crash_support import PAUSE_S, TIMEOUT_S, killed_inside
from uploads_support import csv_bytes, new_layout, store_digest
from uploads_support import table_hash as rows_hash

from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.store import pending
from etl.store.actors import ANALYST, Actor
from etl.store.commands import merge_upload, validate_upload
from etl.store.db.changes import PAUSE_ENV
from etl.store.db.engine import DATABASE_ENV
from etl.store.history import batch_records
from etl.store.table import load_table
from etl.uploads.upload import worth_streaming
from etl.uploads.validating import parse_upload

WANG = Actor("王芳", ANALYST)
# This process's own uploads (the rows expected, the item and batch a command then changes) are
# read here as the limited child reads them (conftest.read_in_this_process); the `corridor`
# processes killed and run read theirs in their own children.
pytestmark = pytest.mark.usefixtures("read_in_this_process")


@pytest.fixture
def layout(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Layout:
    """A data directory whose store is the engine's database, the test source registered; the
    command line acts as the analyst 'tester'."""
    if db_url.startswith("postgresql"):
        monkeypatch.setenv(DATABASE_ENV, db_url)
    else:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
    (tmp_path / "data").mkdir()  # on PostgreSQL nothing else makes it
    request.getfixturevalue("cli_account")  # its account in the database just named
    return new_layout(tmp_path / "data")


def corridor(layout: Layout, *argv: str, pause: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(layout.root)}
    if pause:
        env[PAUSE_ENV] = PAUSE_S
    return subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finished(proc: subprocess.Popen[bytes]) -> None:
    _out, err = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == 0, err.decode("utf-8", "replace")


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_two_ingests_at_once_both_land(layout: Layout, tmp_path: Path) -> None:
    files = [write(tmp_path, f"part{i}.csv", csv_bytes(300, tag=f"p{i}-")) for i in range(2)]
    procs = [corridor(layout, "ingest", f, "--yes") for f in files]
    for proc in procs:
        finished(proc)
    table = load_table(layout)
    expected = pd.concat(
        [parse_upload(Path(f).read_bytes(), "x.csv", {"test-src"}).rows for f in files],
        ignore_index=True,
    )
    assert rows_hash(table.observations) == rows_hash(fill_series(expected))
    assert [r["kind"] for _, r in batch_records(layout)] == ["source", "upload", "upload"]


# A file read in one answer, and one streamed (etl.uploads.upload.worth_streaming: 2.2 MB).
INGEST_ROWS = {"one-answer": 2000, "streamed": 20_000}


@pytest.mark.parametrize("rows", INGEST_ROWS.values(), ids=INGEST_ROWS.keys())
def test_an_ingest_killed_inside_its_transaction_leaves_the_old_record(
    layout: Layout, tmp_path: Path, rows: int
) -> None:
    finished(corridor(layout, "ingest", write(tmp_path, "a.csv", csv_bytes(50)), "--yes"))
    before = store_digest(layout)
    data = csv_bytes(rows, tag="b")
    assert worth_streaming(data) == (rows == INGEST_ROWS["streamed"])
    upload = write(tmp_path, "b.csv", data)
    killed_inside(corridor(layout, "ingest", upload, "--yes", pause=True))
    assert store_digest(layout) == before, "no part of the killed ingest is kept"
    finished(corridor(layout, "ingest", upload, "--yes"))  # nothing left locked or half-held
    assert len(load_table(layout).observations) == 50 + rows


def test_an_approval_killed_inside_its_transaction_leaves_the_item_pending(
    layout: Layout,
) -> None:
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    upload, _ = validate_upload(layout, csv_bytes(500), "a.csv")
    pending_id = str(pending.submit_upload(layout, upload, WANG).pending_id)
    before = store_digest(layout)
    killed_inside(corridor(layout, "approve", pending_id, pause=True))
    assert store_digest(layout) == before
    assert [p.id for p in pending.list_pending(layout)] == [pending_id]
    finished(corridor(layout, "approve", pending_id))
    assert pending.list_pending(layout) == []
    assert len(load_table(layout).observations) == 500
    approved = [r for _, r in batch_records(layout) if r.get("pending_id") == pending_id]
    assert len(approved) == 1, "applied exactly once"


def test_an_undo_killed_inside_its_transaction_leaves_the_batch_in_effect(
    layout: Layout,
) -> None:
    upload, _ = validate_upload(layout, csv_bytes(500), "a.csv")
    batch_id = str(merge_upload(layout, upload, WANG).batch_id)
    before = store_digest(layout)
    killed_inside(corridor(layout, "undo", batch_id, "--reason", "wrong file", pause=True))
    assert store_digest(layout) == before
    finished(corridor(layout, "undo", batch_id, "--reason", "wrong file"))
    assert load_table(layout).observations.empty
