"""The columnar cache: used when sound, rebuilt when the files change or it is corrupt."""

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


def cache_files(layout: Layout) -> list[Path]:
    # The parquet copies; the figure index beside them (index-*.npz) is tested in test_index.
    return sorted(layout.cache.glob("*.parquet")) if layout.cache.exists() else []


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True),
        b.reset_index(drop=True),
        check_dtype=False,
        check_categorical=False,
    )


def test_the_first_load_writes_the_cache_and_matches_the_csvs(layout: Layout) -> None:
    table = cache.load_cached_table(layout)
    assert len(cache_files(layout)) == 2
    same_rows(table.observations.astype(object), load_table(layout).observations.astype(object))
    for col in cache.CATEGORY_COLUMNS:
        assert isinstance(table.observations[col].dtype, pd.CategoricalDtype), col


def test_a_sound_cache_is_read_without_parsing_the_csvs(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.load_cached_table(layout)

    def no_parsing(_: Layout) -> None:
        raise AssertionError("the CSVs were parsed although the cache is sound")

    monkeypatch.setattr(cache, "load_state", no_parsing)
    again = cache.load_cached_table(layout)
    same_rows(again.observations, first.observations)
    same_rows(again.sources, first.sources)
    assert again.version == first.version


def test_changed_files_rebuild_the_cache_and_drop_the_old_one(layout: Layout) -> None:
    before = cache.load_cached_table(layout)
    old_files = cache_files(layout)
    csv = layout.observations_csv
    csv.write_text(csv.read_text(encoding="utf-8").replace(",816,", ",817,"), encoding="utf-8")
    after = cache.load_cached_table(layout)
    assert after.version != before.version
    assert 817.0 in after.observations["value"].tolist()
    assert not set(old_files) & set(cache_files(layout))
    assert len(cache_files(layout)) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_cache_is_rebuilt_not_trusted(layout: Layout, damage: str) -> None:
    good = cache.load_cached_table(layout)
    obs_path, _ = cache.cache_paths(layout, good.version)
    data = obs_path.read_bytes()
    obs_path.write_bytes(
        {"garbage": b"PAR1" + b"\x00" * 64, "truncated": data[: len(data) // 2], "empty": b""}[
            damage
        ]
    )
    assert cache.read_cache(layout, good.version) is None
    rebuilt = cache.load_cached_table(layout)
    same_rows(rebuilt.observations, good.observations)
    assert cache.read_cache(layout, good.version) is not None


def test_a_cache_of_other_files_is_not_used(layout: Layout) -> None:
    good = cache.load_cached_table(layout)
    obs_path, src_path = cache.cache_paths(layout, good.version)
    other_obs, other_src = cache.cache_paths(layout, "0" * 16)
    obs_path.rename(other_obs)
    src_path.rename(other_src)
    assert cache.read_cache(layout, "0" * 16) is None


def test_a_read_only_data_dir_still_loads_from_the_csvs(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Read-only file system", str(path))

    monkeypatch.setattr(cache, "write_bytes_atomic", refuse)
    table = cache.load_cached_table(layout)
    same_rows(table.observations.astype(object), load_table(layout).observations.astype(object))
    assert cache_files(layout) == []


def test_an_empty_data_dir_gets_no_cache(tmp_path: Path) -> None:
    where = Layout(tmp_path / "new")
    assert cache.load_cached_table(where).observations.empty
    assert not (tmp_path / "new").exists()


def test_a_new_batch_is_applied_to_the_cached_table_without_reparsing_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = new_layout(tmp_path / "data")
    merge_upload(where, validate_upload(where, csv_bytes(5, "a"), "a.csv")[0], ANALYST_ACTOR)
    cache.load_cached_table(where)
    merge_upload(where, validate_upload(where, csv_bytes(5, "b"), "b.csv")[0], ANALYST_ACTOR)

    def no_full_parse(_: Layout) -> None:
        raise AssertionError("every batch was parsed although a cache held the earlier ones")

    monkeypatch.setattr(cache, "load_state", no_full_parse)
    table = cache.load_cached_table(where)
    same_rows(table.observations.astype(object), load_table(where).observations.astype(object))
    assert len(table.observations) == 10
    assert len(cache_files(where)) == 2
