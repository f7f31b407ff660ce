"""What the page says after a write: a refusal, a change waiting for approval, or the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import streamlit as st

from dashboard.upload.context import UploadContext
from etl.contract.errors import CorridorError


class Outcome(Protocol):
    """A write's result: the batch written, or the pending item stored to await approval."""

    @property
    def batch_id(self) -> str | None: ...

    @property
    def pending_id(self) -> str | None: ...


def show_error(ctx: UploadContext, exc: CorridorError) -> None:
    """Show a refusal: a fixed headline, then the problems as plain text (never markdown)."""
    st.error(ctx.locale.t("up_refused"), icon=":material/block:")
    st.code(exc.render(), language=None, wrap_lines=True)


def result_message(ctx: UploadContext, result: Outcome | str | None, done_key: str) -> str:
    """Return what a write did: the pending item awaiting approval, else done_key with the batch."""
    if result is None:
        return ctx.locale.t(done_key)
    if isinstance(result, str):
        return ctx.locale.t(done_key, batch=result)
    if result.pending_id:
        return ctx.locale.t("up_submitted", pending=result.pending_id)
    return ctx.locale.t(done_key, batch=result.batch_id)


def write_outcome(
    ctx: UploadContext, write: Callable[[], Outcome | str | None], done_key: str
) -> str | CorridorError:
    """Run one write; return what it did in the page's words, or its refusal."""
    try:
        result = write()
    except CorridorError as exc:
        return exc.with_traceback(None)  # may be kept in the session: no frames held with it
    return result_message(ctx, result, done_key)


def report_write(
    ctx: UploadContext,
    write: Callable[[], Outcome | str | None],
    done_key: str,
    *,
    flash: str | None = None,
) -> bool:
    """Run one write and say how it went; return whether it went through.

    A refusal is shown as such. With flash, the message is kept in the session under that key
    and the page runs again at once (show_flash shows it there), so the page redraws the change.
    """
    message = write_outcome(ctx, write, done_key)
    if isinstance(message, CorridorError):
        show_error(ctx, message)
        return False
    if flash is None:
        st.success(message)
        return True
    st.session_state[flash] = message
    st.rerun()


def show_flash(key: str) -> None:
    """Show the message a write kept for this run, once."""
    flash = st.session_state.pop(key, None)
    if flash:
        st.success(flash)
