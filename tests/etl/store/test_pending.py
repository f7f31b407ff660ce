"""etl/store/pending.py: with approval on, uploads, articles, corrections, retractions and wordings
wait for a second analyst (the kill tests of approve are with the other crash tests in
test_store.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from uploads_support import csv_bytes, new_layout, with_rows
from uploads_support import table_hash as rows_hash

from corridor.cli import main
from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.actors import ANALYST, Actor
from etl.store.commands import (
    accept_article,
    add_wording,
    correct_figure,
    merge_upload,
    retract_figure,
    undo_batch,
    validate_upload,
)
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.history import batch_records, history_frame
from etl.store.pending import approve, list_pending, pending_frame, reject
from etl.store.table import load_table
from etl.uploads.articles import propose_article

# Uploads and articles read here as the limited child reads them (conftest.read_in_this_process):
# these tests check what the store does with them; tests/etl/store/test_ingest.py and
# test_store.py read through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

SERIES_HEADER = "metric,value,unit,period_start,period_end,scope,series,source_id,quote"
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
    return rows_hash(load_table(layout).observations)


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
    record = dict(batch_records(layout))[result.batch_id]
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


ARTICLE = (
    "title: 审批测试文章\npublisher: 测试社\npublished: 2025-04-10\n---\n"
    "今年一季度，西部陆海新通道铁海联运班列累计发送集装箱15.2万标箱，同比增长12.5%。\n"
)


def submit_article(layout: Layout, who: Actor = WANG, source_id: str = "art-1") -> str:
    proposal = propose_article(ARTICLE.encode("utf-8"), "new.txt")
    result = accept_article(layout, who, proposal, proposal.rows, source_id=source_id)
    assert result.batch_id is None and result.pending_id
    return result.pending_id


def received(layout: Layout) -> dict[str, bytes]:
    f = t.received_files
    with store_engine(layout).connect() as connection:
        return {n: bytes(c) for n, c in connection.execute(sa.select(f.c.name, f.c.content))}


def batches_digest(layout: Layout) -> list[tuple[str, dict[str, object]]]:
    return batch_records(layout)


def readers_view(layout: Layout) -> tuple[str, list[str]]:
    table = load_table(layout)
    return rows_hash(table.observations), sorted(table.sources["source_id"])


def test_an_article_import_waits_for_a_second_analyst_with_its_source_and_sidecar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = approval_layout(tmp_path / "data")
    before = readers_view(layout)
    proposal = propose_article(ARTICLE.encode("utf-8"), "new.txt")
    pending = submit_article(layout)
    assert readers_view(layout) == before, "a manager sees neither the rows nor the source"
    assert f"uploads/{proposal.sha256}.source.json" not in received(layout)
    [item] = list_pending(layout)
    assert (item.id, item.kind, item.record["title"]) == (pending, "article", "审批测试文章")
    assert item.record["source_ids"] == ["art-1"]
    assert "152000" in pending_frame(layout, item).to_string()
    assert main(["pending", "--data-dir", str(layout.root), "--rows"]) == 0
    listed = capsys.readouterr().out
    assert pending in listed and "article" in listed and "审批测试文章" in listed
    assert "王芳" in listed and "152000" in listed
    with pytest.raises(CorridorError, match="another analyst"):
        approve(layout, WANG, pending)
    assert readers_view(layout) == before

    result = approve(layout, LI, pending)
    assert result.batch_id is not None
    table = load_table(layout)
    assert 152000.0 in table.observations["value"].tolist()
    assert list(table.sources["source_id"]).count("art-1") == 1
    source = table.sources.set_index("source_id").loc["art-1"]
    assert source["kind"] == "article" and source["added_by"] == "王芳"
    sidecar = json.loads(received(layout)[f"uploads/{proposal.sha256}.source.json"])
    assert sidecar["source_id"] == "art-1" and sidecar["received_by"] == "王芳"
    record = dict(batch_records(layout))[result.batch_id]
    assert (record["kind"], record["who"], record["approved_by"]) == ("article", "王芳", "li.lei")
    assert record["sources_added"] == ["art-1"] and record["pending_id"] == pending

    assert main(["history", "--data-dir", str(layout.root), "--lang", "en"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if result.batch_id in x)
    assert "article" in line and "王芳" in line and "li.lei" in line and "approved" in line
    undo_batch(layout, LI, result.batch_id, "undo works on an approved article")
    assert readers_view(layout) == before


def test_a_rejected_article_leaves_nothing_readers_or_batches_see(tmp_path: Path) -> None:
    layout = approval_layout(tmp_path / "data")
    before, batch_tree = readers_view(layout), batches_digest(layout)
    pending = submit_article(layout)
    reject(layout, LI, pending, "标题不对")
    assert readers_view(layout) == before and batches_digest(layout) == batch_tree
    assert not list_pending(layout)
    with pytest.raises(CorridorError, match="already rejected"):
        approve(layout, LI, pending)
    frame = history_frame(layout, "en")
    row = frame[frame["Batch"] == pending].iloc[0]
    assert (row["Kind"], row["Status"], row["By"]) == ("article", "rejected", "王芳")


PICK: dict[str, str | None] = {
    "metric": "teu",
    "scope": "重庆西部陆海新通道铁海联运班列a0",
    "period_end": "2000-01-28",
}


def ingest_directly(layout: Layout, data: bytes) -> None:
    """Merge rows with approval off (the set-up before approval is turned on)."""
    layout.settings.write_text("require_approval = false\n", encoding="utf-8")
    upload, _ = validate_upload(layout, data, "rows.csv")
    merge_upload(layout, upload, WANG)
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")


def values(layout: Layout) -> list[float]:
    return sorted(load_table(layout).observations["value"].tolist())


def test_a_correction_waits_for_a_second_analyst_and_is_recorded_as_the_submitters(
    tmp_path: Path,
) -> None:
    layout = approval_layout(tmp_path / "data")
    ingest_directly(layout, csv_bytes(2))
    before = readers_view(layout)
    done = correct_figure(layout, WANG, PICK, 1234.0, "源文件笔误")
    assert done.batch_id is None and done.pending_id
    assert readers_view(layout) == before and values(layout) == [1000.0, 1001.0]
    [item] = list_pending(layout)
    assert item.kind == "correction" and item.record["reason"] == "源文件笔误"
    shown = pending_frame(layout, item)
    assert list(shown["status"]) == ["remove 删除", "add 新增"]
    assert list(shown["value"]) == [1000.0, 1234.0]
    with pytest.raises(CorridorError, match="another analyst"):
        approve(layout, WANG, done.pending_id)
    result = approve(layout, LI, done.pending_id)
    assert values(layout) == [1001.0, 1234.0]
    assert result.batch_id is not None
    record = dict(batch_records(layout))[result.batch_id]
    assert (record["kind"], record["who"], record["approved_by"]) == (
        "correction",
        "王芳",
        "li.lei",
    )
    assert record["reason"] == "源文件笔误" and record["replaced"][0]["new_value"] == 1234.0
    undo_batch(layout, WANG, result.batch_id, "undo stays direct")
    assert readers_view(layout) == before


def test_a_retraction_rejected_leaves_nothing_and_one_approved_removes_the_figure(
    tmp_path: Path,
) -> None:
    layout = approval_layout(tmp_path / "data")
    ingest_directly(layout, csv_bytes(2))
    before, batch_tree = readers_view(layout), batches_digest(layout)
    first = retract_figure(layout, WANG, PICK, "重复报道").pending_id
    assert first and readers_view(layout) == before
    reject(layout, LI, first, "并不重复")
    assert readers_view(layout) == before and batches_digest(layout) == batch_tree
    second = retract_figure(layout, WANG, PICK, "重复报道").pending_id
    assert second
    approve(layout, LI, second)
    assert values(layout) == [1001.0]


def test_approving_a_correction_after_the_figure_changed_is_refused(tmp_path: Path) -> None:
    layout = approval_layout(tmp_path / "data")
    ingest_directly(layout, csv_bytes(2))
    stale = correct_figure(layout, WANG, PICK, 1234.0, "笔误").pending_id
    other = correct_figure(layout, LI, PICK, 999.0, "另一处笔误").pending_id
    assert stale and other
    approve(layout, WANG, other)  # the figure is now 999
    held = readers_view(layout)
    with pytest.raises(CorridorError) as info:
        approve(layout, LI, stale)
    text = info.value.render()
    assert "the figure changed since the request" in text and "已被修改" in text
    assert readers_view(layout) == held and values(layout) == [999.0, 1001.0]
    assert [p.id for p in list_pending(layout)] == [stale], "refused, it is still pending"
    reject(layout, LI, stale, "已过时")
    assert not list_pending(layout)


def test_a_wording_moves_figures_onto_a_line_only_once_approved(tmp_path: Path) -> None:
    layout = approval_layout(tmp_path / "data")
    row = "teu,100,TEU,2024-01-01,2024-12-31,该集团,,test-src,note"
    ingest_directly(layout, with_rows(row, header=SERIES_HEADER))

    def series_of_row() -> str:
        obs = load_table(layout).observations
        return str(obs.loc[obs["scope"] == "该集团", "series"].iloc[0])

    before = readers_view(layout)
    assert series_of_row() == ""
    done = add_wording(layout, WANG, "beibu_gulf_port_teu", "该集团")
    assert done.pending_id and readers_view(layout) == before
    assert series_of_row() == "", "pending, the figure stays off the series' line"
    assert [p.kind for p in list_pending(layout)] == ["wording"]
    with pytest.raises(CorridorError, match="another analyst"):
        approve(layout, WANG, done.pending_id)
    result = approve(layout, LI, done.pending_id)
    assert result.batch_id is not None and series_of_row() == "beibu_gulf_port_teu"
    record = dict(batch_records(layout))[result.batch_id]
    assert (record["kind"], record["who"], record["approved_by"]) == ("wording", "王芳", "li.lei")
    assert record["rows_joined"] == 1


def test_a_submitted_upload_reuses_the_preview_read_when_the_store_stood_still(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = approval_layout(tmp_path / "data")
    upload, preview = validate_upload(layout, csv_bytes(4), "rows.csv")

    def no_second_read(*_args: object) -> None:
        raise AssertionError("the submission read the figures again")

    with monkeypatch.context() as patched:
        patched.setattr("etl.store.db.operations.preview_against", no_second_read)
        result = merge_upload(layout, upload, WANG, preview=preview)
    assert result.pending_id and len(result.preview.new) == 4
    assert [p.id for p in list_pending(layout)] == [result.pending_id]
