"""dashboard/app_pages/upload.py in AppTest: the whole flow as analyst (log in, upload, preview,
merge, see the chart change, undo) and as a manager (no way to write)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from references import read_audit
from streamlit.testing.v1 import AppTest
from upload_page_support import APP, PAGE, PASSWORD, PASTED, TIMEOUT, log_in, open_page
from uploads_support import tree_digest

from etl.contract.paths import Layout
from etl.store.passwords import hash_password, write_password_hash
from etl.store.table import load_table

# The page reads uploads and articles here as its limited child reads them
# (conftest.read_in_this_process); the whole analyst flow and the spare child still use the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")
THROUGH_THE_CHILD = {
    "test_analyst_flow_log_in_upload_preview_merge_see_the_chart_then_undo",
    "test_only_an_analysts_page_keeps_a_spare_child_for_uploads",
}

# A train figure the seed data lacks: its value must appear in the trains chart once merged.
NEW_ROW = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    "train_runs,4321,trains,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,,"
    "cqcustoms-20240911,analyst upload\n"
)


def chart_json(at: AppTest) -> str:
    return " ".join(json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))


def code_text(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def test_without_a_password_the_page_explains_and_accepts_nothing(
    data_dir: Path, secrets: Path
) -> None:
    at = open_page()
    assert "corridor set-password" in code_text(at)
    assert not at.get("file_uploader") and not at.tabs


def test_a_wrong_password_gives_no_access(data_dir: Path, secrets: Path) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", "not the password")
    assert any("Wrong name or password" in e.value or "密码不对" in e.value for e in at.error)
    assert not at.get("file_uploader")


def test_analyst_flow_log_in_upload_preview_merge_see_the_chart_then_undo(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    assert not at.exception, at.exception
    uploader = at.get("file_uploader")[0]
    uploader.upload("new.csv", NEW_ROW.encode("utf-8"), "text/csv").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:3] == ["1", "0", "0"]  # new, held, contradicting
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception
    assert any("batch" in s.value or "批次" in s.value for s in at.success)
    assert 4321.0 in load_table(Layout(data_dir)).observations["value"].tolist()

    at.switch_page("app_pages/trains.py").run()
    assert "4321" in chart_json(at), "the merged figure shows in the trains chart"

    at.switch_page(PAGE).run()
    at.text_input(key="undo_reason").input("test upload").run()
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    assert 4321.0 not in load_table(Layout(data_dir)).observations["value"].tolist()
    at.switch_page("app_pages/trains.py").run()
    assert "4321" not in chart_json(at)


def test_a_bad_upload_shows_problems_as_text_and_changes_nothing(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    before = tree_digest(data_dir)
    bad = NEW_ROW.replace("4321", "1.5万").replace("analyst upload", "<img src=x>")
    at.get("file_uploader")[0].upload("bad.csv", bad.encode("utf-8"), "text/csv").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    problems = code_text(at)
    assert "1.5万" in problems and "<img src=x>" in problems and "markup" in problems
    assert tree_digest(data_dir) == before


def test_a_manager_signed_in_by_oidc_has_no_way_to_write(data_dir: Path, secrets: Path) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    secrets.write_text(
        secrets.read_text(encoding="utf-8") + 'analyst_emails = ["ana@example.org"]\n',
        encoding="utf-8",
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.user["is_logged_in"] = True
    at.user["email"] = "boss@example.org"
    open_page(at)
    assert any("view" in i.value or "查看" in i.value for i in at.info)
    assert not at.get("file_uploader") and not at.tabs


# The same new train figure, written with the dashboard's Chinese labels and headers.
NEW_ROW_ZH = (
    "指标,数值,单位,起始日期,截止日期,口径,同比（%）,来源编号,原文\n"
    "班列开行,4321,列,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,12.5%,"
    "cqcustoms-20240911,analyst upload\n"
)


def add_people(data_dir: Path) -> None:
    from etl.store.accounts import add_user
    from etl.store.actors import Actor

    where = Layout(data_dir)
    add_user(where, "王芳", "analyst", "wang fang password 1", by=None)  # the first: the admin
    admin = Actor("王芳", "analyst")
    add_user(where, "li.lei", "analyst", "li lei password 22", by=admin)
    add_user(where, "boss", "manager", "boss password 333", by=admin)


def trains_chart(at: AppTest) -> str:
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    return chart_json(at)


def test_with_approval_a_chart_changes_only_when_a_second_analyst_approves(
    data_dir: Path, secrets: Path
) -> None:
    (data_dir / "settings.toml").write_text("require_approval = true\n", encoding="utf-8")
    add_people(data_dir)
    first = open_page()
    log_in(first, "王芳", "wang fang password 1")
    uploader = first.get("file_uploader")[0]
    uploader.upload("新数据.csv", NEW_ROW_ZH.encode("utf-8"), "text/csv").run()  # type: ignore[attr-defined]
    assert not first.exception, first.exception
    assert [m.value for m in first.metric][:3] == ["1", "0", "0"]
    first.button(key="upload_merge").click().run()
    assert any("待审批" in s.value or "approval" in s.value for s in first.success)

    manager = AppTest.from_file(APP, default_timeout=TIMEOUT)
    manager.run()
    assert "4321" not in trains_chart(manager), "a pending upload is invisible to readers"

    # The submitter cannot approve: the button is disabled, and the function refuses too.
    first.switch_page(PAGE).run()
    pending_id = next(b.key for b in first.button if str(b.key).startswith("approve_"))
    assert first.button(key=pending_id).disabled
    from etl.contract.errors import CorridorError
    from etl.store.actors import Actor
    from etl.store.pending import approve

    with pytest.raises(CorridorError, match="another analyst"):
        approve(Layout(data_dir), Actor("王芳", "analyst"), pending_id.removeprefix("approve_"))

    second = open_page()
    log_in(second, "li.lei", "li lei password 22")
    assert not second.button(key=pending_id).disabled
    previews = [d.value for d in second.dataframe]
    assert any("4321" in f.to_string() and "new" in f.to_string() for f in previews)
    second.button(key=pending_id).click().run()
    assert not second.exception, second.exception
    assert any("批次" in s.value or "batch" in s.value for s in second.success)

    manager.run()
    assert "4321" in trains_chart(manager), "approved, the figure reaches the manager's chart"

    second.switch_page(PAGE).run()
    history = next(d.value for d in second.dataframe if "提交人" in d.value.columns)
    row = history[history["文件"] == "新数据.csv"].iloc[0]
    assert row["提交人"] == "王芳" and row["批准人"] == "li.lei" and row["状态"] == "已批准"
    assert any(c.startswith("时间 (Asia/Shanghai)") for c in history.columns)
    events = read_audit(Layout(data_dir))
    # The approval, then its batch: recorded in the transaction that makes them.
    assert [e["event"] for e in events if e["event"] in ("submit", "approve", "write")] == [
        "submit",
        "approve",
        "write",
    ]
    assert {e["who"] for e in events if e["event"] == "login"} == {"王芳", "li.lei"}


def test_a_manager_account_logs_in_by_name_and_cannot_write(data_dir: Path, secrets: Path) -> None:
    add_people(data_dir)
    at = open_page()
    log_in(at, "boss", "boss password 333")
    assert any("view" in i.value or "查看" in i.value for i in at.info)
    assert not at.get("file_uploader") and not at.tabs


def test_only_an_analysts_page_keeps_a_spare_child_for_uploads(
    data_dir: Path, secrets: Path
) -> None:
    from etl.uploads import sandbox

    add_people(data_dir)
    boss = open_page()
    log_in(boss, "boss", "boss password 333")
    assert sandbox._SPARES == {}, "a viewer's page starts no child"
    at = open_page()
    log_in(at, "li.lei", "li lei password 22")
    key = (sandbox.UPLOAD_CPU_SECONDS, sandbox.UPLOAD_MEMORY_BYTES)
    kept = sandbox._SPARES[key].process
    assert kept.poll() is None, "the analyst's page keeps one waiting"
    at.get("file_uploader")[0].upload("new.csv", NEW_ROW.encode("utf-8"), "text/csv").run()  # type: ignore[attr-defined]
    assert [m.value for m in at.metric][:3] == ["1", "0", "0"]
    assert kept.poll() is not None, "the upload was read by the spare"
    assert sandbox._SPARES[key].process.pid != kept.pid, "and a new spare waits"


def test_repeated_failures_lock_a_name_and_are_logged(
    data_dir: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.store import auth

    add_people(data_dir)
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)
    # A still clock: the delay after the fifth failure never runs out during the test.
    throttle = auth.LoginThrottle(secrets.parent / "logins.json", clock=lambda: 1_000_000.0)
    monkeypatch.setattr(auth, "THROTTLE", throttle)
    monkeypatch.setattr(auth.login_named, "__defaults__", (throttle, 0.0))
    at = open_page()
    for _ in range(auth.FREE_FAILURES):
        log_in(at, "王芳", "a wrong guess 123")
    log_in(at, "王芳", "wang fang password 1")  # the right password, but this client waits
    assert any("锁定" in e.value or "locked" in e.value for e in at.error)
    assert not at.get("file_uploader")
    other = open_page()  # another session (another client) is not held up by these failures
    log_in(other, "li.lei", "li lei password 22")
    assert other.get("file_uploader")
    events = [e["event"] for e in read_audit(Layout(data_dir))]
    assert events.count("login_failed") == auth.FREE_FAILURES
    assert "lockout" in events and "login_refused_locked" in events


def test_an_idle_session_is_logged_out(data_dir: Path, secrets: Path) -> None:
    (data_dir / "settings.toml").write_text("idle_timeout_minutes = 1\n", encoding="utf-8")
    add_people(data_dir)
    at = open_page()
    log_in(at, "王芳", "wang fang password 1")
    assert at.get("file_uploader")
    at.session_state["_last_active"] = at.session_state["_last_active"] - 61
    at.run()
    assert not at.get("file_uploader")
    assert any("未操作" in w.value or "without activity" in w.value for w in at.warning)
    events = [e["event"] for e in read_audit(Layout(data_dir))]
    assert events[-1] == "timeout"


def test_pasted_article_shows_how_periods_were_decided_and_keeps_the_date_inferred(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)  # the shared password is the account 'analyst'
    at.text_area(key="art_text").input(PASTED).run()
    assert not at.exception, at.exception
    published = [d for d in at.date_input if d.key and d.key.startswith("art_published_")]
    assert [d.value for d in published] == [date(2024, 9, 1)]
    assert any("inferred" in w.value or "推断" in w.value for w in at.warning)
    periods = next(d.value for d in at.table if "how" in d.value.columns)
    by_value = dict(zip(periods["value"], periods["how"], strict=True))
    labels = [by_value[v] for v in (54321.0, 7654.0, 3210.0, 123.0)]
    assert labels in (
        [
            "stated in its clause",
            "stated in its clause",
            "carried from earlier",
            "publication date",
        ],
        ["文中写明", "文中写明", "沿用上文", "取发布日期"],
    ), labels
    review = dict(zip(periods["value"], periods["review"], strict=True))
    assert not review[54321.0] and review[3210.0] and review[123.0]

    title = next(t for t in at.text_input if t.key and t.key.startswith("art_title_"))
    assert title.value == "", "no header title: the page asks for one"
    assert at.button(key="art_accept").disabled
    title.input("粘贴的测试文章").run()
    at.button(key="art_accept").click().run()
    assert not at.exception, at.exception
    assert any("batch" in s.value or "批次" in s.value for s in at.success)
    sources = load_table(Layout(data_dir)).sources
    row = sources[sources["title"] == "粘贴的测试文章"].iloc[0]
    assert row["published"].date() == date(2024, 9, 1)
    assert bool(row["published_inferred"]) is True


ARTICLE = (
    "title: 审批页面测试文章\npublisher: 测试社\npublished: 2024-09-11\n---\n"
    "1—8月，西部陆海新通道铁海联运班列累计开行7654列，同比增长12.5%。\n"
)


def test_with_approval_an_article_waits_in_the_review_list_until_another_approves(
    data_dir: Path, secrets: Path
) -> None:
    (data_dir / "settings.toml").write_text("require_approval = true\n", encoding="utf-8")
    add_people(data_dir)
    layout = Layout(data_dir)
    before = load_table(layout)
    first = open_page()
    log_in(first, "王芳", "wang fang password 1")
    first.text_area(key="art_text").input(ARTICLE).run()
    assert not first.exception, first.exception
    first.button(key="art_accept").click().run()
    assert not first.exception, first.exception
    assert any("待审批" in s.value or "approval" in s.value for s in first.success)
    after = load_table(layout)
    assert len(after.observations) == len(before.observations), "invisible until approved"
    assert list(after.sources["source_id"]) == list(before.sources["source_id"])

    second = open_page()
    log_in(second, "li.lei", "li lei password 22")
    items = [x.value for x in second.text if "审批页面测试文章" in x.value]
    assert len(items) == 1 and ("文章" in items[0] or "article" in items[0])
    assert "王芳" in items[0]
    previews = [d.value.to_string() for d in second.dataframe]
    assert any("7654" in f and "new" in f for f in previews), "the article's rows are shown"
    shown = "\n".join(c.value for c in second.code)
    assert "累计开行7654列，同比增长12.5%" in shown, "the pasted article is shown beside its rows"
    approve_key = next(b.key for b in second.button if str(b.key).startswith("approve_"))
    second.button(key=approve_key).click().run()
    assert not second.exception, second.exception
    table = load_table(layout)
    assert 7654.0 in table.observations["value"].tolist()
    assert "审批页面测试文章" in set(table.sources["title"])
