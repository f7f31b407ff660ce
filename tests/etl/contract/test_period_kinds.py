"""Period kinds from period_start and period_end: a table of cases, and rows at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from references import period_kind

from etl.contract.period_kinds import PERIOD_KINDS, period_kinds

# start, end, metric → kind
CASES = [
    ("2024-01-01", "2024-12-31", "train_runs", "year"),
    ("2024-01-01", "2024-12-30", "train_runs", "ytd"),  # a running total to 30 December
    ("2024-01-01", "2024-07-31", "teu", "ytd"),  # 前7个月
    ("2024-01-01", "2024-03-31", "teu", "ytd"),  # 一季度 is 1–3月
    ("2024-01-01", "2024-06-30", "teu", "ytd"),  # 上半年
    ("2024-01-01", "2024-08-02", "teu", "ytd"),  # 截至8月2日
    ("2024-01-01", "2024-01-31", "teu", "ytd"),  # 1月
    ("2024-02-01", "2024-02-29", "teu", "month"),
    ("2023-02-01", "2023-02-28", "train_runs", "month"),
    ("2024-04-01", "2024-06-30", "teu", "quarter"),
    ("2024-10-01", "2024-12-31", "teu", "quarter"),
    ("2024-07-01", "2024-12-31", "teu", "half"),
    ("2023-10-01", "2024-07-31", "freight_deduction_cny", "span"),
    ("2024-03-05", "2024-03-20", "teu", "span"),
    ("2017-01-01", "2023-10-08", "train_runs", "since"),  # 2017年首列开行以来累计
    ("2018-05-01", "2021-09-07", "teu", "since"),
    (None, "2022-08-31", "train_runs", "since"),  # 累计 with no stated start
    (None, "2024-09-11", "ports_reached", "snapshot"),
    (None, "2025-08-31", "countries_reached", "snapshot"),
    (None, "2024-12-31", "cargo_categories", "snapshot"),
    (None, "2024-09-11", "cost_saving_per_teu_cny", "snapshot"),
]


@pytest.mark.parametrize(("start", "end", "metric", "kind"), CASES)
def test_each_period_has_its_kind(start: str | None, end: str, metric: str, kind: str) -> None:
    assert period_kind(start, end, metric) == kind


def test_many_rows_at_once_agree_with_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(CASES), 200_000)
    frame = pd.DataFrame([CASES[i] for i in range(len(CASES))], columns=["s", "e", "m", "k"])
    big = frame.iloc[picks].reset_index(drop=True)
    start = pd.to_datetime(big["s"])
    end = pd.to_datetime(big["e"])
    kinds = period_kinds(start, end, big["m"])
    assert kinds.tolist() == big["k"].tolist()
    assert set(kinds) <= set(PERIOD_KINDS)


def test_text_dates_and_categorical_metrics_are_accepted() -> None:
    start = pd.Series(["2024-01-01", ""])
    end = pd.Series(["2024-12-31", "2024-09-11"])
    metric = pd.Series(["teu", "ports_reached"], dtype="category")
    assert period_kinds(start, end, metric).tolist() == ["year", "snapshot"]
