"""Present mode in Debian's Chromium: cards first, one chart per screen, clicker keys move."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, CHART, SETTLED_JS, TIMEOUT_MS, streamlit_server
from playwright.sync_api import Page

from dashboard.presenting import PRESENT_LABEL
from etl.contract.paths import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
# Every value label a plotly chart draws: bar texts and marker texts.
LABEL_SIZES_JS = """() => [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"] text.bartext, [data-testid="stPlotlyChart"] g.textpoint text'
  )].filter(e => e.textContent.trim()).map(e => ({
    text: e.textContent,
    size: parseFloat(getComputedStyle(e).fontSize),
    drawn: e.getBoundingClientRect().height,
  }))"""


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


def _counter(page: Page) -> str:
    return page.get_by_text(re.compile(r"^\d+ / \d+")).first.inner_text()


def _screen(page: Page, number: int | None = None) -> tuple[str, str]:
    """Wait for screen `number` (any when None) to settle; return its headline and counter."""
    if number is not None:
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('strong')]"
            ".some(e => e.innerText.startsWith(n + ' / '))",
            arg=number,
        )
    page.wait_for_function(SETTLED_JS)
    headline = page.locator("h1").first.inner_text()
    return headline, _counter(page)


def test_present_mode_opens_on_the_cards_and_buttons_move(
    present_server: str, browser_page: Page
) -> None:
    page = browser_page
    # A filter that keeps the headline series (a region filter such as chongqing leaves the
    # corridor-wide cards out, by design: a card never shows another series).
    page.goto(f"{present_server}/?present=1&basis=reported")
    first, counter = _screen(page, 1)
    assert counter.startswith("1 / ")
    total = int(counter.split("/")[1].split()[0])
    assert total >= 3
    # The first screen is the headline figures: cards, no chart.
    page.wait_for_selector(".cd-card")
    assert page.locator(".cd-card").count() >= 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=str(ARTIFACTS / "present_1.png"))

    page.get_by_role("button", name=re.compile("下一张")).first.click()
    second, counter = _screen(page, 2)
    assert counter.startswith("2 / ")
    assert second != first
    assert "basis=reported" in page.url and "present=1" in page.url
    page.screenshot(path=str(ARTIFACTS / "present_2.png"))

    page.get_by_role("button", name=re.compile("上一张")).first.click()
    again, counter = _screen(page, 1)
    assert counter.startswith("1 / ") and again == first


def test_clicker_keys_move_between_screens(present_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1")
    first, _ = _screen(page, 1)
    page.locator("h1").first.click()  # focus the page, as a presenter's first click does
    page.keyboard.press("ArrowRight")
    second, counter = _screen(page, 2)
    assert counter.startswith("2 / ") and second != first
    page.keyboard.press("PageDown")
    third, counter = _screen(page, 3)
    assert counter.startswith("3 / ") and third not in (first, second)
    page.keyboard.press("ArrowLeft")
    back, counter = _screen(page, 2)
    assert counter.startswith("2 / ") and back == second
    page.keyboard.press("PageUp")
    start, counter = _screen(page, 1)
    assert counter.startswith("1 / ") and start == first


def test_value_labels_are_meeting_room_size(present_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1&slide=3")
    _screen(page, 3)
    page.wait_for_selector(CHART, state="visible")
    labels = page.evaluate(LABEL_SIZES_JS)
    assert labels, "the chart draws value labels"
    for label in labels:
        assert label["size"] >= 24 and label["size"] == PRESENT_LABEL, label
        # Drawn, not shrunk to fit a bar: the glyph box is at least the type size.
        assert label["drawn"] >= 24, label
    page.screenshot(path=str(ARTIFACTS / "present_labels.png"))


def test_no_screen_is_a_one_point_chart(present_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1&slide=2")
    _, counter = _screen(page, 2)
    total = int(counter.split("/")[1].split()[0])
    for number in range(2, total + 1):
        if number > 2:
            page.locator("h1").first.click()
            page.keyboard.press("ArrowRight")
            _screen(page, number)
        page.wait_for_selector(f'{CHART}, [data-testid="stMetric"]', state="visible")
        if page.locator('[data-testid="stPlotlyChart"]').count():
            points = page.evaluate(
                "() => document.querySelectorAll("
                '\'[data-testid="stPlotlyChart"] g.point, '
                '[data-testid="stPlotlyChart"] g.points path.point\').length'
            )
            assert points >= 2, f"screen {number} draws a chart of {points} point"
        else:
            assert page.locator('[data-testid="stMetric"]').count() == 1, number


def test_present_mode_in_english_keeps_the_filters(present_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{present_server}/?present=1&lang=en&slide=3")
    _, counter = _screen(page, 3)
    assert counter.startswith("3 / ")
    visible_next = page.locator("button:visible", has_text=re.compile("Next"))
    visible_next.first.wait_for(state="visible")
    assert visible_next.count() >= 1
    page.screenshot(path=str(ARTIFACTS / "present_en.png"))


PAGE_BOX_JS = """() => ({
  height: document.documentElement.scrollHeight,
  width: document.documentElement.scrollWidth,
  sidebar: !!document.querySelector('[data-testid="stSidebar"]')
    && document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().width > 0
    && getComputedStyle(document.querySelector('[data-testid="stSidebar"]')).visibility
       !== 'hidden',
  header: !!document.querySelector('h2'),
  title: (document.querySelector('h1') || {innerText: ''}).innerText,
})"""


@pytest.mark.parametrize("slide", [1, 3])
def test_the_present_page_fits_the_wall_as_present_mode_does(
    present_server: str, browser_page: Page, slide: int
) -> None:
    page = browser_page
    boxes = []
    for path in (f"/?present=1&slide={slide}", f"/present?slide={slide}"):
        page.goto(f"{present_server}{path}")
        _screen(page, slide)
        boxes.append(page.evaluate(PAGE_BOX_JS))
    flagged, own = boxes
    assert own == flagged
    assert own["height"] <= WALL["height"] and own["width"] <= WALL["width"], own
    page.screenshot(path=str(ARTIFACTS / f"present_page_{slide}.png"))


# The words a presenter sees on the controls: every visible text but the icons' ligature names.
CONTROL_WORDS_JS = """() => {
  const box = document.querySelector('.st-key-present_controls');
  const icons = [...box.querySelectorAll('[data-testid="stIconMaterial"]')].map(e => e.innerText);
  return icons.reduce((text, icon) => text.replace(icon, ''), box.innerText);
}"""


@pytest.mark.parametrize(("lang", "other"), [("zh", r"[A-Za-z]{2,}"), ("en", r"[\u3400-\u9fff]")])
def test_the_clicker_speaks_the_page_language(
    present_server: str, browser_page: Page, lang: str, other: str
) -> None:
    # Streamlit's own key badges read "PageUp"/"PageDown" on a Chinese page.
    page = browser_page
    page.goto(f"{present_server}/?present=1&lang={lang}&slide=2")
    _screen(page, 2)
    key_word = "上翻页键" if lang == "zh" else "Page Up"
    # The controls' buttons may draw a moment after the counter: wait for the quiet ones.
    page.wait_for_function(f"(w) => ({CONTROL_WORDS_JS})().includes(w)", arg=key_word)
    words = page.evaluate(CONTROL_WORDS_JS)
    counter = _counter(page)
    assert key_word in words
    assert re.findall(other, words.replace(counter, "")) == []
    page.locator(".st-key-present_controls").screenshot(
        path=str(ARTIFACTS / f"present_controls_{lang}.png")
    )
