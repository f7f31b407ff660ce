"""Conflicts: one series and period, several reported values. Each is kept with its source; the
series' preferred body names the value a chart draws, the others stay beside it (另据 / also)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

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


def _prefers(frame: pd.DataFrame) -> pd.Series:
    catalogue = series_by_key()
    text = _text(frame["scope"]) + " " + _text(frame["quote"])
    out = pd.Series(False, index=frame.index)
    for key, rows in frame.groupby(_text(frame["series"]), sort=False).groups.items():
        series = catalogue.get(str(key))
        if series is None or not series.prefer:
            continue
        pattern = "|".join(series.prefer)
        out.loc[rows] = text.loc[rows].str.contains(pattern, regex=True)
    return out


def preferred_values(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return per series and period the preferred reported value and the others with sources.

    Preferred: a figure whose scope or quote names the series' preferred body, then the most
    recently published source, then the first row. `others` lists (value, source_id) of every
    other distinct value: never averaged, summed or dropped. `conflict` is true where there are.
    """
    rows = frame.loc[(_text(frame["basis"]) == "reported") & (_text(frame["series"]) != "")]
    if not len(rows):
        return pd.DataFrame(columns=list(COLUMNS))
    work = rows.assign(
        _prefer=_prefers(rows),
        _published=_published(rows, sources),
        _order=range(len(rows)),
        _start=_text(rows["period_start"].astype("object")),
    )
    work = work.sort_values(
        ["_prefer", "_published", "_order"], ascending=[False, False, True], na_position="last"
    )
    out = []
    for (_, _, _), group in work.groupby(
        ["series", "_start", "period_end"], sort=True, dropna=False
    ):
        best = group.iloc[0]
        seen = {float(best["value"])}
        others: list[tuple[float, str]] = []
        for value, source in zip(group["value"], group["source_id"], strict=True):
            if float(value) not in seen:
                seen.add(float(value))
                others.append((float(value), str(source)))
        out.append(
            {
                "series": best["series"],
                "period_start": best["period_start"],
                "period_end": best["period_end"],
                "value": float(best["value"]),
                "source_id": best["source_id"],
                "quote": best["quote"],
                "others": tuple(others),
                "conflict": bool(others),
            }
        )
    return pd.DataFrame(out, columns=list(COLUMNS))


def also_reported(
    others: tuple[tuple[float, str], ...], lang: str, fmt: Callable[[float], str] = str
) -> str:
    """Return the hover line naming the other values ("另据… / also reported…"), or ''."""
    if not others:
        return ""
    parts = [f"{fmt(v)}（{s}）" if lang == "zh" else f"{fmt(v)} ({s})" for v, s in others]
    return ("另据：" + "；".join(parts)) if lang == "zh" else ("Also reported: " + "; ".join(parts))
