"""Uploads and series: a named series is checked, an empty one is left to the rules, and an
analyst's wording → series mapping is a recorded, undoable batch."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from uploads_support import ANALYST_ACTOR, SOURCE, new_layout, with_rows

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.actors import MANAGER, Actor
from etl.store.commands import add_wording, merge_upload, undo_batch, validate_upload
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.history import batch_records
from etl.store.table import load_table

# Uploads and articles read here as the limited child reads them (conftest.read_in_this_process):
# these tests check what the store does with them; tests/etl/store/test_ingest.py and
# test_store.py read through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

HEADER = "metric,value,unit,period_start,period_end,scope,series,source_id,quote"


def _row(scope: str, series: str = "", value: str = "100") -> str:
    return f"teu,{value},TEU,2024-01-01,2024-12-31,{scope},{series},{SOURCE},note"


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return new_layout(tmp_path / "data")


def _series_of(layout: Layout, scope: str) -> str:
    obs = load_table(layout).observations
    return str(obs.loc[obs["scope"] == scope, "series"].iloc[0])


def test_the_preview_shows_the_series_each_row_joins(layout: Layout) -> None:
    data = with_rows(
        _row("北部湾港"),
        _row("北部湾港铁海联运", "beibu_gulf_rail_sea_teu"),
        _row("某某口径"),
        header=HEADER,
    )
    _upload, preview = validate_upload(layout, data, "up.csv")
    shown = dict(zip(preview.frame()["scope"], preview.frame()["series"], strict=True))
    assert shown == {
        "北部湾港": "beibu_gulf_port_teu",
        "北部湾港铁海联运": "beibu_gulf_rail_sea_teu",
        "某某口径": "",
    }


def test_an_unknown_series_is_refused_with_the_valid_keys(layout: Layout) -> None:
    data = with_rows(_row("北部湾港", "no_such_series"), header=HEADER)
    with pytest.raises(CorridorError) as info:
        validate_upload(layout, data, "up.csv")
    text = str(info.value)
    assert "未知的系列编号" in text and "unknown series key" in text
    assert "corridor_rail_sea_trains" in text and "no_such_series" in text
    assert len(batch_records(layout)) == 1  # the source only


def test_stored_rows_keep_the_series_as_uploaded_and_readers_see_it_filled(
    layout: Layout,
) -> None:
    upload, _ = validate_upload(layout, with_rows(_row("北部湾港"), header=HEADER), "up.csv")
    batch_id = merge_upload(layout, upload, ANALYST_ACTOR).batch_id
    assert batch_id is not None
    f = t.figures
    with store_engine(layout).connect() as connection:
        stored = connection.execute(sa.select(f.c.series).where(f.c.added_batch == batch_id))
        assert stored.scalars().all() == [""]
    assert _series_of(layout, "北部湾港") == "beibu_gulf_port_teu"


def test_a_wording_joins_its_series_and_undo_takes_it_back(layout: Layout) -> None:
    upload, _ = validate_upload(layout, with_rows(_row("该集团"), header=HEADER), "up.csv")
    merge_upload(layout, upload, ANALYST_ACTOR)
    assert _series_of(layout, "该集团") == ""
    batch_id = add_wording(layout, ANALYST_ACTOR, "beibu_gulf_port_teu", " 該集團 ").batch_id
    assert batch_id is not None
    record = dict(batch_records(layout))[batch_id]
    assert record["kind"] == "wording" and record["wording"] == "该集团"
    assert record["series"] == "beibu_gulf_port_teu" and record["rows_joined"] == 1
    assert _series_of(layout, "该集团") == "beibu_gulf_port_teu"
    undo_id = undo_batch(layout, ANALYST_ACTOR, batch_id)
    assert _series_of(layout, "该集团") == ""
    undo_batch(layout, ANALYST_ACTOR, undo_id)  # undoing the undo restores the mapping
    assert _series_of(layout, "该集团") == "beibu_gulf_port_teu"


def test_a_new_upload_in_a_mapped_wording_joins_the_line(layout: Layout) -> None:
    add_wording(layout, ANALYST_ACTOR, "beibu_gulf_port_teu", "该集团")
    _upload, preview = validate_upload(layout, with_rows(_row("该集团"), header=HEADER), "u.csv")
    assert preview.frame()["series"].tolist() == ["beibu_gulf_port_teu"]


@pytest.mark.parametrize(
    ("series", "wording", "message"),
    [
        ("nope", "该集团", "unknown series key"),
        ("beibu_gulf_port_teu", "", "wording"),
        ("beibu_gulf_port_teu", "=cmd()", "wording"),
        ("beibu_gulf_port_teu", "<b>x</b>", "wording"),
        ("beibu_gulf_port_teu", "长" * 101, "wording"),
    ],
)
def test_bad_wordings_are_refused_and_write_nothing(
    layout: Layout, series: str, wording: str, message: str
) -> None:
    before = len(batch_records(layout))
    with pytest.raises(CorridorError, match=message):
        add_wording(layout, ANALYST_ACTOR, series, wording)
    assert len(batch_records(layout)) == before


def test_the_same_mapping_twice_is_refused_and_managers_cannot_map(layout: Layout) -> None:
    add_wording(layout, ANALYST_ACTOR, "beibu_gulf_port_teu", "该集团")
    with pytest.raises(CorridorError, match="already maps"):
        add_wording(layout, ANALYST_ACTOR, "beibu_gulf_port_teu", "该集团")
    with pytest.raises(CorridorError):
        add_wording(layout, Actor("boss", MANAGER), "beibu_gulf_port_teu", "别的")
