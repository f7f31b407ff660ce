"""The record check (etl.contract.checks) of rows about to be merged, against the stored record:
what the upload preview and the article tab show before a merge."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd

from etl.contract.checks import CheckReport, check_record, finding_records, summary
from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.store.cache import load_cached_table
from etl.store.db.opening import store_engine
from etl.store.db.operations import active_source_ids
from etl.store.db.reading import active_wordings
from etl.store.table import Table
from etl.uploads.validating import validate_rows


@dataclass(frozen=True)
class RowsCheck:
    """The findings that involve the rows about to be merged, and the frames they point into."""

    report: CheckReport
    observations: pd.DataFrame
    sources: pd.DataFrame

    def records(self, lang: str) -> list[dict[str, Any]]:
        """Return the findings as plain data in the language (etl.contract.checks)."""
        return finding_records(self.report, self.observations, self.sources, lang)

    def summary(self, lang: str) -> str:
        """Return the one-line count of errors and warnings in the language."""
        return summary(self.report, lang)


# What a derived figure shares with the reported one it was computed from
# (check_rules.derived_from_bound): the one rule that compares figures outside one series.
FIGURE_KEYS = ("metric", "region", "route", "scope", "source_id")


def _keys(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    # Each row's FIGURE_KEYS as text, missing cells as '' (as derived_from_bound joins them).
    cells = frame[list(FIGURE_KEYS)].astype("object").fillna("").astype(str)
    return list(cells.itertuples(index=False, name=None))


@dataclass(frozen=True)
class HeldIndex:
    """Where a stored table's figures sit, by (metric, series) and by their FIGURE_KEYS as
    text: what related_figures looks up, so a check reads the rows' own figures only."""

    by_series: dict[tuple[Any, Any], np.ndarray]
    by_key: dict[tuple[str, ...], np.ndarray]


def held_index(held: pd.DataFrame) -> HeldIndex:
    """Return the positions of held's figures by (metric, series) and by FIGURE_KEYS."""
    groups = held.groupby(["metric", "series"], observed=True, sort=False)
    by_series = {cast(tuple[Any, Any], key): np.asarray(pos) for key, pos in groups.indices.items()}
    keyed: dict[tuple[str, ...], list[np.ndarray]] = {}
    groups = held.groupby(list(FIGURE_KEYS), observed=True, sort=False, dropna=False)
    for key, pos in groups.indices.items():
        # Missing and empty cells are one key, as _keys writes them.
        text = tuple("" if pd.isna(cell) else str(cell) for cell in cast(tuple[Any, ...], key))
        keyed.setdefault(text, []).append(np.asarray(pos))
    by_key = {key: np.concatenate(parts) for key, parts in keyed.items()}
    return HeldIndex(by_series, by_key)


# The index of the last table checked against (a server's current one), by the frame itself:
# built once per data version, ~0.2 s at 1M figures, where scanning the table for a file whose
# rows share their scopes with many stored figures took ~2 s a check (bench/README.md, stop 28).
# A weak reference, so the index never keeps a replaced table alive.
_INDEXED: list[tuple[weakref.ref[pd.DataFrame], HeldIndex]] = []
_INDEX_LOCK = threading.Lock()


def index_of(held: pd.DataFrame) -> HeldIndex:
    """Return held's HeldIndex, built on the first call for this frame and kept until another
    frame's is built."""
    with _INDEX_LOCK:
        for ref, index in _INDEXED:
            if ref() is held:
                return index
    index = held_index(held)
    with _INDEX_LOCK:
        _INDEXED[:] = [(weakref.ref(held), index)]
    return index


def related_figures(held: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Return which held figures a record-check rule can compare with rows (series filled): those
    of the rows' metrics in the rows' series (every rule but one compares figures of one series,
    or looks at a figure alone), and those sharing a row's FIGURE_KEYS (derived_from_bound).
    Looked up in held's index (index_of): the work grows with those figures, not with held."""
    index = index_of(held)
    keep = np.zeros(len(held), dtype=bool)
    series = set(rows["series"].astype("object").fillna("").astype(str)) - {""}
    for metric in pd.unique(rows["metric"]):
        for name in series:
            found = index.by_series.get((metric, name))
            if found is not None:
                keep[found] = True
    for key in set(_keys(rows)):
        found = index.by_key.get(key)
        if found is not None:
            keep[found] = True
    return keep


def check_rows(
    layout: Layout,
    rows: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    *,
    table: Table | None = None,
) -> RowsCheck:
    """Return the findings about rows (typed contract rows) as if merged into the stored record.

    Only stored figures a rule can compare with the rows take part (related_figures), and only
    findings naming at least one of the rows are kept. sources: sources the rows bring with them
    (an article's), beside the registered ones. table: the stored table at its current version
    as the caller already holds it (load_cached_table's, as a server keeps it per data
    version); read here when not given.
    """
    if table is None:
        table = load_cached_table(layout, write=False)
    # As readers will see them: rows that name no series are placed by the rules and wordings.
    with store_engine(layout).connect() as connection:
        wordings = active_wordings(connection)
    incoming = fill_series(rows, wordings).reset_index(drop=True)
    held = table.observations
    held = held.loc[related_figures(held, incoming)]
    incoming.index = incoming.index + len(held)
    combined = pd.concat([held.reset_index(drop=True), incoming])
    known = table.sources if sources is None else pd.concat([table.sources, sources])
    report = check_record(combined, known, only_rows=incoming.index)
    return RowsCheck(report, combined, known)


def check_article_rows(
    layout: Layout,
    rows: pd.DataFrame,
    name: str,
    *,
    source_id: str,
    proposed_id: str,
    title: str,
    publisher: str,
    published: date,
    table: Table | None = None,
) -> RowsCheck | None:
    """Return the findings about an article's rows as the tab holds them, or None while they are
    not yet valid (accepting them shows every problem); table as check_rows takes it."""
    rows = rows.copy()
    if "source_id" in rows and source_id != proposed_id:
        rows["source_id"] = rows["source_id"].where(rows["source_id"] != proposed_id, source_id)
    with store_engine(layout).connect() as connection:
        known = active_source_ids(connection) | {source_id}
    try:
        checked = validate_rows(rows, name, known)
    except CorridorError:
        return None
    source = pd.DataFrame(
        {
            "source_id": [source_id],
            "title": [title],
            "publisher": [publisher],
            "published": [pd.Timestamp(published)],
            "url": [""],
        }
    )
    return check_rows(layout, checked, source, table=table)
