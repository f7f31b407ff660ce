"""Tests for dashboard/views/index.py: the codes that compare figures' identities."""

import numpy as np
import pandas as pd
from dashboard_data import OLDER, observations, sources

from dashboard.views.index import among, folded_codes, table_index


def test_scopes_that_fold_alike_share_a_code_whether_categorical_or_not() -> None:
    scopes = pd.Series(["重庆", "重慶", "广西", "重庆"])
    for series in (scopes, scopes.astype("category")):
        codes = folded_codes(series)
        assert codes[0] == codes[1] == codes[3]
        assert codes[2] != codes[0]


def test_a_missing_categorical_scope_is_equal_to_no_named_scope() -> None:
    scopes = pd.Series(["重庆", None, "广西", None], dtype="category")
    codes = folded_codes(scopes)
    assert codes[1] == codes[3]
    assert codes[1] not in (codes[0], codes[2])
    assert np.unique(codes).size == 3


def test_a_row_is_shared_exactly_when_another_row_has_its_figure_identity() -> None:
    frame = observations()
    # Each figure once more from another source, and one of them a third time: shared rows are
    # those whose identity occurs more than once, whatever their place in the table.
    doubled = pd.concat([frame, frame.head(3), frame.head(1)], ignore_index=True)
    doubled.loc[len(frame) :, "source_id"] = OLDER
    for table in (frame, doubled, frame.head(0)):
        index = table_index(table, sources())
        expected = pd.Series(index.key).duplicated(keep=False).to_numpy()
        assert index.shared.dtype == bool and index.shared.tolist() == expected.tolist()
    index = table_index(doubled, sources())
    assert index.shared[:3].all() and index.shared[len(frame) :].all()
    assert not index.shared[3 : len(frame)].any()


def test_among_finds_the_values_in_text_held_any_way() -> None:
    cells = ["约", None, "超过", "", "约"]
    expected = [True, False, True, False, True]
    for dtype in ("str", "string", object, "category"):
        assert among(pd.Series(cells, dtype=dtype), ("约", "超过")).tolist() == expected, dtype
