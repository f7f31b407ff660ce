"""The article tab in Debian's Chromium: paste an undated article, see how each period was
decided (carried and publication-date ones marked for review), and store it with its inferred
publication date still marked inferred."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, TIMEOUT_MS, chromium, require_chromium, streamlit_server

from etl.contract.paths import REPO_ROOT, Layout
from etl.store.passwords import hash_password, write_password_hash
from etl.store.table import load_table

pytestmark = pytest.mark.browser

PASSWORD = "analyst password 2025"
PASTED = (
    "2024年1—8月，西部陆海新通道铁海联运班列发送集装箱54321标箱，同比增长12%。\n"
    "截至8月底，公路班车累计发运7654车次。此外，跨境班列累计开行3210列。\n"
    "通道目的地已拓展至123个国家和地区的456个港口。\n"
)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from dashboard_data import write_data_dir

    return write_data_dir(tmp_path_factory.mktemp("article_browser") / "data")


@pytest.fixture(scope="module")
def server(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    secrets = tmp_path_factory.mktemp("article_secrets") / "secrets.toml"
    write_password_hash(hash_password(PASSWORD), secrets)
    env = {"CORRIDOR_SECRETS_FILE": str(secrets)}
    with streamlit_server(data_root, "streamlit_article.log", env) as url:
        yield url


def _settled(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(600)  # type: ignore[attr-defined]


def test_paste_preview_how_each_period_was_decided_and_store_the_date_inferred(
    server: str, data_root: Path
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})  # type: ignore[attr-defined]
        page.goto(f"{server}/upload?lang=en")
        page.wait_for_selector("input[type=password]", timeout=TIMEOUT_MS)
        # The shared password is the named account 'analyst' (issue 13's named logins).
        page.fill(".st-key-login_name input", "analyst")
        page.fill("input[type=password]", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("tab", name="New article").click()
        box = page.locator(".st-key-art_text textarea")
        box.wait_for(timeout=TIMEOUT_MS)
        box.fill(PASTED)
        box.press("Control+Enter")  # a text area commits on Ctrl+Enter (or on blur)
        page.get_by_text("How each period was decided").wait_for(timeout=TIMEOUT_MS)
        _settled(page)

        published = page.locator("[class*='st-key-art_published_'] input")
        assert published.input_value() == "2024-09-01", "the inferred date is shown, editable"
        assert page.get_by_text("inferred from the text").count() >= 1
        table = page.locator("[data-testid='stTable']").inner_text()
        for label in ("stated in its clause", "carried from earlier", "publication date"):
            assert label in table, label
        assert table.count("⚠ review") == 3, "the carried figure and the two snapshots"
        page.screenshot(path=str(ARTIFACTS / "article_preview.png"), full_page=True)

        accept = page.locator(".st-key-art_accept button")
        assert accept.is_disabled(), "no title line: the analyst is asked for a title"
        title = page.locator("[class*='st-key-art_title_'] input")
        title.fill("粘贴的测试文章")
        title.press("Enter")
        _settled(page)
        accept.click()
        page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=TIMEOUT_MS)
        page.close()
    sources = load_table(Layout(data_root)).sources
    row = sources[sources["title"] == "粘贴的测试文章"].iloc[0]
    assert row["published"].strftime("%Y-%m-%d") == "2024-09-01"
    assert bool(row["published_inferred"]) is True
