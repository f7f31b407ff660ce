"""The dashboard's only I/O: the stored table, loaded once per server and refreshed on change."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.charts import (
    DEFAULT_TOP,
    ChartSpec,
    Selection,
    metric_records,
    page_chart_specs,
    page_metrics,
    selection_note,
)
from dashboard.filters import Filters, filter_mask, to_query_params
from dashboard.views import (
    FigureIndex,
    FigureView,
    Record,
    figure_index,
    figure_view,
    kpi_candidates,
)
from etl.contract.paths import Layout, layout
from etl.store.cache import load_cached_table
from etl.store.table import Table, data_version, stored_files

# Filter combinations kept per server: a meeting's worth of views, bounded so memory stays flat
# (a view holds row positions, 8 bytes a figure, never a copy of the table).
VIEW_CACHE_ENTRIES = 64
# What select_figures reads of a metric's rows.
# Page × filters × scopes-shown chart sets kept per server; each is a few charts of bounded size.
SPEC_CACHE_ENTRIES = 256


# One table per server: the one before a change is dropped when the new one is in.
@st.cache_resource(show_spinner=False, max_entries=1)
def _load(root: str, version: str) -> Table:
    # Views of the previous table would keep it alive: the data changed, so none is current.
    for cached in (_view, _headline, _specs):
        cached.clear()
    return load_cached_table(Layout(Path(root)))


def current_layout() -> Layout:
    """Return the data directory's layout ($CORRIDOR_DATA_DIR, else the repository's data/)."""
    return layout()


def current_table() -> Table:
    """Return the stored table, shared by every session and reloaded when its files change."""
    where = current_layout()
    return _load(str(where.root), data_version(where))


def last_changed() -> datetime | None:
    """Return when the stored files last changed, or None when there are none."""
    files = stored_files(current_layout())
    if not files:
        return None
    return datetime.fromtimestamp(max(p.stat().st_mtime for p in files))


def _view_key(filters: Filters) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(to_query_params(filters).items()))


@st.cache_resource(show_spinner=False, max_entries=1)
def _index(version: str, _table: Table) -> FigureIndex:
    return figure_index(_table.observations, _table.sources)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _view(version: str, key: str, lang: str, _table: Table, _filters: Filters) -> FigureView:
    keep = filter_mask(_table.observations, _filters)
    index = _index(version, _table)
    return figure_view(_table.observations, _table.sources, keep, lang, index)


def view(table: Table, filters: Filters) -> FigureView:
    """Return the filtered figures, one per figure, as positions into the shared table."""
    return _view(table.version, _view_key(filters), filters.lang, table, filters)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _headline(version: str, key: str, lang: str, _view: FigureView) -> list[Record]:
    return kpi_candidates(_view)


def headline_records(table: Table, filters: Filters) -> list[Record]:
    """Return the records the KPI cards and the growth chart choose from (a handful)."""
    return _headline(table.version, _view_key(filters), filters.lang, view(table, filters))


def figures(table: Table, filters: Filters) -> list[Record]:
    """Return every filtered figure as records; for small views only (tests, the deck)."""
    return view(table, filters).records()


def latest_period(table: Table, filters: Filters) -> pd.Timestamp | None:
    """Return the latest period_end among the filtered figures, or None when there are none."""
    fv = view(table, filters)
    return None if not len(fv) else pd.Timestamp(fv.column("period_end").max())


@st.cache_resource(show_spinner=False, max_entries=SPEC_CACHE_ENTRIES)
def _specs(
    version: str, key: str, lang: str, page: str, top: int, _fv: FigureView
) -> list[ChartSpec]:
    headline = _headline(version, key, lang, _fv) if page == "overview" else []
    by_metric: dict[str, list[Record]] = {}
    selections: dict[str, Selection] = {}
    for metric in page_metrics(page):
        records, chosen = metric_records(_fv, metric, top)
        if records:
            by_metric[metric] = records
            selections.update(chosen)
    specs = page_chart_specs(headline, by_metric, lang, page, top)
    # The notes say what the whole view left out, not what the pre-chosen records did.
    return [
        replace(s, note=selection_note(selections[base], lang))
        if (base := s.id.removeprefix(f"{page}_")) in selections
        else s
        for s in specs
    ]


def chart_specs(
    table: Table, filters: Filters, page: str, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return a page's charts for the filters, built once per view and shared."""
    fv = view(table, filters)
    return _specs(table.version, _view_key(filters), filters.lang, page, top, fv)


def filtered_frame(table: Table, filters: Filters) -> pd.DataFrame:
    """Return the filtered observations (not deduplicated), for the data page's count."""
    return table.observations.loc[filter_mask(table.observations, filters)]
