"""etl/store/db/changes.py: the active figures of a few identities are found through an index on
each engine, also in a large table (never by reading every figure), and only active ones; an undo
reads the figures it compares, active and removed, through indexes too (migration 0004)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from figure_rows import columns, figure

from etl.contract.identity import figure_digests
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.store.db import tables as t
from etl.store.db.bulk import indexes_after, insert_columns
from etl.store.db.changes import active_figures, batch_figures
from etl.store.db.engine import writing
from etl.store.db.importing import FIGURE_NAMES
from etl.store.db.operations import add_source, undo_batch
from etl.store.db.writes import add_batch
from etl.store.sources import source_frame

# Large enough that reading every figure costs a planner with statistics more than the index.
FIGURES = 50_000


def _plan(connection: sa.Connection, statement: str, parameters: Any) -> str:
    prefix = "EXPLAIN " if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(" ".join(str(c) for c in r) for r in rows)


def _figure_plans(engine: sa.Engine, call: Any) -> tuple[Any, list[tuple[str, str]]]:
    """Return call()'s result and every query on figures it ran, with its plan."""
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        result = call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    queries = [(q, p) for q, p in seen if q.lstrip().startswith("SELECT") and "FROM figures" in q]
    with engine.connect() as connection:
        return result, [(q, _plan(connection, q, p)) for q, p in queries]


def _load(engine: sa.Engine, names: list[str], table: list[list[object]]) -> None:
    """Load figures given column by column, as a store of that many stands (ids, statistics)."""
    with writing(engine) as connection, indexes_after(connection, t.figures):
        insert_columns(connection, t.figures, names, table)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # The ids were given: a figure added later takes the next one.
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('figures', 'id'), "
                "(SELECT max(id) + 1 FROM figures), false)"
            )
            connection.exec_driver_sql("ANALYZE figures")


def _without_a_full_read(plan: str) -> bool:
    return "Seq Scan on figures" not in plan and "SCAN figures" not in plan


def test_a_few_active_figures_are_found_through_an_index(engine: sa.Engine) -> None:
    with writing(engine) as connection:
        batch = add_batch(connection, "retraction", "analyst", {})
    rows = [figure(i, removed_batch=batch if i == 7 else None) for i in range(1, FIGURES + 1)]
    _load(engine, [*FIGURE_NAMES, "removed_batch"], columns(rows))
    asked = [f"{i:064x}" for i in (3, 7, 40_000)] + ["f" * 64]

    def find() -> list[Any]:
        with engine.connect() as connection:
            return active_figures(connection, asked)

    found, ((_query, plan),) = _figure_plans(engine, find)
    assert [r[1] for r in found] == [f"{3:064x}", f"{40_000:064x}"], "active ones only"
    assert "figures" in plan
    assert _without_a_full_read(plan), plan


def _contract(row: tuple[object, ...]) -> dict[str, object]:
    return dict(zip(OBSERVATION_COLUMNS, row[1 : 1 + len(OBSERVATION_COLUMNS)], strict=True))


def test_an_undo_reads_the_figures_it_compares_through_indexes(engine: sa.Engine) -> None:
    # A correction of figure 7 among many: the undo reads the figures of its identity as they
    # stood after it and as they stand (active and removed), and the batch's own figures.
    with writing(engine) as connection:
        batch = add_batch(connection, "correction", "analyst", {})
    # Rows the contract accepts: the undo reads the batch's figures back through its checks.
    valid = {"basis": "reported", "quote": "原文"}
    rows = [
        figure(i, **valid, removed_batch=batch if i == 7 else None) for i in range(1, FIGURES + 1)
    ]
    rows.append(figure(FIGURES + 1, **valid, value=2.0, removed_batch=None))
    contract = pd.DataFrame([_contract(r) for r in rows])
    contract.loc[FIGURES, "scope"] = contract.loc[6, "scope"]  # the correction's figure is 7's
    identities = figure_digests(contract)
    name_at = {n: i for i, n in enumerate([*FIGURE_NAMES, "removed_batch"])}
    table = columns(rows)
    table[name_at["scope"]] = list(contract["scope"])
    table[name_at["identity"]] = list(identities)
    table[name_at["added_batch"]][FIGURES] = batch
    _load(engine, list(name_at), table)

    undo, plans = _figure_plans(engine, lambda: undo_batch(engine, "analyst", batch, "test"))
    with engine.connect() as connection:
        added, removed = batch_figures(connection, undo)
    assert list(added["value"]) == [1.0] and list(removed["value"]) == [2.0]
    assert list(added["scope"]) == list(removed["scope"]) == [contract.loc[6, "scope"]]
    assert len(plans) >= 4, "the batch's figures, the figures after it, now and later batches"
    for query, plan in plans:
        assert _without_a_full_read(plan), (query, plan)


def test_an_undo_of_a_source_reads_the_figures_citing_it_in_table_order(
    engine: sa.Engine,
) -> None:
    # No index holds source ids: one pass over the table, not a walk of the active identity
    # index fetching each figure from it (SQLite's choice given removed_batch IS NULL).
    _load(engine, list(FIGURE_NAMES), columns([figure(i) for i in range(1, FIGURES + 1)]))
    source = source_frame(
        source_id="new", title="来源", publisher="出版者", published=date(2025, 1, 1)
    )
    batch = add_source(engine, "analyst", source)
    _undo, plans = _figure_plans(engine, lambda: undo_batch(engine, "analyst", batch, "test"))
    ((_query, cited),) = [(q, p) for q, p in plans if "figures.source_id IN" in q]
    assert "uq_figures_active_identity" not in cited, cited
