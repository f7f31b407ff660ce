"""Conflicts: one series and period, several reported values. Each is kept with its source; the
series' preferred body names the value a chart draws, the others stay beside it (另据 / also)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.contract.qualifiers import BOUNDS
from etl.contract.series import series_by_key

COLUMNS = (
    "series",
    "period_start",
    "period_end",
    "value",
    "source_id",
    "quote",
    "others",
    "conflict",
)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), "").astype(str)


def _published(frame: pd.DataFrame, sources: pd.DataFrame | None) -> pd.Series:
    if sources is None or not len(sources):
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    when = sources.drop_duplicates("source_id").set_index("source_id")["published"]
    return pd.to_datetime(_text(frame["source_id"]).map(when), errors="coerce")


def _contains(text: pd.Series, pattern: str) -> pd.Series:
    # Arrow's RE2 engine in one pass (the cue words are plain alternations); Python's re where
    # RE2 cannot read a pattern.
    try:
        found = pc.match_substring_regex(pa.array(text.to_numpy(dtype=object)), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return text.str.contains(pattern, regex=True)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index, dtype=bool)


def _exact(frame: pd.DataFrame) -> pd.Series:
    # A figure stated exactly (505万) comes before a bound of the same period (首次超500万).
    if "qualifier" not in frame:
        return pd.Series(True, index=frame.index)
    return ~_text(frame["qualifier"]).isin(BOUNDS)


def _prefers(frame: pd.DataFrame) -> pd.Series:
    catalogue = series_by_key()
    text = _text(frame["scope"]) + " " + _text(frame["quote"])
    out = pd.Series(False, index=frame.index)
    for key, rows in frame.groupby(_text(frame["series"]), sort=False).groups.items():
        series = catalogue.get(str(key))
        if series is None or not series.prefer:
            continue
        pattern = "|".join(series.prefer)
        out.loc[rows] = _contains(text.loc[rows], pattern).to_numpy()
    return out


def preference_rank(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.Series:
    """Return each row's place among the distinct values of its series, basis and period.

    0 is the value preferred_values would choose (an exact figure before a bound, then a
    reported row naming the preferred body, then the latest published, then the first);
    1, 2, … the other distinct values in the same order; a repeat of a value already ranked
    gets -1. Vectorised: a view can bound the rows it turns into records before choosing,
    whatever the table's size.
    """
    if not len(frame):
        return pd.Series([], index=frame.index, dtype=int)
    # Groups by codes, not text: each column's distinct values numbered (a missing cell is -1).
    work = pd.DataFrame(
        {
            "series": pd.factorize(frame["series"])[0],
            "basis": pd.factorize(frame["basis"])[0],
            "start": pd.factorize(frame["period_start"])[0],
            "end": pd.factorize(frame["period_end"])[0],
            "value": frame["value"].astype(float),
            "_exact": _exact(frame),
            "_prefer": _prefers(frame),
            "_published": _published(frame, sources),
            "_order": range(len(frame)),
        },
        index=frame.index,
    )
    work = work.sort_values(
        ["_exact", "_prefer", "_published", "_order"],
        ascending=[False, False, False, True],
        na_position="last",
    )
    group = ["series", "basis", "start", "end"]
    first = ~work.duplicated([*group, "value"])
    rank = pd.Series(-1, index=work.index)
    rank[first] = work.loc[first].groupby(group, sort=False).cumcount()
    return rank.reindex(frame.index)


def preferred_values(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return per series and period the preferred reported value and the others with sources.

    Preferred: an exact figure before a bound (505万 before 首次超500万), then a figure whose
    scope or quote names the series' preferred body, then the most
    recently published source, then the first row. `others` lists (value, source_id) of every
    other distinct value: never averaged, summed or dropped. `conflict` is true where there are.
    """
    rows = frame.loc[(_text(frame["basis"]) == "reported") & (_text(frame["series"]) != "")]
    if not len(rows):
        return pd.DataFrame(columns=list(COLUMNS))
    work = rows.assign(
        _exact=_exact(rows),
        _prefer=_prefers(rows),
        _published=_published(rows, sources),
        _order=range(len(rows)),
        _start=_text(rows["period_start"].astype("object")),
    )
    work = work.sort_values(
        ["_exact", "_prefer", "_published", "_order"],
        ascending=[False, False, False, True],
        na_position="last",
    )
    keys = ["series", "_start", "period_end"]
    # The first row of each series and period in preference order is its value; every other
    # distinct value follows it in that order (vectorised: a period may hold thousands of rows).
    best = work.drop_duplicates(keys, keep="first")
    distinct = work.assign(_value=work["value"].astype(float)).drop_duplicates(
        [*keys, "_value"], keep="first"
    )
    rest = distinct.loc[~distinct["_order"].isin(best["_order"])]
    others: dict[tuple[object, ...], list[tuple[float, str]]] = {}
    for series, start, end, value, source in zip(
        rest["series"],
        rest["_start"],
        rest["period_end"],
        rest["_value"],
        rest["source_id"],
        strict=True,
    ):
        others.setdefault((series, start, _end_key(end)), []).append((float(value), str(source)))
    best = best.sort_values(keys, kind="stable")
    out = []
    for row in best.to_dict("records"):
        found = tuple(others.get((row["series"], row["_start"], _end_key(row["period_end"])), ()))
        out.append(
            {
                "series": row["series"],
                "period_start": row["period_start"],
                "period_end": row["period_end"],
                "value": float(row["value"]),
                "source_id": row["source_id"],
                "quote": row["quote"],
                "others": found,
                "conflict": bool(found),
            }
        )
    return pd.DataFrame(out, columns=list(COLUMNS))


def _end_key(end: object) -> object:
    # A period end as a dictionary key: NaT and NaN are one missing end.
    stamp = pd.Timestamp(end) if end is not None else pd.NaT  # type: ignore[arg-type]
    return None if stamp is pd.NaT else stamp


def also_reported(
    others: tuple[tuple[float, str], ...], lang: str, fmt: Callable[[float], str] = str
) -> str:
    """Return the hover line naming the other values ("另据… / also reported…"), or ''."""
    if not others:
        return ""
    parts = [f"{fmt(v)}（{s}）" if lang == "zh" else f"{fmt(v)} ({s})" for v, s in others]
    return ("另据：" + "；".join(parts)) if lang == "zh" else ("Also reported: " + "; ".join(parts))
