"""The database store's tests run on SQLite and on PostgreSQL (tests/pg_support.py), on the
shipped data and on a data directory with a history made by today's store commands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pg_support import db_url, postgres_server
from uploads_support import ANALYST_ACTOR, csv_bytes, csv_line, new_layout, with_rows

from etl.contract.paths import REPO_ROOT, Layout
from etl.store import accounts
from etl.store.actors import ANALYST, MANAGER, Actor
from etl.store.commands import (
    add_wording,
    correct_figure,
    merge_upload,
    retract_figure,
    undo_batch,
    validate_upload,
)
from etl.store.pending import approve, reject

__all__ = ["db_url", "history_layout", "postgres_server"]

LI = Actor("li.lei", ANALYST)
WORDING_HEADER = "metric,value,unit,period_start,period_end,scope,series,source_id,quote"


def _ingest(layout: Layout, data: bytes, who: Actor = ANALYST_ACTOR, replace: bool = False) -> str:
    upload, _ = validate_upload(layout, data, "rows.csv")
    result = merge_upload(layout, upload, who, replace=replace)
    return str(result.batch_id or result.pending_id)


@pytest.fixture(scope="session")
def history_original(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """A data directory with a history, made once per session by today's store commands."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv(accounts.USERS_ENV, raising=False)
        monkeypatch.delenv("CORRIDOR_SECRETS_FILE", raising=False)
        return _make_history(tmp_path_factory.mktemp("history") / "data")


@pytest.fixture
def history_layout(history_original: Layout, tmp_path: Path) -> Layout:
    """The shipped tidy tables plus uploads, a replacement, a correction, a retraction, a wording,
    undos, an approved, a rejected and a waiting pending item, accounts and the audit log."""
    root = tmp_path / "data"
    shutil.copytree(history_original.root, root, symlinks=True)
    return Layout(root)


def _make_history(root: Path) -> Layout:
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    users = root / accounts.USERS_FILE_NAME
    accounts.add_user("tester", ANALYST, "tester password 2025", users)
    accounts.add_user("boss", MANAGER, "boss password 2025", users, by=Actor("tester", ANALYST))
    layout = new_layout(root)
    _ingest(layout, csv_bytes(6))
    replaced = _ingest(layout, with_rows(csv_line(0, value="999")), replace=True)
    pick = {
        "metric": "teu",
        "scope": "重庆西部陆海新通道铁海联运班列a0",
        "period_end": "2000-02-28",
    }
    correct_figure(layout, ANALYST_ACTOR, {**pick, "period_end": "2001-01-28"}, 1234.0, "typo")
    retract_figure(layout, ANALYST_ACTOR, {**pick, "period_end": "2002-01-28"}, "duplicate")
    _ingest(
        layout,
        with_rows("teu,100,TEU,2024-01-01,2024-12-31,该集团,,test-src,n", header=WORDING_HEADER),
    )
    wording = add_wording(layout, ANALYST_ACTOR, "beibu_gulf_port_teu", "该集团").batch_id
    assert wording is not None
    undone = undo_batch(layout, ANALYST_ACTOR, wording, "wrong series")
    undo_batch(layout, ANALYST_ACTOR, undone, "right after all")
    undo_batch(layout, ANALYST_ACTOR, replaced, "the old value was right")
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    approve(layout, LI, _ingest(layout, csv_bytes(2, tag="p")))
    reject(layout, LI, _ingest(layout, csv_bytes(2, tag="r")), "来源不对")
    _ingest(layout, csv_bytes(3, tag="w"))
    return layout
