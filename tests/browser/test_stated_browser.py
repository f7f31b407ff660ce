"""Figures as stated, in Debian's Chromium: a bound on the overview's chart, card and legend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHART, SETTLED_JS, TIMEOUT_MS, streamlit_server
from dashboard_data import BOUND_ROWS, ROWS, write_data_dir

from dashboard.i18n import t

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_data_dir(Path(tmp_path_factory.mktemp("stated")) / "data", [*ROWS, *BOUND_ROWS])
    with streamlit_server(root, "streamlit_stated.log") as url:
        yield url


# Issue 23 item 6: the chart's label is in its axis' scale (列 in zh: 超10000 beside 9000).
@pytest.mark.parametrize(
    ("lang", "label", "stated"),
    [("zh", "超10000", "超1万列"), ("en", "over 10,000", "over 10,000 trains")],
)
def test_the_overview_draws_a_bound_as_a_bound_with_its_words(
    chromium_browser: object, server: str, lang: str, label: str, stated: str
) -> None:
    page = chromium_browser.new_page(viewport=LAPTOP)  # type: ignore[attr-defined]
    page.goto(f"{server}/?lang={lang}")
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stated_cards_{lang}.png"))
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    # SVG text has no inner text: its text content is what the chart prints.
    svg_text = chart.locator("svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert label in svg_text, svg_text
    assert t("bound_legend", lang) in svg_text
    # The open triangle is drawn: plotly gives each marker a path of its symbol.
    assert chart.locator("g.points path.point").count() >= 1
    card = page.locator('.cd-card[data-metric="train_runs"] .cd-value').inner_text()
    assert card == stated
    body = page.inner_text("body")
    assert t("bound_note", lang) in body
    assert t("gap_note", lang, years="2020") in body
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / f"stated_overview_{lang}.png"))
    chart.screenshot(path=str(ARTIFACTS / f"stated_chart_{lang}.png"))
    page.close()
