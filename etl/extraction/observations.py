"""Figures → contract rows: units, regions and routes filled, derived prior-year rows added."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import pandas as pd

from etl.contract.check_frame import prepare
from etl.contract.check_rules import derived_breaks_series
from etl.contract.places import resolve_region, resolve_route
from etl.contract.qualifiers import is_bound
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import resolve_series
from etl.contract.tables import format_number
from etl.contract.vocabulary import load_metrics
from etl.extraction.figures import Figure

# Derived values are rounded to a tenth of the base unit (0.1 train, 0.1 TEU, 0.1 yuan): finer
# than any source states, and coarse enough that float noise (692.6994906...) stays out.
DERIVED_DECIMALS = 1


def rows_from_figures(figures: Iterable[Figure], source_id: str) -> list[dict[str, object]]:
    """Return one reported contract row per figure, with unit, region, route and series filled."""
    metrics = load_metrics()
    rows = []
    for fig in figures:
        region, route = resolve_region(fig.scope), resolve_route(fig.scope)
        rows.append(
            {
                "metric": fig.metric,
                "value": float(fig.value),
                "qualifier": fig.qualifier,
                "unit": metrics[fig.metric].unit,
                "period_start": _ts(fig.period_start),
                "period_end": _ts(fig.period_end),
                "region": region,
                "route": route,
                "scope": fig.scope,
                "series": resolve_series(fig.metric, region, route, fig.scope),
                "yoy_pct": float("nan") if fig.yoy_pct is None else float(fig.yoy_pct),
                "basis": "reported",
                "source_id": source_id,
                "quote": fig.quote,
            }
        )
    return rows


def _ts(value: date | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def shift_year_back(day: pd.Timestamp) -> pd.Timestamp:
    """Return the same calendar day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _shift_period_end(end: pd.Timestamp) -> pd.Timestamp:
    # A period ending on a month's last day ends on that month's last day a year earlier too
    # (e.g. Jan–Feb 2025 ends 28 Feb, Jan–Feb 2024 ends 29 Feb).
    if end.is_month_end:
        return (end - pd.DateOffset(years=1)) + pd.offsets.MonthEnd(0)
    return shift_year_back(end)


def derive_prior_year(row: dict[str, object]) -> dict[str, object] | None:
    """Return the derived prior-year row of a reported flow figure with a yoy rate, else None."""
    metric = load_metrics()[str(row["metric"])]
    yoy = row["yoy_pct"]
    start = row["period_start"]
    if metric.kind != "flow" or not isinstance(yoy, float) or math.isnan(yoy):
        return None
    if not isinstance(start, pd.Timestamp) or yoy <= -100.0:
        return None
    if is_bound(row.get("qualifier")):
        # A bound (超1万列) with a rate gives no prior-year value: only a bound of unknown kind.
        return None
    rate = yoy
    value = float(str(row["value"]))
    prior = round(value / (1 + rate / 100), DERIVED_DECIMALS)
    start_ts = start
    end_ts = pd.Timestamp(str(row["period_end"]))
    shown = format_number(prior)
    formula = (
        f"推算 derived: {format_number(value)} ÷ (1 + {format_number(rate)}%) = {shown} "
        f"（上年同期值，由同比增速倒推 / prior-year value computed from the stated yoy rate）"
    )
    return {
        **row,
        "value": prior,
        "period_start": shift_year_back(start_ts),
        "period_end": _shift_period_end(end_ts),
        "yoy_pct": float("nan"),
        "basis": "derived",
        "quote": formula,
    }


def add_derived(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Return the rows with each reported flow figure's derived prior-year row right after it."""
    out: list[dict[str, object]] = []
    for row in rows:
        out.append(row)
        derived = derive_prior_year(row)
        if derived is not None:
            out.append(derived)
    return out


def frame_from_rows(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Return rows as a frame of the contract's columns (dtypes fixed even when empty)."""
    frame = pd.DataFrame(rows, columns=list(OBSERVATION_COLUMNS))
    for col in ("period_start", "period_end"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    for col in ("value", "yoy_pct"):
        frame[col] = frame[col].astype(float)
    return frame


def refuse_breaking_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame without derived prior-year rows that break their series (below a third
    or above three times their reported neighbours, as `corridor check` questions them)."""
    if not len(frame) or not (frame["basis"] == "derived").any():
        return frame
    hits = derived_breaks_series(prepare(frame), frame)
    if not len(hits):
        return frame
    # A rate of 200% and more makes a prior-year value a third of the figure or less: the
    # stated rate stays on its figure, only the computed value is refused.
    return frame.drop(index=list(hits["r0"])).reset_index(drop=True)
