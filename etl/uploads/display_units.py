"""Values in the units the dashboard shows (万标箱, 亿元) converted to base units, with a note
for each conversion, and the warning for yoy cells that look like fractions."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from etl.contract.errors import Problem
from etl.contract.tables import format_number
from etl.contract.vocabulary import (
    SCALE_DIVISORS,
    alias_text,
    load_metrics,
    unit_aliases,
    value_aliases,
)

# Scale words a unit may carry (万标箱, 亿元, thousand TEU), longest first so 万亿 is not 万.
SCALE_WORDS = sorted((w for w in SCALE_DIVISORS if w), key=len, reverse=True)


def read_display_units(
    text: pd.DataFrame, name: str
) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Return the frame with display units (万标箱, 亿元) as the metric's unit, each row's factor
    to base units, and one note per converted unit."""
    factor = pd.Series(1.0, index=text.index)
    if "unit" not in text or "metric" not in text:
        return text, factor, []
    metrics = load_metrics()
    metric_keys = value_aliases("metric")
    out = text.copy()
    notes: list[Problem] = []
    for metric_text, unit_text in out[["metric", "unit"]].drop_duplicates().itertuples(index=False):
        metric = metric_keys.get(alias_text(str(metric_text)))
        unit = alias_text(str(unit_text))
        if metric is None or unit == "" or unit in unit_aliases(metric):
            continue
        word = next((w for w in SCALE_WORDS if unit.startswith(alias_text(w))), None)
        if word is None or unit[len(alias_text(word)) :] not in unit_aliases(metric):
            continue
        rows = (out["metric"] == metric_text) & (out["unit"] == unit_text)
        factor[rows] = SCALE_DIVISORS[word]
        out.loc[rows, "unit"] = metrics[metric].unit
        first = rows[rows].index[0]
        notes.append(
            Problem(
                f"{int(rows.sum())} 行的数值按单位“{unit_text}”乘以 {SCALE_DIVISORS[word]:,.0f}，"
                f"存为{metrics[metric].unit_zh}（{metrics[metric].unit}）",
                f"{int(rows.sum())} rows in '{unit_text}' were multiplied by "
                f"{SCALE_DIVISORS[word]:,.0f} and stored in {metrics[metric].unit}",
                name,
                int(first) + 2,
                "unit",
                str(unit_text),
            )
        )
    return out, factor, notes


def scaled_values(values: pd.Series, factor: pd.Series, notes: list[Problem]) -> pd.Series:
    """Return values times their unit factor; each unit note gains its first row's example."""
    # Rounded to a millionth: 8.8 × 1e8 is 880000000.0000001 in binary floating point.
    out = (values * factor).round(6)
    for i, note in enumerate(notes):
        index = note.row - 2 if note.row is not None else None
        if index is not None and index in values.index and pd.notna(values[index]):
            example = f"{format_number(float(values[index]))} → {format_number(float(out[index]))}"
            notes[i] = replace(
                note, zh=f"{note.zh}（如 {example}）", en=f"{note.en} (e.g. {example})"
            )
    return out


def yoy_fraction_note(text: pd.Series, yoy: pd.Series, name: str) -> Problem | None:
    """Return a warning when yoy cells look like fractions (0.123 for 12.3%) and no cell has %."""
    if text.str.contains("[%％]", regex=True).any():
        return None
    small = yoy.notna() & (yoy != 0) & (yoy.abs() < 1)
    if not small.any():
        return None
    first = small[small].index[0]
    shown = format_number(float(yoy[first]))
    meant = format_number(round(float(yoy[first]) * 100, 10))
    return Problem(
        f"请检查：{int(small.sum())} 个同比值的绝对值小于 1 且全列没有 % 号；同比以百分数计"
        f"（{shown} 即 {shown}%）。若 {shown} 指 {meant}%，请改写后再上传",
        f"check: {int(small.sum())} yoy values are below 1 in size and no cell has a % sign; yoy "
        f"is in percent ({shown} means {shown}%). If {shown} means {meant}%, fix the file and "
        "upload it again",
        name,
        int(first) + 2,
        "yoy_pct",
        str(text[first]),
    )
