"""etl/extraction/observations.py: figures become contract rows; flow figures with yoy get derived
rows."""

from __future__ import annotations

from datetime import date

import pandas as pd

from etl.extraction.figures import Figure
from etl.extraction.observations import (
    add_derived,
    frame_from_rows,
    rows_from_figures,
    shift_year_back,
)

TRAINS = Figure(
    "train_runs",
    816.0,
    date(2024, 1, 1),
    date(2024, 7, 31),
    "重庆海关监管西部陆海新通道班列",
    17.8,
    "q",
)


def test_prior_year_is_derived_from_the_yoy_rate() -> None:
    rows = add_derived(rows_from_figures([TRAINS], "s"))
    assert len(rows) == 2
    derived = rows[1]
    assert derived["basis"] == "derived"
    assert derived["value"] == 692.7
    assert derived["period_start"] == pd.Timestamp("2023-01-01")
    assert derived["period_end"] == pd.Timestamp("2023-07-31")
    assert "816 ÷ (1 + 17.8%)" in str(derived["quote"])
    assert pd.isna(derived["yoy_pct"])


def test_growth_in_multiples_derives_from_percent() -> None:
    fig = Figure("trade_value_cny", 6.8e8, date(2019, 1, 1), date(2019, 9, 30), "重庆", 510.0, "q")
    derived = add_derived(rows_from_figures([fig], "s"))[1]
    assert abs(float(derived["value"]) - 6.8e8 / 6.1) < 0.1  # type: ignore[arg-type]


def test_snapshots_cumulative_totals_and_missing_yoy_get_no_derived_row() -> None:
    snapshot = Figure("ports_reached", 523.0, None, date(2024, 9, 11), "西部陆海新通道", 10.0, "q")
    cumulative = Figure("teu", 270000.0, None, date(2021, 12, 31), "重慶(累計)", 5.0, "q")
    no_yoy = Figure("teu", 1.0, date(2024, 1, 1), date(2024, 3, 31), "x", None, "q")
    rows = add_derived(rows_from_figures([snapshot, cumulative, no_yoy], "s"))
    assert [r["basis"] for r in rows] == ["reported"] * 3


def test_month_end_stays_month_end_across_leap_years() -> None:
    fig = Figure("teu", 100.0, date(2025, 1, 1), date(2025, 2, 28), "x", 25.0, "q")
    derived = add_derived(rows_from_figures([fig], "s"))[1]
    assert derived["period_end"] == pd.Timestamp("2024-02-29")
    assert shift_year_back(pd.Timestamp("2024-02-29")) == pd.Timestamp("2023-02-28")


def test_rows_carry_unit_region_route_and_source() -> None:
    row = rows_from_figures([TRAINS], "src")[0]
    assert (row["unit"], row["region"], row["route"], row["source_id"]) == (
        "trains",
        "chongqing",
        "rail_sea",
        "src",
    )


def test_empty_rows_make_a_typed_frame() -> None:
    frame = frame_from_rows([])
    assert str(frame["period_end"].dtype) == "datetime64[ns]" and frame.empty
