"""Analysts' batches waiting for a second analyst: stored aside, invisible to readers.

With `require_approval = true` in settings.toml every change to figures is written to
`pending/<id>/` instead of `batches/`, so no reader sees it: an upload or an article import
(rows.csv, and for an article its new sources.csv and the sidecar in the record), a correction
or retraction (removed.csv: the figure as held; rows.csv: its replacement) and a wording
mapping. pending.json records the kind, who, when and what. Another analyst approves it, which
commits it as an ordinary batch recorded as the submitter's with `approved_by` and the pending
id, or rejects it with a reason. A pending item is resolved by its decision.json, or by a
committed batch naming it: a kill between the two leaves it applied, never half-applied, never
applied twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.fileio import write_bytes_atomic
from etl.contract.identity import figure_pairs
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS, observations_schema, validate
from etl.contract.tables import read_sources, render_sources_csv
from etl.store.actors import Actor, name_key, require_analyst
from etl.store.audit import audit
from etl.store.batches import (
    STORED_NAME_RE,
    empty_sources,
    fsync_dir,
    no_rows,
    read_batch_records,
    read_rows_csv,
    render_records,
    render_rows_csv,
    write_lock,
    write_synced,
)
from etl.store.figure_changes import FigureChange, commit_figure_change
from etl.store.index import load_index
from etl.store.merging import indexed_preview, merge_locked, refuse_unknown_sources, store_received
from etl.store.notes import check_note
from etl.store.outcomes import MergeResult, Recorded
from etl.store.preview import Preview, contradiction_error
from etl.store.table import load_state
from etl.store.wordings import commit_wording
from etl.uploads.validating import Upload

RECORD = "pending.json"
DECISION = "decision.json"
ROWS = "rows.csv"
REMOVED = "removed.csv"
SOURCES = "sources.csv"
# Kinds of pending item; a record without a kind is an upload (written before there were others).
KINDS = ("upload", "article", "correction", "retraction", "wording")


@dataclass(frozen=True)
class Pending:
    """One pending item: its id, record and state (pending, approved or rejected)."""

    id: str
    record: dict[str, Any]
    status: str
    decision: dict[str, Any]

    @property
    def kind(self) -> str:
        """Return what the item changes: upload, article, correction, retraction or wording."""
        return str(self.record.get("kind") or "upload")


def _store_item(
    layout: Layout,
    record: dict[str, Any],
    *,
    rows: pd.DataFrame | None = None,
    removed: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> str:
    """Write a pending item whole (a dot-folder renamed into place); return its id."""
    now = pd.Timestamp.now(tz="UTC")
    tag = str(record.get("file_sha256") or uuid.uuid4().hex)[:8]
    pending_id = f"{now:%Y%m%d%H%M%S}-{tag}-{uuid.uuid4().hex[:4]}"
    record = {"id": pending_id, **record, "when": now.isoformat(timespec="seconds")}
    files: dict[str, bytes] = {}
    if rows is not None and len(rows):
        files[ROWS] = render_rows_csv(rows).encode("utf-8")
    if removed is not None and len(removed):
        files[REMOVED] = render_rows_csv(removed).encode("utf-8")
    if sources is not None and len(sources):
        files[SOURCES] = render_sources_csv(sources).encode("utf-8")
    record["seal"] = _seal(record, files)
    layout.pending.mkdir(parents=True, exist_ok=True)
    tmp = layout.pending / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        for file_name, content in files.items():
            write_synced(tmp / file_name, content)
        data = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        write_synced(tmp / RECORD, data)  # last: a folder with it is complete
        fsync_dir(tmp)
        # Recorded before it is visible: an item the log cannot record never appears.
        audit(
            layout,
            "submit",
            str(record.get("who", "")),
            pending=pending_id,
            kind=record["kind"],
            rows=0 if rows is None else len(rows),
        )
        os.rename(tmp, layout.pending / pending_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(layout.pending)
    return pending_id


def _seal(record: dict[str, Any], files: dict[str, bytes]) -> str:
    """Return the sha256 of a pending item's record (submitter, kind, file…) and its rows."""
    digest = hashlib.sha256()
    head = {k: v for k, v in record.items() if k != "seal"}
    digest.update(json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for name in (ROWS, REMOVED, SOURCES):
        digest.update(b"\0" + name.encode() + b"\0" + files.get(name, b""))
    return digest.hexdigest()


def _check_seal(layout: Layout, item: Pending) -> None:
    """Refuse an item whose record or rows changed since it was submitted (edited pending/)."""
    folder = layout.pending / item.id
    files = {}
    for name in (ROWS, REMOVED, SOURCES):
        path = folder / name
        if path.is_symlink():
            raise _tampered(item)
        if path.is_file():
            files[name] = path.read_bytes()
    stored = str(item.record.get("seal", ""))
    if not stored or not hmac.compare_digest(stored, _seal(item.record, files)):
        raise _tampered(item)


def _tampered(item: Pending) -> CorridorError:
    return CorridorError.single(
        "待审项目在提交后被改动过（提交人或数据与提交时不符），不能批准；请驳回并重新提交",
        "the pending item was changed after it was submitted (its submitter or rows differ "
        "from what was sent): it cannot be approved; reject it and submit again",
        value=item.id,
    )


def _received_path(layout: Layout, item: Pending) -> Path:
    """Return the item's received file, refusing a path that leaves the uploads folder."""
    stored = str(item.record.get("stored_as", ""))
    uploads = layout.uploads.resolve()
    path = layout.root / stored
    inside = (
        bool(stored)
        and not path.is_symlink()
        and path.resolve().parent == uploads
        and STORED_NAME_RE.match(path.name) is not None
    )
    if not inside:
        raise CorridorError.single(
            "待审项目记录的文件不在数据目录的 uploads/ 中，不能批准",
            "the pending item's file is not inside the data directory's uploads/: it cannot "
            "be approved",
            file=stored[:200],
            value=item.id,
        )
    return path


def submit_upload(
    layout: Layout, upload: Upload, actor: Actor, *, replace: bool = False
) -> MergeResult:
    """Store a validated upload as pending; return a result naming the pending id."""
    require_analyst(actor)
    with write_lock(layout):
        index = load_index(layout)
        refuse_unknown_sources(upload.rows, set(index.sources), upload.name)
        preview = indexed_preview(layout, index, upload.rows, upload.hashes[0])
        if len(preview.contradicting) and not replace:
            raise contradiction_error(preview, upload.name)
        if not preview.changes:
            return MergeResult(None, preview, index.table_hash, index.table_hash)
        stored_as = store_received(layout, upload.data, upload.sha256, upload.kind)
        record = {
            "kind": "upload",
            "who": actor.name,
            "who_account": actor.key,
            "file_name": upload.name,
            "file_sha256": upload.sha256,
            "file_kind": upload.kind,
            "stored_as": stored_as,
            "replace": replace,
            "rows": len(upload.rows),
            "rows_new": len(preview.new),
            "rows_contradicting": len(preview.contradicting),
        }
        pending_id = _store_item(layout, record, rows=upload.rows)
        return MergeResult(None, preview, index.table_hash, index.table_hash, pending_id)


def submit_article(
    layout: Layout,
    actor: Actor,
    rows: pd.DataFrame,
    sources: pd.DataFrame,
    sidecar: dict[str, Any],
    *,
    received: tuple[bytes, str, str],
    info: dict[str, Any],
    replace: bool = False,
) -> MergeResult:
    """Store an article's checked rows, new source and sidecar as pending; name the pending id."""
    require_analyst(actor)
    name = str(info.get("file_name", ""))
    with write_lock(layout):
        index = load_index(layout)
        new_sources = sources.loc[~sources["source_id"].isin(set(index.sources))]
        refuse_unknown_sources(rows, set(index.sources) | set(new_sources["source_id"]), name)
        preview = indexed_preview(layout, index, rows)
        if len(preview.contradicting) and not replace:
            raise contradiction_error(preview, name)
        if not preview.changes and not len(new_sources):
            return MergeResult(None, preview, index.table_hash, index.table_hash)
        data, sha256, ext = received
        record = {
            "kind": "article",
            "who": actor.name,
            "who_account": actor.key,
            **info,
            "stored_as": store_received(layout, data, sha256, ext),
            "title": str(sidecar.get("title", "")),
            "source_ids": list(new_sources["source_id"]),
            "sidecar": sidecar,
            "replace": replace,
            "rows": len(rows),
            "rows_new": len(preview.new),
            "rows_contradicting": len(preview.contradicting),
        }
        pending_id = _store_item(layout, record, rows=rows, sources=new_sources)
        return MergeResult(None, preview, index.table_hash, index.table_hash, pending_id)


def submit_figure_change(layout: Layout, actor: Actor, change: FigureChange) -> str:
    """Store a correction or retraction as pending (the caller holds the lock); return its id."""
    require_analyst(actor)
    replaced = change.info.get("replaced", [{}])[0]
    record = {
        "kind": change.kind,
        "who": actor.name,
        "who_account": actor.key,
        **change.info,
        "title": f"{replaced.get('metric', '')} {replaced.get('scope', '')}".strip(),
        "rows": len(change.added),
        "rows_new": 0,
        "rows_contradicting": len(change.old),
    }
    return _store_item(layout, record, rows=change.added, removed=change.old)


def submit_wording(layout: Layout, actor: Actor, series: str, wording: str) -> str:
    """Store a wording mapping as pending (the caller holds the lock); return its id."""
    require_analyst(actor)
    record = {
        "kind": "wording",
        "who": actor.name,
        "who_account": actor.key,
        "series": series,
        "wording": wording,
        "title": f"{series} ← {wording}",
        "rows": 0,
        "rows_new": 0,
        "rows_contradicting": 0,
    }
    return _store_item(layout, record)


def _approved_ids(layout: Layout) -> dict[str, str]:
    return {
        str(r["pending_id"]): batch_id
        for batch_id, r in read_batch_records(layout)
        if r.get("pending_id")
    }


def list_pending(layout: Layout, *, include_resolved: bool = False) -> list[Pending]:
    """Return the pending items, oldest first (with the resolved ones when asked)."""
    if not layout.pending.is_dir():
        return []
    approved = _approved_ids(layout)
    out = []
    for path in sorted(p for p in layout.pending.iterdir() if p.is_dir()):
        if path.name.startswith(".") or not (path / RECORD).is_file():
            continue
        record = json.loads((path / RECORD).read_text(encoding="utf-8"))
        decision: dict[str, Any] = {}
        if (path / DECISION).is_file():
            decision = json.loads((path / DECISION).read_text(encoding="utf-8"))
            status = str(decision.get("decision", "rejected"))
        elif path.name in approved:
            status, decision = "approved", {"batch": approved[path.name]}
        else:
            status = "pending"
        if include_resolved or status == "pending":
            out.append(Pending(path.name, record, status, decision))
    return sorted(out, key=lambda p: str(p.record.get("when", "")))


def _find(layout: Layout, ref: str) -> Pending:
    for item in list_pending(layout, include_resolved=True):
        if item.id == ref.strip():
            if item.status != "pending":
                raise CorridorError.single(
                    f"该待审批次已{'批准' if item.status == 'approved' else '驳回'}",
                    f"this pending item was already {item.status}",
                    value=item.id,
                )
            return item
    raise CorridorError.single("找不到该待审批次", "no such pending item", value=ref[:80])


def _rows(layout: Layout, pending_id: str, name: str) -> pd.DataFrame:
    path = layout.pending / pending_id / name
    if not path.is_file():
        return no_rows()
    return validate(read_rows_csv(path), observations_schema(), str(path))


def pending_rows(layout: Layout, pending_id: str) -> pd.DataFrame:
    """Return the rows a pending item adds, schema-checked."""
    return _rows(layout, pending_id, ROWS)


def pending_removed(layout: Layout, pending_id: str) -> pd.DataFrame:
    """Return the rows a pending correction or retraction removes, as they were held."""
    return _rows(layout, pending_id, REMOVED)


def pending_sources(layout: Layout, pending_id: str) -> pd.DataFrame:
    """Return the sources a pending article registers."""
    path = layout.pending / pending_id / SOURCES
    return read_sources(path) if path.is_file() else empty_sources()


def pending_preview(layout: Layout, pending_id: str) -> Preview:
    """Return what approving a pending upload or article would change now."""
    return indexed_preview(layout, load_index(layout), pending_rows(layout, pending_id))


def pending_frame(layout: Layout, item: Pending) -> pd.DataFrame:
    """Return the rows a reviewer sees: the preview, or for a correction the old and new rows."""
    if item.kind in ("upload", "article"):
        return pending_preview(layout, item.id).frame()
    parts = []
    for status, rows in (
        ("remove 删除", pending_removed(layout, item.id)),
        ("add 新增", pending_rows(layout, item.id)),
    ):
        if len(rows):
            part = rows.loc[:, list(OBSERVATION_COLUMNS)].copy()
            part.insert(0, "status", status)
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["status", *OBSERVATION_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def _decide(layout: Layout, item: Pending, decision: dict[str, Any]) -> None:
    data = (json.dumps(decision, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_bytes_atomic(layout.pending / item.id / DECISION, data)


def _records(frame: pd.DataFrame) -> np.ndarray:
    # A figure as held, every column but the series the rules and wordings fill when read.
    return render_records(frame.assign(series="")).to_numpy(dtype=object)


def _apply_figure_change(layout: Layout, item: Pending, info: dict[str, Any]) -> str:
    """Commit a pending correction or retraction if the figure is still held exactly."""
    old = pending_removed(layout, item.id)
    state = load_state(layout)
    held = state.observations.loc[figure_pairs(state.observations).isin(figure_pairs(old))]
    if not len(old) or not np.isin(_records(old), _records(held)).all():
        raise CorridorError.single(
            "该数据在提交更正后已被修改或删除，不能批准；请驳回并重新提交",
            "the figure changed since the request: it cannot be approved; reject it and "
            "submit the change again",
            value=item.id,
        )
    keep = ("reason", "replaced")
    change = FigureChange(
        item.kind,
        old,
        pending_rows(layout, item.id),
        {**{k: item.record[k] for k in keep if k in item.record}, **info},
    )
    return commit_figure_change(layout, state.observations, str(item.record.get("who", "")), change)


def _apply_merge(layout: Layout, item: Pending, info: dict[str, Any]) -> MergeResult:
    """Merge a pending upload or article with the call its direct path makes."""
    r = item.record
    received = None
    sidecar = None
    if item.kind == "article":
        stored = _received_path(layout, item)
        if not stored.is_file():
            raise CorridorError.single(
                "待审文章的原文文件丢失，不能批准",
                "the pending article's text is missing: it cannot be approved",
                file=str(r.get("stored_as", "")),
                value=item.id,
            )
        text = stored.read_bytes()
        if hashlib.sha256(text).hexdigest() != str(r.get("file_sha256", "")):
            raise _tampered(item)
        received = (text, str(r.get("file_sha256", "")), "txt")
        sidecar = dict(r.get("sidecar") or {})
    return merge_locked(
        layout,
        pending_rows(layout, item.id),
        str(r.get("who", "")),
        kind=item.kind,
        name=str(r.get("file_name") or item.id),
        replace=bool(r.get("replace", False)),
        info={
            "file_name": r.get("file_name", ""),
            "file_sha256": r.get("file_sha256", ""),
            "file_kind": r.get("file_kind", ""),
            "stored_as": r.get("stored_as", ""),
            **info,
        },
        sources=pending_sources(layout, item.id) if item.kind == "article" else None,
        received=received,
        sidecar=sidecar,
    )


def approve(layout: Layout, actor: Actor, ref: str) -> Recorded:
    """Apply a pending item as a batch; refuse the analyst who submitted it."""
    require_analyst(actor)
    with write_lock(layout):
        item = _find(layout, ref)
        _check_seal(layout, item)
        if item.kind == "upload" and item.record.get("stored_as"):
            _received_path(layout, item)
        # Accounts, never typed strings: the submitter's account key against the approver's.
        submitter = str(item.record.get("who_account") or name_key(str(item.record.get("who"))))
        if submitter == actor.key:
            raise CorridorError.single(
                "不能批准自己提交的数据，请由另一位分析员批准",
                "you cannot approve your own submission; another analyst must approve it",
                value=item.id,
            )
        info = {
            "pending_id": item.id,
            "submitted_at": item.record.get("when", ""),
            "approved_by": actor.name,
        }
        who = str(item.record.get("who", ""))
        # Recorded before anything changes: an approval the log cannot record is refused.
        audit(layout, "approve", actor.name, pending=item.id, kind=item.kind)
        if item.kind in ("upload", "article"):
            batch_id = _apply_merge(layout, item, info).batch_id
        elif item.kind in ("correction", "retraction"):
            batch_id = _apply_figure_change(layout, item, info)
        elif item.kind == "wording":
            series, wording = str(item.record["series"]), str(item.record["wording"])
            batch_id = commit_wording(layout, who, series, wording, info)
        else:
            raise CorridorError.single(
                "未知的待审类型", "unknown kind of pending item", value=item.kind[:40]
            )
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        _decide(
            layout,
            item,
            {"decision": "approved", "who": actor.name, "when": when, "batch": batch_id},
        )
        return Recorded(batch_id, item.id)


def reject(layout: Layout, actor: Actor, ref: str, reason: str) -> None:
    """Reject a pending item with a reason; nothing readers see changes."""
    require_analyst(actor)
    why = check_note(reason, "reason")
    with write_lock(layout):
        item = _find(layout, ref)
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        audit(layout, "reject", actor.name, pending=item.id, reason=why)
        _decide(
            layout, item, {"decision": "rejected", "who": actor.name, "when": when, "reason": why}
        )
