"""etl/store/db/streaming.py on both engines, in parts of 100 rows: the parts merge as one batch
holding what the whole-file merge holds; a repeat across two parts, a bad row in the last part
and a contradiction in a later part are refused exactly as the whole-file check and merge refuse
them, with nothing stored and no batch number used; a child killed after its first part leaves
nothing either."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from uploads_support import SOURCE, csv_bytes, csv_line, new_layout, store_digest, with_rows
from uploads_support import table_hash as rows_hash

from etl.contract.errors import ContradictionError, CorridorError
from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.store.actors import ANALYST, Actor
from etl.store.commands import ingest_upload
from etl.store.db import streaming
from etl.store.db.engine import DATABASE_ENV
from etl.store.history import batch_records
from etl.store.outcomes import MergeResult
from etl.store.preview import Preview
from etl.store.table import load_table
from etl.uploads import sandbox
from etl.uploads import upload as upload_module
from etl.uploads.reading import DEFAULT_MAX_UNPACKED_BYTES
from etl.uploads.validating import parse_upload

# Parts streamed here as the limited child streams them (conftest.read_in_this_process), in the
# same order and with the same refusals; the whole file's merge and the killed child still stream
# from a real child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")
THROUGH_THE_CHILD = {
    "test_the_parts_merge_as_one_batch_holding_the_whole_files_rows[sqlite]",
    "test_the_parts_merge_as_one_batch_holding_the_whole_files_rows[postgresql]",
    "test_a_child_killed_after_its_first_part_leaves_nothing[sqlite]",
    "test_a_child_killed_after_its_first_part_leaves_nothing[postgresql]",
}

WANG = Actor("王芳", ANALYST)
PART = 100


@pytest.fixture
def layout(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """A data directory whose store is the engine's database, the test source registered; the
    child sends parts of PART rows."""
    if db_url.startswith("postgresql"):
        monkeypatch.setenv(DATABASE_ENV, db_url)
    else:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
    monkeypatch.setattr(upload_module, "PART_ROWS", PART)
    (tmp_path / "data").mkdir()
    return new_layout(tmp_path / "data")


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The row count of each part the merge took, in order."""
    taken: list[int] = []
    add = streaming._Batch.add

    def counted(self: streaming._Batch, rows: Any) -> None:
        taken.append(len(rows))
        add(self, rows)

    monkeypatch.setattr(streaming._Batch, "add", counted)
    return taken


def ingest(layout: Layout, data: bytes) -> tuple[MergeResult | None, list[Preview]]:
    shown: list[Preview] = []
    return ingest_upload(layout, WANG, data, "u.csv", shown.append), shown


def refusal(action: Callable[[], object]) -> list[Any]:
    with pytest.raises(CorridorError) as info:
        action()
    return list(info.value.problems)


def test_the_parts_merge_as_one_batch_holding_the_whole_files_rows(
    layout: Layout, parts: list[int]
) -> None:
    data = csv_bytes(350)
    result, shown = ingest(layout, data)
    assert parts == [100, 100, 100, 50]
    assert result is not None and result.batch_id is not None
    (preview,) = shown
    assert len(preview.new) == 350 and list(preview.new.index) == list(range(350))
    expected = parse_upload(data, "u.csv", {SOURCE}).rows
    assert rows_hash(load_table(layout).observations) == rows_hash(fill_series(expected))
    batch_id, record = batch_records(layout)[-1]
    assert batch_id == result.batch_id
    assert record["rows_added"] == 350 and record["rows_removed"] == 0
    assert record["kind"] == "upload" and record["file_name"] == "u.csv"
    assert record["stored_as"].startswith("uploads/") and record["replaced"] == []


def test_a_repeat_across_two_parts_is_refused_as_the_whole_file_check_refuses_it(
    layout: Layout,
) -> None:
    data = with_rows(*[csv_line(i) for i in range(250)], csv_line(30), csv_line(140))
    before, batches = store_digest(layout), batch_records(layout)
    streamed = refusal(lambda: ingest(layout, data))
    whole = refusal(lambda: parse_upload(data, "u.csv", {SOURCE}))
    assert streamed == whole and [p.row for p in streamed] == [252, 253]
    assert store_digest(layout) == before and batch_records(layout) == batches


def test_a_bad_row_in_the_last_part_is_refused_whole_and_nothing_is_stored(
    layout: Layout, parts: list[int]
) -> None:
    rows = [csv_line(i) for i in range(330)]
    rows[3] = csv_line(3, source="nobody-knows")  # in the first part, checked file-wide
    rows[-1] = csv_line(329, value="12 万 TEU")
    data = with_rows(*rows)
    before = store_digest(layout)
    streamed = refusal(lambda: ingest(layout, data))
    assert streamed == refusal(lambda: parse_upload(data, "u.csv", {SOURCE}))
    assert {p.row for p in streamed} >= {5, 331}
    assert store_digest(layout) == before
    # The next merge takes the next batch number: the refused one used none.
    result, _ = ingest(layout, csv_bytes(120))
    assert result is not None and result.batch_id == batch_records(layout)[-1][0]
    assert [int(i[:6]) for i, _ in batch_records(layout)] == [1, 2]


def test_a_refusal_found_only_in_the_last_part_comes_after_parts_went_in(
    layout: Layout, parts: list[int]
) -> None:
    rows = [csv_line(i) for i in range(330)]
    rows[-1] = csv_line(329, source="nobody-knows")  # checked part by part (check_sources)
    data = with_rows(*rows)
    before = store_digest(layout)
    streamed = refusal(lambda: ingest(layout, data))
    assert parts == [100, 100, 100], "the first parts were inserted, then rolled back"
    assert [(p.row, p.column) for p in streamed] == [(331, "source_id")]
    assert streamed == refusal(lambda: parse_upload(data, "u.csv", {SOURCE}))
    assert store_digest(layout) == before


def test_rows_all_held_change_nothing_and_use_no_batch(layout: Layout) -> None:
    ingest(layout, csv_bytes(250))
    before = store_digest(layout)
    result, (preview,) = ingest(layout, csv_bytes(250))
    assert result is not None and result.batch_id is None
    assert len(preview.present) == 250 and not preview.changes
    assert store_digest(layout) == before


def test_a_contradiction_in_a_later_part_is_refused_after_the_preview(layout: Layout) -> None:
    ingest(layout, csv_bytes(50, start=150))
    before = store_digest(layout)
    rows = [csv_line(i) for i in range(250)]
    rows[180] = csv_line(180, value="7")
    shown: list[Preview] = []
    with pytest.raises(ContradictionError):
        ingest_upload(layout, WANG, with_rows(*rows), "u.csv", shown.append)
    (preview,) = shown
    assert (len(preview.new), len(preview.present), len(preview.contradicting)) == (200, 49, 1)
    assert list(preview.contradicting.index) == [180]
    assert store_digest(layout) == before


def test_with_approval_on_the_upload_is_left_to_the_pending_path(layout: Layout) -> None:
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    before = store_digest(layout)
    result, shown = ingest(layout, csv_bytes(20))
    assert result is None and shown == []
    assert store_digest(layout) == before


def killed_after_first_part(*args: Any) -> Any:
    """Check the upload as the streamed merge's child does, dying after its first part (in the
    child)."""
    from etl.uploads.validating import read_and_validate_streamed

    *arguments, emit = args

    def emit_then_die(part: Any) -> None:
        emit(part)
        os.kill(os.getpid(), 9)

    return read_and_validate_streamed(*arguments, emit_then_die)


def test_a_child_killed_after_its_first_part_leaves_nothing(
    layout: Layout, parts: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stream(data: bytes, name: str, known: Any, on_rows: Any, **_: Any) -> Any:
        args = (data, name, list(known), None, DEFAULT_MAX_UNPACKED_BYTES, PART)
        return sandbox.stream_limited(
            killed_after_first_part, args, name, lambda p: on_rows(*p), **sandbox.UPLOAD_LIMITS
        )

    monkeypatch.setattr(streaming, "stream_upload", stream)
    before = store_digest(layout)
    with pytest.raises(CorridorError) as info:
        ingest(layout, csv_bytes(250))
    assert parts == [100]
    assert "refused" in info.value.render()
    assert store_digest(layout) == before
