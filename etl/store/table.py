"""The stored table the dashboard and exports read: built rows plus analysts' batches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.contract.formulas import neutralise_frame
from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.contract.tables import (
    read_observations,
    read_sources,
)
from etl.store.batches import (
    Batch,
    active_wordings,
    apply_change,
    apply_sources,
    batch_files,
    empty_sources,
    no_rows,
    read_batches,
    render_rows_csv,
)


@dataclass(frozen=True)
class Table:
    """The current observations and sources, with a fingerprint of the files they came from."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    version: str


@dataclass(frozen=True)
class State:
    """The effective table and the batches it was made from."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    batches: list[Batch]


def stored_files(layout: Layout) -> list[Path]:
    """Return every file the stored table is made of, in a stable order."""
    files = [layout.observations_csv, layout.sources_csv]
    return [p for p in files if p.exists()] + batch_files(layout)


def stored_manifest(layout: Layout) -> list[list[object]]:
    """Return the stored files as [path under the data directory, size, mtime_ns], in order."""
    out: list[list[object]] = []
    for path in stored_files(layout):
        stat = path.stat()
        out.append([path.relative_to(layout.root).as_posix(), stat.st_size, stat.st_mtime_ns])
    return out


def data_version(layout: Layout) -> str:
    """Return a cheap fingerprint (names, sizes, mtimes) that changes when the stored files do."""
    digest = hashlib.sha256()
    for path in stored_files(layout):
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def load_built(layout: Layout) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the observations and sources `corridor build` wrote (empty when none)."""
    observations = (
        read_observations(layout.observations_csv)
        if layout.observations_csv.exists()
        else no_rows()
    )
    sources = read_sources(layout.sources_csv) if layout.sources_csv.exists() else empty_sources()
    return observations, sources


def state_after(
    observations: pd.DataFrame, sources: pd.DataFrame, batches: list[Batch]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the built tables with the batches applied in order and empty series filled."""
    for batch in batches:
        observations = apply_change(observations, batch.removed, batch.added)
        sources = apply_sources(sources, batch.removed_sources, batch.sources)
    return fill_series(observations, active_wordings(batches)), sources


def load_state(layout: Layout) -> State:
    """Return the effective table and its batches."""
    observations, sources = load_built(layout)
    batches = read_batches(layout)
    observations, sources = state_after(observations, sources, batches)
    return State(observations, sources, batches)


def load_table(layout: Layout) -> Table:
    """Return the current table; a new or empty data directory gives empty, valid frames."""
    version = data_version(layout)
    state = load_state(layout)
    return Table(state.observations, state.sources, version)


def export_csv(layout: Layout, *, raw: bool = False) -> str:
    """Return every stored row as contract CSV, formula-like text disarmed unless raw."""
    return render_export(load_state(layout).observations, raw=raw)


def render_export(observations: pd.DataFrame, *, raw: bool = False) -> str:
    """Return observations as `corridor export` writes them, formulas disarmed unless raw."""
    # Uploads refuse formulas, but articles and older batches were never checked for them, and
    # this CSV is opened in spreadsheets: a quote starting "=" must not run there.
    return render_rows_csv(observations if raw else neutralise_frame(observations))
