"""Present mode in Debian's Chromium: one chart per screen, previous/next move between them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import require_tool
from playwright.sync_api import Page, sync_playwright

from etl.paths import DEFAULT_DATA_DIR, REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
# Milliseconds: a cold first run imports plotly and loads the table before anything draws.
TIMEOUT_MS = 30_000
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'
WALL = {"width": 1920, "height": 1080}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def present_server() -> Iterator[str]:
    """A Streamlit server on the shipped data, on a free local port."""
    require_tool(CHROMIUM, "Playwright drives Debian's Chromium")
    port = _free_port()
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(DEFAULT_DATA_DIR)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "streamlit_present.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + TIMEOUT_MS / 1000
            while time.monotonic() < deadline:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"streamlit did not start; see {log}")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def browser_page(present_server: str) -> Iterator[Page]:
    """A Chromium page at projector size."""

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=WALL)
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


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
