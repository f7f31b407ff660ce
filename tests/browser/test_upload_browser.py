"""The upload page in Debian's Chromium: a manager cannot write; an analyst logs in, uploads,
previews, merges, sees the trains chart change, and undoes it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, TIMEOUT_MS, log_in, require_chromium, streamlit_server

from etl.contract.paths import REPO_ROOT
from etl.store.passwords import hash_password, write_password_hash

pytestmark = pytest.mark.browser

PASSWORD = "analyst password 2025"
NEW_ROW = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    "train_runs,4321,trains,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（测试）,,"
    "cqcustoms-20240911,analyst upload\n"
)
# Every plotly chart's data, as the browser holds it.
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .map(p => JSON.stringify(p.data || [])).join(' ')"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from dashboard_data import write_data_dir

    tmp = tmp_path_factory.mktemp("upload_browser")
    root = write_data_dir(tmp / "data")
    secrets = tmp / "secrets.toml"
    write_password_hash(hash_password(PASSWORD), secrets)
    env = {"CORRIDOR_SECRETS_FILE": str(secrets)}
    with streamlit_server(root, "streamlit_upload.log", env) as url:
        yield url


def _settled(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(600)  # type: ignore[attr-defined]


def _chart_data(page: object, server: str) -> str:
    page.goto(f"{server}/trains?lang=en")  # type: ignore[attr-defined]
    # Slow under load: the first plotly.js load of a fresh browser is the long one.
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=3 * TIMEOUT_MS)  # type: ignore[attr-defined]
    _settled(page)
    return str(page.evaluate(CHART_DATA_JS))  # type: ignore[attr-defined]


def _log_in(page: object, server: str) -> None:
    log_in(page, server, "analyst", PASSWORD)


def test_a_manager_sees_no_way_to_write(chromium_browser: object, server: str) -> None:
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(f"{server}/upload?lang=en")
    page.wait_for_selector("input[type=password]", timeout=TIMEOUT_MS)
    _settled(page)
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_role("button", name="Merge").count() == 0
    page.close()


def test_analyst_logs_in_uploads_merges_sees_the_chart_and_undoes(
    chromium_browser: object, server: str, tmp_path: Path
) -> None:
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    assert "4321" not in _chart_data(page, server)
    _log_in(page, server)
    upload = tmp_path / "new.csv"
    upload.write_text(NEW_ROW, encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.wait_for_selector(".st-key-upload_merge button", timeout=TIMEOUT_MS)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "upload_preview.png"), full_page=True)
    page.locator(".st-key-upload_merge button").click()
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=TIMEOUT_MS)
    assert "Merged as batch" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert "4321" in _chart_data(page, server), "the merged figure shows in the trains chart"

    _log_in(page, server)
    page.get_by_role("tab", name="History and undo").click()
    page.wait_for_selector(".st-key-undo_button button", timeout=TIMEOUT_MS)
    _settled(page)
    page.locator(".st-key-undo_reason input").fill("browser test")
    page.locator(".st-key-undo_reason input").press("Enter")
    _settled(page)
    page.locator(".st-key-undo_button button").click()
    page.wait_for_selector(".st-key-undo_confirm button", timeout=TIMEOUT_MS)
    assert "4321" in page.locator(".st-key-undo_confirm_box").inner_text()
    page.locator(".st-key-undo_confirm button").click()
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=TIMEOUT_MS)
    assert "4321" not in _chart_data(page, server)
    page.close()
