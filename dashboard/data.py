"""The dashboard's only I/O: the stored table, loaded once per server and refreshed on change."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard.briefing import Briefing, briefing_for_view
from dashboard.charts.select import DEFAULT_TOP
from dashboard.charts.specs import ChartSpec, every_page_specs, page_metrics, page_specs
from dashboard.filters import (
    NO_ROUTE,
    Choices,
    Filters,
    filter_mask,
    month_options,
    vocabulary_choices,
)
from dashboard.locales import LOCALES, Locale, locale_for
from dashboard.views.index import (
    FigureSelection,
    FigureView,
    Record,
    TableIndex,
    figure_selection,
    in_words,
    selection_key,
    source_citations,
    source_name,
    source_records,
    table_index,
)
from dashboard.views.kpi import kpi_candidates
from dashboard.views.reach import StatedTotal, view_totals
from dashboard.views.tables import display_table, reading_order
from etl.contract.errors import CorridorError
from etl.contract.paths import Layout, layout
from etl.contract.vocabulary import load_metrics
from etl.store.cache import LoadedTable, refresh_table
from etl.store.settings import load_settings
from etl.store.table import Table, data_version, last_change, load_events

# Filter combinations kept per server: a meeting's worth of views, bounded so memory stays flat
# (a view holds row positions, 8 bytes a figure, never a copy of the table).
VIEW_CACHE_ENTRIES = 64
# Page × filters × scopes-shown chart sets kept per server; each is a few charts of bounded size.
SPEC_CACHE_ENTRIES = 256


# One table per server: the one before a change is dropped when the new one is in.
@st.cache_resource(show_spinner=False, max_entries=1)
def _load(root: str, version: str) -> Table:
    # Views of the previous table would keep it alive: the data changed, so none is current.
    for cached in (
        _selection,
        _citations,
        _view,
        _headline,
        _specs,
        _every_page,
        _briefing,
        _more_figures,
        _figures_table,
        _reach_totals,
        _sidebar,
        _publishers,
        _events,
    ):
        cached.clear()
    with _holding:
        loaded = refresh_table(Layout(Path(root)), _held.get(root))
        # One, as _load keeps one: the next version starts from it instead of reading it all.
        _held.clear()
        _held[root] = loaded
    return loaded.table


# The table this process last loaded, with what brings it up to date (etl.store.cache): a
# change reads the batches since, not the whole table. Refreshed one at a time: two sessions
# finding a new version at once wait for one read, and hold one table.
_held: dict[str, LoadedTable] = {}
_holding = threading.Lock()


def current_layout() -> Layout:
    """Return the data directory's layout ($CORRIDOR_DATA_DIR, else the repository's data/)."""
    return layout()


def current_table() -> Table:
    """Return the stored table, shared by every session and reloaded when its files change."""
    where = current_layout()
    root, version = str(where.root), data_version(where)
    table = _load(root, version)
    # One, as _load keeps one table.
    _loaded.clear()
    _loaded[root] = version
    return table


# The data directory and version of the table last loaded in this process: a run that finds
# its table loaded shows no "loading" spinner (st.spinner starts a timer thread on every run,
# which the run waits to start).
_loaded: dict[str, str] = {}


def loaded_table() -> Table | None:
    """Return the stored table when this process has loaded its current version, else None."""
    where = current_layout()
    root, version = str(where.root), data_version(where)
    if _loaded.get(root) != version:
        return None
    return _load(root, version)


def last_changed() -> datetime | None:
    """Return when the record last changed, in the settings' time zone, or None."""
    where = current_layout()
    changed = last_change(where)
    if changed is None:
        return None
    try:
        zone = load_settings(where).zone
    except CorridorError:
        # A damaged settings file is reported where settings matter; the time falls back to UTC.
        zone = ZoneInfo("UTC")
    # The server's own zone is whatever the host says; readers expect the settings' zone.
    return changed.astimezone(zone)


@st.cache_resource(show_spinner=False, max_entries=1)
def _index(version: str, _table: Table) -> TableIndex:
    return table_index(_table.observations, _table.sources)


def filters_key(filters: Filters) -> str:
    """Return the filters as a cache key: their repr, which writes every field out exactly."""
    # Streamlit hashes a dataclass of Timestamps by pickling it, ~0.5 ms a call and several
    # calls a run; every cached call below is keyed by plain strings (the language by its code).
    return repr(filters)


# The filters key the selection. The language is not in it: switching it re-cites the sources
# and re-words the charts, never re-selects the figures.
@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _selection(version: str, key: str, _filters: Filters, _table: Table) -> FigureSelection:
    keep = filter_mask(_table.observations, _filters)
    found = figure_selection(_table.observations, _table.sources, keep, _index(version, _table))
    selection_key(found)
    return found


def selection(table: Table, filters: Filters) -> FigureSelection:
    """Return the figures the filters keep, in no language, shared by every language's view."""
    return _selection(table.version, filters_key(filters), filters, table)


def figures_key(table: Table, filters: Filters) -> str:
    """Return the key of the figures the filters keep: equal for filters that keep the same.

    Everything below is built from the kept figures alone, so it is cached by this key, not by
    the filters: a period that differs only in months without data, or a view another filter
    already drew, costs a lookup, not a build.
    """
    return selection_key(selection(table, filters))


# Each source's citation (publisher, date) per language: two entries per data version.
@st.cache_resource(show_spinner=False, max_entries=len(LOCALES))
def _citations(version: str, lang: str, _table: Table) -> dict[str, Record]:
    return source_citations(_table.sources, locale_for(lang))


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _view(
    version: str, key: str, lang: str, _selection: FigureSelection, _table: Table
) -> FigureView:
    return in_words(_selection, _citations(version, lang, _table))


def view(table: Table, filters: Filters, locale: Locale) -> FigureView:
    """Return the filtered figures, one per figure, as positions into the shared table, their
    sources cited in the locale's words."""
    return _keyed_view(table, filters, locale)[1]


def _keyed_view(table: Table, filters: Filters, locale: Locale) -> tuple[str, FigureView]:
    # One cached lookup of the selection for both: each costs Streamlit a key built from its
    # arguments, and every page's data goes through here a few times a run.
    found = selection(table, filters)
    key = selection_key(found)
    return key, _view(table.version, key, locale.lang, found, table)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _headline(version: str, key: str, lang: str, _view: FigureView) -> list[Record]:
    return kpi_candidates(_view)


def headline_records(table: Table, filters: Filters, locale: Locale) -> list[Record]:
    """Return the records the KPI cards and the growth chart choose from (a handful)."""
    key, fv = _keyed_view(table, filters, locale)
    return _headline(table.version, key, locale.lang, fv)


def latest_period(table: Table, filters: Filters) -> pd.Timestamp | None:
    """Return the latest period_end among the filtered figures, or None when there are none."""
    kept = selection(table, filters)
    if "latest" not in kept.memo:
        rows = kept.rows
        kept.memo["latest"] = (
            None if not len(rows) else pd.Timestamp(kept.frame["period_end"].iloc[rows].max())
        )
    latest: pd.Timestamp | None = kept.memo["latest"]
    return latest


@st.cache_resource(show_spinner=False, max_entries=1)
def _events(version: str, root: str, _table: Table) -> list[Record]:
    return load_events(Layout(Path(root)), _table.sources)


def events(table: Table) -> list[Record]:
    """Return the milestones (the database's events, built from tidy/events.csv) with their
    sources' publisher and date, read once per data version."""
    return _events(table.version, str(current_layout().root), table)


@st.cache_resource(show_spinner=False, max_entries=SPEC_CACHE_ENTRIES)
def _specs(
    version: str,
    key: str,
    lang: str,
    page: str,
    top: int,
    _fv: FigureView,
    _events_list: list[Record],
) -> list[ChartSpec]:
    headline = _headline(version, key, lang, _fv) if page == "overview" else []
    specs = page_specs(_fv, headline, locale_for(lang), page, top, _events_list)
    _built_charts[(version, key, lang, page, top)] = None
    while len(_built_charts) > SPEC_CACHE_ENTRIES:
        del _built_charts[next(iter(_built_charts))]
    return specs


# The chart sets built in this process, as many as _specs keeps, oldest first: a page whose
# charts are built shows no "drawing" spinner (st.spinner starts a timer thread on every run).
# One the cache has dropped since is built again without a spinner: a moment, on a small table.
_built_charts: dict[tuple[str, str, str, str, int], None] = {}


def charts_built(
    table: Table, filters: Filters, locale: Locale, page: str, top: int = DEFAULT_TOP
) -> bool:
    """Return whether a page's charts for the filters are built already (no spinner needed)."""
    return (table.version, figures_key(table, filters), locale.lang, page, top) in _built_charts


def chart_specs(
    table: Table, filters: Filters, locale: Locale, page: str, top: int = DEFAULT_TOP
) -> list[ChartSpec]:
    """Return a page's charts for the filters in the locale's words, built once and shared."""
    key, fv = _keyed_view(table, filters, locale)
    return _specs(table.version, key, locale.lang, page, top, fv, events(table))


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _every_page(
    version: str, key: str, lang: str, _fv: FigureView, _events_list: list[Record]
) -> list[ChartSpec]:
    headline = _headline(version, key, lang, _fv)
    return every_page_specs(_fv, headline, locale_for(lang), events=_events_list)


def every_chart(table: Table, filters: Filters, locale: Locale) -> list[ChartSpec]:
    """Return every page's charts once each, in page order: what present mode and the deck show."""
    key, fv = _keyed_view(table, filters, locale)
    return _every_page(table.version, key, locale.lang, fv, events(table))


# The more-figures table under a metric page's charts: its first rows in reading order.
MORE_FIGURES_ROWS = 500


@st.cache_resource(show_spinner=False, max_entries=SPEC_CACHE_ENTRIES)
def _more_figures(version: str, key: str, lang: str, page: str, _fv: FigureView) -> pd.DataFrame:
    rows = reading_order(_fv, MORE_FIGURES_ROWS, tuple(page_metrics(page)))
    return display_table(rows, locale_for(lang))


def more_figures(table: Table, filters: Filters, locale: Locale, page: str) -> pd.DataFrame:
    """Return a metric page's figures as the reader's table (the data table for its metrics)."""
    key, fv = _keyed_view(table, filters, locale)
    return _more_figures(table.version, key, locale.lang, page, fv)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _figures_table(version: str, key: str, lang: str, rows: int, _fv: FigureView) -> pd.DataFrame:
    return display_table(reading_order(_fv, rows), locale_for(lang))


def figures_table(table: Table, filters: Filters, locale: Locale, rows: int) -> pd.DataFrame:
    """Return the first rows of the filtered figures as the reader's table (the data page's),
    built once per figures and language; the caller may change its copy."""
    key, fv = _keyed_view(table, filters, locale)
    return _figures_table(table.version, key, locale.lang, rows, fv).copy()


@st.cache_resource(show_spinner=False, max_entries=SPEC_CACHE_ENTRIES)
def _briefing(version: str, key: str, lang: str, page: str, _fv: FigureView) -> Briefing:
    metrics = None if page == "overview" else page_metrics(page)
    return briefing_for_view(_fv, locale_for(lang), metrics)


def briefing(table: Table, filters: Filters, locale: Locale, page: str | None = None) -> Briefing:
    """Return the written briefing for a page's metrics (None or 'overview': the card metrics)."""
    key, fv = _keyed_view(table, filters, locale)
    return _briefing(table.version, key, locale.lang, page or "overview", fv)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _reach_totals(version: str, key: str, lang: str, _fv: FigureView) -> list[StatedTotal]:
    return view_totals(_fv)


def reach_totals(table: Table, filters: Filters, locale: Locale) -> list[StatedTotal]:
    """Return the reach map's stated totals among the filtered figures (once per figures)."""
    key, fv = _keyed_view(table, filters, locale)
    return _reach_totals(table.version, key, locale.lang, fv)


@dataclass(frozen=True)
class SidebarChoices:
    """What the sidebar's filters offer for one version of the table."""

    months: tuple[str, ...]
    source_ids: tuple[str, ...]
    choices: Choices
    regions: tuple[str, ...]
    routes: tuple[str, ...]
    metrics: tuple[str, ...]


# Once per data version, not on every rerun: on a million rows the month range and the distinct
# regions, routes and metrics are full-column scans.
@st.cache_resource(show_spinner=False, max_entries=1)
def _sidebar(version: str, _table: Table) -> SidebarChoices:
    obs = _table.observations
    source_ids = tuple(_table.sources["source_id"].astype(str))
    order = list(load_metrics())
    return SidebarChoices(
        months=tuple(m.strftime("%Y-%m") for m in month_options(obs)),
        source_ids=source_ids,
        choices=vocabulary_choices(source_ids),
        regions=tuple(sorted(obs["region"].unique())),
        routes=tuple(sorted({NO_ROUTE if r == "" else r for r in obs["route"].unique()})),
        metrics=tuple(sorted(obs["metric"].unique(), key=order.index)),
    )


def sidebar_choices(table: Table) -> SidebarChoices:
    """Return the sidebar's months, sources and distinct values, computed once per data version."""
    return _sidebar(table.version, table)


@st.cache_resource(show_spinner=False, max_entries=4)
def _publishers(version: str, lang: str, _table: Table) -> dict[str, str]:
    return {
        str(r["source_id"]): source_name(
            str(r["publisher"] or r["source_id"]), r["published"], locale_for(lang)
        )
        for r in source_records(_table.sources)
    }


def publishers(table: Table, locale: Locale) -> dict[str, str]:
    """Return each source's name as the source filter shows it (per data version and language)."""
    return _publishers(table.version, locale.lang, table)
