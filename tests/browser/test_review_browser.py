"""The analysts' flow in Chinese, in Debian's Chromium, with approval on: 王芳 logs in by name and
uploads a file written with the dashboard's Chinese labels, previews and submits it (the button
reads 提交审批); the chart does not change; li.lei sees the file beside its rows and approves it;
the card goes at once; the chart changes; the history names both in a sentence; li.lei undoes
it with a reason and a confirmation naming the figure, and the batch reads 已撤销."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, TIMEOUT_MS, chromium, require_chromium, streamlit_server
from playwright.sync_api import expect

from etl.contract.paths import REPO_ROOT, Layout
from etl.store.accounts import add_user
from etl.store.actors import Actor

pytestmark = pytest.mark.browser

PEOPLE = {"王芳": "wang fang password 1", "li.lei": "li lei password 22"}
NEW_ROW_ZH = (
    "指标,数值,单位,起始日期,截止日期,口径,同比（%）,来源编号,原文\n"
    "班列开行,4321,列,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,12.5%,"
    "cqcustoms-20240911,分析员上传\n"
)
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .map(p => JSON.stringify(p.data || [])).join(' ')"""
SUCCESS = '[data-testid="stAlertContentSuccess"]'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    require_chromium()
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from dashboard_data import write_data_dir

    tmp = tmp_path_factory.mktemp("review_browser")
    root = write_data_dir(tmp / "data")
    (root / "settings.toml").write_text("require_approval = true\n", encoding="utf-8")
    admin = None
    for name, password in PEOPLE.items():
        add_user(Layout(root), name, "analyst", password, by=admin)  # into the data's database
        admin = admin or Actor(name, "analyst")  # the first account is the admin
    env = {"CORRIDOR_SECRETS_FILE": str(tmp / "secrets.toml")}
    with streamlit_server(root, "streamlit_review.log", env) as url:
        yield url, root


@pytest.fixture(scope="module")
def browser(server: tuple[str, Path]) -> Iterator[object]:
    with chromium() as chromium_browser:
        yield chromium_browser


def _settled(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(600)  # type: ignore[attr-defined]


def _chart_data(page: object, url: str) -> str:
    page.goto(f"{url}/trains")  # type: ignore[attr-defined]
    # Slow under load: the first plotly.js load of a fresh browser is the long one.
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=3 * TIMEOUT_MS)  # type: ignore[attr-defined]
    _settled(page)
    return str(page.evaluate(CHART_DATA_JS))  # type: ignore[attr-defined]


def _log_in(page: object, url: str, name: str) -> None:
    page.goto(f"{url}/upload")  # type: ignore[attr-defined]
    page.wait_for_selector(".st-key-login_name input", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.locator(".st-key-login_name input").fill(name)  # type: ignore[attr-defined]
    page.locator(".st-key-login_pw input").fill(PEOPLE[name])  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录").click()  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=file]", state="attached", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    _settled(page)


def test_an_analyst_uploads_in_chinese_and_a_second_analyst_approves(
    browser: object, server: tuple[str, Path], tmp_path: Path
) -> None:
    url, root = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    assert "4321" not in _chart_data(page, url)

    _log_in(page, url, "王芳")
    upload = tmp_path / "班列数据.csv"
    upload.write_text(NEW_ROW_ZH, encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.wait_for_selector(".st-key-upload_merge button", timeout=TIMEOUT_MS)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "review_preview_zh.png"), full_page=True)
    assert page.locator(".st-key-upload_merge button").inner_text().strip() == "提交审批"
    page.locator(".st-key-upload_merge button").click()
    page.wait_for_selector(SUCCESS, timeout=TIMEOUT_MS)
    assert "待审批" in page.locator(SUCCESS).inner_text()
    assert "4321" not in _chart_data(page, url), "pending: the chart has not changed"

    _log_in(page, url, "li.lei")
    page.get_by_role("tab", name="待审批").click()
    approve = page.locator('[class*="st-key-approve_"] button').first
    approve.wait_for(timeout=TIMEOUT_MS)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "review_pending_zh.png"), full_page=True)
    card = page.locator('[class*="st-key-pending_"]').first
    assert "重庆西部陆海新通道铁海联运班列（测试）,12.5%" in card.inner_text(), "the file beside"
    approve.click()
    page.wait_for_selector(SUCCESS, timeout=TIMEOUT_MS)
    assert "已批准" in page.locator(SUCCESS).inner_text()
    _settled(page)
    assert page.locator('[class*="st-key-approve_"]').count() == 0, "the card updated at once"
    assert "4321" in _chart_data(page, url), "approved: the figure is in the chart"

    _log_in(page, url, "li.lei")
    page.get_by_role("tab", name="历史与撤销").click()
    page.wait_for_selector(".st-key-undo_button button", timeout=TIMEOUT_MS)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "review_history_zh.png"), full_page=True)
    # The grid draws on a canvas; the history it shows is read back as the page's data did.
    sys.path.insert(0, str(REPO_ROOT))
    from etl.contract.paths import Layout
    from etl.store.history import history_frame

    shown = history_frame(Layout(root), "zh")
    row = shown[shown["文件"] == "班列数据.csv"].iloc[0]
    assert (row["提交人"], row["批准人"], row["状态"]) == ("王芳", "li.lei", "已批准")
    sentences = page.locator('[data-testid="stCode"]', has_text="上传 1 行").first.inner_text()
    assert "王芳 上传 1 行（班列开行 2024年1—8月），文件 班列数据.csv，li.lei 批准" in sentences

    # Undo: the newest batch is chosen; a reason, then a confirmation naming the figure.
    chosen = page.locator(".st-key-undo_choice").evaluate(
        "el => el.textContent + ' ' + Array.from(el.querySelectorAll('input'))"
        ".map(i => i.value + ' ' + (i.getAttribute('aria-label') || '')).join(' ')"
    )
    assert "班列数据.csv" in chosen, chosen
    page.locator(".st-key-undo_reason input").fill("测试撤销")
    page.locator(".st-key-undo_reason input").press("Enter")
    _settled(page)
    page.locator(".st-key-undo_button button").click()
    box = page.locator(".st-key-undo_confirm_box")
    # A person waits for the box's words as they arrive; they must name the figure that goes.
    expect(box).to_contain_text("将移除 1 个数字", timeout=TIMEOUT_MS)
    expect(box).to_contain_text("4321", timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "review_undo_confirm_zh.png"), full_page=True)
    page.locator(".st-key-undo_confirm button").click()
    page.wait_for_selector(SUCCESS, timeout=TIMEOUT_MS)
    assert "已撤销" in page.locator(SUCCESS).inner_text()
    _settled(page)
    history = page.locator('[data-testid="stCode"]', has_text="撤销批次").first.inner_text()
    assert "（已撤销）" in history and "原因：测试撤销" in history
    assert "4321" not in _chart_data(page, url), "undone: the figure left the chart"
    page.close()
