"""The audit log: one JSON line per login, failure, lockout and write, appended, never rewritten."""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd

from etl.contract.paths import Layout

# A name or detail longer than this is cut: the log records attempts, not payloads.
MAX_FIELD = 200


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_FIELD]
    return value


def audit(layout: Layout, event: str, who: str, **details: Any) -> None:
    """Append one event to the data directory's audit.log (O_APPEND, one write, fsync'd)."""
    record = {
        "when": pd.Timestamp.now(tz="UTC").isoformat(timespec="milliseconds"),
        "event": event,
        "who": _bounded(who),
        **{k: _bounded(v) for k, v in details.items()},
    }
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(layout.audit_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return  # a read-only data directory takes no writes to audit either
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_audit(layout: Layout) -> list[dict[str, Any]]:
    """Return the audit events, oldest first (unreadable lines skipped)."""
    if not layout.audit_log.is_file():
        return []
    out = []
    for line in layout.audit_log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out
