"""Uploads waiting for a second analyst: stored aside, invisible to readers, applied on approval.

With `require_approval = true` in settings.toml an analyst's upload is written to
`pending/<id>/` (its rows as contract CSV and a record of who, when and which file) instead of
`batches/`, so no reader sees it. Another analyst approves it, which merges the rows as an
ordinary batch recorded as the submitter's with `approved_by` and the pending id, or rejects it
with a reason. A pending upload is resolved by its decision.json, or by a committed batch naming
it: a kill between the two leaves it applied, never half-applied, never applied twice.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.fileio import write_bytes_atomic
from etl.contract.paths import Layout
from etl.contract.schema import observations_schema, validate
from etl.store import batches as bt
from etl.store.audit import audit
from etl.store.auth import Actor, require_analyst
from etl.store.commands import (
    MergeResult,
    _check_note,
    _store_received,
    indexed_preview,
    merge_locked,
)
from etl.store.index import load_index
from etl.store.preview import Preview, contradiction_error
from etl.uploads.validating import Upload

RECORD = "pending.json"
DECISION = "decision.json"
ROWS = "rows.csv"


@dataclass(frozen=True)
class Pending:
    """One pending upload: its id, record and state (pending, approved or rejected)."""

    id: str
    record: dict[str, Any]
    status: str
    decision: dict[str, Any]


def submit_upload(
    layout: Layout, upload: Upload, actor: Actor, *, replace: bool = False
) -> MergeResult:
    """Store a validated upload as pending; return a result naming the pending id."""
    require_analyst(actor)
    with bt.write_lock(layout):
        index = load_index(layout)
        unknown = sorted(set(upload.rows["source_id"]) - set(index.sources))
        if unknown:
            raise CorridorError.single(
                "来源未登记（可能刚被撤销）",
                "unknown source (perhaps just undone)",
                file=upload.name,
                column="source_id",
                value=", ".join(unknown[:10]),
            )
        preview = indexed_preview(layout, index, upload.rows, upload.hashes[0])
        if len(preview.contradicting) and not replace:
            raise contradiction_error(preview, upload.name)
        if not preview.changes:
            return MergeResult(None, preview, index.table_hash, index.table_hash)
        stored_as = _store_received(layout, upload.data, upload.sha256, upload.kind)
        now = pd.Timestamp.now(tz="UTC")
        pending_id = f"{now:%Y%m%d%H%M%S}-{upload.sha256[:8]}-{uuid.uuid4().hex[:4]}"
        record = {
            "id": pending_id,
            "who": actor.name,
            "when": now.isoformat(timespec="seconds"),
            "file_name": upload.name,
            "file_sha256": upload.sha256,
            "file_kind": upload.kind,
            "stored_as": stored_as,
            "replace": replace,
            "rows": len(upload.rows),
            "rows_new": len(preview.new),
            "rows_contradicting": len(preview.contradicting),
        }
        layout.pending.mkdir(parents=True, exist_ok=True)
        tmp = layout.pending / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            bt._write_synced(tmp / ROWS, bt.render_rows_csv(upload.rows).encode("utf-8"))
            data = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            bt._write_synced(tmp / RECORD, data)
            bt.fsync_dir(tmp)
            os.rename(tmp, layout.pending / pending_id)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        bt.fsync_dir(layout.pending)
        audit(layout, "submit", actor.name, pending=pending_id, rows=len(upload.rows))
        return MergeResult(None, preview, index.table_hash, index.table_hash, pending_id)


def _approved_ids(layout: Layout) -> dict[str, str]:
    return {
        str(r["pending_id"]): batch_id
        for batch_id, r in bt.read_batch_records(layout)
        if r.get("pending_id")
    }


def list_pending(layout: Layout, *, include_resolved: bool = False) -> list[Pending]:
    """Return the pending uploads, oldest first (with the resolved ones when asked)."""
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
                    f"this pending upload was already {item.status}",
                    value=item.id,
                )
            return item
    raise CorridorError.single("找不到该待审批次", "no such pending upload", value=ref[:80])


def pending_rows(layout: Layout, pending_id: str) -> pd.DataFrame:
    """Return a pending upload's rows, schema-checked."""
    path = layout.pending / pending_id / ROWS
    return validate(bt.read_rows_csv(path), observations_schema(), str(path))


def pending_preview(layout: Layout, pending_id: str) -> Preview:
    """Return what approving a pending upload would change now."""
    return indexed_preview(layout, load_index(layout), pending_rows(layout, pending_id))


def _decide(layout: Layout, item: Pending, decision: dict[str, Any]) -> None:
    data = (json.dumps(decision, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_bytes_atomic(layout.pending / item.id / DECISION, data)


def approve(layout: Layout, actor: Actor, ref: str) -> MergeResult:
    """Apply a pending upload as a batch; refuse the analyst who submitted it."""
    require_analyst(actor)
    with bt.write_lock(layout):
        item = _find(layout, ref)
        if item.record.get("who") == actor.name:
            raise CorridorError.single(
                "不能批准自己提交的数据，请由另一位分析员批准",
                "you cannot approve your own upload; another analyst must approve it",
                value=item.id,
            )
        rows = pending_rows(layout, item.id)
        info = {
            "file_name": item.record.get("file_name", ""),
            "file_sha256": item.record.get("file_sha256", ""),
            "file_kind": item.record.get("file_kind", ""),
            "stored_as": item.record.get("stored_as", ""),
            "pending_id": item.id,
            "submitted_at": item.record.get("when", ""),
            "approved_by": actor.name,
        }
        result = merge_locked(
            layout,
            rows,
            str(item.record.get("who", "")),
            kind="upload",
            name=str(item.record.get("file_name", item.id)),
            replace=bool(item.record.get("replace", False)),
            info=info,
        )
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        _decide(
            layout,
            item,
            {"decision": "approved", "who": actor.name, "when": when, "batch": result.batch_id},
        )
        audit(layout, "approve", actor.name, pending=item.id, batch=result.batch_id)
        return result


def reject(layout: Layout, actor: Actor, ref: str, reason: str) -> None:
    """Reject a pending upload with a reason; nothing readers see changes."""
    require_analyst(actor)
    why = _check_note(reason, "reason")
    with bt.write_lock(layout):
        item = _find(layout, ref)
        when = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        _decide(
            layout, item, {"decision": "rejected", "who": actor.name, "when": when, "reason": why}
        )
        audit(layout, "reject", actor.name, pending=item.id, reason=why)
