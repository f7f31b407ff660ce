"""The upload page's file tab: a CSV or XLSX validated, previewed in the page's words, merged.

A refusal naming only unregistered sources offers a form registering them on the spot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import LANGS
from dashboard.safe_text import plain
from dashboard.upload import login
from dashboard.upload.context import UploadContext, current_context
from dashboard.upload.findings import show_findings
from dashboard.upload.messages import show_error, write_outcome
from dashboard.upload.preview import MAX_PREVIEW_ROWS, preview_table
from dashboard.upload.tab_runs import rerun_after_write
from dashboard.uploader_text import show_uploader_words
from etl.contract.errors import UNKNOWN_SOURCE, CorridorError, Problem
from etl.store import auth, commands
from etl.store.preview import Preview
from etl.store.record_check import RowsCheck, check_rows, index_of
from etl.store.table import data_version
from etl.uploads import limits, reading, sandbox, validating
from etl.uploads.template import template_xlsx
from etl.uploads.upload import Upload

# A file citing more unregistered sources than this is not fixed one form at a time.
MAX_INLINE_SOURCES = 5
# Where a session keeps its file's last check (one file, replaced by the next).
CHECKED_KEY = "upload_checked"
# Where the Merge click leaves, for the tab's next run, the check it merged and what it did.
MERGED_KEY = "upload_merged"


@dataclass(frozen=True)
class FileCheck:
    """A file that passed its check: the upload, its preview and the record check's findings
    (None when the file changes nothing)."""

    upload: Upload
    preview: Preview
    found: RowsCheck | None


def merge_label(ctx: UploadContext) -> str:
    """Return the write button's words: 提交审批 when a second analyst must approve."""
    return ctx.locale.t("up_submit_approval" if ctx.settings.require_approval else "up_merge")


def unregistered_sources(exc: CorridorError) -> list[str]:
    """Return the source ids a refusal names as unregistered, if that is its only problem."""
    ids = [p.value or "" for p in exc.problems if p.kind == UNKNOWN_SOURCE]
    if not ids or len(ids) != len(exc.problems):
        return []
    return list(dict.fromkeys(i for i in ids if i))


def register_sources_inline(ctx: UploadContext, actor: auth.Actor, ids: list[str]) -> None:
    """Offer a form registering the file's unregistered sources, then check the file again."""
    locale = ctx.locale
    shown = ids[:MAX_INLINE_SOURCES]
    # Source ids come from the file: shown as plain text inside the markdown message.
    listed = plain("、".join(shown))
    st.info(locale.t("up_sources_missing", ids=listed), icon=":material/library_add:")
    with st.form("inline_sources"):
        fields = []
        for n, source_id in enumerate(shown):
            st.text(source_id)
            cols = st.columns(4)
            fields.append(
                (
                    source_id,
                    cols[0].text_input(locale.t("up_title"), key=f"inline_title_{n}"),
                    cols[1].text_input(locale.t("up_publisher"), key=f"inline_pub_{n}"),
                    cols[2].date_input(
                        locale.t("up_published"), value=None, key=f"inline_date_{n}"
                    ),
                    cols[3].text_input(locale.t("up_url_optional"), key=f"inline_url_{n}"),
                )
            )
        if not st.form_submit_button(locale.t("up_register")):
            return
    try:
        for source_id, title, publisher, published, url in fields:
            commands.add_source(
                ctx.layout,
                actor,
                source_id=source_id,
                title=title,
                publisher=publisher,
                published=published or date.today(),
                url=url,
            )
    except CorridorError as exc:
        show_error(ctx, exc)
        return
    st.rerun()


def show_notes(ctx: UploadContext, notes: tuple[Problem, ...]) -> None:
    """Show how cells were read (units converted, months as days, fractions to check)."""
    if not notes:
        return
    i = LANGS.index(ctx.locale.lang)
    lines = [(p.zh, p.en)[i] + (f" [{p.column}]" if p.column else "") for p in notes]
    st.warning(ctx.locale.t("up_notes"), icon=":material/info:")
    st.code("\n".join(lines), language=None, wrap_lines=True)


def show_preview(ctx: UploadContext, upload: Upload, preview: Preview) -> None:
    """Show how the file's cells were read, what it adds, holds and contradicts, and its rows."""
    locale = ctx.locale
    show_notes(ctx, upload.notes)
    counts = st.columns(3)
    counts[0].metric(locale.t("up_new"), len(preview.new))
    counts[1].metric(locale.t("up_held"), len(preview.present))
    counts[2].metric(locale.t("up_contradicting"), len(preview.contradicting))
    frame = preview.frame()
    if len(frame) > MAX_PREVIEW_ROWS:
        st.caption(locale.t("up_preview_cut", shown=MAX_PREVIEW_ROWS, total=len(frame)))
    st.dataframe(preview_table(frame, locale), hide_index=True, key="upload_preview")


def _template_buttons(ctx: UploadContext) -> None:
    """Offer the upload template as an Excel workbook and as CSV."""
    locale = ctx.locale
    cols = st.columns(2)
    cols[0].download_button(
        locale.t("up_template_xlsx"),
        # Built only when clicked: the workbook takes a second or two, the page should not.
        partial(template_xlsx, locale.lang),
        file_name=f"corridor_upload_template_{locale.lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        locale.t("up_template"),
        validating.template_csv(locale.lang),
        file_name="corridor_upload_template.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def check_key(ctx: UploadContext, actor: auth.Actor, digest: str, name: str) -> tuple[str, ...]:
    """Return what a file's check depends on: its bytes' SHA-256 and its name, the store's data
    version (read before the check, so a write meanwhile makes it stale), the analyst and
    settings."""
    version = data_version(ctx.layout)
    return (digest, name, version, actor.name, repr(ctx.settings))


def run_check(
    ctx: UploadContext, raw: bytes, name: str, shown: Callable[[Upload, Preview], None]
) -> FileCheck | CorridorError:
    """Return the file's check, or its refusal: validated in the limited child, previewed
    against the store (shown as soon as it is known), and the rows it would change checked
    against the stored record."""
    try:
        upload, preview = commands.validate_upload(ctx.layout, raw, name)
    except CorridorError as exc:
        return exc.with_traceback(None)  # kept in the session: no frames held with it
    # On its way to the browser, which draws it while the record is checked.
    shown(upload, preview)
    if not preview.changes:
        return FileCheck(upload, preview, None)
    incoming = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    )
    # Checked against the table the server holds at the current version: reading 1M stored
    # figures again on each of the tab's runs took seconds (bench/README.md, stop 27).
    found = check_rows(ctx.layout, incoming, table=data.current_table())
    return FileCheck(upload, preview, found)


def file_check(
    ctx: UploadContext,
    key: tuple[str, ...],
    raw: bytes,
    name: str,
    shown: Callable[[Upload, Preview], None],
) -> FileCheck | CorridorError:
    """Return the session's check of this file under its check_key, its preview shown, run
    again only when the file, the store's version, the analyst or the settings changed: the
    Merge click reuses the check it follows (checking the file again was half of the click's
    second at 1M rows, bench/README.md, stop 28), and the merge still refuses what changed
    since (etl.store.db.operations)."""
    kept = st.session_state.get(CHECKED_KEY)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key:
        checked = kept[1]
        if isinstance(checked, FileCheck):
            shown(checked.upload, checked.preview)
        return checked
    checked = run_check(ctx, raw, name, shown)
    st.session_state[CHECKED_KEY] = (key, checked)
    return checked


def merge_checked(actor: auth.Actor, key: tuple[str, ...], checked: FileCheck) -> None:
    """Merge (or submit) the checked file: the Merge click's callback. Only while the analyst is
    signed in and the check current: else the tab's run signs them out, or checks the file
    again, and shows why. What it did is left for the tab's next run, and the tabs a write
    changes rerun alone."""
    ctx = current_context()  # the settings as they are at the click
    if not login.still_signed_in(ctx, actor) or check_key(ctx, actor, key[0], key[1]) != key:
        return
    # The box is drawn only for contradicting rows; its state may outlive it.
    replace = bool(len(checked.preview.contradicting)) and bool(
        st.session_state.get("upload_replace", False)
    )
    merge = partial(
        commands.merge_upload,
        ctx.layout,
        checked.upload,
        actor,
        replace=replace,
        preview=checked.preview,
    )
    outcome = write_outcome(ctx, merge, "up_merged")
    st.session_state[MERGED_KEY] = (key, checked, outcome)
    if not isinstance(outcome, CorridorError):
        rerun_after_write()


def merged_outcome(
    digest: str, name: str
) -> tuple[tuple[str, ...], FileCheck, str | CorridorError] | None:
    """Return, once, the Merge click's check and what it did, when they are of this file."""
    kept = st.session_state.pop(MERGED_KEY, None)
    if not (isinstance(kept, tuple) and len(kept) == 3 and kept[0][:2] == (digest, name)):
        return None
    return kept


def upload_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Upload a CSV or XLSX: validate, preview in the page's words, merge or submit."""
    # Drawn only for a signed-in analyst: the limited child that reads a file waits ready for
    # one, and readers' sessions hold none.
    sandbox.keep_upload_spare()
    locale = ctx.locale
    _template_buttons(ctx)
    limit_mb = limits.max_upload_bytes() / (1024 * 1024)
    show_uploader_words("upload_file", ["csv", "xlsx"], locale, limits.max_upload_bytes())
    file = st.file_uploader(
        locale.t("up_file"),
        type=["csv", "xlsx"],
        key="upload_file",
        help=locale.t("up_file_limit", mb=limit_mb),
    )
    if file is None:
        st.session_state.pop(CHECKED_KEY, None)  # the bytes go with the file
        loaded = data.loaded_table()
        if loaded is not None:
            # Built while the analyst picks a file, not in the check's run: once per version.
            index_of(loaded.observations)
        return
    try:
        reading.check_size(file.size, file.name)  # before reading a byte of it
    except CorridorError as exc:
        show_error(ctx, exc)
        return
    # The spare the check takes is replaced once the tab is drawn, not during its record check.
    with sandbox.spares_later():
        _checked_file(ctx, actor, file.getvalue(), file.name)


def _checked_file(ctx: UploadContext, actor: auth.Actor, raw: bytes, name: str) -> None:
    """Check the chosen file (or reuse its check), show its preview and findings, offer Merge."""
    locale = ctx.locale
    digest = hashlib.sha256(raw).hexdigest()
    merged = merged_outcome(digest, name)
    done = merged[2] if merged is not None else None
    shown = partial(show_preview, ctx)
    checked: FileCheck | CorridorError
    if merged is not None and isinstance(done, str):
        # Merged: shown as the click saw it; the tab's next run checks it at the new version.
        key, checked = merged[0], merged[1]
        shown(checked.upload, checked.preview)
    else:
        key = check_key(ctx, actor, digest, name)
        checked = file_check(ctx, key, raw, name, shown)
    if isinstance(checked, CorridorError):
        show_error(ctx, checked)
        missing = unregistered_sources(checked)
        if missing:
            register_sources_inline(ctx, actor, missing)
        return
    preview = checked.preview
    if checked.found is None:
        st.info(locale.t("up_all_held"))
        return
    show_findings(ctx, checked.found, "upload_findings")
    if len(preview.contradicting):
        st.checkbox(locale.t("up_replace_file"), key="upload_replace")  # read by the click
    if isinstance(done, str):
        st.success(done)
        return  # nothing left to merge: no button to merge it twice
    st.button(
        merge_label(ctx),
        type="primary",
        key="upload_merge",
        on_click=merge_checked,
        args=(actor, key, checked),
    )
    if isinstance(done, CorridorError):
        show_error(ctx, done)
