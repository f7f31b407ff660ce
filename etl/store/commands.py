"""The analysts' write commands: each takes an Actor and records one batch in one transaction of
the store's database, or with approval on stores the change as pending (etl.store.pending)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace as with_fields
from datetime import date
from typing import Any

import pandas as pd

from etl.contract.paths import Layout
from etl.contract.series import (
    MAX_WORDING,
    fill_series,
    load_series_rules,
    normalise_wording,
    series_by_key,
)
from etl.store.actors import Actor, require_analyst
from etl.store.db import operations as ops
from etl.store.db.opening import store_engine
from etl.store.db.reading import active_wordings, read_observations_arrow
from etl.store.db.streaming import merge_streamed
from etl.store.figure_changes import FigureEdit, figure_change
from etl.store.notes import check_note
from etl.store.outcomes import MergeResult, Recorded
from etl.store.pending import submit_article, submit_figure_change, submit_upload, submit_wording
from etl.store.preview import Preview
from etl.store.settings import load_settings
from etl.store.sources import source_frame
from etl.store.wordings import series_refusal
from etl.uploads.articles import ArticleProposal
from etl.uploads.upload import Upload, parse_upload


def validate_upload(
    layout: Layout,
    data: bytes,
    name: str,
    *,
    max_bytes: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Upload, Preview]:
    """Return the validated upload and its preview against the stored table (a dry run);
    meanwhile: the caller's own preparation, done while the file is read (parse_upload)."""

    def known() -> set[str]:
        # Read once the file is on its way: the child reads and types it while the store is
        # opened (on PostgreSQL: the driver imported, a connection made), ~0.1 s each.
        with store_engine(layout).connect() as connection:
            return ops.active_source_ids(connection)

    def prepare() -> None:
        # The series rules the preview below applies are read while the child reads the file.
        load_series_rules()
        if meanwhile is not None:
            meanwhile()

    upload = parse_upload(data, name, known, max_bytes=max_bytes, meanwhile=prepare)
    engine = store_engine(layout)
    with engine.connect() as connection, connection.begin():
        preview = ops.check_against(connection, upload.rows, upload.identities)
        # Shown: the series each row joins (named, or by the rules and analysts' wordings);
        # stored: the series as uploaded, so the rules keep deciding for rows that name none.
        wordings = active_wordings(connection)
    return upload, with_fields(
        preview,
        new=fill_series(preview.new, wordings),
        present=fill_series(preview.present, wordings),
        contradicting=fill_series(preview.contradicting, wordings),
    )


def merge_rows(layout: Layout, actor: Actor, request: ops.MergeRequest) -> MergeResult:
    """Merge validated rows as one batch in one transaction; refuse contradictions unless
    replace."""
    require_analyst(actor)
    return ops.merge_rows(store_engine(layout), actor.name, request)


def merge_upload(
    layout: Layout,
    upload: Upload,
    actor: Actor,
    *,
    replace: bool = False,
    preview: Preview | None = None,
) -> MergeResult:
    """Merge a validated upload as one batch, keeping the file as received; preview: the one
    validate_upload returned with it, reused when the store has not changed since.

    With require_approval in the settings the upload is stored as pending instead (see
    etl.store.pending) and the result names the pending id; nothing readers see changes.
    """
    checked = None if preview is None else preview.checked
    if load_settings(layout).require_approval:
        return submit_upload(layout, upload, actor, replace=replace, checked=checked)
    info = {"file_name": upload.name, "file_sha256": upload.sha256, "file_kind": upload.kind}
    request = ops.MergeRequest(
        upload.rows,
        kind="upload",
        name=upload.name,
        replace=replace,
        info=info,
        received=(upload.data, upload.sha256, upload.kind),
        identities=upload.identities,
        checked=checked,
    )
    return merge_rows(layout, actor, request)


def ingest_upload(
    layout: Layout,
    actor: Actor,
    data: bytes,
    name: str,
    shown: Callable[[Preview], None],
    *,
    max_bytes: int | None = None,
) -> MergeResult | None:
    """Return the merge of an upload nobody confirms after its preview, checked part by part in
    its child while the parts passed go in (etl.store.db.streaming); shown(preview) before the
    commit. None with require_approval on: the caller validates and submits it instead."""
    require_analyst(actor)
    if load_settings(layout).require_approval:
        return None
    return merge_streamed(store_engine(layout), actor.name, data, name, shown, max_bytes=max_bytes)


def add_source(
    layout: Layout,
    actor: Actor,
    *,
    source_id: str,
    title: str,
    publisher: str,
    published: date,
    url: str = "",
) -> str:
    """Register a source for uploads as a batch; return the batch id."""
    require_analyst(actor)
    frame = source_frame(
        source_id=source_id,
        title=title,
        publisher=publisher,
        published=published,
        url=url,
        added_by=actor.name,
    )
    return ops.add_source(store_engine(layout), actor.name, frame)


def _change_figure(layout: Layout, actor: Actor, edit: FigureEdit) -> Recorded:
    require_analyst(actor)
    edit = with_fields(edit, why=check_note(edit.why, "reason"))
    engine = store_engine(layout)
    if load_settings(layout).require_approval:
        change = figure_change(read_observations_arrow(engine), edit)
        return Recorded(None, submit_figure_change(layout, actor, change))
    return Recorded(ops.change_figure(engine, actor.name, edit))


def correct_figure(
    layout: Layout,
    actor: Actor,
    criteria: dict[str, str | None],
    value: float,
    reason: str,
    yoy_pct: float | None = None,
    qualifier: str | None = None,
) -> Recorded:
    """Replace one stored figure's value (and yoy, qualifier), recording the reason (pending with
    approval); qualifier None keeps the figure's own."""
    edit = FigureEdit(criteria, reason, "correction", value, yoy_pct, qualifier)
    return _change_figure(layout, actor, edit)


def retract_figure(
    layout: Layout, actor: Actor, criteria: dict[str, str | None], reason: str
) -> Recorded:
    """Remove one stored figure, recording the reason (pending with approval)."""
    return _change_figure(layout, actor, FigureEdit(criteria, reason, "retraction"))


def undo_batch(layout: Layout, actor: Actor, ref: str, reason: str = "") -> str:
    """Undo a batch as a new batch; refuse when a later batch changed the same figures."""
    require_analyst(actor)
    why = check_note(reason, "reason") if reason.strip() else ""
    return ops.undo_batch(store_engine(layout), actor.name, ref, why)


def add_wording(layout: Layout, actor: Actor, series: str, wording: str) -> Recorded:
    """Map a scope wording to a series as a recorded, undoable batch (pending with approval).

    A stored figure of the series' metric whose scope contains the wording, and that no catalogue
    rule places, joins the series; undoing the batch removes the mapping again. Joining moves
    figures onto a series' chart line, so with approval on it waits for a second analyst.
    """
    require_analyst(actor)
    key = series.strip()
    if key not in series_by_key():
        raise series_refusal(key)
    text = normalise_wording(check_note(wording, "wording", limit=MAX_WORDING))
    if load_settings(layout).require_approval:
        return Recorded(None, submit_wording(layout, actor, key, text))
    return Recorded(ops.add_wording(store_engine(layout), actor.name, key, text))


def accept_article(
    layout: Layout,
    actor: Actor,
    proposal: ArticleProposal,
    rows: pd.DataFrame,
    *,
    source_id: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
    replace: bool = False,
) -> MergeResult:
    """Store an article as received with its accepted (possibly edited) rows as one batch.

    With require_approval in the settings the rows, source and sidecar are stored as pending
    instead (etl.store.pending) and the result names the pending id.
    """
    require_analyst(actor)
    sid = (source_id or proposal.source_id).strip()
    when = published or proposal.published
    # A guessed date stays marked inferred until the analyst states another one.
    inferred = proposal.published_inferred and when == proposal.published
    source = source_frame(
        source_id=sid,
        title=title if title is not None else proposal.title,
        publisher=publisher if publisher is not None else proposal.publisher,
        published=when,
        url=url if url is not None else proposal.url,
        kind="article",
        file_name=proposal.name,
        sha256=proposal.sha256,
        added_by=actor.name,
        published_inferred=inferred,
    )
    with store_engine(layout).connect() as connection:
        known = ops.active_source_ids(connection) | {sid}
    # Imported here: the rows are checked in this process (pandera), which a merge of an upload,
    # checked in its own child, never needs.
    from etl.uploads.validating import validate_rows

    rows = rows.copy()
    if "source_id" in rows and sid != proposal.source_id:
        # The proposal's rows cite the id it guessed; the analyst's choice replaces it.
        rows["source_id"] = rows["source_id"].where(rows["source_id"] != proposal.source_id, sid)
    checked = validate_rows(rows, proposal.name, known)
    sidecar = _article_sidecar(proposal, source, actor, when, inferred)
    info = {"file_name": proposal.name, "file_sha256": proposal.sha256, "file_kind": "txt"}
    received = (proposal.data, proposal.sha256, "txt")
    if load_settings(layout).require_approval:
        return submit_article(
            layout,
            actor,
            checked,
            source,
            sidecar,
            received=received,
            info=info,
            replace=replace,
        )
    request = ops.MergeRequest(
        checked,
        kind="article",
        name=proposal.name,
        replace=replace,
        info=info,
        sources=source,
        received=received,
        sidecar=sidecar,
    )
    return merge_rows(layout, actor, request)


def _article_sidecar(
    proposal: ArticleProposal, source: pd.DataFrame, actor: Actor, when: date, inferred: bool
) -> dict[str, Any]:
    """Return the record kept beside an accepted article: its source as registered, who took it."""
    return {
        "source_id": str(source.at[0, "source_id"]),
        "title": str(source.at[0, "title"]),
        "publisher": str(source.at[0, "publisher"]),
        "published": when.isoformat(),
        "published_inferred": inferred,
        "url": str(source.at[0, "url"]),
        "kind": "article",
        "file_name": proposal.name,
        "sha256": proposal.sha256,
        "received_by": actor.name,
        "received_at": str(source.at[0, "added_at"]),
        "note": "rows accepted by an analyst; `corridor build` never re-extracts this article",
    }
