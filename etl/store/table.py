"""The stored table the dashboard and exports read: the active figures and sources of the store's
database (etl.store.db), and the built tables a new database is made from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from etl.contract.events import event_records
from etl.contract.formulas import neutralise_frame
from etl.contract.paths import Layout
from etl.contract.tables import read_observations, read_sources
from etl.store.batches import empty_sources, no_rows, render_rows_csv

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Table:
    """The current observations and sources, with the data version they were read at."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    version: str


@dataclass(frozen=True)
class State:
    """The effective table: observations (series filled) and sources."""

    observations: pd.DataFrame
    sources: pd.DataFrame


def data_version(layout: Layout) -> str:
    """Return the store's data version: one cheap query, changed by every change anywhere."""
    from etl.store.db.opening import store_engine

    return version_of(store_engine(layout))


def version_of(engine: Engine) -> str:
    """Return the data version of a database, named for the database: two stores never share
    one, so a cache keyed by it never hands one store's view to another."""
    from etl.store.db.reading import data_version as read_version

    where = hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()
    return f"{where[:12]}-{read_version(engine)}"


def last_change(layout: Layout) -> datetime | None:
    """Return when the record last changed (the newest batch, else the built tables), in UTC."""
    import sqlalchemy as sa

    from etl.store.db import tables as t
    from etl.store.db.opening import store_engine

    with store_engine(layout).connect() as connection:
        when = connection.execute(sa.select(sa.func.max(t.batches.c.at))).scalar()
    if when:
        return pd.Timestamp(str(when)).to_pydatetime()
    built = [p for p in (layout.observations_csv, layout.sources_csv) if p.exists()]
    if not built:
        return None
    return datetime.fromtimestamp(max(p.stat().st_mtime for p in built), tz=UTC)


def load_built(layout: Layout) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the observations and sources `corridor build` wrote (empty when none)."""
    observations = (
        read_observations(layout.observations_csv)
        if layout.observations_csv.exists()
        else no_rows()
    )
    sources = read_sources(layout.sources_csv) if layout.sources_csv.exists() else empty_sources()
    return observations, sources


def load_state(layout: Layout) -> State:
    """Return the effective table, read through the contract's parsers."""
    from etl.store.db.opening import store_engine
    from etl.store.db.reading import read_state

    return State(*read_state(store_engine(layout)))


def load_table(layout: Layout) -> Table:
    """Return the current table; a new or empty data directory gives empty, valid frames."""
    from etl.store.db.opening import store_engine
    from etl.store.db.reading import read_state

    engine = store_engine(layout)
    # The version first: rows at least as new as the version they are kept under.
    version = version_of(engine)
    observations, sources = read_state(engine)
    return Table(observations, sources, version)


def load_events(layout: Layout, sources: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the milestones the store's database holds, with their sources' publisher and date."""
    from etl.store.db.opening import store_engine
    from etl.store.db.reading import read_events

    return event_records(read_events(store_engine(layout)), sources)


def export_csv(layout: Layout, *, raw: bool = False) -> str:
    """Return every stored row as contract CSV, formula-like text disarmed unless raw."""
    return render_export(load_state(layout).observations, raw=raw)


def render_export(observations: pd.DataFrame, *, raw: bool = False) -> str:
    """Return observations as `corridor export` writes them, formulas disarmed unless raw."""
    # Uploads refuse formulas, but articles and older batches were never checked for them, and
    # this CSV is opened in spreadsheets: a quote starting "=" must not run there.
    return render_rows_csv(observations if raw else neutralise_frame(observations))
