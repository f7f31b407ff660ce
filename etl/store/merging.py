"""Applying rows to the record: the preview against the stored table and the merge as one batch.

The commands and the approval of pending items both merge through `merge_locked`, so a change
is applied the same way whether it waits for a second analyst or not.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import UnknownSourceError
from etl.contract.fileio import write_bytes_atomic
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.store.batches import Change, commit_batch, read_active_wordings
from etl.store.cache import load_cached_table
from etl.store.index import StoredFigureIndex, after_change, load_index, row_hashes, write_index
from etl.store.outcomes import MergeResult
from etl.store.preview import (
    Preview,
    all_new,
    contradiction_error,
    preview_rows,
    replacement_records,
    with_more_new,
)
from etl.store.records import RenderedRows


def indexed_preview(
    layout: Layout, index: StoredFigureIndex, rows: pd.DataFrame, keys: np.ndarray | None = None
) -> Preview:
    """Return the preview of rows against the stored table, reading only rows that may match.

    The index names the held rows whose key hash equals an upload row's; only those are taken
    from the table and compared exactly with the upload rows that share their hashes, so an
    upload of new figures never reads the table. keys: the rows' key hashes, when known.
    """
    upload_keys = row_hashes(rows)[0] if keys is None else keys
    candidates = np.flatnonzero(np.isin(index.keys, upload_keys))
    if not len(candidates):
        return all_new(rows)
    table = load_cached_table(layout, write=False).observations
    if len(table) != index.rows:  # the index and the table disagree: compare with everything
        return preview_rows(table, rows)
    held = table.iloc[candidates]
    held_keys, _ = row_hashes(held)
    if not np.array_equal(held_keys, index.keys[candidates]):
        return preview_rows(table, rows)
    maybe = np.isin(upload_keys, held_keys)
    return with_more_new(preview_rows(held, rows.loc[maybe]), rows.loc[~maybe])


def store_received(layout: Layout, data: bytes, sha256: str, ext: str) -> str:
    """Keep a received file under uploads/ named by its sha256; return its path in the data dir."""
    # Named by content: the same file received twice is stored once.
    path = layout.uploads / f"{sha256}.{ext}"
    if not path.exists():
        write_bytes_atomic(path, data)
    return path.relative_to(layout.root).as_posix()


def refuse_unknown_sources(rows: pd.DataFrame, known: set[str], name: str) -> None:
    """Refuse rows citing a source that is not among the known ones."""
    missing = sorted(set(pd.unique(rows["source_id"].to_numpy(dtype=object))) - known)
    if missing:
        raise UnknownSourceError.single(
            "来源未登记（可能刚被撤销）",
            "unknown source (perhaps just undone)",
            file=name,
            column="source_id",
            value=", ".join(missing[:10]),
        )


def merge_locked(
    layout: Layout,
    rows: pd.DataFrame,
    who: str,
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
    """Merge rows as one batch recorded as `who`'s (the caller holds the lock, checked the role)."""
    index = load_index(layout)
    known = set(index.sources)
    if sources is not None:
        sources = sources.loc[~sources["source_id"].isin(known)]
        known |= set(sources["source_id"])
    refuse_unknown_sources(rows, known, name)
    if hashes is None or len(hashes[0]) != len(rows):
        hashes = row_hashes(rows)
    preview = indexed_preview(layout, index, rows, hashes[0])
    if len(preview.contradicting) and not replace:
        raise contradiction_error(preview, name)
    hash_before = index.table_hash
    new_sources = sources is not None and len(sources) > 0
    if not preview.changes and not new_sources:
        return MergeResult(None, preview, hash_before, hash_before)
    added = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    ).sort_index(kind="stable")
    # The added rows' hashes, by their place among the rows (a key holds no series, so the
    # series filled below does not change them); rows without unique labels are hashed again.
    added_hashes = None
    if rows.index.is_unique:
        where = rows.index.get_indexer(added.index)
        added_hashes = (hashes[0][where], hashes[1][where])
    added = added.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    removed = preview.replaced.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    record = dict(info or {})
    if received is not None:
        data, sha256, ext = received
        record["stored_as"] = store_received(layout, data, sha256, ext)
        if sidecar is not None:
            write_bytes_atomic(
                layout.uploads / f"{sha256}.source.json",
                (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            )
    record["replaced"] = replacement_records(preview)
    change = Change(kind=kind, who=who, added=added, removed=removed, sources=sources, info=record)
    # Rendered once, for the batch file and (series filled as readers load it) the table hash.
    rendered = RenderedRows.of(change.added)
    # As readers will load them: rows that name no series are placed by the rules and wordings.
    wordings = read_active_wordings(layout)
    after = after_change(index, change, wordings, added_hashes, rendered)
    batch_id = commit_batch(layout, change, hash_before, after.table_hash, rendered)
    write_index(layout, after)
    return MergeResult(batch_id, preview, hash_before, after.table_hash)
