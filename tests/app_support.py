"""What the AppTest suites of the app share: the entry script, a cold run's timeout, the text a
reader sees on a page."""

from __future__ import annotations

import re
from typing import Any

from cards_support import cards
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import WORD_JOINER
from dashboard.ui import row_key
from etl.contract.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
# A cold first run imports plotly and pandas and loads the table.
TIMEOUT = 60


def shown(markdown: str) -> str:
    """Return markdown as the reader sees it: data text is escaped (dashboard/safe_text.py)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Return every markdown, caption, card and chart row label text of a run, as shown."""
    parts = [shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption]
    parts += [card.text() for card in cards(at)]
    parts += [shown(row.label) for row in rows(at)]
    return "\n".join(parts)


def element_key(element: Any) -> str:
    """Return the key an element was given (the last part of its element id)."""
    return str(element.proto.id).split("-")[-1]


def rows(at: AppTest) -> list[Any]:
    """Return a metric page's chart rows (expanders keyed row_<chart>, dashboard/ui.py)."""
    return [e for e in at.expander if element_key(e).startswith("row_")]


def open_rows(at: AppTest, *chart_ids: str) -> AppTest:
    """Open the rows of these charts (every row when none is named), as clicks on them would,
    and run the page again."""
    keys = [row_key(c) for c in chart_ids] or [element_key(r) for r in rows(at)]
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def every_chart(at: AppTest) -> list[Any]:
    """Return every chart of the page in its order, its rows opened to draw their own."""
    return list(open_rows(at).get("plotly_chart"))


def every_text(at: AppTest) -> str:
    """Return the page's texts (as texts() reads them) as loaded and with its rows opened."""
    return texts(at) + "\n" + texts(open_rows(at))


def menus(at: AppTest) -> list[Any]:
    """Return the page's download menus (popovers keyed menu_<chart>, dashboard/downloads.py)."""
    return [p for p in at.get("popover") if menu_key(p).startswith("menu_")]


def menu_key(popover: Any) -> str:
    """Return the key a popover was given (the last part of its element id)."""
    return element_key(popover)


def opened_menus(at: AppTest) -> AppTest:
    """Open every download menu of the page, as a click on each would, and run it again."""
    for menu in menus(at):
        at.session_state[menu_key(menu)] = True
    at.run()
    assert not at.exception, at.exception
    return at
