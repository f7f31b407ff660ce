"""A figure index kept beside the cache, so a merge costs what the upload costs.

Per stored row, in table order, the 64-bit hash of its figure key and of its (key, value) pair,
plus the registered source ids and the table hash. A merge asks the index which held rows could
share a key with the upload (a hash match is only a candidate: those few rows are then compared
exactly), and updates the table hash from the rows it adds and removes alone. The index is
disposable like the cache: named by the stored files' fingerprint, caught up from an earlier
index by reading only the batches added since, rebuilt from the table when neither is there.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.contract.fileio import write_bytes_atomic
from etl.contract.identity import figure_hashes
from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.store.batches import (
    Change,
    hash_after,
    read_active_wordings,
    read_batches,
    table_hash,
    wordings_of,
)
from etl.store.records import RenderedRows
from etl.store.table import data_version, load_built, state_after, stored_manifest

# 2: keys hashed column by column (identity.figure_hashes); a format-1 index is rebuilt.
INDEX_FORMAT = 2


@dataclass(frozen=True)
class StoredFigureIndex:
    """Key and pair hashes of every stored row in table order, the sources and the table hash."""

    keys: np.ndarray
    pairs: np.ndarray
    sources: frozenset[str]
    table_hash: str

    @property
    def rows(self) -> int:
        """Return the number of stored rows."""
        return len(self.keys)


def row_hashes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the uint64 hashes of each row's figure key and of its (key, value) pair."""
    return figure_hashes(frame)


def _apply(
    index: StoredFigureIndex,
    removed: pd.DataFrame,
    added: pd.DataFrame,
    sources_removed: pd.DataFrame | None,
    sources_added: pd.DataFrame | None,
    wordings: tuple[tuple[str, str], ...] = (),
    added_hashes: tuple[np.ndarray, np.ndarray] | None = None,
    rendered: RenderedRows | None = None,
) -> StoredFigureIndex:
    # Mirrors batches.apply_change: drop rows whose pair is removed, then append the added rows
    # in order, so position i of the index stays row i of the table. Rows are hashed as readers
    # load them: a row that names no series is placed by the rules and the analysts' wordings.
    removed = fill_series(removed, wordings) if len(removed) else removed
    # The added rows as rendered for the batch file, when they are: only the series is redone.
    hashed: RenderedRows | None = None
    if rendered is not None and rendered.frame is added:
        hashed = rendered.series_filled(wordings)
        added = hashed.frame
    else:
        added = fill_series(added, wordings) if len(added) else added
    keys, pairs = index.keys, index.pairs
    if len(removed):
        _, gone = row_hashes(removed)
        keep = ~np.isin(pairs, gone)
        keys, pairs = keys[keep], pairs[keep]
    if len(added):
        add_k, add_p = added_hashes if added_hashes is not None else row_hashes(added)
        keys, pairs = np.concatenate([keys, add_k]), np.concatenate([pairs, add_p])
    sources = set(index.sources)
    if sources_removed is not None and len(sources_removed):
        sources -= set(sources_removed["source_id"].astype(str))
    if sources_added is not None and len(sources_added):
        sources |= set(sources_added["source_id"].astype(str))
    digest = hash_after(index.table_hash, added if hashed is None else hashed, removed)
    return StoredFigureIndex(keys, pairs, frozenset(sources), digest)


def after_change(
    index: StoredFigureIndex,
    change: Change,
    wordings: tuple[tuple[str, str], ...] = (),
    added_hashes: tuple[np.ndarray, np.ndarray] | None = None,
    rendered: RenderedRows | None = None,
) -> StoredFigureIndex:
    """Return the index after a change (not a wording) is applied, under the active wordings.

    added_hashes: the row_hashes of change.added, in its order, when the caller has them;
    rendered: change.added rendered as contract CSV fields, when the caller has them.
    """
    return _apply(
        index,
        change.removed,
        change.added,
        change.removed_sources,
        change.sources,
        wordings,
        added_hashes,
        rendered,
    )


def _index_path(layout: Layout, version: str) -> Path:
    return layout.cache / f"index-v{INDEX_FORMAT}-{version}.npz"


def _read(path: Path) -> tuple[StoredFigureIndex, dict[str, object]] | None:
    # The zip members' CRC32 catch a damaged file (zipfile checks them on reading).
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            keys = np.asarray(data["keys"], dtype=np.uint64)
            pairs = np.asarray(data["pairs"], dtype=np.uint64)
        if meta.get("format") != INDEX_FORMAT or not meta.get("rows") == len(keys) == len(pairs):
            return None
        index = StoredFigureIndex(keys, pairs, frozenset(meta["sources"]), str(meta["table_hash"]))
        return index, meta
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
        return None


def write_index(layout: Layout, index: StoredFigureIndex, version: str | None = None) -> bool:
    """Store the index for the current (or given) data version, dropping older ones."""
    version = version or data_version(layout)
    meta = {
        "format": INDEX_FORMAT,
        "version": version,
        "files": stored_manifest(layout),
        "sources": sorted(index.sources),
        "table_hash": index.table_hash,
        "rows": index.rows,
    }
    sink = io.BytesIO()
    np.savez(sink, keys=index.keys, pairs=index.pairs, meta=np.array(json.dumps(meta)))
    path = _index_path(layout, version)
    _remember(layout, version, index)
    try:
        write_bytes_atomic(path, sink.getvalue())
    except OSError:
        return False
    for old in layout.cache.glob("index-v*-*.npz"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return True


def _catch_up(layout: Layout, files: list[list[object]]) -> StoredFigureIndex | None:
    # An index of the same built tables and an earlier run of the same batches: apply only the
    # batches added since (batches are append-only; undo is a batch of its own).
    for path in sorted(layout.cache.glob(f"index-v{INDEX_FORMAT}-*.npz")):
        found = _read(path)
        if found is None:
            continue
        index, meta = found
        old = meta.get("files")
        if not isinstance(old, list) or len(old) > len(files) or files[: len(old)] != old:
            continue
        new = [str(f[0]).split("/") for f in files[len(old) :]]
        seen = {str(f[0]).split("/")[1] for f in old if str(f[0]).startswith("batches/")}
        dirs = sorted({parts[1] for parts in new if len(parts) == 3})
        if any(len(parts) != 3 or parts[0] != "batches" for parts in new) or seen & set(dirs):
            continue
        batches = read_batches(layout, [layout.batches / d for d in dirs])
        wordings = read_active_wordings(layout)
        if any(b.record.get("kind") in ("wording", "undo") for b in batches) and wordings != (
            wordings_of(_records_before(layout, seen))
        ):
            # A wording moves rows already stored into a series: the index is built afresh.
            return None
        for batch in batches:
            index = _apply(
                index, batch.removed, batch.added, batch.removed_sources, batch.sources, wordings
            )
        return index
    return None


def _records_before(layout: Layout, seen: set[str]) -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    for name in sorted(seen):
        try:
            out.append(
                (name, json.loads((layout.batches / name / "batch.json").read_text("utf-8")))
            )
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
    return out


def build_index(observations: pd.DataFrame, sources: pd.DataFrame) -> StoredFigureIndex:
    """Return the index of a whole table (the slow path, once per data directory)."""
    keys, pairs = row_hashes(observations)
    return StoredFigureIndex(
        keys, pairs, frozenset(sources["source_id"].astype(str)), table_hash(observations)
    )


# The index last loaded or written in this process, by data directory and version: a command
# that validates and then merges reads it once.
_LAST: dict[Path, tuple[str, StoredFigureIndex]] = {}


def _remember(layout: Layout, version: str, index: StoredFigureIndex) -> None:
    _LAST.clear()
    _LAST[layout.root] = (version, index)


def load_index(layout: Layout, *, write: bool = False) -> StoredFigureIndex:
    """Return the index of the stored table: stored, caught up from an earlier one, or built.

    Writers store the index of the table they commit (`write_index`); with write=True the index
    found here is stored too. By default nothing is written, so a dry run or a refusal leaves
    the data directory byte for byte as it was.
    """
    version = data_version(layout)
    last = _LAST.get(layout.root)
    if last is not None and last[0] == version:
        return last[1]
    found = _read(_index_path(layout, version)) if layout.cache.is_dir() else None
    if found is not None:
        _remember(layout, version, found[0])
        return found[0]
    files = stored_manifest(layout)
    index = _catch_up(layout, files) if layout.cache.is_dir() else None
    if index is None:
        built_obs, built_src = load_built(layout)
        observations, sources = state_after(built_obs, built_src, read_batches(layout))
        index = build_index(observations, sources)
    # Files that changed while they were read would key this index to the wrong version.
    if data_version(layout) == version:
        _remember(layout, version, index)
        if write and layout.batches.exists():
            write_index(layout, index, version)
    return index
