"""The compact table (etl.store.cache): the stored table read through Arrow, with categories,
the same rows as the contract's parsers read, and a new version after every change; a kept table
brought up to date from the batches since equals a full read after every kind of batch, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa
from pg_support import db_url, postgres_server
from uploads_support import ANALYST_ACTOR, SOURCE, csv_bytes, engine_store, new_layout, with_rows

from etl.contract.paths import Layout
from etl.store import cache
from etl.store.actors import ANALYST, Actor
from etl.store.commands import (
    add_source,
    add_wording,
    correct_figure,
    merge_upload,
    retract_figure,
    undo_batch,
    validate_upload,
)
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.pending import approve
from etl.store.table import Table, load_table

__all__ = ["db_url", "engine_store", "postgres_server"]


@pytest.fixture
def layout(data_dir: Path) -> Layout:
    """The dashboard's small test data (not the upload tests' empty directory)."""
    return Layout(data_dir)


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True).astype(object),
        b.reset_index(drop=True).astype(object),
        check_dtype=False,
    )


def test_the_compact_table_holds_the_rows_the_contract_parsers_read(layout: Layout) -> None:
    table = cache.load_cached_table(layout)
    full = load_table(layout)
    assert len(table.observations) > 0
    same_rows(table.observations, full.observations)
    same_rows(table.sources, full.sources)
    assert table.version == full.version
    for col in cache.CATEGORY_COLUMNS:
        assert isinstance(table.observations[col].dtype, pd.CategoricalDtype), col


def test_a_change_gives_a_new_version_and_the_new_rows(tmp_path: Path) -> None:
    layout = new_layout(tmp_path / "data")
    before = cache.load_cached_table(layout)
    upload, _ = validate_upload(layout, csv_bytes(3), "x.csv")
    merge_upload(layout, upload, ANALYST_ACTOR)
    after = cache.load_cached_table(layout)
    assert after.version != before.version
    assert len(after.observations) == len(before.observations) + 3
    same_rows(after.observations, load_table(layout).observations)


def test_an_empty_data_dir_gives_empty_valid_frames(tmp_path: Path) -> None:
    table = cache.load_cached_table(Layout(tmp_path / "empty"))
    assert table.observations.empty and table.sources.empty
    assert list(table.observations.columns) == list(
        load_table(Layout(tmp_path / "empty")).observations.columns
    )


@pytest.fixture
def store(engine_store: Layout) -> Layout:
    """A data directory with the test source, its database the engine's."""
    return engine_store


PICK: dict[str, str | None] = {
    "metric": "teu",
    "scope": "重庆西部陆海新通道铁海联运班列a0",
    "period_end": "2000-01-28",
}
LI = Actor("li.lei", ANALYST)


def merge(layout: Layout, data: bytes, who: Actor = ANALYST_ACTOR) -> str | None:
    upload, _ = validate_upload(layout, data, "rows.csv")
    return merge_upload(layout, upload, who).batch_id


def same_as_a_full_read(loaded: cache.LoadedTable, layout: Layout) -> None:
    """Fail unless the kept table is what a full read gives now: rows, order, dtypes and
    categories (in their order), sources, figure ids and version."""
    full = cache.load_anchored(layout)
    pd.testing.assert_frame_equal(loaded.table.observations, full.table.observations)
    pd.testing.assert_frame_equal(loaded.table.sources, full.table.sources)
    assert loaded.ids.tolist() == full.ids.tolist()
    assert loaded.table.version == full.table.version
    assert loaded.anchor == full.anchor
    same_rows(loaded.table.observations, load_table(layout).observations)


def refreshed(
    layout: Layout, previous: cache.LoadedTable, *, delta: bool = True
) -> cache.LoadedTable:
    """Return previous brought up to date, checked equal to a full read (and read by delta or
    whole as expected)."""
    loaded = cache.refresh_table(layout, previous)
    assert loaded.table.version != previous.table.version
    assert loaded.delta is delta
    same_as_a_full_read(loaded, layout)
    return loaded


def test_a_kept_table_follows_every_kind_of_batch_as_a_full_read_gives_it(store: Layout) -> None:
    loaded = cache.load_anchored(store)
    assert loaded.anchor is not None and loaded.anchor.seq == 1  # the test source's batch
    first = merge(store, csv_bytes(6))
    loaded = refreshed(store, loaded)
    assert len(loaded.table.observations) == 6
    # The same upload again: nothing new, and nothing changes either way.
    merge(store, csv_bytes(6))
    again = cache.refresh_table(store, loaded)
    same_as_a_full_read(again, store)
    loaded = again
    correct_figure(store, ANALYST_ACTOR, PICK, 1234.0, "源文件笔误")
    loaded = refreshed(store, loaded)
    assert 1234.0 in loaded.table.observations["value"].tolist()
    retracted = retract_figure(
        store, ANALYST_ACTOR, {**PICK, "period_end": "2001-01-28"}, "重复报道"
    ).batch_id
    loaded = refreshed(store, loaded)
    assert len(loaded.table.observations) == 5
    assert retracted is not None and first is not None
    undo_batch(store, ANALYST_ACTOR, retracted, "撤回有误")
    loaded = refreshed(store, loaded)
    assert len(loaded.table.observations) == 6
    new_region = "metric,value,unit,period_start,period_end,scope,region,source_id,quote"
    merge(
        store,
        with_rows(f"teu,7,TEU,2024-01-01,2024-01-31,新口径,广西,{SOURCE},q", header=new_region),
    )
    loaded = refreshed(store, loaded)
    assert "guangxi" in loaded.table.observations["region"].cat.categories
    undo_batch(store, ANALYST_ACTOR, str(loaded.anchor.batch_id if loaded.anchor else ""), "")
    loaded = refreshed(store, loaded)  # the region's category goes with its last figure
    assert "guangxi" not in loaded.table.observations["region"].cat.categories
    # A wording changes the series of figures held: read whole.
    add_wording(store, ANALYST_ACTOR, "beibu_gulf_port_teu", "该集团")
    loaded = refreshed(store, loaded, delta=False)
    add_source(
        store,
        ANALYST_ACTOR,
        source_id="another-src",
        title="另一来源",
        publisher="测试 Test",
        published=date(2025, 2, 1),
    )
    loaded = refreshed(store, loaded)
    assert "another-src" in loaded.table.sources["source_id"].tolist()
    store.root.mkdir(parents=True, exist_ok=True)  # on PostgreSQL nothing else made it
    store.settings.write_text("require_approval = true\n", encoding="utf-8")
    upload, _ = validate_upload(store, csv_bytes(3, tag="p"), "pending.csv")
    pending = merge_upload(store, upload, ANALYST_ACTOR).pending_id
    assert pending is not None
    assert cache.refresh_table(store, loaded) is loaded, "a pending item changes nothing"
    approve(store, LI, pending)
    loaded = refreshed(store, loaded)
    assert len(loaded.table.observations) == 9


def test_a_kept_table_is_read_whole_when_the_batches_cannot_say_what_changed(
    store: Layout,
) -> None:
    loaded = cache.load_anchored(store)
    merge(store, csv_bytes(4))
    engine = store_engine(store)
    # A change without a batch (as a restore of another history would be): the version moved
    # further than the batches since explain.
    with engine.begin() as connection:
        connection.execute(sa.update(t.data_version).values(version=t.data_version.c.version + 1))
    loaded = refreshed(store, loaded, delta=False)
    merge(store, csv_bytes(2, tag="b"))
    with engine.begin() as connection:
        connection.execute(sa.update(t.data_version).values(version=t.data_version.c.version - 3))
    loaded = refreshed(store, loaded, delta=False)  # the version went back
    # Another history: the kept table's batch is not the one the store holds under its number.
    merge(store, csv_bytes(2, tag="c"))
    anchor = loaded.anchor
    assert anchor is not None
    forged = cache.LoadedTable(
        loaded.table,
        loaded.ids,
        cache.Anchor(anchor.version, anchor.seq, "000000-forged", anchor.revision, anchor.wordings),
    )
    loaded = refreshed(store, forged, delta=False)
    # The same version at the same place, but another store behind it (a restore, a new
    # database): its last batch is not the kept one, so it is read whole.
    anchor = loaded.anchor
    assert anchor is not None
    replaced = cache.LoadedTable(
        Table(loaded.table.observations.head(1), loaded.table.sources, loaded.table.version),
        loaded.ids[:1],
        cache.Anchor(anchor.version, anchor.seq, "000000-other", anchor.revision, anchor.wordings),
    )
    again = cache.refresh_table(store, replaced)
    assert again is not replaced and not again.delta
    same_as_a_full_read(again, store)


# A server: keeps its table, and on each line read brings it up to date and writes what it holds
# (pickled, dtypes and categories as they are) to the file the line names.
SERVER = """
import pickle, sys
from pathlib import Path
from etl.contract.paths import Layout
from etl.store import cache
layout, loaded = Layout(Path(sys.argv[1])), None
for line in sys.stdin:
    loaded = cache.refresh_table(layout, loaded)
    Path(line.strip()).write_bytes(pickle.dumps(loaded))
    print("ok", flush=True)
"""


def test_two_servers_on_one_database_each_see_a_change_on_their_next_run(
    store: Layout, tmp_path: Path
) -> None:
    merge(store, csv_bytes(3))
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", SERVER, str(store.root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]

    def runs() -> list[cache.LoadedTable]:
        held = []
        for i, server in enumerate(servers):
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write(f"{tmp_path / str(i)}.pickle\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "ok"
            held.append(pickle.loads((tmp_path / f"{i}.pickle").read_bytes()))
        return held

    try:
        for loaded in runs():
            assert not loaded.delta
            same_as_a_full_read(loaded, store)
        merge(store, csv_bytes(4, tag="two"))
        retract_figure(store, ANALYST_ACTOR, PICK, "重复报道")
        for loaded in runs():
            assert loaded.delta and len(loaded.table.observations) == 6
            same_as_a_full_read(loaded, store)
    finally:
        for server in servers:
            if server.stdin:
                server.stdin.close()
            server.wait(timeout=60)


def test_appended_text_columns_are_joined_into_one_piece_past_the_bound() -> None:
    frame = pd.DataFrame({"quote": pd.Series(["a", "b"], dtype="str")})
    row = pd.DataFrame({"quote": pd.Series(["c"], dtype="str")})
    for _ in range(cache.MAX_PIECES + 3):
        frame = cache.joined(frame, row)
        assert getattr(pa.array(frame["quote"]), "num_chunks", 1) <= cache.MAX_PIECES
    expected = pd.Series(["a", "b"] + ["c"] * (cache.MAX_PIECES + 3), dtype="str", name="quote")
    pd.testing.assert_series_equal(frame["quote"], expected)
