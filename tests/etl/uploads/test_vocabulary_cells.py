"""etl/uploads/vocabulary_cells: units written as the metric's unit label become its key row by
row, in a file that mixes labels and keys; a unit that fits no metric is still refused."""

from __future__ import annotations

import pytest
from uploads_support import SOURCE, csv_line, with_rows

from etl.contract.errors import CorridorError
from etl.uploads.validating import parse_upload


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
