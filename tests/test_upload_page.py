"""dashboard/app_pages/upload.py in AppTest: the whole flow as analyst (log in, upload, preview,
merge, see the chart change, undo) and as a manager (no way to write)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from uploads_support import tree_digest

from etl.contract.paths import Layout
from etl.store.auth import hash_password, write_password_hash
from etl.store.table import load_table

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGE = "app_pages/upload.py"
TIMEOUT = 60
PASSWORD = "analyst password 2025"
# A train figure the seed data lacks: its value must appear in the trains chart once merged.
NEW_ROW = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    "train_runs,4321,trains,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,,"
    "cqcustoms-20240911,analyst upload\n"
)


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("CORRIDOR_SECRETS_FILE", str(path))
    return path


def open_page(at: AppTest | None = None) -> AppTest:
    if at is None:  # an AppTest is falsy before its first run
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


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
    at.text_input[0].input("not the password")
    at.button[0].click().run()  # the form's submit button
    assert any("Wrong password" in e.value or "密码不对" in e.value for e in at.error)
    assert not at.get("file_uploader")


def test_analyst_flow_log_in_upload_preview_merge_see_the_chart_then_undo(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
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
    at.selectbox(key="undo_choice").select(at.selectbox(key="undo_choice").options[0]).run()
    at.button(key="undo_button").click().run()
    assert not at.exception, at.exception
    assert 4321.0 not in load_table(Layout(data_dir)).observations["value"].tolist()
    at.switch_page("app_pages/trains.py").run()
    assert "4321" not in chart_json(at)


def test_a_bad_upload_shows_problems_as_text_and_changes_nothing(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
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


# An article pasted with no header: no date, publisher, URL or title line.
PASTED = (
    "2024年1—8月，西部陆海新通道铁海联运班列发送集装箱54321标箱，同比增长12%。\n"
    "截至8月底，公路班车累计发运7654车次。此外，跨境班列累计开行3210列。\n"
    "通道目的地已拓展至123个国家和地区的456个港口。\n"
)


def test_pasted_article_shows_how_periods_were_decided_and_keeps_the_date_inferred(
    data_dir: Path, secrets: Path
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
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
