"""dashboard/app_pages/upload.py as analysts use it (issue 21): the preview in the page's words
with notes on how the file was read, an unregistered source registered on the same screen, undo
that preselects the newest batch and asks for a reason and a confirmation, approval wording, and
the reviewer's card beside the submitted file, updating at once."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.contract.paths import REPO_ROOT, Layout
from etl.store.accounts import add_user
from etl.store.actors import Actor
from etl.store.history import history_rows
from etl.store.table import load_table

# The page reads uploads here as its limited child reads them (conftest.read_in_this_process):
# these tests check what the page shows and does; test_upload_page.py uploads through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

APP = str(REPO_ROOT / "dashboard" / "app.py")
PAGE = "app_pages/upload.py"
TIMEOUT = 60
SOURCE = "cqcustoms-20240911"  # a source of the dashboard's test data


@pytest.fixture
def people(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    where = Layout(data_dir)
    add_user(where, "王芳", "analyst", "wang fang password 1", by=None)  # the first: the admin
    add_user(where, "li.lei", "analyst", "li lei password 22", by=Actor("王芳", "analyst"))


def signed_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_pw").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def workbook(rows: list[list[object]], source: str = SOURCE) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "数值", "单位", "起始日期", "截止日期", "口径", "同比（%）", "来源编号"])
    for row in rows:
        sheet.append([*row, source])
    sheet["G2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TRAINS = [
    "班列开行",
    0.4321,
    "万列",
    "2024年1月",
    "2024年8月",
    "重庆铁海联运班列（页面测试）",
    0.125,
]


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.get("file_uploader")[0].upload(name, data, "application/octet-stream").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception


def preview_of(at: AppTest) -> pd.DataFrame:
    """Return the upload preview: the table with a status column in the page's words."""
    return next(d.value for d in at.dataframe if "状态" in d.value.columns and "行" in d.value)


def code_text(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def test_the_preview_speaks_the_pages_language_and_says_how_the_file_was_read(
    data_dir: Path, people: None
) -> None:
    at = signed_in("王芳", "wang fang password 1")
    upload(at, "excel.xlsx", workbook([TRAINS]))
    preview = preview_of(at)
    (row,) = preview.to_dict(orient="records")
    assert row["指标"] == "班列开行" and row["状态"] == "新增"
    assert row["数值"] == "4321列" and row["同比"] == "+12.5%"
    assert (row["起始日期"], row["截止日期"]) == ("2024-01-01", "2024-08-31")
    assert row["地区"] == "重庆" and row["线路"] == "铁海联运" and row["类型"] == "报道值"
    notes = code_text(at)
    assert "万列" in notes and "0.4321 → 4321" in notes and "2024-08-31" in notes
    at.button(key="upload_merge").click().run()
    assert 4321.0 in load_table(Layout(data_dir)).observations["value"].tolist()


def test_an_unregistered_source_is_registered_on_the_same_screen(
    data_dir: Path, people: None
) -> None:
    at = signed_in("王芳", "wang fang password 1")
    upload(at, "new-source.xlsx", workbook([TRAINS], source="cq-report-2024"))
    assert "cq-report-2024" in code_text(at)
    # The id from the file is escaped for markdown: it reads as plain text.
    assert "cq\\-report\\-2024" in " ".join(i.value for i in at.info)
    at.text_input(key="inline_title_0").input("重庆口岸报告")
    at.text_input(key="inline_pub_0").input("重庆海关")
    at.date_input(key="inline_date_0").set_value(date(2024, 9, 11))
    register = next(b for b in at.button if b.proto.form_id == "inline_sources")
    register.click().run()
    assert not at.exception, at.exception
    assert "cq-report-2024" in set(load_table(Layout(data_dir)).sources["source_id"])
    assert preview_of(at).iloc[0]["来源编号"] == "cq-report-2024"


def merge(at: AppTest, name: str, rows: list[list[object]]) -> None:
    upload(at, name, workbook(rows))
    at.button(key="upload_merge").click().run()
    assert not at.exception, at.exception


def test_undo_preselects_the_newest_batch_asks_a_reason_and_confirms_what_changes_back(
    data_dir: Path, people: None
) -> None:
    layout = Layout(data_dir)
    at = signed_in("王芳", "wang fang password 1")
    merge(at, "first.xlsx", [TRAINS])
    first = history_rows(layout)[-1]["id"]
    assert at.selectbox(key="undo_choice").value == first
    other = [*TRAINS[:5], "重庆铁海联运班列（第二个）", 0.1]
    merge(at, "second.xlsx", [other])
    second = history_rows(layout)[-1]["id"]
    assert at.selectbox(key="undo_choice").value == second, "the newest batch, after the change"
    label = at.selectbox(key="undo_choice").format_func(second)  # type: ignore[attr-defined]
    assert "second.xlsx" in label and "1 行" in label and "王芳" in label and "上传" in label

    at.button(key="undo_button").click().run()
    assert any("原因" in w.value for w in at.warning), "no reason, no undo"
    assert not [b for b in at.button if b.key == "undo_confirm"]
    at.text_input(key="undo_reason").input("重复上传").run()
    at.button(key="undo_button").click().run()
    shown = "\n".join(x.value for x in at.text)
    assert "将移除 1 个数字" in shown and "重庆铁海联运班列（第二个）" in shown
    assert 4321.0 in load_table(layout).observations["value"].tolist(), "nothing until confirmed"
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    values = load_table(layout).observations["value"].tolist()
    assert values.count(4321.0) == 1, "the second batch's figure is gone, the first's stays"
    assert any("已撤销" in s.value for s in at.success)
    options = at.selectbox(key="undo_choice").options
    assert all("second.xlsx" not in o for o in options), "an undone batch cannot be chosen"
    assert at.selectbox(key="undo_choice").value == first
    history = code_text(at)
    assert "（已撤销）" in history and "撤销批次" in history and "原因：重复上传" in history


def test_with_approval_the_button_submits_and_the_reviewer_sees_the_file_beside_the_rows(
    data_dir: Path, people: None
) -> None:
    (data_dir / "settings.toml").write_text("require_approval = true\n", encoding="utf-8")
    at = signed_in("王芳", "wang fang password 1")
    csv = (
        "指标,数值,单位,起始日期,截止日期,口径,同比（%）,来源编号\n"
        f"班列开行,4321,列,2024/1/1,2024/8/31,重庆铁海联运班列（审批测试）,12.5%,{SOURCE}\n"
    )
    upload(at, "审批.csv", csv.encode("utf-8"))
    assert at.button(key="upload_merge").label == "提交审批"
    at.button(key="upload_merge").click().run()

    reviewer = signed_in("li.lei", "li lei password 22")
    key = next(str(b.key) for b in reviewer.button if str(b.key).startswith("approve_"))
    assert "重庆铁海联运班列（审批测试）,12.5%" in code_text(reviewer), "the file as submitted"
    reviewer.button(key=key).click().run()
    assert not reviewer.exception, reviewer.exception
    assert any("已批准" in s.value for s in reviewer.success)
    assert not [b for b in reviewer.button if str(b.key) == key], "the card updated at once"
    assert 4321.0 in load_table(Layout(data_dir)).observations["value"].tolist()
