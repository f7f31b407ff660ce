"""The dashboard's only I/O: the stored table, loaded once per server and refreshed on change."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.charts import ChartSpec, chart_specs_from_records
from dashboard.filters import Filters, apply_filters, filter_records, to_query_params
from dashboard.views import Record, dedupe_records, source_joined
from etl.paths import Layout, layout
from etl.store import Table, data_version, load_table, stored_files

# Filter combinations kept per server: a meeting's worth of views, bounded so memory stays flat.
VIEW_CACHE_ENTRIES = 256


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(root: str, version: str) -> Table:
    return load_table(Layout(Path(root)))


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _joined(version: str, lang: str, _table: Table) -> list[Record]:
    return source_joined(_table.observations, _table.sources, lang)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _figures(version: str, key: str, lang: str, _table: Table, _filters: Filters) -> list[Record]:
    joined = _joined(version, lang, _table)
    return dedupe_records(filter_records(joined, _filters))


def figures(table: Table, filters: Filters) -> list[Record]:
    """Return the filtered figures, one per figure (deduplicated), shared across sessions."""
    return _figures(table.version, _view_key(filters), filters.lang, table, filters)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _specs(version: str, key: str, lang: str, page: str, _records: list[Record]) -> list[ChartSpec]:
    return chart_specs_from_records(_records, lang, page)


def chart_specs(table: Table, filters: Filters, page: str) -> list[ChartSpec]:
    """Return a page's charts for the filters, built once per view and shared."""
    return _specs(table.version, _view_key(filters), filters.lang, page, figures(table, filters))


def filtered_frame(table: Table, filters: Filters) -> pd.DataFrame:
    """Return the filtered observations (not deduplicated), for the data page's count."""
    return apply_filters(table.observations, filters)
