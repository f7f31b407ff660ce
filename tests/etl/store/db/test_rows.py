"""etl/store/db/rows.py: a contract frame's columns as the database takes them, text cells as
Python text (a missing cell empty) whether the column is pandas' Arrow text or plain objects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import parse_observations
from etl.store.db.rows import figure_columns


def _frame() -> pd.DataFrame:
    rows = [
        {c: "" for c in OBSERVATION_COLUMNS}
        | {
            "metric": "teu",
            "value": str(1000 + i),
            "unit": "TEU",
            "period_start": "" if i == 1 else "2025-01-01",
            "period_end": "2025-03-31",
            "region": "chongqing",
            "route": "rail_sea",
            "scope": f"重庆口径{i % 2}",
            "yoy_pct": "" if i == 2 else "1.5",
            "basis": "reported",
            "source_id": "s",
            "quote": f"原文 {i}",
        }
        for i in range(3)
    ]
    return parse_observations(pd.DataFrame(rows), "t")


def test_columns_arrive_as_database_values_in_the_rows_order() -> None:
    columns = figure_columns(_frame(), iso_dates=True)
    assert columns["scope"] == ["重庆口径0", "重庆口径1", "重庆口径0"]
    assert columns["quote"] == ["原文 0", "原文 1", "原文 2"]
    assert columns["series"] == ["", "", ""]
    assert columns["value"] == [1000.0, 1001.0, 1002.0]
    assert columns["yoy_pct"] == [1.5, 1.5, None]
    assert columns["period_start"] == ["2025-01-01", None, "2025-01-01"]
    assert all(type(x) is str for c in ("scope", "quote", "series") for x in columns[c])


def test_text_columns_of_objects_and_of_arrow_text_give_the_same_python_text() -> None:
    frame = _frame()
    frame["quote"] = pd.Series(["甲", None, "丙"], dtype="str")
    as_objects = frame.copy()
    as_objects["quote"] = pd.Series(["甲", np.nan, "丙"], dtype=object)
    as_objects["scope"] = as_objects["scope"].astype(object)
    arrow, plain = figure_columns(frame), figure_columns(as_objects)
    assert arrow["quote"] == plain["quote"] == ["甲", "", "丙"]
    assert arrow["scope"] == plain["scope"]
    assert all(type(x) is str for x in arrow["quote"] + plain["quote"])
