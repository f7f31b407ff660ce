"""The record check's working frame: the columns every rule reads (typed values, period kind,
chart line, value range, preference rank) and the hits frame rules return."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from etl.contract.conflicts import preference_rank
from etl.contract.period_kinds import period_kinds
from etl.contract.qualifiers import ABOUT, BOUNDS, NEARLY, OVER, UNDER
from etl.contract.series import load_series

# How far a rounded report (约 / 近 4.5亿) may be from the true value: reports round to two or
# three significant figures, so a tenth covers them without excusing a real contradiction.
ROUNDING_SLACK = 0.1


def text_values(values: pd.Series) -> pd.Series:
    """Return a column as text, missing values as ''."""
    return values.astype("object").where(values.notna(), "").astype(str)


def _bounds(value: np.ndarray, qualifier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The range a stated figure allows: exact [v, v]; 超 [v, ∞); 不到 [0, v]; 约 v ± a tenth;
    # 近 just under v.
    low = value.copy()
    high = value.copy()
    low[qualifier == UNDER] = 0.0
    high[qualifier == OVER] = np.inf
    about = qualifier == ABOUT
    low[about] = value[about] * (1 - ROUNDING_SLACK)
    high[about] = value[about] * (1 + ROUNDING_SLACK)
    nearly = qualifier == NEARLY
    low[nearly] = value[nearly] * (1 - ROUNDING_SLACK)
    return low, high


def _codes(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(pd.factorize(values, use_na_sentinel=False)[0], dtype=np.int64)


def combined_codes(*columns: pd.Series | np.ndarray) -> np.ndarray:
    """Return one code per distinct combination of the columns, from each column's codes."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes = _codes(column)
        key = _codes(key * (int(codes.max(initial=0)) + 1) + codes)
    return key


def _category(values: pd.Series) -> pd.Categorical:
    # A text column as codes over its few distinct values ("" for missing): rules compare and
    # group codes, never a million strings.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = np.asarray(["" if u is None or u != u else str(u) for u in uniques] + [""], object)
    codes = np.where(codes < 0, len(names) - 1, codes)
    distinct, inverse = np.unique(names, return_inverse=True)
    return pd.Categorical.from_codes(
        np.asarray(inverse[codes], dtype=np.int64),
        categories=pd.Index(distinct),
    )


def _ranks(work: pd.DataFrame, frame: pd.DataFrame, sources: pd.DataFrame | None) -> np.ndarray:
    # conflicts.preference_rank where a series period holds several reported rows; a lone row
    # is its period's value (rank 0). -2: not ranked (derived, or in no series).
    ranked = ((work["series"] != "") & (work["basis"] == "reported")).to_numpy()
    out = np.full(len(work), -2, dtype=np.int64)
    out[ranked] = 0
    period = combined_codes(work["series"].cat.codes, work["start"], work["end"])
    shared = ranked & (np.bincount(period[ranked], minlength=period.max(initial=0) + 1)[period] > 1)
    if shared.any():
        columns = ["series", "basis", "period_start", "period_end", "value", "source_id"]
        if "qualifier" in frame:
            # The ranking puts an exact figure before a bound of the same period.
            columns.append("qualifier")
        rows = frame.loc[shared, [*columns, "scope", "quote"]]
        # Only a series naming a preferred body reads its rows' scope and quote (the body's
        # cues); other rows' text is left out, which halves the ranking of a million rows.
        cued = rows["series"].isin([s.key for s in load_series() if s.prefer])
        rows = rows.assign(scope=rows["scope"].where(cued, ""), quote=rows["quote"].where(cued, ""))
        out[shared] = preference_rank(rows, sources).to_numpy()
    return out


def prepare(observations: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the columns every rule reads: typed, with period kind, line, value range and the
    place of each reported value among its series and period (conflicts.preference_rank)."""
    frame = observations
    start = pd.to_datetime(frame["period_start"], errors="coerce")
    end = pd.to_datetime(frame["period_end"], errors="coerce")
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    qualifier = _category(
        frame["qualifier"] if "qualifier" in frame else pd.Series("", frame.index)
    )
    low, high = _bounds(value, np.asarray(qualifier.astype(object)))
    kind = _category(period_kinds(frame["period_start"], frame["period_end"], frame["metric"]))
    series = _category(frame["series"] if "series" in frame else pd.Series("", frame.index))
    # A chart line: one series and one kind; running totals and cumulative totals are only
    # comparable with those of the same cut-off month and the same start (codes, not text).
    is_ytd = np.asarray(kind == "ytd")
    is_since = np.asarray(kind == "since")
    sub = np.where(
        is_ytd,
        end.dt.month.fillna(0).to_numpy(dtype=np.int64),
        np.where(is_since, _codes(start) + 13, 0),
    )
    work = pd.DataFrame(
        {
            "series": series,
            "basis": _category(frame["basis"]),
            "qualifier": qualifier,
            "bound": np.asarray(qualifier.isin(BOUNDS)),
            "value": value,
            "low": low,
            "high": high,
            "yoy": pd.to_numeric(frame["yoy_pct"], errors="coerce").to_numpy(dtype=float),
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "kind": kind,
            "line": combined_codes(series.codes, kind.codes, sub),
        },
        index=frame.index,
    )
    work["rank"] = _ranks(work, frame, sources)
    return work


def hit_frame(*rows: Any, zh: Any = "", en: Any = "") -> pd.DataFrame:
    """Return hits as a frame: up to three row labels each (r0 the row questioned), details."""
    n = len(rows[0])
    columns = {f"r{i}": np.asarray(r, dtype=object) for i, r in enumerate(rows)}
    for i in range(len(rows), 3):
        columns[f"r{i}"] = np.full(n, None, dtype=object)
    # Object columns: a detail per row is one of a few strings, never converted a million times.
    for name, text in (("zh", zh), ("en", en)):
        columns[name] = np.full(n, text, dtype=object) if isinstance(text, str) else text
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


NO_HITS = hit_frame([])


def nearest_on_line(
    work: pd.DataFrame, rows: pd.DataFrame, direction: Literal["backward", "forward"]
) -> pd.DataFrame:
    # The nearest reported point of the same line by period end (as-of join: linear after a
    # sort). Positions, not labels: a missing neighbour turns the column to floats.
    left = rows.assign(_row=np.arange(len(rows))).sort_values("end", kind="stable")
    right = work.assign(_nb=np.arange(len(work))).sort_values("end", kind="stable")
    joined = pd.merge_asof(
        left[["_row", "end", "line"]],
        right[["_nb", "end", "line", "low", "high"]],
        on="end",
        by="line",
        direction=direction,
        allow_exact_matches=True,
    )
    return joined.sort_values("_row").set_index(rows.index)


def labels_at(index: pd.Index, positions: pd.Series) -> np.ndarray:
    """Return the index labels at positions, None where there is no position."""
    found = positions.notna().to_numpy()
    out = np.full(len(positions), None, dtype=object)
    out[found] = index.to_numpy(dtype=object)[positions.to_numpy()[found].astype(np.int64)]
    return out
