"""What a data directory keeps beside its batches, as database rows: events, pending items,
received files, the audit log and the accounts file of earlier versions (read for `corridor db
import-batches`, a first start, and an accounts file that appears later)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.actors import ROLES
from etl.store.batches import STORED_NAME_RE, read_batch_records
from etl.store.passwords import SECRETS_ENV, SECRETS_PATH, secrets_path

# A pending item of the batch format: pending/<id>/ with its record, rows and, once decided, the
# decision (an approval may instead be known only from the batch that names the item).
RECORD = "pending.json"
DECISION = "decision.json"
EVENT_TEXTS = ("title_zh", "title_en", "kind", "source_id", "quote")


def event_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return tidy/events.csv as rows (none when there is no such file); undated rows are kept
    out, as every reader of the file drops them."""
    path = layout.events_csv
    if not path.is_file():
        return []
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "date" not in frame:
        return []
    dates = pd.to_datetime(frame["date"], errors="coerce")
    rows = []
    for when, row in zip(dates, frame.to_dict("records"), strict=True):
        if pd.notna(when):
            rows.append({"date": when.date(), **{k: str(row.get(k, "")) for k in EVENT_TEXTS}})
    return rows


def pending_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return every pending item, resolved ones included, with the files of its folder as text."""
    if not layout.pending.is_dir():
        return []
    approved = {
        str(r["pending_id"]): batch_id
        for batch_id, r in read_batch_records(layout)
        if r.get("pending_id")
    }
    rows = []
    for folder in sorted(p for p in layout.pending.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or not (folder / RECORD).is_file():
            continue  # a crashed writer's temporary folder
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        decision: dict[str, Any] = {}
        if (folder / DECISION).is_file():
            decision = json.loads((folder / DECISION).read_text(encoding="utf-8"))
            status = str(decision.get("decision", "rejected"))
        elif folder.name in approved:
            status, decision = "approved", {"batch": approved[folder.name]}
        else:
            status = "pending"
        files = {
            p.name: p.read_text(encoding="utf-8")
            for p in sorted(folder.iterdir())
            if p.is_file() and p.name not in (RECORD, DECISION)
        }
        rows.append(
            {
                "id": folder.name,
                "kind": str(record.get("kind") or "upload"),
                "person": str(record.get("who", "")),
                "at": str(record.get("when", "")),
                "record": record,
                "files": files,
                "seal": str(record.get("seal", "")),
                "status": status,
                "decision": decision or None,
            }
        )
    return sorted(rows, key=lambda r: r["at"])


def received_file_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return the files the store received (uploads/, named by content hash) with their bytes."""
    folder = layout.uploads
    if not folder.is_dir() or folder.is_symlink():
        return []
    rows = []
    for path in sorted(folder.iterdir()):
        # Only the store's own files, never through a link.
        if stat.S_ISREG(path.lstat().st_mode) and STORED_NAME_RE.match(path.name):
            content = path.read_bytes()
            rows.append(
                {
                    "name": f"uploads/{path.name}",
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "content": content,
                }
            )
    return rows


def audit_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return audit.log's lines as rows; a line that is not a JSON object is kept as its text."""
    path = layout.audit_log
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            entry = None
        if not isinstance(entry, dict):
            rows.append({"at": "", "event": "unreadable", "person": "", "details": {"line": line}})
            continue
        details = {k: v for k, v in entry.items() if k not in ("when", "event", "who")}
        rows.append(
            {
                "at": str(entry.get("when", "")),
                "event": str(entry.get("event", "")),
                "person": str(entry.get("who", "")),
                "details": details,
            }
        )
    return rows


# Earlier versions kept accounts in a JSON file: $CORRIDOR_USERS_FILE, else beside
# $CORRIDOR_SECRETS_FILE, else <data-dir>/corridor_users.json, else the checkout's .streamlit/.
USERS_ENV = "CORRIDOR_USERS_FILE"
USERS_FILE_NAME = "corridor_users.json"


def legacy_users_file(layout: Layout) -> Path:
    """Return where earlier versions kept this data directory's accounts file."""
    env = os.environ.get(USERS_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if os.environ.get(SECRETS_ENV, "").strip():
        return secrets_path().with_name(USERS_FILE_NAME)
    where = layout.root / USERS_FILE_NAME
    legacy = SECRETS_PATH.with_name(USERS_FILE_NAME)
    return legacy if not where.exists() and legacy.is_file() else where


def account_rows(layout: Layout) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the accounts file's accounts and OS user mappings as rows (none without a file)."""
    where = legacy_users_file(layout)
    if not where.is_file():
        return [], []
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
        users = {
            str(n): dict(spec)
            for n, spec in dict(data.get("users", {})).items()
            if isinstance(spec, dict) and spec.get("role") in ROLES
        }
        mapped = {str(k): str(v) for k, v in dict(data.get("os_users", {})).items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise CorridorError.single(
            f"用户文件无法解析：{exc}",
            f"the users file cannot be parsed: {exc}",
            file=str(where),
        ) from None
    accounts = [
        {
            "name": name,
            "role": str(spec["role"]),
            "password_hash": str(spec.get("hash", "")),
            "admin": bool(spec.get("admin")),
            # The rest (its tokens' hashes) as it came; role, hash and admin have columns.
            "spec": {k: v for k, v in spec.items() if k not in ("role", "hash", "admin")},
        }
        for name, spec in users.items()
    ]
    os_users = [{"os_name": k, "account": v} for k, v in mapped.items()]
    return accounts, os_users
