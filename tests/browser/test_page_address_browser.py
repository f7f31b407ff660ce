"""A page opened at its own address (a copied link) in Debian's Chromium: the frontend connects
to the server's root at once, with no probe of the page's path (no 404), and shows that page."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from browser_support import SETTLED_JS, TIMEOUT_MS, streamlit_server

from dashboard.locales import locale_for
from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

# The page's address, and the subheader (its title) the page shows.
PAGES = [
    ("trains", locale_for("zh").t("page_trains")),
    ("reach?lang=en", locale_for("en").t("page_reach")),
    ("data?lang=en", locale_for("en").t("page_data")),
    ("present", None),
    ("", locale_for("zh").t("page_overview")),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit-addresses.log") as url:
        yield url


@pytest.mark.parametrize(("address", "title"), PAGES)
def test_a_page_at_its_own_address_connects_to_the_root_without_a_probe(
    chromium_browser: object, server: str, address: str, title: str | None
) -> None:
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    failed: list[str] = []
    asked: list[str] = []
    context.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    context.on("request", lambda r: asked.append(urlsplit(r.url).path))
    sockets: list[str] = []
    page = context.new_page()
    page.on("websocket", lambda ws: sockets.append(urlsplit(ws.url).path))
    try:
        page.goto(f"{server}/{address}")
        page.wait_for_selector('[data-testid="stMain"]', timeout=TIMEOUT_MS)
        page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
        if title is not None:
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=TIMEOUT_MS)
        else:
            # Present mode: its own page, no navigation.
            page.wait_for_selector('[class*="st-key-present_screen"]', timeout=TIMEOUT_MS)
        assert failed == []
        # Streamlit's own endpoints were asked at the root only, and the app's socket opened there.
        assert [p for p in asked if "_stcore" in p and not p.startswith("/_stcore/")] == []
        assert {"/_stcore/health", "/_stcore/host-config"} <= set(asked)
        assert sockets == ["/_stcore/stream"]
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
