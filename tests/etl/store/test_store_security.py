"""etl/store: the audit trail fails closed and reads back exactly; the sweep never follows links;
edited pending items and paths leaving the data directory are refused at approval."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from references import read_audit
from uploads_support import ANALYST_ACTOR, csv_bytes, new_layout, tree_digest

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store import pending
from etl.store.actors import ANALYST, Actor
from etl.store.audit import audit
from etl.store.batches import batch_dirs, sweep
from etl.store.commands import merge_upload, validate_upload

WANG = Actor("王芳", ANALYST)
LI = Actor("li.lei", ANALYST)


def old_orphan(layout: Layout, name: str) -> Path:
    path = layout.uploads / name
    path.write_bytes(b"orphan")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    return path


def merged(tmp_path: Path) -> Layout:
    layout = new_layout(tmp_path / "data")
    upload, _ = validate_upload(layout, csv_bytes(3), "a.csv")
    merge_upload(layout, upload, ANALYST_ACTOR)
    return layout


def test_a_write_the_audit_log_cannot_record_is_refused_before_anything_changes(
    tmp_path: Path,
) -> None:
    layout = merged(tmp_path)
    layout.audit_log.unlink()
    layout.audit_log.mkdir()  # a log that cannot be opened for appending
    before = tree_digest(layout.root)
    upload, _ = validate_upload(layout, csv_bytes(2, tag="b"), "b.csv")
    with pytest.raises(CorridorError) as info:
        merge_upload(layout, upload, ANALYST_ACTOR)
    message = info.value.render()
    assert "audit log cannot be written" in message and "审计日志" in message
    assert tree_digest(layout.root) == before, "no batch, no stored file"


def test_a_symlinked_audit_log_is_refused_not_followed(tmp_path: Path) -> None:
    layout = merged(tmp_path)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not the log\n", encoding="utf-8")
    layout.audit_log.unlink()
    layout.audit_log.symlink_to(elsewhere)
    upload, _ = validate_upload(layout, csv_bytes(2, tag="b"), "b.csv")
    with pytest.raises(CorridorError):
        merge_upload(layout, upload, ANALYST_ACTOR)
    assert elsewhere.read_text(encoding="utf-8") == "not the log\n"
    assert len(batch_dirs(layout)) == 2


def test_audit_records_read_back_exactly_with_unicode_line_separators(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "data")
    who = "a\u2028b\u2029c\x85d\ne"
    audit(layout, "login_failed", who, note="x\u2028y")
    audit(layout, "login", "plain")
    events = read_audit(layout)
    assert [e["event"] for e in events] == ["login_failed", "login"]
    assert events[0]["who"] == who and events[0]["note"] == "x\u2028y"
    assert len(layout.audit_log.read_bytes().split(b"\n")) == 3, "one JSON object per line"


def test_the_sweep_never_follows_a_symlinked_uploads_folder(tmp_path: Path) -> None:
    layout = merged(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = old_orphan_at(outside, "0" * 64 + ".csv")
    other = old_orphan_at(outside, "notes.txt")
    for path in layout.uploads.iterdir():
        path.unlink()
    layout.uploads.rmdir()
    layout.uploads.symlink_to(outside, target_is_directory=True)
    sweep(layout)
    assert victim.exists() and other.exists(), "nothing outside the data directory is removed"


def old_orphan_at(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"keep me")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    return path


def test_the_sweep_removes_only_the_stores_own_names_and_no_links(tmp_path: Path) -> None:
    layout = merged(tmp_path)
    outside = old_orphan_at(tmp_path, "precious.csv")
    mine = old_orphan(layout, "0" * 64 + ".csv")
    foreign = old_orphan(layout, "README.txt")
    link = layout.uploads / ("1" * 64 + ".csv")
    link.symlink_to(outside)
    swept = sweep(layout)
    assert swept.orphans == (mine.name,)
    assert foreign.exists() and link.is_symlink() and outside.exists()


def pending_layout(tmp_path: Path) -> tuple[Layout, str]:
    layout = new_layout(tmp_path / "data")
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    upload, _ = validate_upload(layout, csv_bytes(2), "a.csv")
    result = pending.submit_upload(layout, upload, WANG)
    assert result.pending_id
    return layout, result.pending_id


def edit_record(layout: Layout, pending_id: str, **changes: object) -> None:
    path = layout.pending / pending_id / pending.RECORD
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(changes)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    "changes",
    [{"who": "li.lei"}, {"who_account": "li.lei"}, {"replace": True}],
    ids=["who", "account", "replace"],
)
def test_an_edited_pending_record_is_refused_at_approval(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    layout, pending_id = pending_layout(tmp_path)
    edit_record(layout, pending_id, **changes)
    with pytest.raises(CorridorError) as info:
        pending.approve(layout, Actor("third", ANALYST), pending_id)
    assert "changed after it was submitted" in info.value.render()


def test_edited_pending_rows_are_refused_at_approval(tmp_path: Path) -> None:
    layout, pending_id = pending_layout(tmp_path)
    rows = layout.pending / pending_id / pending.ROWS
    rows.write_text(rows.read_text(encoding="utf-8").replace("1000", "9000"), encoding="utf-8")
    before = tree_digest(layout.batches)
    with pytest.raises(CorridorError) as info:
        pending.approve(layout, LI, pending_id)
    assert "changed after it was submitted" in info.value.render()
    assert tree_digest(layout.batches) == before


def test_a_stored_file_outside_the_data_directory_is_refused(tmp_path: Path) -> None:
    layout, pending_id = pending_layout(tmp_path)
    record_path = layout.pending / pending_id / pending.RECORD
    record = json.loads(record_path.read_text(encoding="utf-8"))
    # Even with a seal recomputed by whoever edited it, the path must stay in uploads/.
    record["stored_as"] = "../../../etc/passwd"
    files = {pending.ROWS: (layout.pending / pending_id / pending.ROWS).read_bytes()}
    record["seal"] = pending._seal(record, files)
    record_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorridorError) as info:
        pending.approve(layout, LI, pending_id)
    assert "not inside the data directory" in info.value.render()


def test_an_approval_the_log_cannot_record_changes_nothing(tmp_path: Path) -> None:
    layout, pending_id = pending_layout(tmp_path)
    layout.audit_log.unlink()
    layout.audit_log.mkdir()
    before = tree_digest(layout.root)
    with pytest.raises(CorridorError):
        pending.approve(layout, LI, pending_id)
    assert tree_digest(layout.root) == before
