"""The record check (etl.contract.checks) of rows about to be merged, against the stored record:
what the upload preview and the article tab show before a merge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


def _keys(frame: pd.DataFrame) -> pd.Series:
    # One text per row of its FIGURE_KEYS, missing cells as '' (as derived_from_bound joins).
    cells = frame[list(FIGURE_KEYS)].astype("object").fillna("").astype(str)
    return cells.agg("\x1f".join, axis=1) if len(cells) else pd.Series([], dtype=object)


def related_figures(held: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Return which held figures a record-check rule can compare with rows (series filled): those
    of the rows' metrics in the rows' series (every rule but one compares figures of one series,
    or looks at a figure alone), and those sharing a row's FIGURE_KEYS (derived_from_bound)."""
    metrics = held["metric"].isin(pd.unique(rows["metric"])).to_numpy()
    series = set(rows["series"].astype("object").fillna("").astype(str)) - {""}
    keep = metrics & held["series"].isin(series).to_numpy()
    # Few stored figures share a scope with the rows: only those are compared key by key.
    near = np.flatnonzero(metrics & ~keep & held["scope"].isin(pd.unique(rows["scope"])).to_numpy())
    keep[near] = _keys(held.iloc[near]).isin(set(_keys(rows))).to_numpy()
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
