"""The kind of a figure's period, from its start and end alone (vectorised: a million rows at once).

year      1 January – 31 December of one year
ytd       1 January to a day before 31 December of the same year (1–N月, 一季度, 上半年 and
          截至M月D日 running totals alike: a running total to 30 December is ytd, not the year)
month     the first to the last day of one calendar month (other than January: that is ytd)
quarter   a calendar quarter other than the first (Q1 is ytd)
half      1 July – 31 December
span      any other stated span within about a year
since     a cumulative total: no stated start for a flow metric, or a stated start more than a
          year before the end (自2017年开行以来 … 累计)
snapshot  a count as of a date: a snapshot metric (ports, countries, categories, savings)

ytd takes precedence over month, quarter and half because a running total from 1 January is what
a chart joins into one line across a year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.contract.vocabulary import load_metrics

PERIOD_KINDS = ("year", "ytd", "month", "quarter", "half", "span", "since", "snapshot")
# A stated span longer than this is a cumulative total since its start, not a period.
MAX_SPAN_DAYS = 366


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def period_kinds(
    period_start: pd.Series, period_end: pd.Series, metric: pd.Series | None = None
) -> pd.Series:
    """Return each row's period kind (one of PERIOD_KINDS) from its dates and metric."""
    start = _dates(period_start)
    end = _dates(period_end)
    index = period_end.index
    no_start = start.isna().to_numpy()
    snapshot_metric = np.zeros(len(index), dtype=bool)
    if metric is not None:
        snapshots = [k for k, m in load_metrics().items() if m.kind == "snapshot"]
        snapshot_metric = metric.astype("object").isin(snapshots).to_numpy()

    s_year, e_year = start.dt.year.to_numpy(), end.dt.year.to_numpy()
    s_month, e_month = start.dt.month.to_numpy(), end.dt.month.to_numpy()
    s_day = start.dt.day.to_numpy()
    e_month_end = end.dt.is_month_end.to_numpy()
    same_year = s_year == e_year
    from_jan1 = (s_month == 1) & (s_day == 1)
    to_dec31 = (e_month == 12) & (end.dt.day.to_numpy() == 31)
    first_of_month = s_day == 1
    days = (end - start).dt.days.to_numpy()

    conditions = [
        snapshot_metric,
        no_start,
        days > MAX_SPAN_DAYS,
        same_year & from_jan1 & to_dec31,
        same_year & from_jan1,
        same_year & first_of_month & (s_month == e_month) & e_month_end,
        same_year
        & first_of_month
        & np.isin(s_month, (4, 7, 10))
        & (e_month == s_month + 2)
        & e_month_end,
        same_year & first_of_month & (s_month == 7) & to_dec31,
    ]
    choices = ["snapshot", "since", "since", "year", "ytd", "month", "quarter", "half"]
    kinds = np.select(conditions, choices, default="span")
    kinds = np.where(end.isna().to_numpy(), "", kinds)
    return pd.Series(kinds, index=index, dtype="str")


def a_year_before(start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the same span one year earlier: 2025-01-01–2025-10-31 → 2024-01-01–2024-10-31.

    A month-end stays a month-end (28 Feb 2025 → 29 Feb 2024); a stated day stays that day
    (29 Feb → 28 Feb when the year before has none).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    before_start = start - pd.DateOffset(years=1)
    before_end = end - pd.DateOffset(years=1)
    if end.is_month_end:
        before_end = before_end + pd.offsets.MonthEnd(0)
    return before_start, before_end


def same_span_a_year_before(
    start: pd.Timestamp,
    end: pd.Timestamp,
    other_start: pd.Timestamp | str | None,
    other_end: pd.Timestamp | str,
) -> bool:
    """Return whether other_start–other_end covers the same months as start–end, a year earlier.

    The starts match to the day; the ends match by month and day, or are both month-ends
    (1—7月 either year); a stated day must match (截至9月11日 is not 截至9月底).
    """
    if other_start is None or pd.isna(other_start) or pd.isna(other_end):
        return False
    a, b = pd.Timestamp(start), pd.Timestamp(other_start)
    if (b.year, b.month, b.day) != (a.year - 1, a.month, a.day):
        return False
    e, f = pd.Timestamp(end), pd.Timestamp(other_end)
    if (f.year, f.month) != (e.year - 1, e.month):
        return False
    return f.day == e.day or (bool(e.is_month_end) and bool(f.is_month_end))
