"""The stored table the dashboard and exports read: built rows plus analysts' batches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.paths import Layout
from etl.schema import SOURCE_COLUMNS
from etl.tables import empty_observations, parse_sources, read_observations, read_sources


@dataclass(frozen=True)
class Table:
    """The current observations and sources, with a fingerprint of the files they came from."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    version: str


def empty_sources() -> pd.DataFrame:
    """Return an empty, valid sources frame."""
    return parse_sources(pd.DataFrame(columns=list(SOURCE_COLUMNS)), "<empty>")


def stored_files(layout: Layout) -> list[Path]:
    """Return every file the stored table is made of, in a stable order."""
    files = [layout.observations_csv, layout.sources_csv]
    if layout.batches.is_dir():
        files += sorted(p for p in layout.batches.rglob("*") if p.is_file())
    return [p for p in files if p.exists()]


def data_version(layout: Layout) -> str:
    """Return a cheap fingerprint (names, sizes, mtimes) that changes when the stored files do."""
    digest = hashlib.sha256()
    for path in stored_files(layout):
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def load_table(layout: Layout) -> Table:
    """Return the current table; a new or empty data directory gives empty, valid frames."""
    observations = (
        read_observations(layout.observations_csv)
        if layout.observations_csv.exists()
        else empty_observations()
    )
    sources = read_sources(layout.sources_csv) if layout.sources_csv.exists() else empty_sources()
    return Table(observations, sources, data_version(layout))
