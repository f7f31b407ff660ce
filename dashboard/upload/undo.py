"""Undoing a batch on the upload page: the newest preselected, a reason, then a confirmation
saying which figures go and which come back."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.safe_text import plain
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import report_write
from etl.store import auth, commands
from etl.store.history import option_label, undo_effect, undo_options

# The session key holding the undo's message for the run after it (the history tab shows it).
UNDO_FLASH = "_undo_flash"


def _preselect_newest(newest: str) -> None:
    # After any change the newest batch is chosen again, whatever was chosen before.
    if st.session_state.get("_undo_newest") != newest:
        st.session_state["_undo_newest"] = newest
        st.session_state["undo_choice"] = newest
        st.session_state["undo_reason"] = ""
        st.session_state.pop("_undo_confirm", None)


def undo_section(ctx: UploadContext, actor: auth.Actor) -> None:
    """Choose a batch (newest first, preselected after every change), give a reason, confirm."""
    locale = ctx.locale
    options = undo_options(ctx.layout)
    if not options:
        st.info(locale.t("up_undo_none"))
        return
    labels = {str(e["id"]): option_label(e, locale.lang, ctx.settings.zone) for e in options}
    _preselect_newest(str(options[0]["id"]))
    choice = st.selectbox(
        locale.t("up_undo_choice"), list(labels), format_func=labels.__getitem__, key="undo_choice"
    )
    reason = st.text_input(locale.t("up_undo_reason"), key="undo_reason")
    if st.button(locale.t("up_undo_ask"), key="undo_button"):
        if reason.strip():
            st.session_state["_undo_confirm"] = choice
        else:
            st.warning(locale.t("up_undo_need_reason"))
    target = st.session_state.get("_undo_confirm")
    if target != choice or target not in labels:
        return
    # The effect is read before the box is drawn, so the box appears whole, never as a bare head.
    effect = undo_effect(ctx.layout, str(target), locale.lang)
    with st.container(border=True, key="undo_confirm_box"):
        _confirm(ctx, actor, str(target), labels[target], reason, effect)


def _confirm(
    ctx: UploadContext,
    actor: auth.Actor,
    target: str,
    label: str,
    reason: str,
    effect: dict[str, Any],
) -> None:
    """Say what undoing the batch changes back, then undo it or cancel."""
    locale = ctx.locale
    st.markdown(locale.t("up_undo_confirm_head", label=plain(label)))
    for key, count, words in (
        ("up_undo_goes", effect["goes"], effect["goes_words"]),
        ("up_undo_returns", effect["returns"], effect["returns_words"]),
    ):
        if count:
            more = [locale.t("up_undo_more", n=count - len(words))] if count > len(words) else []
            st.text(locale.t(key, n=count) + "\n" + "\n".join(["  " + w for w in words] + more))
    if effect["sources"]:
        st.text(locale.t("up_undo_sources", ids=", ".join(effect["sources"])))
    cols = st.columns(2)
    if cols[1].button(locale.t("up_cancel"), key="undo_cancel"):
        st.session_state.pop("_undo_confirm", None)
        st.rerun()
    if cols[0].button(locale.t("up_undo_confirm"), key="undo_confirm", type="primary"):

        def undo() -> str:
            batch = commands.undo_batch(ctx.layout, actor, target, reason)
            st.session_state.pop("_undo_confirm", None)
            return batch

        report_write(ctx, undo, "up_undone", flash=UNDO_FLASH)
