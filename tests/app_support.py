"""What the AppTest suites of the app share: the entry script, a cold run's timeout, the text a
reader sees on a page."""

from __future__ import annotations

import re
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
    """Return every markdown, caption and card text of a run, as shown."""
    parts = [shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption]
    parts += [card.text() for card in cards(at)]
    return "\n".join(parts)


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
