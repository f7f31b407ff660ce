"""The analysts' write commands: each takes an Actor, works under the data directory's lock and
records one batch, or with approval on stores the change as pending (etl.store.pending)."""

from __future__ import annotations

from dataclasses import replace as with_fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.identity import figure_keys, figure_pairs
from etl.contract.paths import Layout
from etl.contract.series import MAX_WORDING, fill_series, normalise_wording, series_by_key
from etl.store.actors import Actor, require_analyst
from etl.store.batches import (
    Batch,
    Change,
    apply_change,
    commit_batch,
    read_active_wordings,
    read_batches,
    table_hash,
    write_lock,
)
from etl.store.figure_changes import commit_figure_change, figure_change
from etl.store.history import undone_ids
from etl.store.index import after_change, load_index, write_index
from etl.store.merging import indexed_preview, merge_locked
from etl.store.notes import check_note
from etl.store.outcomes import MergeResult, Recorded
from etl.store.pending import submit_article, submit_figure_change, submit_upload, submit_wording
from etl.store.preview import Preview
from etl.store.settings import load_settings
from etl.store.sources import source_frame
from etl.store.table import load_built, load_state, state_after
from etl.store.wordings import check_new_wording, commit_wording, series_refusal
from etl.uploads.articles import ArticleProposal
from etl.uploads.validating import Upload, parse_upload, validate_rows


def validate_upload(
    layout: Layout, data: bytes, name: str, *, max_bytes: int | None = None
) -> tuple[Upload, Preview]:
    """Return the validated upload and its preview against the stored table (a dry run)."""
    index = load_index(layout)
    upload = parse_upload(data, name, index.sources, max_bytes=max_bytes)
    preview = indexed_preview(layout, index, upload.rows, upload.hashes[0])
    # Shown: the series each row joins (named, or by the rules and analysts' wordings); stored:
    # the series as uploaded, so the rules keep deciding for rows that name none.
    wordings = read_active_wordings(layout)
    return upload, with_fields(
        preview,
        new=fill_series(preview.new, wordings),
        present=fill_series(preview.present, wordings),
        contradicting=fill_series(preview.contradicting, wordings),
    )


def merge_rows(
    layout: Layout,
    rows: pd.DataFrame,
    actor: Actor,
    *,
    kind: str,
    name: str,
    replace: bool = False,
    info: dict[str, Any] | None = None,
    sources: pd.DataFrame | None = None,
    received: tuple[bytes, str, str] | None = None,
    sidecar: dict[str, Any] | None = None,
    hashes: tuple[np.ndarray, np.ndarray] | None = None,
) -> MergeResult:
    """Merge validated rows as one batch under the lock; refuse contradictions unless replace.

    hashes: the rows' figure_hashes, when the caller has them (an upload computes them once).
    """
    require_analyst(actor)
    with write_lock(layout):
        return merge_locked(
            layout,
            rows,
            actor.name,
            kind=kind,
            name=name,
            replace=replace,
            info=info,
            sources=sources,
            received=received,
            sidecar=sidecar,
            hashes=hashes,
        )


def merge_upload(
    layout: Layout, upload: Upload, actor: Actor, *, replace: bool = False
) -> MergeResult:
    """Merge a validated upload as one batch, keeping the file as received.

    With require_approval in the settings the upload is stored as pending instead (see
    etl.store.pending) and the result names the pending id; nothing readers see changes.
    """
    if load_settings(layout).require_approval:
        return submit_upload(layout, upload, actor, replace=replace)
    info = {"file_name": upload.name, "file_sha256": upload.sha256, "file_kind": upload.kind}
    return merge_rows(
        layout,
        upload.rows,
        actor,
        kind="upload",
        name=upload.name,
        replace=replace,
        info=info,
        received=(upload.data, upload.sha256, upload.kind),
        hashes=upload.hashes,
    )


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
    with write_lock(layout):
        index = load_index(layout)
        if source_id in index.sources:
            raise CorridorError.single(
                "来源编号已存在",
                "a source with this id already exists",
                column="source_id",
                value=source_id,
            )
        change = Change(kind="source", who=actor.name, sources=frame, info={})
        batch_id = commit_batch(layout, change, index.table_hash, index.table_hash)
        write_index(layout, after_change(index, change))
        return batch_id


def _change_figure(
    layout: Layout,
    actor: Actor,
    criteria: dict[str, str | None],
    reason: str,
    kind: str,
    new_value: float | None = None,
    new_yoy: float | None = None,
    new_qualifier: str | None = None,
) -> Recorded:
    require_analyst(actor)
    why = check_note(reason, "reason")
    with write_lock(layout):
        state = load_state(layout)
        change = figure_change(
            state.observations, criteria, why, kind, new_value, new_yoy, new_qualifier
        )
        if load_settings(layout).require_approval:
            return Recorded(None, submit_figure_change(layout, actor, change))
        return Recorded(commit_figure_change(layout, state.observations, actor.name, change))


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
    return _change_figure(layout, actor, criteria, reason, "correction", value, yoy_pct, qualifier)


def retract_figure(
    layout: Layout, actor: Actor, criteria: dict[str, str | None], reason: str
) -> Recorded:
    """Remove one stored figure, recording the reason (pending with approval)."""
    return _change_figure(layout, actor, criteria, reason, "retraction")


def resolve_batch_id(batches: list[Batch], ref: str) -> int:
    """Return the position of the batch a reference names (full id or sequence number)."""
    ref = ref.strip()
    for i, batch in enumerate(batches):
        if ref == batch.id or (ref.isdigit() and int(ref) == batch.seq):
            return i
    raise CorridorError.single("找不到该批次", "no such batch", value=ref)


def _pairs_for(frame: pd.DataFrame, keys: pd.Index) -> list[tuple[str, float]]:
    mask = figure_keys(frame).isin(keys)
    return sorted(figure_pairs(frame.loc[mask.to_numpy()]).tolist())


def undo_batch(layout: Layout, actor: Actor, ref: str, reason: str = "") -> str:
    """Undo a batch as a new batch; refuse when a later batch changed the same figures."""
    require_analyst(actor)
    why = check_note(reason, "reason") if reason.strip() else ""
    with write_lock(layout):
        built_obs, built_src = load_built(layout)
        batches = read_batches(layout)
        index = resolve_batch_id(batches, ref)
        target = batches[index]
        _refuse_if_undone(batches, target.id)
        obs_after, _ = state_after(built_obs, built_src, batches[: index + 1])
        current, sources = state_after(built_obs, built_src, batches)
        touched = pd.Index(
            pd.concat([figure_keys(target.added), figure_keys(target.removed)]).unique()
        )
        if _pairs_for(obs_after, touched) != _pairs_for(current, touched):
            later = [
                b.id
                for b in batches[index + 1 :]
                if figure_keys(pd.concat([b.added, b.removed])).isin(touched).any()
            ]
            raise CorridorError.single(
                f"之后的批次 {', '.join(later)} 修改了同一数据；请先撤销它们",
                f"later batches {', '.join(later)} changed the same figures; undo them first",
                value=target.id,
            )
        gone_ids = set(target.sources["source_id"])
        after = apply_change(current, target.added, target.removed)
        still_used = sorted(gone_ids & set(after["source_id"]))
        if still_used:
            raise CorridorError.single(
                "仍有数据引用该批次登记的来源；请先撤销这些数据",
                "rows still cite a source this batch registered; undo those rows first",
                column="source_id",
                value=", ".join(still_used),
            )
        removed_sources = sources.loc[sources["source_id"].isin(gone_ids)]
        restored_sources = target.removed_sources
        change = Change(
            kind="undo",
            who=actor.name,
            added=target.removed,
            removed=target.added,
            sources=restored_sources,
            removed_sources=removed_sources,
            info={"undoes": target.id, "reason": why},
        )
        # The table after, as readers will load it: series refilled without an undone wording.
        pending = Batch(
            id="999999-ffffffff",
            seq=10**6,
            path=layout.batches,
            record={"kind": "undo", "undoes": target.id},
            added=target.removed,
            removed=target.added,
            sources=restored_sources,
            removed_sources=removed_sources,
        )
        after, _ = state_after(built_obs, built_src, [*batches, pending])
        return commit_batch(layout, change, table_hash(current), table_hash(after))


def _refuse_if_undone(batches: list[Batch], target: str) -> None:
    # Undoing an undone batch again would read as "a later batch changed it": say what it is.
    if target in undone_ids([(b.id, b.record) for b in batches]):
        raise CorridorError.single("该批次已撤销", "this batch is already undone", value=target)


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
    with write_lock(layout):
        if load_settings(layout).require_approval:
            check_new_wording(layout, key, text)

            return Recorded(None, submit_wording(layout, actor, key, text))
        return Recorded(commit_wording(layout, actor.name, key, text))


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
    known = set(load_index(layout).sources) | {sid}
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
    return merge_rows(
        layout,
        checked,
        actor,
        kind="article",
        name=proposal.name,
        replace=replace,
        info=info,
        sources=source,
        received=received,
        sidecar=sidecar,
    )


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
