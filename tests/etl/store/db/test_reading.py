"""Reading the record from the database: the contract parser's frame, the same frame through Arrow,
and the data version a server checks on every rerun."""

from __future__ import annotations

import pyarrow as pa
import pytest
import sqlalchemy as sa

from etl.contract.paths import Layout
from etl.contract.schema import observations_schema, validate
from etl.store.batches import render_rows_csv
from etl.store.cache import load_cached_table
from etl.store.db import reading
from etl.store.db.engine import create_store_engine
from etl.store.db.importing import import_batches
from etl.store.db.reading import RecordView, data_version, read_observations_arrow, read_state
from etl.store.db.writes import add_figures
from etl.store.table import load_state


def test_the_arrow_read_is_the_frame_the_contract_parser_gives(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    parsed, _ = read_state(engine)
    arrow = read_observations_arrow(engine)
    assert render_rows_csv(arrow) == render_rows_csv(parsed)
    expected = load_state(history_layout).observations
    assert render_rows_csv(arrow) == render_rows_csv(expected)
    # Snapshots without a start, figures without a yoy, and the wording's series are all there.
    assert arrow["period_start"].isna().any() and arrow["yoy_pct"].isna().any()
    assert (arrow["series"] == "beibu_gulf_port_teu").any()


def test_the_arrow_read_has_the_dtypes_the_table_loader_gave_the_dashboard(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    arrow = read_observations_arrow(engine)
    loaded = load_cached_table(history_layout, write=False).observations
    assert list(arrow.columns) == list(loaded.columns)
    assert list(arrow.dtypes) == list(loaded.dtypes)
    for col in reading.CATEGORY_COLUMNS:
        assert list(arrow[col].cat.categories) == list(loaded[col].cat.categories), col
    assert render_rows_csv(arrow) == render_rows_csv(loaded)
    validate(arrow, observations_schema(), "database")


def test_an_empty_database_reads_as_an_empty_valid_frame(engine: sa.Engine) -> None:
    arrow = read_observations_arrow(engine)
    parsed, sources = read_state(engine)
    assert len(arrow) == len(parsed) == len(sources) == 0
    assert list(arrow.columns) == list(parsed.columns)


def test_the_data_version_rises_with_every_change_and_only_then(
    engine: sa.Engine, history_layout: Layout
) -> None:
    assert data_version(engine) == 0
    import_batches(engine, history_layout)
    assert data_version(engine) == 1
    read_state(engine)
    read_observations_arrow(engine)
    assert data_version(engine) == 1
    rows = load_state(history_layout).observations.iloc[[0]].assign(scope="版本之后的新口径")
    add_figures(engine, rows, "王芳")
    assert data_version(engine) == 2


def test_two_servers_views_see_a_change_made_by_either_on_their_next_call(
    engine: sa.Engine, db_url: str, history_layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_batches(engine, history_layout)
    other = create_store_engine(db_url)  # a second server with an engine of its own
    views = [RecordView(engine), RecordView(other)]
    before = [len(v.observations()) for v in views]
    reads: list[int] = []
    original = reading.read_observations_arrow

    def counted(e: sa.Engine) -> object:
        reads.append(1)
        return original(e)

    monkeypatch.setattr(reading, "read_observations_arrow", counted)
    assert [len(v.observations()) for v in views] == before and not reads  # version unchanged
    rows = load_state(history_layout).observations.iloc[[0]].assign(scope="另一台服务器写入")
    add_figures(other, rows, "王芳")
    assert [len(v.observations()) for v in views] == [n + 1 for n in before]
    assert len(reads) == 2
    assert all((v.observations()["scope"] == "另一台服务器写入").sum() == 1 for v in views)
    assert len(reads) == 2
    other.dispose()


def test_rows_rewritten_since_the_import_still_read_in_the_table_order(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    f = reading.t.figures
    with engine.begin() as connection:  # PostgreSQL writes new row versions at the heap's end
        connection.execute(sa.update(f).where(f.c.id.in_([1, 2, 3])).values(quote=f.c.quote))
    parsed, _ = read_state(engine)
    assert render_rows_csv(read_observations_arrow(engine)) == render_rows_csv(parsed)


def test_arrow_rows_out_of_id_order_are_put_back_in_it() -> None:
    table = pa.table({"id": [3, 1, 2], "scope": ["c", "a", "b"]})
    assert reading._in_id_order(table).to_pydict() == {"id": [1, 2, 3], "scope": ["a", "b", "c"]}
    ordered = pa.table({"id": [1, 5], "scope": ["a", "b"]})
    assert reading._in_id_order(ordered).to_pydict() == {"id": [1, 5], "scope": ["a", "b"]}


def test_glibc_is_found_without_running_a_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    def no_subprocess(*args: object, **kwargs: object) -> None:
        raise AssertionError("a subprocess was started")

    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    libc = reading._glibc()
    if sys.platform.startswith("linux"):
        assert libc is not None
        assert libc.malloc_trim(0) in (0, 1)
    reading.release_freed_memory()
