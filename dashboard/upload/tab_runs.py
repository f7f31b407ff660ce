"""Which upload tabs rerun alone: the file and history tabs as fragments, so choosing a file or
clicking Merge reruns neither the sidebar nor the other tabs, the analyst's session checked on
each of their own runs as the page's full run checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.upload import login
from dashboard.upload.context import UploadContext, current_context
from etl.store import auth

Draw = Callable[[UploadContext, auth.Actor], None]

# The fragments' keys: a write in the file tab reruns them all (st.rerun from its callback), as
# the history tab lists the batch it wrote (preselected for undo) and the review tab the item.
FILE_TAB = "upload_file_tab"
HISTORY_TAB = "upload_history_tab"
REVIEW_TAB = "upload_review_tab"
# Where the page's full run notes the fragments it drew: only those can be rerun by key.
DRAWN_KEY = "_upload_fragments"


def rerunning_alone() -> bool:
    """Return whether this script run reruns fragments only, not the whole page."""
    run = get_script_run_ctx()
    return bool(run is not None and run.fragment_ids_this_run)


def alone(key: str, draw: Draw) -> Draw:
    """Return draw as a fragment under key: on its own runs it reads the settings and language
    again and draws only while the analyst is still signed in (else the whole page runs, which
    signs a lapsed session out and says so)."""

    def run(ctx: UploadContext, actor: auth.Actor) -> None:
        if rerunning_alone():
            # The arguments are those of the last full run: settings.toml may have changed since.
            ctx = current_context()
            if not login.still_signed_in(ctx, actor):
                st.rerun(scope="app")
        draw(ctx, actor)

    run.__name__ = run.__qualname__ = f"alone_{draw.__name__}"
    fragment: Draw = st.fragment(run, key=key)
    return fragment


def note_drawn(keys: list[str]) -> None:
    """Note the fragments this full run of the page drew."""
    st.session_state[DRAWN_KEY] = tuple(keys)


def rerun_after_write() -> NoReturn:
    """Rerun, alone, the tabs a write changes (called from the write's callback)."""
    drawn = st.session_state.get(DRAWN_KEY, ())
    st.rerun([key for key in (FILE_TAB, HISTORY_TAB, REVIEW_TAB) if key in drawn])
