"""etl/contract/identity.py: one figure, whichever script its scope is written in, is one figure
everywhere: already present on upload, contradicted by another value, and drawn once."""

from __future__ import annotations

import pandas as pd
import pytest
from dashboard_data import OLDER, SEED, observations, sources
from uploads_support import ANALYST_ACTOR, HEADER

from dashboard import data
from dashboard.filters import Filters
from dashboard.locales import ZH
from etl.contract.identity import KEY_COLUMNS, figure_hashes, figure_keys, normalise_scope
from etl.contract.paths import Layout
from etl.store.commands import merge_upload, validate_upload
from etl.store.table import Table

# Uploads read here as the limited child reads them (conftest.read_in_this_process): these
# tests check figure identity; tests/etl/store/test_ingest.py reads through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

SIMPLIFIED = "重庆海关监管西部陆海新通道班列"
TRADITIONAL = "重慶海關監管西部陸海新通道班列"


def upload_row(scope: str, value: str = "816") -> bytes:
    line = f"train_runs,{value},trains,2024-01-01,2024-07-31,{scope},17.8,test-src,note"
    return f"{HEADER}\n{line}\n".encode()


def test_the_two_scripts_and_stray_spaces_fold_to_one_key() -> None:
    assert SIMPLIFIED != TRADITIONAL
    assert normalise_scope(TRADITIONAL) == normalise_scope(f"  {SIMPLIFIED} ") == SIMPLIFIED
    rows = pd.DataFrame(
        [dict.fromkeys(KEY_COLUMNS, "x") | {"scope": scope} for scope in (SIMPLIFIED, TRADITIONAL)]
    )
    keys = figure_keys(rows)
    assert keys.iloc[0] == keys.iloc[1]


def test_other_scopes_stay_other_figures() -> None:
    rows = pd.DataFrame(
        [dict.fromkeys(KEY_COLUMNS, "x") | {"scope": s} for s in (SIMPLIFIED, "重庆海关")]
    )
    assert figure_keys(rows).nunique() == 2


@pytest.fixture
def held(layout: Layout) -> Layout:
    """A data directory holding the figure in simplified characters."""
    upload, _ = validate_upload(layout, upload_row(SIMPLIFIED), "simplified.csv")
    assert merge_upload(layout, upload, ANALYST_ACTOR).batch_id
    return layout


def test_the_figure_in_traditional_characters_is_already_present_on_upload(held: Layout) -> None:
    _upload, preview = validate_upload(held, upload_row(TRADITIONAL), "traditional.csv")
    assert (len(preview.new), len(preview.present), len(preview.contradicting)) == (0, 1, 0)
    assert not preview.changes


def test_another_value_in_traditional_characters_contradicts_it(held: Layout) -> None:
    _upload, preview = validate_upload(held, upload_row(TRADITIONAL, "900"), "traditional.csv")
    assert (len(preview.new), len(preview.present), len(preview.contradicting)) == (0, 0, 1)


def test_the_figure_in_both_scripts_is_drawn_once() -> None:
    frame = observations()
    twin = (frame["source_id"] == OLDER) & (frame["scope"] == SIMPLIFIED)
    assert twin.sum() == 1  # the older source reports the seed's 816 trains again
    frame.loc[twin, "scope"] = TRADITIONAL
    table = Table(frame, sources(), "test-identity")

    figures = data.view(table, Filters(metrics=("train_runs",)), ZH).records()
    seed = [f for f in figures if f["value"] == 816.0]
    assert len(seed) == 1 and seed[0]["source_id"] == SEED  # the latest-published source wins

    specs = data.chart_specs(table, Filters(), ZH, "trains")
    trains = next(s for s in specs if s.id.endswith("train_runs"))
    drawn = [p for p in trains.point_records if p["value"] == 816.0]
    assert len(drawn) == 1


def test_hashes_are_equal_exactly_when_keys_are() -> None:
    # figure_hashes hashes each column's identity text: equal keys (the two scripts, dates as
    # timestamps or as text, a missing cell as an empty one) hash equal; other figures do not.
    base = dict.fromkeys(KEY_COLUMNS, "x") | {"period_start": "2024-01-01", "period_end": ""}
    rows = pd.DataFrame(
        [
            base | {"scope": SIMPLIFIED, "value": 816.0},
            base | {"scope": f" {TRADITIONAL}", "value": 816.0},
            base | {"scope": SIMPLIFIED, "value": 900.0},
            base | {"scope": "重庆海关", "value": 816.0},
            base | {"scope": SIMPLIFIED, "route": None, "value": 816.0},
            base | {"scope": SIMPLIFIED, "route": "", "value": 816.0},
            base | {"scope": SIMPLIFIED, "basis": "x\x1fx", "value": 816.0},
        ]
    )
    typed = rows.assign(
        period_start=pd.to_datetime(rows["period_start"]),
        period_end=pd.to_datetime(rows["period_end"].replace("", None)),
    )
    for frame in (rows, typed):
        keys, pairs = figure_hashes(frame)
        text = figure_keys(frame)
        for i in range(len(frame)):
            for j in range(len(frame)):
                assert (keys[i] == keys[j]) == (text.iloc[i] == text.iloc[j]), (i, j)
                same_pair = text.iloc[i] == text.iloc[j] and rows.value[i] == rows.value[j]
                assert (pairs[i] == pairs[j]) == same_pair, (i, j)
    assert list(figure_hashes(rows)[0]) == list(figure_hashes(typed)[0])
