"""etl/store/db/changes.py: the active figures of a few identities are found through an index on
each engine, also in a large table (never by reading every figure), and only active ones."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from figure_rows import columns, figure

from etl.store.db import tables as t
from etl.store.db.bulk import indexes_after, insert_columns
from etl.store.db.changes import active_figures
from etl.store.db.engine import writing
from etl.store.db.importing import FIGURE_NAMES
from etl.store.db.writes import add_batch

# Large enough that reading every figure costs a planner with statistics more than the index.
FIGURES = 50_000


def _plan(connection: sa.Connection, statement: str, parameters: Any) -> str:
    prefix = "EXPLAIN " if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(" ".join(str(c) for c in r) for r in rows)


def test_a_few_active_figures_are_found_through_an_index(engine: sa.Engine) -> None:
    with writing(engine) as connection:
        batch = add_batch(connection, "retraction", "analyst", {})
    rows = [figure(i, removed_batch=batch if i == 7 else None) for i in range(1, FIGURES + 1)]
    names = [*FIGURE_NAMES, "removed_batch"]
    with writing(engine) as connection, indexes_after(connection, t.figures):
        insert_columns(connection, t.figures, names, columns(rows))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE figures")
    asked = [f"{i:064x}" for i in (3, 7, 40_000)] + ["f" * 64]
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        seen.append((statement, parameters))

    with engine.connect() as connection:
        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            found = active_figures(connection, asked)
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        assert [r[1] for r in found] == [f"{3:064x}", f"{40_000:064x}"], "active ones only"
        ((statement, parameters),) = [(q, p) for q, p in seen if "FROM figures" in q]
        plan = _plan(connection, statement, parameters)
    assert "figures" in plan
    assert "Seq Scan on figures" not in plan and "SCAN figures" not in plan, plan
