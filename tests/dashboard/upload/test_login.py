"""dashboard/upload/login.py: whether a tab rerunning alone still has its analyst (outside a
script run Streamlit keeps one session state, cleared around each test)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from dashboard.locales import locale_for
from dashboard.upload import login
from dashboard.upload.context import UploadContext
from etl.contract.paths import Layout
from etl.store.actors import Actor
from etl.store.settings import Settings

ANALYST = Actor("wang.fang", "analyst")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[UploadContext]:
    st.session_state.clear()
    yield UploadContext(Layout(tmp_path), Settings(idle_timeout_minutes=30), locale_for("en"))
    st.session_state.clear()


def test_the_signed_in_analyst_is_still_signed_in_and_marked_active(ctx: UploadContext) -> None:
    st.session_state["_analyst"] = ANALYST
    st.session_state["_last_active"] = time.time() - 60
    assert login.still_signed_in(ctx, ANALYST)
    assert time.time() - st.session_state["_last_active"] < 5


@pytest.mark.parametrize(
    ("who", "idle_s"),
    [
        (ANALYST, 31 * 60),  # idle past the settings' 30 minutes
        (Actor("li.lei", "analyst"), 60),  # another analyst signed in since
        (None, 60),  # signed out
    ],
)
def test_a_lapsed_changed_or_ended_session_is_not(
    ctx: UploadContext, who: Actor | None, idle_s: float
) -> None:
    if who is not None:
        st.session_state["_analyst"] = who
    last = time.time() - idle_s
    st.session_state["_last_active"] = last
    assert not login.still_signed_in(ctx, ANALYST)
    assert st.session_state["_last_active"] == last, "not marked active"
