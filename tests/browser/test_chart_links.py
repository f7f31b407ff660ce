"""Each chart's copy link and a clicked point's source, in Debian's Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from browser_support import ARTIFACTS, CHART, SETTLED_JS, TIMEOUT_MS, streamlit_server
from playwright.sync_api import Page

from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A Streamlit server on the shipped data, on a free local port."""
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit_chart_links.log") as url:
        yield url


def test_the_copy_link_names_the_page_and_its_filters(
    server: str, chromium_browser: object
) -> None:
    page: Page = chromium_browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/trains?metric=teu&from=2020-01&lang=en")
    page.wait_for_selector(CHART, state="visible")
    page.wait_for_function(SETTLED_JS)
    # The link sits in the chart's download menu, made when the menu is opened.
    page.get_by_role("button", name=re.compile("Download · link")).first.click()
    code = page.locator('[data-testid="stCode"] code').first
    code.wait_for(state="visible")
    link = code.inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "copy_link.png"))
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == server.rstrip("/")
    assert parts.path.rstrip("/").endswith("/trains")
    assert dict(parse_qsl(parts.query)) == {"metric": "teu", "from": "2020-01", "lang": "en"}
