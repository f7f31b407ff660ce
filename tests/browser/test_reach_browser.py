"""The Reach page's map in Debian's Chromium: drawn with every request kept on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from browser_support import ARTIFACTS, CHART, SETTLED_JS, TIMEOUT_MS, streamlit_server

from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

MAP = '[class*="st-key-card_reach_map"] [data-testid="stPlotlyChart"] .js-plotly-plot'
# The land, lanes and hub labels are SVG drawn by plotly.js from the page's own data.
LAND_JS = """() => [...document.querySelectorAll(
  '[class*="st-key-card_reach_map"] .js-plotly-plot')]
  .map(p => p.querySelectorAll('.scatterlayer .trace').length)"""
SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit-reach.log") as url:
        yield url


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_reach_map_draws_with_no_request_off_the_machine(
    chromium_browser: object, server: str, lang: str, screen: str
) -> None:
    width, height = SCREENS[screen]
    context = chromium_browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    seen: list[str] = []
    outside: list[str] = []

    def record(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        seen.append(url)
        if urlsplit(url).hostname not in (None, "127.0.0.1") and not url.startswith(
            ("data:", "blob:")
        ):
            outside.append(url)

    context.on("request", record)
    page = context.new_page()
    try:
        page.goto(f"{server}/reach?lang={lang}")
        page.wait_for_selector(MAP, timeout=TIMEOUT_MS)
        page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
        page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        assert page.locator('[data-testid="stException"]').count() == 0
        # Two maps, each with land, its lines or lanes and its hubs drawn.
        traces = page.evaluate(LAND_JS)
        assert len(traces) == 2 and min(traces) >= 3, traces
        card = page.locator('[class*="st-key-card_reach_map"]')
        text = card.inner_text()
        assert ("127个国家和地区" if lang == "zh" else "127 countries") in text
        assert ("北部湾" if lang == "zh" else "Beibu Gulf") in text
        page.screenshot(path=str(ARTIFACTS / f"reach-{screen}-{lang}.png"))
        card.screenshot(path=str(ARTIFACTS / f"reach-map-{screen}-{lang}.png"))
    finally:
        context.close()
    assert seen, "requests were recorded"
    assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))[:10]}"
