"""Analysts' changes waiting for a second analyst: kept in the `pending` table, unseen by readers.

With `require_approval = true` in settings.toml every change to figures is stored as pending
instead of applied: an upload or an article import (its rows, and for an article its new sources
and the sidecar in the record), a correction or retraction (the figure as held and its
replacement) and a wording mapping. The record names the kind, who, when and what; its rows are
kept as contract CSV text, sealed with a sha256 of record and rows. Another analyst approves it,
which applies it as an ordinary batch recorded as the submitter's with `approved_by` and the
pending id, in the same transaction as the decision, or rejects it with a reason.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection

from etl.contract.errors import CorridorError
from etl.contract.identity import figure_pairs
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS
from etl.contract.tables import parse_observations, parse_sources, render_sources_csv
from etl.store.actors import Actor, name_key, require_analyst
from etl.store.batches import empty_sources, no_rows, render_records, render_rows_csv
from etl.store.db import tables as t
from etl.store.db.changes import active_figures, figures_frame
from etl.store.db.engine import writing
from etl.store.db.opening import store_engine
from etl.store.db.operations import (
    NO_HASH,
    MergeRequest,
    apply_figure_change,
    check_merge,
    check_new_wording,
    merge_in,
    preview_against,
    store_received,
    wording_in,
)
from etl.store.db.rows import figure_identities
from etl.store.db.writes import record_audit
from etl.store.figure_changes import FigureChange
from etl.store.notes import check_note
from etl.store.outcomes import MergeResult, Recorded
from etl.store.preview import Checked, Preview
from etl.uploads.upload import Upload

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
    files: dict[str, str]

    @property
    def kind(self) -> str:
        """Return what the item changes: upload, article, correction, retraction or wording."""
        return str(self.record.get("kind") or "upload")


def _store_item(
    connection: Connection,
    record: dict[str, Any],
    *,
    rows: pd.DataFrame | None = None,
    removed: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> str:
    """Store a pending item in the caller's transaction; return its id."""
    now = pd.Timestamp.now(tz="UTC")
    tag = str(record.get("file_sha256") or uuid.uuid4().hex)[:8]
    pending_id = f"{now:%Y%m%d%H%M%S}-{tag}-{uuid.uuid4().hex[:4]}"
    record = {"id": pending_id, **record, "when": now.isoformat(timespec="seconds")}
    files: dict[str, str] = {}
    if rows is not None and len(rows):
        files[ROWS] = render_rows_csv(rows)
    if removed is not None and len(removed):
        files[REMOVED] = render_rows_csv(removed)
    if sources is not None and len(sources):
        files[SOURCES] = render_sources_csv(sources)
    record["seal"] = _seal(record, files)
    connection.execute(
        sa.insert(t.pending),
        [
            {
                "id": pending_id,
                "kind": str(record["kind"]),
                "person": str(record.get("who", "")),
                "at": record["when"],
                "record": record,
                "files": files,
                "seal": record["seal"],
                "status": "pending",
            }
        ],
    )
    # In the same transaction: an item the audit trail cannot record is never stored.
    record_audit(
        connection,
        "submit",
        str(record.get("who", "")),
        pending=pending_id,
        kind=record["kind"],
        rows=0 if rows is None else len(rows),
    )
    return pending_id


def _seal(record: dict[str, Any], files: dict[str, str]) -> str:
    """Return the sha256 of a pending item's record (submitter, kind, file…) and its rows."""
    digest = hashlib.sha256()
    head = {k: v for k, v in record.items() if k != "seal"}
    digest.update(json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for name in (ROWS, REMOVED, SOURCES):
        digest.update(b"\0" + name.encode() + b"\0" + files.get(name, "").encode("utf-8"))
    return digest.hexdigest()


def _check_seal(item: Pending) -> None:
    """Refuse an item whose record or rows changed since it was submitted."""
    stored = str(item.record.get("seal", ""))
    if not stored or not hmac.compare_digest(stored, _seal(item.record, item.files)):
        raise _tampered(item)


def _tampered(item: Pending) -> CorridorError:
    return CorridorError.single(
        "待审项目在提交后被改动过（提交人或数据与提交时不符），不能批准；请驳回并重新提交",
        "the pending item was changed after it was submitted (its submitter or rows differ "
        "from what was sent): it cannot be approved; reject it and submit again",
        value=item.id,
    )


def _submitted(preview: Preview, pending_id: str | None = None) -> MergeResult:
    return MergeResult(None, preview, NO_HASH, NO_HASH, pending_id)


def submit_upload(
    layout: Layout,
    upload: Upload,
    actor: Actor,
    *,
    replace: bool = False,
    checked: Checked | None = None,
) -> MergeResult:
    """Store a validated upload as pending; return a result naming the pending id; checked:
    its preview as validate_upload read it, reused when the store has not changed since."""
    require_analyst(actor)
    request = MergeRequest(
        upload.rows,
        "upload",
        upload.name,
        replace=replace,
        identities=upload.identities,
        checked=checked,
    )
    with writing(store_engine(layout)) as connection:
        preview, _ = check_merge(connection, request)
        if not preview.changes:
            return _submitted(preview)
        stored_as = store_received(connection, upload.data, upload.sha256, upload.kind)
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
        return _submitted(preview, _store_item(connection, record, rows=upload.rows))


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
    request = MergeRequest(rows, "article", name, replace=replace, sources=sources)
    with writing(store_engine(layout)) as connection:
        preview, new_sources = check_merge(connection, request)
        assert new_sources is not None  # the request names the article's sources
        if not preview.changes and not len(new_sources):
            return _submitted(preview)
        data, sha256, ext = received
        record = {
            "kind": "article",
            "who": actor.name,
            "who_account": actor.key,
            **info,
            "stored_as": store_received(connection, data, sha256, ext),
            "title": str(sidecar.get("title", "")),
            "source_ids": list(new_sources["source_id"]),
            "sidecar": sidecar,
            "replace": replace,
            "rows": len(rows),
            "rows_new": len(preview.new),
            "rows_contradicting": len(preview.contradicting),
        }
        pending_id = _store_item(connection, record, rows=rows, sources=new_sources)
        return _submitted(preview, pending_id)


def submit_figure_change(layout: Layout, actor: Actor, change: FigureChange) -> str:
    """Store a correction or retraction as pending; return its id."""
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
    with writing(store_engine(layout)) as connection:
        return _store_item(connection, record, rows=change.added, removed=change.old)


def submit_wording(layout: Layout, actor: Actor, series: str, wording: str) -> str:
    """Store a wording mapping as pending; return its id."""
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
    with writing(store_engine(layout)) as connection:
        check_new_wording(connection, series, wording)
        return _store_item(connection, record)


def _item(row: Any) -> Pending:
    return Pending(
        str(row.id),
        dict(row.record),
        str(row.status),
        dict(row.decision or {}),
        {str(k): str(v) for k, v in dict(row.files or {}).items()},
    )


def _items(connection: Connection, *conditions: Any) -> list[Pending]:
    p = t.pending
    rows = connection.execute(sa.select(p).where(*conditions).order_by(p.c.at, p.c.id))
    return [_item(r) for r in rows]


def list_pending(layout: Layout, *, include_resolved: bool = False) -> list[Pending]:
    """Return the pending items, oldest first (with the resolved ones when asked)."""
    p = t.pending
    with store_engine(layout).connect() as connection:
        return _items(connection, *(() if include_resolved else (p.c.status == "pending",)))


def _find(connection: Connection, ref: str) -> Pending:
    p = t.pending
    query = sa.select(p).where(p.c.id == ref.strip())
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()  # a second approver waits, then finds it decided
    row = connection.execute(query).first()
    if row is None:
        raise CorridorError.single("找不到该待审批次", "no such pending item", value=ref[:80])
    item = _item(row)
    if item.status != "pending":
        raise CorridorError.single(
            f"该待审批次已{'批准' if item.status == 'approved' else '驳回'}",
            f"this pending item was already {item.status}",
            value=item.id,
        )
    return item


def _frame(item: Pending, name: str) -> pd.DataFrame:
    text = item.files.get(name)
    if not text:
        return no_rows()
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return parse_observations(cells.loc[:, list(OBSERVATION_COLUMNS)], f"{item.id}/{name}")


def pending_rows(item: Pending) -> pd.DataFrame:
    """Return the rows a pending item adds, schema-checked."""
    return _frame(item, ROWS)


def pending_removed(item: Pending) -> pd.DataFrame:
    """Return the rows a pending correction or retraction removes, as they were held."""
    return _frame(item, REMOVED)


def pending_sources(item: Pending) -> pd.DataFrame:
    """Return the sources a pending article registers."""
    text = item.files.get(SOURCES)
    if not text:
        return empty_sources()
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return parse_sources(cells.loc[:, list(SOURCE_COLUMNS)], f"{item.id}/{SOURCES}")


def pending_frame(layout: Layout, item: Pending) -> pd.DataFrame:
    """Return the rows a reviewer sees: the preview, or for a correction the old and new rows."""
    if item.kind in ("upload", "article"):
        with store_engine(layout).connect() as connection:
            return preview_against(connection, pending_rows(item)).frame()
    parts = []
    for status, rows in (("remove 删除", pending_removed(item)), ("add 新增", pending_rows(item))):
        if len(rows):
            part = rows.loc[:, list(OBSERVATION_COLUMNS)].copy()
            part.insert(0, "status", status)
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["status", *OBSERVATION_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def _records(frame: pd.DataFrame) -> np.ndarray:
    # A figure as held, every column but the series the rules and wordings fill when read.
    return render_records(frame.assign(series="")).to_numpy(dtype=object)


def _apply_figure_change(connection: Connection, item: Pending, info: dict[str, Any]) -> str:
    """Apply a pending correction or retraction if the figure is still held exactly."""
    old = pending_removed(item)
    held = figures_frame(active_figures(connection, figure_identities(old)), item.id)
    held = held.loc[figure_pairs(held).isin(figure_pairs(old))]
    if not len(old) or not np.isin(_records(old), _records(held)).all():
        raise CorridorError.single(
            "该数据在提交更正后已被修改或删除，不能批准；请驳回并重新提交",
            "the figure changed since the request: it cannot be approved; reject it and "
            "submit the change again",
            value=item.id,
        )
    keep = ("reason", "replaced")
    change = FigureChange(
        item.kind, old, pending_rows(item), {k: item.record[k] for k in keep if k in item.record}
    )
    return apply_figure_change(connection, str(item.record.get("who", "")), change, info)


def _received(connection: Connection, item: Pending) -> tuple[bytes, str, str]:
    """Return the article's text as received, refusing it when missing or changed."""
    f = t.received_files
    stored = str(item.record.get("stored_as", ""))
    content = connection.execute(sa.select(f.c.content).where(f.c.name == stored)).scalar()
    if content is None:
        raise CorridorError.single(
            "待审文章的原文文件丢失，不能批准",
            "the pending article's text is missing: it cannot be approved",
            file=stored[:200],
            value=item.id,
        )
    sha256 = str(item.record.get("file_sha256", ""))
    if hashlib.sha256(content).hexdigest() != sha256:
        raise _tampered(item)
    return bytes(content), sha256, "txt"


def received_file(layout: Layout, record: dict[str, Any]) -> bytes | None:
    """Return the file a pending item was submitted with (its record's stored_as), or None."""
    stored = str(record.get("stored_as") or "")
    if not stored:
        return None
    f = t.received_files
    with store_engine(layout).connect() as connection:
        content = connection.execute(sa.select(f.c.content).where(f.c.name == stored)).scalar()
    return None if content is None else bytes(content)


def _apply_merge(connection: Connection, item: Pending, info: dict[str, Any]) -> str | None:
    """Merge a pending upload or article as its direct path does."""
    r = item.record
    article = item.kind == "article"
    request = MergeRequest(
        pending_rows(item),
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
        sources=pending_sources(item) if article else None,
        received=_received(connection, item) if article else None,
        sidecar=dict(r.get("sidecar") or {}) if article else None,
    )
    return merge_in(connection, str(r.get("who", "")), request).batch_id


def _decide(connection: Connection, item: Pending, status: str, decision: dict[str, Any]) -> None:
    p = t.pending
    connection.execute(
        sa.update(p).where(p.c.id == item.id).values(status=status, decision=decision)
    )


def approve(layout: Layout, actor: Actor, ref: str) -> Recorded:
    """Apply a pending item as a batch, in one transaction with the decision; refuse the analyst
    who submitted it."""
    require_analyst(actor)
    with writing(store_engine(layout)) as connection:
        item = _find(connection, ref)
        _check_seal(item)
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
        record_audit(connection, "approve", actor.name, pending=item.id, kind=item.kind)
        if item.kind in ("upload", "article"):
            batch_id = _apply_merge(connection, item, info)
        elif item.kind in ("correction", "retraction"):
            batch_id = _apply_figure_change(connection, item, info)
        elif item.kind == "wording":
            series, wording = str(item.record["series"]), str(item.record["wording"])
            batch_id = wording_in(connection, who, series, wording, info)
        else:
            raise CorridorError.single(
                "未知的待审类型", "unknown kind of pending item", value=item.kind[:40]
            )
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        decision = {"decision": "approved", "who": actor.name, "when": when, "batch": batch_id}
        _decide(connection, item, "approved", decision)
        return Recorded(batch_id, item.id)


def reject(layout: Layout, actor: Actor, ref: str, reason: str) -> None:
    """Reject a pending item with a reason; nothing readers see changes."""
    require_analyst(actor)
    why = check_note(reason, "reason")
    with writing(store_engine(layout)) as connection:
        item = _find(connection, ref)
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        record_audit(connection, "reject", actor.name, pending=item.id, reason=why)
        decision = {"decision": "rejected", "who": actor.name, "when": when, "reason": why}
        _decide(connection, item, "rejected", decision)
