"""Cards, briefing and the trains page in Chromium at three screens and two languages, offline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
import pytest
from browser_support import ARTIFACTS, CHART, SETTLED_JS, TIMEOUT_MS, chromium, streamlit_server

from dashboard.briefing import briefing_for_view
from dashboard.charts.series_years import year_records
from dashboard.locales import locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import series_cards
from etl.contract.paths import DEFAULT_DATA_DIR, layout
from etl.store.cache import load_cached_table

pytestmark = pytest.mark.browser

VIEWPORTS = {"1920": (1920, 1080), "1366": (1366, 768), "390": (390, 844)}
CARD_VALUES_JS = """() => [...document.querySelectorAll('.cd-card')].map(card => {
  const v = card.querySelector('.cd-value');
  const box = card.getBoundingClientRect(), r = v.getBoundingClientRect();
  return {key: card.dataset.metric, text: v.innerText.trim(),
          clipped: v.scrollWidth > v.clientWidth + 1 || r.right > box.right + 1
            || r.left < box.left - 1,
          card: card.innerText};
})"""
TICKS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')][0]
  .querySelectorAll('.xtick text').length ? [...[...document.querySelectorAll(
  '[data-testid="stPlotlyChart"]')][0].querySelectorAll('.xtick text')].map(e => e.textContent)
  : []"""

# Every chart of the page: its value axis' tick texts, and whether its legend and its modebar
# (top right, shown on a tap) overlap.
CHART_AXES_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
  const box = e => e ? e.getBoundingClientRect() : null;
  const legend = box(c.querySelector('.legend')), bar = box(c.querySelector('.modebar'));
  const hit = legend && bar && legend.width && bar.width && !(legend.right < bar.left
    || bar.right < legend.left || legend.bottom < bar.top || bar.bottom < legend.top);
  return {yticks: [...c.querySelectorAll('.ytick text')].map(e => e.textContent), hit: !!hit};
})"""


def _expected(lang: str) -> tuple[dict[str, str], list[int]]:
    table = load_cached_table(layout(DEFAULT_DATA_DIR))
    obs = table.observations
    view = figure_view(obs, table.sources, np.ones(len(obs), dtype=bool), locale_for(lang))
    cards = {
        c.metric: c.value
        for c in series_cards(briefing_for_view(view, locale_for(lang)), locale_for(lang))
    }
    years = year_records(view, ["train_runs"])["train_runs"]
    return cards, sorted({r["period_end"].year for r in years})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit_story.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as b:
        yield b


def _open(browser: object, url: str, size: tuple[int, int], outside: list[str]) -> object:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if urlparse(req.url).hostname not in ("127.0.0.1", None) and req.url.startswith("http")
            else None
        ),
    )
    page.goto(url)
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    page.wait_for_timeout(800)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_cards_whole_trains_card_the_corridor_series_and_nothing_leaves_the_machine(
    browser: object, server: str, screen: str, lang: str
) -> None:
    cards, years = _expected(lang)
    outside: list[str] = []
    page = _open(browser, f"{server}/?lang={lang}", VIEWPORTS[screen], outside)
    shown = page.evaluate(CARD_VALUES_JS)  # type: ignore[attr-defined]
    assert {c["key"] for c in shown} == set(cards)
    for card in shown:
        assert card["text"] == cards[card["key"]], card
        assert not card["clipped"], (screen, lang, card)
        assert "…" not in card["text"]
    trains = next(c for c in shown if c["key"] == "train_runs")
    label = "西部陆海新通道铁海联运班列开行" if lang == "zh" else "Corridor rail–sea trains"
    assert label in trains["card"]
    page.screenshot(path=str(ARTIFACTS / f"story_overview_{lang}_{screen}.png"), full_page=True)  # type: ignore[attr-defined]
    page.goto(f"{server}/trains?lang={lang}")  # type: ignore[attr-defined]
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_timeout(800)  # type: ignore[attr-defined]
    ticks = page.evaluate(TICKS_JS)  # type: ignore[attr-defined]
    # Issue 23 item 6: bare years, level, never repeated; every year where the plot is wide,
    # plotly's whole-year steps (fewer ticks) on a phone.
    every = [str(y) for y in range(years[0], years[-1] + 1)]
    assert len(set(ticks)) == len(ticks) and set(ticks) <= {*every, str(years[-1] + 1)}, ticks
    steps = {int(b) - int(a) for a, b in itertools.pairwise(ticks)}
    assert len(ticks) >= 2 and len(steps) == 1 and steps <= {1, 2, 5}, ticks
    if screen != "390":
        assert steps <= {1, 2}, ticks
    # One number style per value axis: 10000 in Chinese (as its labels), 10,000 in English.
    for chart in page.evaluate(CHART_AXES_JS):  # type: ignore[attr-defined]
        assert not chart["hit"], (screen, lang, chart)
        for tick in chart["yticks"]:
            number = tick.replace(",", "")
            assert ("," in tick) == (lang == "en" and len(number.split(".")[0]) > 3), tick
    page.screenshot(path=str(ARTIFACTS / f"story_trains_{lang}_{screen}.png"), full_page=True)  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
    assert not outside, outside


def test_the_briefing_copy_box_opens_with_its_copy_button(browser: object, server: str) -> None:
    # The box is a popover: its code block (and its highlighter script) loads on the click.
    outside: list[str] = []
    page = _open(browser, f"{server}/", VIEWPORTS["1366"], outside)
    assert page.locator('[data-testid="stCode"]').count() == 0  # type: ignore[attr-defined]
    page.get_by_role("button", name=re.compile("复制简报")).click()  # type: ignore[attr-defined]
    code = page.locator('[data-testid="stCode"]')  # type: ignore[attr-defined]
    code.wait_for(timeout=TIMEOUT_MS)
    assert "西部陆海新通道铁海联运班列" in code.inner_text()
    code.hover()
    assert page.locator('[data-testid="stCode"] button').count() >= 1  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "story_briefing_copy.png"))  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
    assert not outside, outside
