"""Tests for dashboard/views/index.py: the codes that compare figures' identities."""

import numpy as np
import pandas as pd

from dashboard.views.index import folded_codes


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
