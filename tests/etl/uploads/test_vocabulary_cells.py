"""etl/uploads/vocabulary_cells: units written as the metric's unit label become its key row by
row, in a file that mixes labels and keys; a unit that fits no metric is still refused; percent
signs and series labels are read once per distinct cell and spread to every row."""

from __future__ import annotations

import pandas as pd
import pytest
from uploads_support import SOURCE, csv_line, with_rows

from etl.contract.errors import CorridorError
from etl.uploads.validating import parse_upload
from etl.uploads.vocabulary_cells import each_distinct


def test_unit_labels_and_keys_mixed_in_one_file_each_become_the_key() -> None:
    data = with_rows(
        csv_line(0, unit="标箱"),
        csv_line(1, unit="TEU"),
        csv_line(2, metric="train_runs", unit="列"),
        csv_line(3, unit="标准箱"),
        csv_line(4, metric="train_runs", unit="trains"),
        csv_line(5, metric="cargo_tonnes", unit="吨"),
    )
    rows = parse_upload(data, "u.csv", {SOURCE}).rows
    assert rows["unit"].tolist() == ["TEU", "TEU", "trains", "TEU", "trains", "tonnes"]


def test_a_label_of_another_metrics_unit_is_refused_on_its_row() -> None:
    data = with_rows(csv_line(0, unit="标箱"), csv_line(1, unit="列"))
    with pytest.raises(CorridorError) as info:
        parse_upload(data, "u.csv", {SOURCE})
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "unit")]


def test_percent_signs_and_series_labels_are_read_alike_on_every_row_that_repeats_them() -> None:
    data = with_rows(
        csv_line(0, yoy_pct="12.5%"),
        csv_line(1, yoy_pct="12.5 ％"),
        csv_line(2, yoy_pct="-3"),
        csv_line(3, yoy_pct="12.5%"),
        csv_line(4, yoy_pct=""),
    )
    rows = parse_upload(data, "u.csv", {SOURCE}).rows
    assert rows["yoy_pct"].tolist()[:4] == [12.5, 12.5, -3.0, 12.5]
    assert rows["yoy_pct"].isna().tolist() == [False, False, False, False, True]


def test_each_distinct_applies_once_per_distinct_cell_and_keeps_missing_cells() -> None:
    seen: list[str] = []

    def shout(text: str) -> str:
        seen.append(text)
        return text.upper()

    column = pd.Series(["a", "b", None, "a", "b"], index=[3, 4, 5, 6, 7], dtype="str")
    out = each_distinct(column, shout)
    assert sorted(seen) == ["a", "b"]
    assert out.index.tolist() == [3, 4, 5, 6, 7]
    assert out.dtype == column.dtype
    assert out.tolist()[:2] + out.tolist()[3:] == ["A", "B", "A", "B"]
    assert pd.isna(out[5])
