"""Loading many rows at once (COPY on PostgreSQL, executemany on SQLite): every value arrives as
it was sent, and the indexes dropped for the load are back, and checking, afterwards."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa
from figure_rows import columns as _columns
from figure_rows import figure as _figure

from etl.store.db import tables as t
from etl.store.db.bulk import indexes_after, insert_columns
from etl.store.db.engine import writing
from etl.store.db.importing import FIGURE_NAMES


def _index_names(engine: sa.Engine) -> set[str]:
    return {str(i["name"]) for i in sa.inspect(engine).get_indexes("figures")}


def test_every_value_arrives_as_it_was_sent(engine: sa.Engine) -> None:
    awkward = 'tab\there, new\nline, back\\slash, "quotes", 逗号，'
    rows = [
        _figure(1, value=1 / 3, yoy_pct=-0.1, quote=awkward),
        _figure(2, value=123456.78901234567, period_start=None, scope=""),
        _figure(3, value=5e-324, yoy_pct=0.30000000000000004, quote="\\N"),
    ]
    with writing(engine) as connection:
        insert_columns(connection, t.figures, FIGURE_NAMES, _columns(rows))
    f = t.figures
    with engine.connect() as connection:
        stored = connection.execute(
            sa.select(f.c.value, f.c.yoy_pct, f.c.period_start, f.c.scope, f.c.quote).order_by(
                f.c.id
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        (1 / 3, -0.1, datetime.date(2024, 1, 1), "口径1", awkward),
        (123456.78901234567, None, None, "", ""),
        (5e-324, 0.30000000000000004, datetime.date(2024, 1, 1), "口径3", "\\N"),
    ]


def test_the_indexes_are_back_after_the_load_and_still_refuse_a_duplicate(
    engine: sa.Engine,
) -> None:
    before = _index_names(engine)
    assert "uq_figures_active_identity" in before
    with writing(engine) as connection, indexes_after(connection, t.figures):
        insert_columns(
            connection, t.figures, FIGURE_NAMES, _columns([_figure(i) for i in range(1, 50)])
        )
    assert _index_names(engine) == before
    duplicate = _figure(99, identity=f"{1:064x}")
    with pytest.raises(sa.exc.IntegrityError), writing(engine) as connection:
        insert_columns(connection, t.figures, FIGURE_NAMES, _columns([duplicate]))


def test_a_load_that_breaks_the_unique_index_rolls_back_with_the_indexes_kept(
    engine: sa.Engine,
) -> None:
    before = _index_names(engine)
    twins = [_figure(1), _figure(2, identity=f"{1:064x}")]
    with (
        pytest.raises(sa.exc.IntegrityError),
        writing(engine) as connection,
        indexes_after(connection, t.figures),
    ):
        insert_columns(connection, t.figures, FIGURE_NAMES, _columns(twins))
    assert _index_names(engine) == before
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.figures)).scalar() == 0
