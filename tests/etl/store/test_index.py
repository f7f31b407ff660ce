"""etl/store/index.py: the figure index the merges use stays equal to the table it indexes."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
from uploads_support import ANALYST_ACTOR, csv_bytes, csv_line, new_layout, with_rows

from etl.contract.paths import Layout
from etl.store import batches, index
from etl.store.commands import (
    correct_figure,
    merge_upload,
    retract_figure,
    undo_batch,
    validate_upload,
)
from etl.store.index import load_index, row_hashes
from etl.store.table import load_table


@pytest.fixture(autouse=True)
def _no_default_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "default-data-dir"))


def ingest(layout: Layout, data: bytes, replace: bool = False) -> str | None:
    upload, _ = validate_upload(layout, data, "x.csv")
    return merge_upload(layout, upload, ANALYST_ACTOR, replace=replace).batch_id


def assert_index_matches(layout: Layout) -> None:
    table = load_table(layout)
    held = load_index(layout)
    keys, pairs = row_hashes(table.observations)
    assert np.array_equal(held.keys, keys) and np.array_equal(held.pairs, pairs)
    assert held.table_hash == batches.table_hash(table.observations)
    assert held.sources == frozenset(table.sources["source_id"])


def test_the_index_follows_merges_replacements_undo_corrections_and_retractions(
    tmp_path: Path,
) -> None:
    layout = new_layout(tmp_path / "data")
    first = ingest(layout, csv_bytes(40))
    assert_index_matches(layout)
    ingest(layout, with_rows(csv_line(3, value="77"), csv_line(900)), replace=True)
    assert_index_matches(layout)
    assert first is not None
    undo_batch(layout, ANALYST_ACTOR, "3", "test")  # the replacement batch
    assert_index_matches(layout)
    criteria: dict[str, str | None] = {"metric": "teu", "value": "1005"}
    correct_figure(layout, ANALYST_ACTOR, criteria, 1234.0, "typo")
    retract_figure(layout, ANALYST_ACTOR, {"metric": "teu", "value": "1006"}, "wrong")
    assert_index_matches(layout)  # caught up from the last merge's index, batch by batch


def test_the_recorded_hashes_chain_and_equal_the_full_table_hash(tmp_path: Path) -> None:
    layout = new_layout(tmp_path / "data")
    ingest(layout, csv_bytes(30))
    ingest(layout, with_rows(csv_line(2, value="55")), replace=True)
    records = [r for _id, r in batches.read_batch_records(layout)]
    for earlier, later in itertools.pairwise(records):
        assert earlier["table_hash_after"] == later["table_hash_before"]
    assert records[-1]["table_hash_after"] == batches.table_hash(load_table(layout).observations)


def test_a_lost_or_damaged_index_is_rebuilt_to_the_same(tmp_path: Path) -> None:
    layout = new_layout(tmp_path / "data")
    ingest(layout, csv_bytes(25))
    kept = load_index(layout)
    for path in layout.cache.glob("index-*.npz"):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF  # damaged inside the arrays: the zip's CRC fails
        path.write_bytes(bytes(data))
    index._LAST.clear()  # forget the copy this process holds
    assert load_index(layout).table_hash == kept.table_hash
    shutil.rmtree(layout.cache)
    index._LAST.clear()
    again = load_index(layout)
    assert np.array_equal(again.keys, kept.keys) and again.table_hash == kept.table_hash


def test_a_merge_of_new_figures_never_reads_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.store import commands, merging

    layout = new_layout(tmp_path / "data")
    ingest(layout, csv_bytes(50))

    def no_table(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the table was read for an upload of new figures")

    monkeypatch.setattr(merging, "load_cached_table", no_table)
    monkeypatch.setattr(commands, "load_state", no_table)
    assert ingest(layout, csv_bytes(10, tag="fresh")) is not None
    monkeypatch.undo()
    assert_index_matches(layout)


def test_hashes_reused_from_the_preview_follow_interleaved_present_new_and_replaced_rows(
    tmp_path: Path,
) -> None:
    # The merge takes the added rows' hashes from the preview's, by row: present rows between
    # new and replacing ones must not shift them.
    layout = new_layout(tmp_path / "data")
    ingest(layout, csv_bytes(10))
    mixed = with_rows(
        csv_line(901), csv_line(2), csv_line(4, value="55"), csv_line(5), csv_line(902)
    )
    ingest(layout, mixed, replace=True)
    assert_index_matches(layout)
    index._LAST.clear()  # the index as read back from the cache, not this process's
    assert_index_matches(layout)
