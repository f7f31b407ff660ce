"""etl/contract/tables.py and schema.py: the contract enforced on write and read; deterministic
CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.contract.errors import CorridorError
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import (
    empty_observations,
    format_number,
    parse_observations,
    read_observations,
    write_observations,
)

GOOD = {
    "metric": "train_runs",
    "value": "816",
    "unit": "trains",
    "period_start": "2024-01-01",
    "period_end": "2024-07-31",
    "region": "chongqing",
    "route": "rail_sea",
    "scope": "重庆海关监管西部陆海新通道班列",
    "yoy_pct": "17.8",
    "basis": "reported",
    "source_id": "s1",
    "quote": "班列开行816列",
}


def frame(**changes: str) -> pd.DataFrame:
    return pd.DataFrame([{**GOOD, **changes}], columns=list(OBSERVATION_COLUMNS))


def problems_of(raw: pd.DataFrame) -> str:
    with pytest.raises(CorridorError) as info:
        parse_observations(raw, "up.csv")
    return info.value.render()


def test_a_good_row_parses_to_contract_types() -> None:
    parsed = parse_observations(frame(), "up.csv")
    assert parsed.loc[0, "value"] == 816.0
    assert parsed.loc[0, "period_end"] == pd.Timestamp("2024-07-31")
    assert str(parsed["period_start"].dtype) == "datetime64[ns]"


@pytest.mark.parametrize(
    ("changes", "column", "needle"),
    [
        ({"unit": "TEU"}, "unit", "unit does not match"),
        ({"metric": "happiness"}, "metric", "not in the vocabulary"),
        ({"value": "abc"}, "value", "not a valid number"),
        ({"value": "-5"}, "value", "must not be negative"),
        ({"value": "inf"}, "value", "not a valid number"),
        ({"period_end": "2024-02-30"}, "period_end", "not a valid date"),
        ({"period_end": ""}, "period_end", "must not be empty"),
        ({"period_end": "1989-12-31", "period_start": ""}, "period_end", "between 1990"),
        ({"period_start": "2024-08-01"}, "period_start", "after period_end"),
        ({"basis": "guessed"}, "basis", "not in the vocabulary"),
        ({"region": "mars"}, "region", "not in the vocabulary"),
        ({"value": "1e12"}, "value", "plausible maximum"),
    ],
)
def test_each_contract_rule_names_row_column_and_value(
    changes: dict[str, str], column: str, needle: str
) -> None:
    text = problems_of(frame(**changes))
    assert needle in text
    assert f"列 column: {column}" in text
    assert "行 row: 2" in text


def test_all_problems_are_reported_at_once() -> None:
    raw = pd.concat([frame(unit="TEU"), frame(value="x"), frame(region="mars")], ignore_index=True)
    text = problems_of(raw)
    assert "3 problems" in text
    assert "行 row: 2" in text and "行 row: 3" in text and "行 row: 4" in text


def test_empty_table_is_valid() -> None:
    assert list(empty_observations().columns) == list(OBSERVATION_COLUMNS)


def test_written_table_reads_back_equal_and_rewrites_identically(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    parsed = parse_observations(frame(), "up.csv")
    write_observations(parsed, path)
    first = path.read_bytes()
    again = read_observations(path)
    pd.testing.assert_frame_equal(again, parsed)
    write_observations(again, path)
    assert path.read_bytes() == first
    assert not first.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("value", "text"), [(816.0, "816"), (692.7, "692.7"), (20218400.0, "20218400"), (0.5, "0.5")]
)
def test_numbers_are_written_unformatted(value: float, text: str) -> None:
    assert format_number(value) == text


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_formatted_numbers_read_back_exactly(value: float) -> None:
    assert float(format_number(value)) == value
