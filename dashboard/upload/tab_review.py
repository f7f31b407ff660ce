"""The upload page's review tab: pending changes beside what was submitted, approved or rejected
by another analyst."""

from __future__ import annotations

import streamlit as st

from dashboard.upload.context import UploadContext
from dashboard.upload.messages import report_write, show_error, show_flash
from dashboard.upload.preview import MAX_PREVIEW_ROWS
from etl.contract.errors import CorridorError
from etl.store import auth, pending
from etl.uploads import reading

# The original shown beside a pending item's rows: enough to check the rows against it.
MAX_ORIGINAL_CHARS = 20_000
# The session key holding an approval's or rejection's message for the run after it.
REVIEW_FLASH = "_review_flash"


def show_original(ctx: UploadContext, record: dict[str, object]) -> None:
    """Show what the analyst submitted: the pasted article or the file, as plain text."""
    st.caption(ctx.locale.t("up_pending_original"))
    raw = pending.received_file(ctx.layout, record)
    if raw is None:
        st.caption(ctx.locale.t("up_original_missing"))
        return
    name = str(record.get("stored_as")).rsplit("/", 1)[-1]
    if str(record.get("file_kind")) == "xlsx":
        try:
            _kind, frame = reading.read_upload_frame(raw, name, max_bytes=len(raw) + 1)
        except CorridorError as exc:
            show_error(ctx, exc)
            return
        st.dataframe(frame.head(MAX_PREVIEW_ROWS), key=f"original_{name[:16]}")
        return
    text = raw[: MAX_ORIGINAL_CHARS * 4].decode("utf-8", errors="replace")
    st.code(text[:MAX_ORIGINAL_CHARS], language=None, wrap_lines=True)


def _item_line(ctx: UploadContext, item: pending.Pending) -> str:
    """Return the pending item's one line: its id, kind, sender, file and row counts."""
    r = item.record
    return ctx.locale.t(
        "up_pending_item",
        id=item.id,
        kind=ctx.locale.t(f"up_kind_{item.kind}") if item.kind in pending.KINDS else item.kind[:40],
        who=r.get("who", ""),
        file=r.get("title") or r.get("file_name", ""),
        new=r.get("rows_new", 0),
        replacing=r.get("rows_contradicting", 0),
    )


def _review_item(ctx: UploadContext, actor: auth.Actor, item: pending.Pending) -> None:
    """Show one pending item, its rows beside the original, with approve and reject."""
    locale = ctx.locale
    r = item.record
    st.text(_item_line(ctx, item))
    left, right = st.columns(2) if item.kind in ("upload", "article") else (st, None)
    try:
        rows = pending.pending_frame(ctx.layout, item)
        left.caption(locale.t("up_pending_rows"))
        left.dataframe(rows, hide_index=True, key=f"pending_preview_{item.id}")
    except CorridorError as exc:
        show_error(ctx, exc)
    if right is not None:
        with right:
            show_original(ctx, r)
    own = r.get("who") == actor.name
    if own:
        st.caption(locale.t("up_own_pending"))
    cols = st.columns(3)
    if cols[0].button(
        locale.t("up_approve"), key=f"approve_{item.id}", type="primary", disabled=own
    ):

        def approve() -> str:
            # The batch the approval wrote, never "submitted": the item it names is done.
            return str(pending.approve(ctx.layout, actor, item.id).batch_id)

        if not report_write(ctx, approve, "up_approved", flash=REVIEW_FLASH):
            return
    reason = cols[1].text_input(locale.t("up_reject_reason"), key=f"why_{item.id}")
    if cols[2].button(locale.t("up_reject"), key=f"reject_{item.id}"):

        def reject() -> None:
            pending.reject(ctx.layout, actor, item.id, reason)

        report_write(ctx, reject, "up_rejected", flash=REVIEW_FLASH)


def review_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Pending changes: each with its kind, who sent it, its rows beside the submitted article or
    file; approved or rejected by another analyst, the card updating at once."""
    show_flash(REVIEW_FLASH)
    items = pending.list_pending(ctx.layout)
    if not items:
        st.info(ctx.locale.t("up_nothing_pending"))
        return
    for item in items:
        with st.container(border=True, key=f"pending_{item.id}"):
            _review_item(ctx, actor, item)
