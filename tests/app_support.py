"""What the AppTest suites of the app share: the entry script, a cold run's timeout, the text a
reader sees on a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cards_support import cards
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import WORD_JOINER
from etl.contract.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
# A cold first run imports plotly and pandas and loads the table.
TIMEOUT = 60


def shown(markdown: str) -> str:
    """Return markdown as the reader sees it: data text is escaped (dashboard/safe_text.py)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Return every markdown, caption, card and tab label text of a run, as shown."""
    parts = [shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption]
    parts += [card.text() for card in cards(at)]
    parts += [shown(tab.label) for tab in at.tabs]
    return "\n".join(parts)


def tabs_key(page: str) -> str:
    """Return the session-state key of a metric page's chart tabs (dashboard/ui.py)."""
    return f"tabs_{page}"


def open_tab(at: AppTest, page: str, label: str) -> AppTest:
    """Open the page's chart tab of that label, as a click on it would, and run it again."""
    at.session_state[tabs_key(page)] = label
    at.run()
    assert not at.exception, at.exception
    return at


def each_tab(at: AppTest, page: str) -> Iterator[AppTest]:
    """Yield the page as it is, then with each other chart tab open in turn (a page without
    tabs once)."""
    labels = [tab.label for tab in at.tabs]
    key = tabs_key(page)
    shown_first = at.session_state.get(key, labels[0] if labels else None)
    yield at
    for label in labels:
        if label != shown_first:
            yield open_tab(at, page, label)


def every_chart(at: AppTest, page: str) -> list[Any]:
    """Return every chart of the page in its order, each tab opened in turn to draw its own."""
    charts: dict[str, Any] = {}
    for run in each_tab(at, page):
        for chart in run.get("plotly_chart"):
            charts.setdefault(str(chart.proto.id), chart)
    return list(charts.values())


def every_text(at: AppTest, page: str) -> str:
    """Return the page's texts (as texts() reads them) with each chart tab opened in turn."""
    return "\n".join(texts(run) for run in each_tab(at, page))


def menus(at: AppTest) -> list[Any]:
    """Return the page's download menus (popovers keyed menu_<chart>, dashboard/downloads.py)."""
    return [p for p in at.get("popover") if menu_key(p).startswith("menu_")]


def menu_key(popover: Any) -> str:
    """Return the key a popover was given (the last part of its element id)."""
    return str(popover.proto.id).split("-")[-1]


def opened_menus(at: AppTest) -> AppTest:
    """Open every download menu of the page, as a click on each would, and run it again."""
    for menu in menus(at):
        at.session_state[menu_key(menu)] = True
    at.run()
    assert not at.exception, at.exception
    return at
