"""What every browser test shares: Debian's Chromium, a Streamlit server, and waiting for charts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from local_browser import CHROMIUM, ServerDidNotStart, launch_options
from local_browser import streamlit_server as _streamlit_server
from tool_support import require_tool

from etl.contract.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
# Milliseconds: a cold first run imports plotly and loads the table before anything draws.
TIMEOUT_MS = 30_000
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'
SETTLED_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def require_chromium() -> None:
    """Skip without Debian's Chromium, but fail under CI=true, where .ci/run installs it."""
    require_tool(CHROMIUM, "apt-get install chromium")


@contextmanager
def streamlit_server(data_dir: Path, log_name: str, env: Mapping[str, str] = {}) -> Iterator[str]:
    """Run the dashboard on data_dir at 127.0.0.1 and yield its URL once it answers."""
    require_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / log_name
    try:
        with _streamlit_server(
            data_dir=data_dir, env=env, log=log, startup_s=TIMEOUT_MS / 1000
        ) as url:
            yield url
    except ServerDidNotStart:
        pytest.fail(f"streamlit did not start; see {log}")


@contextmanager
def chromium() -> Iterator[object]:
    """Yield a Playwright browser driving Debian's Chromium (never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: object, url: str, name: str, password: str) -> None:
    """Sign in on the upload page (English) and wait for its file input."""
    # A page load is a new Streamlit session, and the login lives in the session.
    page.goto(f"{url}/upload?lang=en")  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=password]", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.locator(".st-key-login_name input").fill(name)  # type: ignore[attr-defined]
    page.fill("input[type=password]", password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=file]", state="attached", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
