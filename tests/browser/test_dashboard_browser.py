"""The dashboard in Debian's Chromium: every page draws, filters live in the URL, screenshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, CHART, TIMEOUT_MS, streamlit_server

from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

TABLE = '[data-testid="stDataFrame"]'
PAGES = {"overview": "", "trains": "trains", "freight": "freight", "agri": "agri",
         "reach": "reach", "data": "data"}  # fmt: skip
# The document and Streamlit's own scrolling main area must both fit the screen's width.
SIDEWAYS_JS = """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
  .filter(e => e && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName} ${e.scrollWidth}>${e.clientWidth}`)"""
THIN = ("data", "freight")
VIEWPORTS = {"wall": (1920, 1080), "phone": (390, 844)}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit.log") as url:
        yield url


def _wait_drawn(page: object, name: str) -> None:
    # The data page and a thin page (a handful of figures) show a table, not charts.
    page.wait_for_selector(TABLE if name in THIN else CHART, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(800)  # type: ignore[attr-defined]
    # Sections below the charts may still arrive: wait until the headings stop changing.
    seen: list[str] = []
    for _ in range(20):
        now = page.locator('[data-testid="stHeading"]').all_inner_texts()  # type: ignore[attr-defined]
        if now == seen:
            break
        seen = now
        page.wait_for_timeout(500)  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_draws_without_horizontal_scrolling(
    chromium_browser: object, server: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page = chromium_browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    for name, path in PAGES.items():
        page.goto(f"{server}/{path}")
        _wait_drawn(page, name)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        if name not in THIN:
            charts = page.locator(CHART)
            assert charts.count() >= 1, name
        overflow = page.evaluate(SIDEWAYS_JS)
        assert not overflow, f"{name} scrolls sideways at {width}px: {overflow}"
        page.screenshot(path=str(ARTIFACTS / f"{name}_{viewport}.png"), full_page=True)
    page.close()


def test_a_filter_change_goes_to_the_url_and_the_url_opens_the_same_view(
    chromium_browser: object, server: str
) -> None:
    page = chromium_browser.new_page(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    page.goto(f"{server}/trains")
    _wait_drawn(page, "trains")
    before = page.url
    page.locator(".st-key-f_lang [role=radio]", has_text="English").click()
    page.wait_for_url("**lang=en**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "trains")
    # The kind of figure sits in the filters menu with the other filters.
    page.get_by_role("button", name="Filters").click()
    page.locator(".st-key-f_basis [role=radio]", has_text="Reported").click()
    page.wait_for_url("**basis=reported**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "trains")
    after = page.url
    assert after != before and "/trains" in after
    headings = page.locator('[data-testid="stHeading"]').all_inner_texts()
    legends = page.locator(".legendtext").all_inner_texts()
    assert "Western Land-Sea New Corridor dashboard" in headings
    assert "Derived (from the growth rate)" not in legends
    page.screenshot(path=str(ARTIFACTS / "filtered_wall.png"), full_page=True)

    fresh = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    other = fresh.new_page()
    other.goto(after)
    _wait_drawn(other, "trains")
    assert other.locator('[data-testid="stHeading"]').all_inner_texts() == headings
    assert other.locator(".legendtext").all_inner_texts() == legends
    assert "basis=reported" in other.url and "lang=en" in other.url
    fresh.close()

    page.locator('[data-testid="stTopNavLink"]', has_text="Reach").first.click()
    page.wait_for_url("**/reach**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "reach")
    assert "lang=en" in page.url and "basis=reported" in page.url, page.url
    page.close()


def test_the_more_filters_button_opens_the_choices_and_a_choice_filters(
    chromium_browser: object, server: str
) -> None:
    # Every filter sits in one popover: mounted on the click, not on load.
    page = chromium_browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{server}/")
    _wait_drawn(page, "overview")
    choices = ".st-key-f_region, .st-key-f_route, .st-key-f_metric, .st-key-f_source"
    assert page.locator(choices).count() == 0
    page.get_by_role("button", name="筛选").click()
    metric = page.locator(".st-key-f_metric")
    metric.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(choices).count() == 4
    metric.locator("input").click()
    page.keyboard.type("集装箱运量")
    page.keyboard.press("Enter")
    page.wait_for_url("**metric=teu**", timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")
    _wait_drawn(page, "overview")
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "指标：集装箱运量" in sidebar and "已选 1 项" in sidebar
    page.screenshot(path=str(ARTIFACTS / "more_filters.png"))
    page.close()


# The Trains page at a laptop's 1366×768: at most four screens of scrolling (issue 23).
SCROLL_JS = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
    .map(e => e.scrollHeight))"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_trains_page_fits_four_screens_at_1366(
    chromium_browser: object, server: str, lang: str
) -> None:
    page = chromium_browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(f"{server}/trains?lang={lang}")
    _wait_drawn(page, "trains")
    assert page.locator('[data-testid="stPlotlyChart"]').count() <= 8  # issue 23: at most eight
    height = page.evaluate(SCROLL_JS)
    page.screenshot(path=str(ARTIFACTS / f"trains_1366_{lang}.png"), full_page=True)
    page.close()
    assert height <= 4 * 768, f"the trains page scrolls {height}px at 1366×768"


def test_a_metric_chosen_then_the_language_switched_leaves_the_next_page_working(
    chromium_browser: object, server: str
) -> None:
    # The browser sends the metric back in the words it was shown (集装箱运量) while the
    # filters' popover is closed, also after the switch to English; the next page failed.
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(server)
    _wait_drawn(page, "overview")
    page.get_by_role("button", name="筛选").click()
    page.locator(".st-key-f_metric input").click()
    page.get_by_role("option", name="集装箱运量").click()
    page.keyboard.press("Escape")
    page.wait_for_url("**metric=teu**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "overview")
    page.mouse.click(5, 500)
    page.locator(".st-key-f_lang button").nth(1).click()
    page.wait_for_url("**lang=en**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "overview")
    page.get_by_role("link", name="Trains and TEU").first.click()
    page.wait_for_url("**/trains?**", timeout=TIMEOUT_MS)
    _wait_drawn(page, "trains")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "metric=teu" in page.url
    page.close()  # type: ignore[attr-defined]
