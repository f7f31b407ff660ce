"""Batches: each accepted change as a folder of rows added and removed, applied in order.

A batch is `batches/<seq:06d>-<hash8>/` holding batch.json (who, when, what, why, table hashes)
and the contract CSVs rows.csv (rows added), removed.csv (rows removed), sources.csv and
removed_sources.csv. It is written into a dot-prefixed temporary folder and renamed into place,
so readers, which skip dot-prefixed names, see a whole batch or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from etl.contract.errors import CorridorError, LockedError
from etl.contract.identity import figure_pairs
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS, observations_schema, validate
from etl.contract.tables import (
    empty_observations,
    parse_sources,
    read_sources,
    render_sources_csv,
)
from etl.store.audit import audit, audit_ready

# Rendering and hashing rows live in records; these names stay importable from here.
from etl.store.records import HASH_MODULUS as HASH_MODULUS
from etl.store.records import HEADER_LINE as HEADER_LINE
from etl.store.records import RenderedRows, render_rows_csv
from etl.store.records import hash_after as hash_after
from etl.store.records import number_texts as number_texts
from etl.store.records import records_sum as records_sum
from etl.store.records import render_records as render_records
from etl.store.records import table_hash as table_hash

BATCH_RE = re.compile(r"^(\d{6})-([0-9a-f]{8})$")
BATCH_FORMAT = 1
LOCK_NAME = "corridor.lock"
# Merging 200,000 rows takes seconds; a writer waiting longer than this is stuck, not queued.
LOCK_TIMEOUT_S = 300.0
KINDS = ("upload", "article", "source", "correction", "retraction", "undo", "wording")
# Batch files written before the contract had a series column read as series "" (the rules fill
# it); those written before it had a qualifier read as stated exactly (qualifier "").
LEGACY_HEADERS = tuple(
    tuple(c for c in OBSERVATION_COLUMNS if c not in missing)
    for missing in (("series",), ("qualifier",), ("series", "qualifier"))
)
# Identity of a figure: two rows with the same key describe the same figure.
FILES = {
    "added": "rows.csv",
    "removed": "removed.csv",
    "sources": "sources.csv",
    "removed_sources": "removed_sources.csv",
}


@dataclass(frozen=True)
class Batch:
    """One stored batch: its record and the rows and sources it adds and removes."""

    id: str
    seq: int
    path: Path
    record: dict[str, Any]
    added: pd.DataFrame
    removed: pd.DataFrame
    sources: pd.DataFrame
    removed_sources: pd.DataFrame


@dataclass
class Change:
    """A change about to be committed as a batch."""

    kind: str
    who: str
    added: pd.DataFrame = field(default_factory=lambda: no_rows())
    removed: pd.DataFrame = field(default_factory=lambda: no_rows())
    sources: pd.DataFrame | None = None
    removed_sources: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)


@cache
def _empty_templates() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Building an empty frame runs the schema (~50 ms); a store reading 100 batches needs 400.
    return (
        empty_observations(),
        parse_sources(pd.DataFrame(columns=list(SOURCE_COLUMNS)), "<empty>"),
    )


def no_rows() -> pd.DataFrame:
    """Return an empty, valid observations frame."""
    return _empty_templates()[0].copy()


def empty_sources() -> pd.DataFrame:
    """Return an empty, valid sources frame."""
    return _empty_templates()[1].copy()


def read_rows_csv(path: Path) -> pd.DataFrame:
    """Return a batch's contract CSV typed but not schema-checked (read_batches checks them all)."""
    try:
        text = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorridorError.single(
            f"批次文件无法读取：{exc}", f"cannot read a batch file: {exc}", file=str(path)
        ) from None
    if tuple(text.columns) in LEGACY_HEADERS:
        for col in ("qualifier", "series"):
            if col not in text:
                text.insert(OBSERVATION_COLUMNS.index(col), col, "")
    if list(text.columns) != list(OBSERVATION_COLUMNS):
        raise CorridorError.single(
            "批次文件的列与约定不符",
            "a batch file's columns differ from the contract",
            file=str(path),
        )
    frame = text.copy()
    for col in ("period_start", "period_end"):
        cells = text[col].where(text[col] != "", None)
        frame[col] = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").astype(
            "datetime64[ns]"
        )
        bad = frame[col].isna() & cells.notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise CorridorError.single(
                "批次文件中的日期无效",
                "invalid date in a batch file",
                file=str(path),
                row=row,
                column=col,
            )
    for col in ("value", "yoy_pct"):
        cells = text[col].where(text[col] != "", None)
        frame[col] = pd.to_numeric(cells, errors="coerce").astype(float)
        bad = frame[col].isna() & cells.notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise CorridorError.single(
                "批次文件中的数字无效",
                "invalid number in a batch file",
                file=str(path),
                row=row,
                column=col,
            )
    return frame


def active_wordings(batches: list[Batch]) -> tuple[tuple[str, str], ...]:
    """Return the (series, wording) mappings of wording batches not undone, oldest first."""
    return wordings_of([(b.id, b.record) for b in batches])


def wordings_of(records: list[tuple[str, dict[str, Any]]]) -> tuple[tuple[str, str], ...]:
    """Return the active (series, wording) mappings of batch records (id, batch.json), in order."""
    active: dict[str, tuple[str, str]] = {}
    undone: dict[str, tuple[str, tuple[str, str]]] = {}
    for batch_id, record in records:
        kind = record.get("kind")
        if kind == "wording":
            active[batch_id] = (str(record["series"]), str(record["wording"]))
        elif kind == "undo":
            target = str(record.get("undoes", ""))
            if target in active:
                undone[batch_id] = (target, active.pop(target))
            elif target in undone:  # undoing the undo of a wording restores it
                wording_id, mapping = undone.pop(target)
                active[wording_id] = mapping
    return tuple(active[k] for k in sorted(active))


def read_active_wordings(layout: Layout) -> tuple[tuple[str, str], ...]:
    """Return the active wordings from the batch records alone (no batch rows are read)."""
    records: list[tuple[str, dict[str, Any]]] = []
    for path in batch_dirs(layout):
        try:
            record = json.loads((path / "batch.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # read_batches reports a damaged batch; the wordings skip it
        if isinstance(record, dict):
            records.append((path.name, record))
    return wordings_of(records)


def apply_change(
    observations: pd.DataFrame, removed: pd.DataFrame, added: pd.DataFrame
) -> pd.DataFrame:
    """Return observations without the removed figures (matched by key and value), plus added."""
    out = observations
    if len(removed):
        out = out.loc[~figure_pairs(out).isin(figure_pairs(removed))]
    if len(added):
        out = pd.concat([out, added], ignore_index=True) if len(out) else added
    return out.reset_index(drop=True)


def apply_sources(
    sources: pd.DataFrame, removed: pd.DataFrame, added: pd.DataFrame
) -> pd.DataFrame:
    """Return sources without the removed ids, plus the added ones (earlier ids win)."""
    out = sources
    if len(removed):
        out = out.loc[~out["source_id"].isin(removed["source_id"])]
    if len(added):
        out = pd.concat([out, added], ignore_index=True) if len(out) else added
        out = out.drop_duplicates("source_id", keep="first")
    return out.reset_index(drop=True)


def batch_dirs(layout: Layout) -> list[Path]:
    """Return the folders of committed batches in order (temporary dot-folders are skipped)."""
    if not layout.batches.is_dir():
        return []
    return sorted(p for p in layout.batches.iterdir() if p.is_dir() and BATCH_RE.match(p.name))


def batch_files(layout: Layout) -> list[Path]:
    """Return every file of every committed batch, in a stable order."""
    return [f for d in batch_dirs(layout) for f in sorted(d.iterdir()) if f.is_file()]


def read_batch(path: Path) -> Batch:
    """Return the batch stored in a folder, validating its tables."""
    match = BATCH_RE.match(path.name)
    record_path = path / "batch.json"
    if not match or not record_path.is_file():
        raise CorridorError.single(
            "批次目录不完整（缺少 batch.json）",
            "incomplete batch folder (no batch.json)",
            file=str(path),
        )
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorridorError.single(
            f"批次记录不是有效的 JSON：{exc}",
            f"batch record is not valid JSON: {exc}",
            file=str(record_path),
        ) from None

    def obs(name: str) -> pd.DataFrame:
        file = path / name
        return read_rows_csv(file) if file.exists() else no_rows()

    def src(name: str) -> pd.DataFrame:
        file = path / name
        return read_sources(file) if file.exists() else empty_sources()

    return Batch(
        id=path.name,
        seq=int(match.group(1)),
        path=path,
        record=record,
        added=obs(FILES["added"]),
        removed=obs(FILES["removed"]),
        sources=src(FILES["sources"]),
        removed_sources=src(FILES["removed_sources"]),
    )


def read_batches(layout: Layout, dirs: list[Path] | None = None) -> list[Batch]:
    """Return every committed batch (or those in dirs) in order, added rows schema-checked."""
    batches = [read_batch(p) for p in (batch_dirs(layout) if dirs is None else dirs)]
    added = [b.added for b in batches if len(b.added)]
    if not added:
        return batches
    try:
        # One schema pass over all added rows: per-file passes cost ~0.1 s each.
        validate(pd.concat(added, ignore_index=True), observations_schema(), "batches")
    except CorridorError:
        for batch in batches:  # find the file to name in the message
            validate(batch.added, observations_schema(), str(batch.path / FILES["added"]))
        raise
    return [replace(b, added=_as_checked(b.added)) for b in batches]


def _as_checked(frame: pd.DataFrame) -> pd.DataFrame:
    # The same dtypes the schema's coercion gives, so batches and built rows concatenate cleanly.
    out = frame.copy()
    for col in OBSERVATION_COLUMNS:
        if col not in ("value", "yoy_pct", "period_start", "period_end"):
            out[col] = out[col].astype("str")
    return out


def read_batch_records(layout: Layout) -> list[tuple[str, dict[str, Any]]]:
    """Return (id, record) of every committed batch without reading its rows."""
    out = []
    for path in batch_dirs(layout):
        try:
            record = json.loads((path / "batch.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            record = {"kind": "?", "note": "unreadable batch.json"}
        out.append((path.name, record))
    return out


@contextlib.contextmanager
def write_lock(layout: Layout) -> Iterator[None]:
    """Hold the data directory's write lock (one writer at a time, across processes)."""
    layout.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.root / LOCK_NAME), timeout=LOCK_TIMEOUT_S)
    try:
        with lock:
            # Fail closed: a change the audit log cannot record is refused before it starts.
            audit_ready(layout)
            _sweep_unlocked(layout)
            yield
    except Timeout:
        raise LockedError.single(
            "数据目录正被另一个写入占用，请稍后再试",
            "another change is being written to the data directory; try again shortly",
            file=str(layout.root),
        ) from None


def write_synced(path: Path, data: bytes) -> None:
    """Write a new file and fsync it before returning (refusing one that exists)."""
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@dataclass(frozen=True)
class Swept:
    """What a start-up sweep removed: stale batch folders and orphan uploaded files."""

    temporaries: tuple[str, ...]
    orphans: tuple[str, ...]


def sweep(layout: Layout) -> Swept:
    """Remove what killed writers left behind, under the write lock (for `corridor serve`)."""
    if not layout.root.is_dir():
        return Swept((), ())
    lock = FileLock(str(layout.root / LOCK_NAME), timeout=LOCK_TIMEOUT_S)
    with lock:
        return _sweep_unlocked(layout)


def _sweep_unlocked(layout: Layout) -> Swept:
    # Every writer runs this first, under the lock, so no writer can be mid-way: any .tmp-*
    # folder is a crashed one. An uploaded file no batch refers to is an orphan once it is older
    # than the last batch (a file newer than that may belong to the merge about to commit).
    try:
        temporaries = tuple(remove_stale_temporaries(layout))
        return Swept(temporaries, tuple(_remove_orphan_uploads(layout)))
    except OSError:  # a read-only or damaged directory: sweeping is housekeeping, never fatal
        return Swept((), ())


# The names the store gives received files (_store_received): the content's sha256 and the
# kind, or an article's sidecar. The sweep removes nothing else.
STORED_NAME_RE = re.compile(r"^[0-9a-f]{64}\.(?:csv|xlsx|txt|source\.json)$")


def _real_dir(path: Path) -> bool:
    # A folder of the store, not a symbolic link to somewhere else.
    return path.is_dir() and not path.is_symlink()


def _remove_orphan_uploads(layout: Layout) -> list[str]:
    dirs = batch_dirs(layout)
    if not _real_dir(layout.uploads) or not dirs:
        return []
    last = max(
        ((d / "batch.json").stat().st_mtime for d in dirs if (d / "batch.json").exists()),
        default=None,
    )
    if last is None:
        return []
    kept: set[str] = set()
    for _name, record in [*read_batch_records(layout), *_unresolved_pending_records(layout)]:
        stored = str(record.get("stored_as") or "")
        if stored:
            stem = Path(stored).name.split(".", 1)[0]
            kept |= {Path(stored).name, f"{stem}.source.json"}
    removed = []
    for path in layout.uploads.iterdir():
        # Only the store's own files, never through a link (lstat: a link is not a file here).
        info = path.lstat()
        if (
            stat.S_ISREG(info.st_mode)
            and STORED_NAME_RE.match(path.name)
            and path.name not in kept
            and info.st_mtime < last
        ):
            path.unlink()
            removed.append(path.name)
    return removed


def _unresolved_pending_records(layout: Layout) -> list[tuple[str, dict[str, Any]]]:
    # A pending item's received file is read again when it is approved: never an orphan.
    if not layout.pending.is_dir():
        return []
    out = []
    for path in layout.pending.iterdir():
        if path.name.startswith(".") or (path / "decision.json").exists():
            continue
        try:
            record = json.loads((path / "pending.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(record, dict):
            out.append((path.name, record))
    return out


def remove_stale_temporaries(layout: Layout) -> list[str]:
    """Remove temporary batch and pending folders a crashed writer left (call under the lock)."""
    removed = []
    for folder in (layout.batches, layout.pending):
        if not _real_dir(folder):
            continue
        for path in folder.iterdir():
            if path.name.startswith(".tmp-") and _real_dir(path):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
    return removed


def commit_batch(
    layout: Layout,
    change: Change,
    hash_before: str,
    hash_after: str,
    rendered: RenderedRows | None = None,
) -> str:
    """Write a change as the next batch, atomically; return its id (call under the lock).

    rendered: change.added already rendered (the merge renders it once for file and hash).
    """
    if change.kind not in KINDS:
        raise ValueError(f"unknown batch kind {change.kind!r}")
    remove_stale_temporaries(layout)
    layout.batches.mkdir(parents=True, exist_ok=True)
    existing = batch_dirs(layout)
    seq = int(BATCH_RE.match(existing[-1].name).group(1)) + 1 if existing else 1  # type: ignore[union-attr]
    files: dict[str, bytes] = {}
    if len(change.added):
        ready = rendered if rendered is not None and rendered.frame is change.added else None
        files[FILES["added"]] = render_rows_csv(ready or change.added).encode("utf-8")
    if len(change.removed):
        files[FILES["removed"]] = render_rows_csv(change.removed).encode("utf-8")
    if change.sources is not None and len(change.sources):
        files[FILES["sources"]] = render_sources_csv(change.sources).encode("utf-8")
    if change.removed_sources is not None and len(change.removed_sources):
        files[FILES["removed_sources"]] = render_sources_csv(change.removed_sources).encode("utf-8")
    record: dict[str, Any] = {
        "format": BATCH_FORMAT,
        "seq": seq,
        "kind": change.kind,
        "who": change.who,
        "when": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "rows_added": len(change.added),
        "rows_removed": len(change.removed),
        "sources_added": [] if change.sources is None else list(change.sources["source_id"]),
        "sources_removed": []
        if change.removed_sources is None
        else list(change.removed_sources["source_id"]),
        **change.info,
        "table_hash_before": hash_before,
        "table_hash_after": hash_after,
    }
    record_bytes = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    digest = hashlib.sha256(record_bytes)
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    final = layout.batches / f"{seq:06d}-{digest.hexdigest()[:8]}"
    tmp = layout.batches / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        for name, data in files.items():
            write_synced(tmp / name, data)
        # batch.json last: a folder that has it is complete even before the rename.
        write_synced(tmp / "batch.json", record_bytes)
        fsync_dir(tmp)
        # Recorded before it is visible: a batch the log cannot record never appears.
        audit(
            layout,
            "write",
            change.who,
            batch=final.name,
            kind=change.kind,
            rows_added=len(change.added),
            rows_removed=len(change.removed),
        )
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(layout.batches)
    return final.name


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry, so a rename inside it survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
