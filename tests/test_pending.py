"""etl/store/pending.py: with approval on, uploads wait for a second analyst (the kill test of
approve is with the other crash tests in test_store.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from uploads_support import csv_bytes, new_layout

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store import batches as bt
from etl.store.auth import ANALYST, Actor
from etl.store.commands import merge_upload, undo_batch, validate_upload
from etl.store.history import history_frame
from etl.store.pending import approve, list_pending, reject
from etl.store.table import load_table

WANG = Actor("王芳", ANALYST)
LI = Actor("li.lei", ANALYST)


@pytest.fixture(autouse=True)
def _no_default_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "default-data-dir"))


def approval_layout(root: Path) -> Layout:
    layout = new_layout(root)
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    return layout


def submit(layout: Layout, data: bytes, who: Actor = WANG) -> str:
    upload, _ = validate_upload(layout, data, "rows.csv")
    result = merge_upload(layout, upload, who)
    assert result.batch_id is None and result.pending_id
    return result.pending_id


def table_hash(layout: Layout) -> str:
    return bt.table_hash(load_table(layout).observations)


def test_a_pending_upload_changes_nothing_readers_see_until_another_analyst_approves(
    tmp_path: Path,
) -> None:
    layout = approval_layout(tmp_path / "data")
    before = table_hash(layout)
    pending = submit(layout, csv_bytes(12))
    assert table_hash(layout) == before
    assert [p.id for p in list_pending(layout)] == [pending]
    with pytest.raises(CorridorError, match="another analyst"):
        approve(layout, WANG, pending)
    assert table_hash(layout) == before
    result = approve(layout, LI, pending)
    assert result.batch_id is not None and len(load_table(layout).observations) == 12
    record = dict(bt.read_batch_records(layout))[result.batch_id]
    assert (record["who"], record["approved_by"], record["pending_id"]) == (
        "王芳",
        "li.lei",
        pending,
    )
    assert not list_pending(layout)
    with pytest.raises(CorridorError, match="already approved"):
        approve(layout, LI, pending)
    undo_batch(layout, LI, result.batch_id, "undo works as before")
    assert table_hash(layout) == before


def test_a_rejected_upload_is_never_applied_and_history_says_so(tmp_path: Path) -> None:
    layout = approval_layout(tmp_path / "data")
    before = table_hash(layout)
    pending = submit(layout, csv_bytes(5))
    reject(layout, LI, pending, "来源不对")
    assert table_hash(layout) == before and not list_pending(layout)
    with pytest.raises(CorridorError):
        approve(layout, LI, pending)
    frame = history_frame(layout, "zh")
    row = frame[frame["批次"] == pending].iloc[0]
    assert (row["状态"], row["提交人"], row["说明"]) == ("已驳回", "王芳", "来源不对")
