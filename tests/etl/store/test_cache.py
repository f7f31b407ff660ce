"""The compact table (etl.store.cache): the stored table read through Arrow, with categories,
the same rows as the contract's parsers read, and a new version after every change."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from uploads_support import ANALYST_ACTOR, csv_bytes, new_layout

from etl.contract.paths import Layout
from etl.store import cache
from etl.store.commands import merge_upload, validate_upload
from etl.store.table import load_table


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
