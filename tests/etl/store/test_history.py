"""etl/store/history.py on SQLite and PostgreSQL: each batch's sentence names its first figures,
the ones it added, else the ones it removed."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from pg_support import db_url, postgres_server
from uploads_support import ANALYST_ACTOR, csv_bytes, engine_store

from etl.contract.paths import Layout
from etl.store.commands import merge_upload, undo_batch, validate_upload
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.history import _first_figures, history_sentences

__all__ = ["db_url", "engine_store", "postgres_server"]


@pytest.fixture
def store(engine_store: Layout) -> Layout:
    """A data directory with the test source, its database the engine's."""
    return engine_store


def firsts_by_reading_everything(where: Layout) -> dict[str, list[Any]]:
    """Return each batch's first two figures (by id) added, else removed, from every figure."""
    f = t.figures
    with store_engine(where).connect() as connection:
        rows = connection.execute(
            sa.select(
                f.c.added_batch, f.c.removed_batch, f.c.metric, f.c.period_start, f.c.period_end
            ).order_by(f.c.id)
        ).all()
    added: dict[str, list[Any]] = {}
    removed: dict[str, list[Any]] = {}
    for add, remove, *figure in rows:
        for batch, out in ((add, added), (remove, removed)):
            if batch is not None and len(out.setdefault(batch, [])) < 2:
                out[batch].append(tuple(figure))
    return {**removed, **added}


def test_each_batch_is_named_by_its_first_figures_added_else_removed(store: Layout) -> None:
    batches = []
    for n, tag in ((3, "a"), (1, "b")):
        upload, preview = validate_upload(store, csv_bytes(n, tag=tag, start=5 * n), f"{tag}.csv")
        batches.append(merge_upload(store, upload, ANALYST_ACTOR, preview=preview).batch_id)
    undone = undo_batch(store, ANALYST_ACTOR, str(batches[0]), "test")
    expected = firsts_by_reading_everything(store)
    assert set(expected) == {*batches, undone}
    assert [len(expected[b]) for b in (*batches, undone)] == [2, 1, 2]
    found = {k: [tuple(r) for r in v] for k, v in _first_figures(store, {}).items()}
    assert found == expected
    # The upload of three rows: its first figure (row 15: 2015, January) and more after it.
    sentence = next(s for s in history_sentences(store, "en") if "a.csv" in s)
    assert "uploaded 3 rows (Container volume 2015-01-01—2015-01-28 …)" in sentence


def test_first_figures_are_found_through_the_batch_indexes(store: Layout) -> None:
    """No statement reads every figure (a window over the whole table took 1.6 s at 1M figures
    on SQLite), nor joins every figure to every batch (PostgreSQL's plan of a correlated IN,
    24 s): SQLite's plans, and PostgreSQL's join filters."""
    upload, preview = validate_upload(store, csv_bytes(2), "a.csv")
    merge_upload(store, upload, ANALYST_ACTOR, preview=preview)
    engine = store_engine(store)
    statements: list[tuple[str, Any]] = []

    def keep(_conn: object, _cursor: object, sql: str, params: Any, *_rest: object) -> None:
        if "figures" in sql:
            statements.append((sql, params))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        assert _first_figures(store, {})
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    explain = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    with engine.connect() as connection:
        plans = [
            " | ".join(str(row[-1]) for row in connection.exec_driver_sql(f"{explain} {sql}", p))
            for sql, p in statements
        ]
    assert not any("Join Filter" in plan for plan in plans), plans
    assert len(plans) == 3, plans  # each kind's first ids; the added figures by id
    if engine.dialect.name == "sqlite":
        # By equality on each batch index (the window read a range of it: `added_batch>?`).
        assert all("SCAN figures" not in p and "SCAN first" not in p for p in plans)
        assert not any(">?" in plan for plan in plans)
        assert "(removed_batch=?)" in plans[0] and "(added_batch=?)" in plans[1]
        assert "SEARCH figures USING INTEGER PRIMARY KEY" in plans[2]
