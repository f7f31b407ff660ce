"""dashboard/upload/tab_file.py: which refusals offer to register the file's sources inline, and
a file checked once for its Merge click unless the store changed in between (AppTest)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from upload_page_support import PASSWORD, log_in, open_page
from uploads_support import csv_bytes, new_layout

from dashboard import data as dashboard_data
from dashboard.upload import tab_file
from dashboard.upload.tab_file import unregistered_sources
from etl.contract.errors import UNKNOWN_SOURCE, CorridorError, Problem
from etl.contract.paths import Layout
from etl.store import commands
from etl.store.actors import Actor
from etl.store.commands import merge_upload, validate_upload
from etl.store.history import undo_options
from etl.store.passwords import hash_password, write_password_hash
from etl.store.table import load_table

# A train figure the test data lacks (as tests/dashboard/app_pages/test_upload_page.py's).
NEW_ROW = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    "train_runs,4321,trains,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,,"
    "cqcustoms-20240911,analyst upload\n"
)


def test_a_file_citing_an_unregistered_source_is_offered_inline_registration(
    tmp_path: Path,
) -> None:
    layout = new_layout(tmp_path / "data")
    data = csv_bytes(3).replace(b"test-src", b"new-src")
    with pytest.raises(CorridorError) as refused:
        validate_upload(layout, data, "f.csv")
    # The refusal says what kind of problem each is, so the page never reads its English text.
    assert {p.kind for p in refused.value.problems} == {UNKNOWN_SOURCE}
    assert unregistered_sources(refused.value) == ["new-src"]


def test_a_refusal_with_any_other_problem_offers_no_inline_registration() -> None:
    unknown = Problem(
        "来源未登记", "unknown source", column="source_id", value="a", kind=UNKNOWN_SOURCE
    )
    other = Problem("不是数字", "not a number", column="value", value="abc")
    assert unregistered_sources(CorridorError([unknown, other])) == []
    # The English text alone no longer counts: only the kind does.
    worded = Problem("来源未登记", "unknown source: register it first", value="b")
    assert unregistered_sources(CorridorError([worded])) == []


def counted_checks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the file tab's calls of the file check and of the record check."""
    calls: Counter[str] = Counter()
    for module, name in ((commands, "validate_upload"), (tab_file, "check_rows")):
        real = getattr(module, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kw)

        monkeypatch.setattr(module, name, counted)
    return calls


def uploaded_and_counted(
    secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[AppTest, Counter[str]]:
    """Return the page with NEW_ROW uploaded by a signed-in analyst, and its checks counted
    (one file check and one record check so far)."""
    write_password_hash(hash_password(PASSWORD), secrets)
    calls = counted_checks(monkeypatch)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    at.get("file_uploader")[0].upload("new.csv", NEW_ROW.encode(), "text/csv").run()  # type: ignore[attr-defined]
    assert calls == {"validate_upload": 1, "check_rows": 1}
    return at, calls


@pytest.mark.usefixtures("read_in_this_process")
def test_the_merge_click_reuses_the_check_of_the_same_file_at_the_same_version(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, calls = uploaded_and_counted(secrets, monkeypatch)
    at.run()  # any other run of the tab: the same file, nothing written
    assert calls == {"validate_upload": 1, "check_rows": 1}
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception
    assert any("batch" in s.value or "批次" in s.value for s in at.success)
    assert 4321.0 in load_table(Layout(data_dir)).observations["value"].tolist()
    # The click reused the check; only the run after the merge (a new version) checks again.
    assert calls == {"validate_upload": 1, "check_rows": 1}
    at.run()
    assert calls == {"validate_upload": 2, "check_rows": 1}, "all held now: no record check"
    assert [m.value for m in at.metric][:3] == ["0", "1", "0"]


@pytest.mark.usefixtures("read_in_this_process")
def test_a_write_by_someone_else_between_the_check_and_the_click_checks_the_file_again(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, calls = uploaded_and_counted(secrets, monkeypatch)
    # Another analyst's batch: the same figure, merged from the command line meanwhile.
    other = Actor("li.lei", "analyst")
    upload, _preview = validate_upload(Layout(data_dir), NEW_ROW.encode(), "other.csv")
    merge_upload(Layout(data_dir), upload, other)
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception
    assert calls["validate_upload"] == 2, "the click checked the file again"
    # Checked again, the figure is now held: the page says so, and nothing is merged twice.
    assert [m.value for m in at.metric][:3] == ["0", "1", "0"]
    assert not at.success
    values = load_table(Layout(data_dir)).observations["value"].tolist()
    assert values.count(4321.0) == 1


def counted_sidebars(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the page's full runs by the sidebar's choices each one reads."""
    runs = [0]
    real = dashboard_data.sidebar_choices

    def counted(*args: Any, **kw: Any) -> Any:
        runs[0] += 1
        return real(*args, **kw)

    monkeypatch.setattr(dashboard_data, "sidebar_choices", counted)
    return runs


@pytest.mark.usefixtures("read_in_this_process")
def test_the_merge_click_reruns_the_file_and_history_tabs_alone_the_batch_listed_for_undo(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sidebars = counted_sidebars(monkeypatch)
    at, calls = uploaded_and_counted(secrets, monkeypatch)
    before = sidebars[0]
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception
    assert sidebars[0] == before, "the click reran the whole page"
    newest = str(undo_options(Layout(data_dir))[0]["id"])
    assert len(at.success) == 1 and newest in at.success[0].value
    # The history tab reran with it: the batch just merged is listed and preselected for undo.
    assert at.selectbox(key="undo_choice").value == newest
    assert any(newest in c.value for c in at.code)
    # Merged: the tab offers no second merge of it; the click reused its check.
    assert not [b for b in at.button if b.key == "upload_merge"]
    assert calls == {"validate_upload": 1, "check_rows": 1}


@pytest.mark.usefixtures("read_in_this_process")
def test_a_merge_click_after_the_idle_timeout_merges_nothing_and_signs_out(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, _calls = uploaded_and_counted(secrets, monkeypatch)
    at.session_state["_last_active"] = 0.0  # idle since 1970
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception
    assert 4321.0 not in load_table(Layout(data_dir)).observations["value"].tolist()
    assert not at.success
    assert any("without activity" in w.value or "未操作" in w.value for w in at.warning)
    assert at.text_input(key="login_pw")  # signed out: the sign-in form again


@pytest.mark.usefixtures("read_in_this_process")
def test_the_preview_is_drawn_before_the_record_check_runs(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    for name in ("show_preview", "check_rows"):
        real = getattr(tab_file, name)

        def noted(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            order.append(_name)
            return _real(*args, **kw)

        monkeypatch.setattr(tab_file, name, noted)
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    at.get("file_uploader")[0].upload("new.csv", NEW_ROW.encode(), "text/csv").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    # The browser draws the preview while the server checks the rows against the record.
    assert order == ["show_preview", "check_rows"]
    assert [m.value for m in at.metric][:3] == ["1", "0", "0"]
    assert at.button(key="upload_merge")
