"""A disposable columnar copy of the stored table, so readers parse the CSVs once per change.

`load_cached_table` returns what `etl.store.load_table` returns, with compact dtypes (category
for the repeated text columns), from `<data-dir>/cache/` when a cache for the current files is
there and sound, else from the CSVs, writing the cache for next time. The cache is never the
source of truth: it is named by the stored files' fingerprint, checksummed, rebuilt when it does
not read back whole, and skipped silently when the data directory cannot be written.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.contract.fileio import write_bytes_atomic
from etl.contract.paths import Layout
from etl.store.batches import Batch, read_batches
from etl.store.table import Table, data_version, load_state, state_after, stored_manifest

# Bump when the cached columns or dtypes change: an old cache is then simply not found.
CACHE_FORMAT = 1
# Text columns with few distinct values: held as codes into one copy of each value.
CATEGORY_COLUMNS = ("metric", "unit", "region", "route", "basis", "source_id", "scope", "series")
META_KEY = b"corridor_cache"


def cache_paths(layout: Layout, version: str) -> tuple[Path, Path]:
    """Return the observations and sources cache files for a data version."""
    stem = f"v{CACHE_FORMAT}-{version}"
    return layout.cache / f"observations-{stem}.parquet", layout.cache / f"sources-{stem}.parquet"


def compact_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Return observations with the repeated text columns as sorted categories (a new frame)."""
    out = frame.copy(deep=False)
    for col in CATEGORY_COLUMNS:
        if col in out and not isinstance(out[col].dtype, pd.CategoricalDtype):
            cat = out[col].fillna("").astype("str").astype("category")
            out[col] = cat.cat.reorder_categories(sorted(cat.cat.categories))
    return out


def _parquet_bytes(frame: pd.DataFrame, meta: dict[str, object]) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[META_KEY] = json.dumps(meta).encode()
    table = table.replace_schema_metadata(schema_meta)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", write_page_checksum=True)
    return sink.getvalue()


def _read_parquet(path: Path, meta: dict[str, object]) -> pd.DataFrame:
    table = pq.read_table(path, page_checksum_verification=True)
    stored = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
    if any(stored.get(k) != v for k, v in meta.items()) or stored.get("rows") != table.num_rows:
        raise ValueError(f"{path.name}: cache metadata does not match")
    # Frees each Arrow column as it is converted, so reading peaks near one copy of the table.
    return table.to_pandas(self_destruct=True, split_blocks=True)


def read_cache(layout: Layout, version: str) -> Table | None:
    """Return the cached table for this data version, or None when absent or unsound."""
    obs_path, src_path = cache_paths(layout, version)
    if not (obs_path.exists() and src_path.exists()):
        return None
    meta = {"format": CACHE_FORMAT, "version": version}
    try:
        observations = _read_parquet(obs_path, {**meta, "table": "observations"})
        sources = _read_parquet(src_path, {**meta, "table": "sources"})
    except (OSError, ValueError, pa.ArrowException, json.JSONDecodeError):
        return None
    return Table(observations, sources, version)


def write_cache(layout: Layout, table: Table, files: list[list[object]] | None = None) -> bool:
    """Write the table's cache (sources first, observations last), dropping older caches."""
    obs_path, src_path = cache_paths(layout, table.version)
    meta: dict[str, object] = {"format": CACHE_FORMAT, "version": table.version}
    if files is not None:
        meta["files"] = files
    try:
        for path, frame, name in (
            (src_path, table.sources, "sources"),
            (obs_path, table.observations, "observations"),
        ):
            data = _parquet_bytes(frame, {**meta, "table": name, "rows": len(frame)})
            write_bytes_atomic(path, data)
    except (OSError, pa.ArrowException, ValueError, TypeError):
        return False
    for old in layout.cache.glob("*.parquet"):
        if old not in (obs_path, src_path):
            with contextlib.suppress(OSError):
                old.unlink()
    return True


def _earlier(layout: Layout, files: list[list[object]]) -> tuple[Table, list[Path]] | None:
    # A cache of the same built tables and an earlier run of the same batches: only the batches
    # added since need reading (batches are append-only; undo is a batch of its own).
    for path in sorted(layout.cache.glob(f"observations-v{CACHE_FORMAT}-*.parquet")):
        try:
            meta = json.loads((pq.read_schema(path).metadata or {}).get(META_KEY, b"{}"))
        except (OSError, ValueError, pa.ArrowException):
            continue
        old = meta.get("files")
        if not isinstance(old, list) or len(old) >= len(files) or files[: len(old)] != old:
            continue
        new = [str(f[0]).split("/") for f in files[len(old) :]]
        seen = {str(f[0]).split("/")[1] for f in old if str(f[0]).startswith("batches/")}
        dirs = sorted({parts[1] for parts in new if len(parts) == 3})
        if any(len(parts) != 3 or parts[0] != "batches" for parts in new) or seen & set(dirs):
            continue
        cached = read_cache(layout, str(meta.get("version")))
        if cached is not None:
            return cached, [layout.batches / d for d in dirs]
    return None


def _shared_categories(
    observations: pd.DataFrame, batches: list[Batch]
) -> tuple[pd.DataFrame, list[Batch]]:
    # One set of categories for the cached rows and the new ones, so appending them keeps the
    # compact dtypes instead of widening a million rows back to text.
    out = observations.copy(deep=False)
    added = [b.added.copy(deep=False) for b in batches]
    for col in CATEGORY_COLUMNS:
        values = (
            set(out[col].cat.categories)
            if isinstance(out[col].dtype, pd.CategoricalDtype)
            else set(out[col].fillna("").astype("str"))
        )
        for frame in added:
            values |= set(frame[col].fillna("").astype("str"))
        cats = sorted(values)
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].cat.set_categories(cats)
        else:
            out[col] = pd.Categorical(out[col].fillna("").astype("str"), categories=cats)
        for frame in added:
            frame[col] = pd.Categorical(frame[col].fillna("").astype("str"), categories=cats)
    return out, [replace(b, added=a) for b, a in zip(batches, added, strict=True)]


def load_cached_table(layout: Layout, *, write: bool = True) -> Table:
    """Return the current table with compact dtypes, from the cache when sound, else the CSVs.

    With write=False nothing is written (a dry run leaves the data directory as it was).
    """
    version = data_version(layout)
    cached = read_cache(layout, version)
    if cached is not None:
        return cached
    files = stored_manifest(layout)
    earlier = _earlier(layout, files) if layout.cache.is_dir() else None
    if earlier is not None:
        base, dirs = earlier
        base_rows, batches = _shared_categories(base.observations, read_batches(layout, dirs))
        observations, sources = state_after(base_rows, base.sources, batches)
    else:
        state = load_state(layout)
        observations, sources = state.observations, state.sources
    table = Table(compact_observations(observations), sources, version)
    # Files that changed while they were read would key this table to the wrong version.
    stored = layout.tidy.exists() or layout.batches.exists()
    if write and stored and data_version(layout) == version:
        write_cache(layout, table, files)
    return table


def warm_command(root: Path) -> list[str]:
    """Return the command that prepares root's cache in a short-lived child process.

    Parsing a large table from CSV peaks at several times the cached frame's memory; a child that
    exits hands its parent (the server, a benchmark) a cache to read instead.
    """
    return [sys.executable, "-m", "etl.store.cache", str(root)]


if __name__ == "__main__":
    load_cached_table(Layout(Path(sys.argv[1])))
