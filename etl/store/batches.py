"""Batches: each accepted change as rows added and removed, applied in order; and the batch
format of earlier versions, read for `corridor db import-batches`.

In the batch format a batch is `batches/<seq:06d>-<hash8>/` holding batch.json (who, when, what,
why) and the contract CSVs rows.csv (rows added), removed.csv (rows removed), sources.csv and
removed_sources.csv; folders named with a dot are a crashed writer's and are skipped. The store
itself keeps batches in its database (etl.store.db).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.identity import figure_pairs
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS, observations_schema, validate
from etl.contract.tables import empty_observations, parse_sources, read_sources

# Rendering rows lives in records; these names stay importable from here.
from etl.store.records import HEADER_LINE as HEADER_LINE
from etl.store.records import number_texts as number_texts
from etl.store.records import render_records as render_records
from etl.store.records import render_rows_csv as render_rows_csv

BATCH_RE = re.compile(r"^(\d{6})-([0-9a-f]{8})$")
BATCH_FORMAT = 1
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


# The names the batch format gave received files under uploads/: the content's sha256 and the
# kind, or an article's sidecar. An import takes nothing else from the folder.
STORED_NAME_RE = re.compile(r"^[0-9a-f]{64}\.(?:csv|xlsx|txt|source\.json)$")
