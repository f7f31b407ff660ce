"""The history people read: batches and pending uploads, local times, headers in their language."""

from __future__ import annotations

from typing import Any

import pandas as pd

from etl.contract.paths import Layout
from etl.store.commands import history
from etl.store.pending import list_pending
from etl.store.settings import load_settings

COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("批次", "Batch"),
    "when": ("时间", "When"),
    "who": ("提交人", "By"),
    "kind": ("类型", "Kind"),
    "file_name": ("文件", "File"),
    "rows_added": ("新增行", "Rows added"),
    "rows_removed": ("替换或删除行", "Rows replaced/removed"),
    "status": ("状态", "Status"),
    "approved_by": ("批准人", "Approved by"),
    "note": ("说明", "Note"),
}
KINDS = {
    "upload": ("上传", "upload"),
    "article": ("文章", "article"),
    "source": ("登记来源", "source"),
    "correction": ("更正", "correction"),
    "retraction": ("撤回", "retraction"),
    "undo": ("撤销", "undo"),
    "wording": ("措辞映射", "wording"),
}
STATUSES = {
    "applied": ("已生效", "applied"),
    "approved": ("已批准", "approved"),
    "pending": ("待审批", "pending"),
    "rejected": ("已驳回", "rejected"),
}


def _local(when: str, zone: Any) -> str:
    try:
        stamp = pd.Timestamp(when)
    except (ValueError, TypeError):
        return when
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(zone).strftime("%Y-%m-%d %H:%M")


def history_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return batches and unresolved or rejected pending items, newest last, as plain fields."""
    out: list[dict[str, Any]] = []
    for e in history(layout):
        note = e["reason"] or e["sources_added"]
        if e["undone_by"]:
            note = (note + " " if note else "") + f"undone by {e['undone_by']}"
        if e["undoes"]:
            note = (note + " " if note else "") + f"undoes {e['undoes']}"
        out.append({**{k: e.get(k, "") for k in COLUMNS}, "note": note})
    for item in list_pending(layout, include_resolved=True):
        if item.status == "approved":
            continue  # shown as its batch
        r = item.record
        out.append(
            {
                "id": item.id,
                "when": r.get("when", ""),
                "who": r.get("who", ""),
                "kind": item.kind,
                "file_name": r.get("file_name") or r.get("title", ""),
                "rows_added": r.get("rows_new", 0),
                "rows_removed": r.get("rows_contradicting", 0),
                "status": item.status,
                "approved_by": "",
                "note": str(item.decision.get("reason", "")),
            }
        )
    return sorted(out, key=lambda e: str(e["when"]))


def history_frame(layout: Layout, lang: str) -> pd.DataFrame:
    """Return the history as a table with headers, kinds and states in the language, local times."""
    zone = load_settings(layout).zone
    rows = history_rows(layout)
    i = 0 if lang == "zh" else 1
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["when"] = [_local(str(w), zone) for w in frame["when"]]
    frame["kind"] = [KINDS.get(str(k), (k, k))[i] for k in frame["kind"]]
    frame["status"] = [STATUSES.get(str(s), (s, s))[i] for s in frame["status"]]
    names = {k: v[i] for k, v in COLUMNS.items()}
    names["when"] = f"{names['when']} ({load_settings(layout).time_zone})"
    return frame.rename(columns=names)
