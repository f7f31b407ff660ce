"""The upload page's history tab: every batch as a sentence and in a table, then undo."""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import plain
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import show_flash
from dashboard.upload.undo import UNDO_FLASH, undo_section
from etl.store import auth
from etl.store.history import history_frame, history_sentences


def history_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """The history as sentences (and a table), then undo: newest batch preselected, a reason,
    and a confirmation saying which figures change back."""
    locale = ctx.locale
    show_flash(UNDO_FLASH)
    sentences = history_sentences(ctx.layout, locale.lang)
    if not sentences:
        st.info(locale.t("up_no_batches"))
        return
    st.markdown(locale.t("up_history_heading", zone=plain(ctx.settings.time_zone)))
    st.code("\n".join(sentences[:200]), language=None, wrap_lines=True)
    with st.expander(locale.t("up_history_table")):
        st.dataframe(history_frame(ctx.layout, locale.lang), hide_index=True, key="history_table")
    undo_section(ctx, actor)
