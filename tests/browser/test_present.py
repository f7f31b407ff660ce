"""Present mode in Debian's Chromium: one chart per screen, previous/next move between them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, CHART, TIMEOUT_MS, streamlit_server
from playwright.sync_api import Page

from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def present_server() -> Iterator[str]:
    """A Streamlit server on the shipped data, on a free local port."""
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit_present.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(present_server: str, chromium_browser: object) -> Page:
    """A Chromium page at projector size."""
    page: Page = chromium_browser.new_page(viewport=WALL)  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    return page


def _screen(page: Page) -> tuple[str, str]:
    """Wait for the chart, then return the headline and the 'n / total' counter."""
    page.wait_for_selector(CHART, state="visible")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stApp\"][data-test-script-state=running]')"
    )
    headline = page.locator("h1").first.inner_text()
    counter = page.get_by_text(re.compile(r"^\d+ / \d+")).first.inner_text()
    return headline, counter


def test_present_mode_shows_one_chart_per_screen_and_moves(
    present_server: str, browser_page: Page
) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1&region=chongqing")
    first, counter = _screen(page)
    assert counter.startswith("1 / ")
    total = int(counter.split("/")[1].split()[0])
    assert total >= 2
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=str(ARTIFACTS / "present_1.png"))

    page.get_by_role("button", name=re.compile("下一张")).click()
    page.wait_for_function("() => document.body.innerText.includes('2 / ')")
    second, counter = _screen(page)
    assert counter.startswith("2 / ")
    assert second != first
    assert "region=chongqing" in page.url and "present=1" in page.url
    page.screenshot(path=str(ARTIFACTS / "present_2.png"))

    page.get_by_role("button", name=re.compile("上一张")).click()
    page.wait_for_function("() => document.body.innerText.includes('1 / ')")
    again, counter = _screen(page)
    assert counter.startswith("1 / ") and again == first


def test_present_mode_in_english_keeps_the_filters(present_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1&lang=en&slide=3")
    _, counter = _screen(page)
    assert counter.startswith("3 / ")
    assert page.get_by_role("button", name=re.compile("Next")).is_visible()
    page.screenshot(path=str(ARTIFACTS / "present_en.png"))
