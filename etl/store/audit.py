"""The audit log: one JSON line per login, failure, lockout and write, appended, never rewritten.

It fails closed: a change that cannot be recorded is refused before anything changes, and the
log is never reached through a symbolic link.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout

# A name or detail longer than this is cut: the log records attempts, not payloads.
MAX_FIELD = 200
# Appending only, never through a link (a planted audit.log symlink is refused, not followed).
OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_FIELD]
    return value


def _unrecordable(layout: Layout, exc: OSError) -> CorridorError:
    return CorridorError.single(
        f"无法写入审计日志（{exc.strerror or type(exc).__name__}），操作已拒绝，数据没有改动",
        f"the audit log cannot be written ({exc.strerror or type(exc).__name__}): refused, "
        "nothing was changed",
        file=str(layout.audit_log),
    )


def _open(layout: Layout) -> int:
    layout.root.mkdir(parents=True, exist_ok=True)
    return os.open(layout.audit_log, OPEN_FLAGS, 0o600)


def audit_ready(layout: Layout) -> None:
    """Refuse (CorridorError) unless the audit log can be appended to right now."""
    try:
        os.close(_open(layout))
    except OSError as exc:
        raise _unrecordable(layout, exc) from None


def audit(layout: Layout, event: str, who: str, **details: Any) -> None:
    """Append one event to audit.log (O_APPEND, one write, fsync'd); refuse if it cannot."""
    record = {
        "when": pd.Timestamp.now(tz="UTC").isoformat(timespec="milliseconds"),
        "event": event,
        "who": _bounded(who),
        **{k: _bounded(v) for k, v in details.items()},
    }
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        fd = _open(layout)
    except OSError as exc:
        raise _unrecordable(layout, exc) from None
    try:
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(0, "short write")
        os.fsync(fd)
    except OSError as exc:
        raise _unrecordable(layout, exc) from None
    finally:
        os.close(fd)
