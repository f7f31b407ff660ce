"""Number and date cells read as analysts type them (1,234.5; 2025/11/1, 2025年11月), every
cell that is neither recorded as a problem."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.contract.errors import Problem
from etl.uploads.cell_checks import matches_re2
from etl.uploads.problem_list import ProblemList

# Plain digits, or thousands separators in strict groups of three; a decimal part is optional.
UNSIGNED_NUMBER_RE = r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?"


VALUE_RE = rf"^{UNSIGNED_NUMBER_RE}$"


YOY_RE = rf"^-?{UNSIGNED_NUMBER_RE}$"


CN_SCALE_RE = r"[万亿千百]"


NON_FINITE_RE = r"^[+-]?(?:nan|inf|infinity)$"


NOT_FINITE = ("数值必须是有限数（不接受 NaN、inf）", "value must be a finite number")


# The table holds dates as nanosecond timestamps: 1677-09-21 to 2262-04-11.
DATE_OUT_OF_RANGE = (
    "日期超出范围（1677–2262），请检查年份",
    "date out of range (1677–2262): check the year",
)


def parse_number_column(text: pd.Series, col: str, problems: ProblemList) -> pd.Series:
    """Return a float column from text, recording every cell that is not a plain number."""
    pattern = VALUE_RE if col == "value" else YOY_RE
    filled = text != ""
    good = text.str.match(pattern)
    # Only the filled cells that are not plain numbers can have a problem: the hints are read
    # from those alone (none, in most files), by their row labels as before.
    bad = (filled & ~good).to_numpy(dtype=bool)
    if bad.any():
        _record_not_numbers(text[bad], col, problems)
    cleaned = text.where(good & filled, "").str.replace(",", "", regex=False)
    return pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype(float)


def _record_not_numbers(text: pd.Series, col: str, problems: ProblemList) -> None:
    """Record why each filled cell that is not a plain number is refused, with a hint."""
    scaled = text.str.contains(CN_SCALE_RE, regex=True)
    nonfinite = text.str.lower().str.match(NON_FINITE_RE)
    negative = (col == "value") & text.str.match(rf"^-{UNSIGNED_NUMBER_RE}$")
    problems.add_mask(
        scaled,
        text,
        col,
        "数字不能带“万”“亿”等单位，请换算成基本单位（如 1.5万 → 15000）",
        "numbers must be in base units, without 万/亿 (1.5万 → 15000)",
    )
    problems.add_mask(nonfinite, text, col, *NOT_FINITE)
    problems.add_mask(negative, text, col, "数值不能为负数", "value must not be negative")
    other = ~scaled & ~nonfinite & ~negative
    # Only a cell that looks like a number with separators gets the separator hint.
    separated = text.str.match(r"^-?[0-9][0-9,]*(?:\.[0-9]+)?$")
    problems.add_mask(
        other & separated,
        text,
        col,
        "不是有效的数字（千位分隔符须每三位一组，如 1,234,567.8）",
        "not a valid number (thousands separators only in groups of three: 1,234,567.8)",
    )
    digits = text.str.contains("[0-9]", regex=True)
    problems.add_mask(
        other & ~separated & digits,
        text,
        col,
        "不是有效的数字（请只写数字，如 12000 或 12.5）",
        "not a valid number (write digits only: 12000 or 12.5)",
    )
    problems.add_mask(other & ~digits, text, col, "不是数字", "not a number")


# Dates as spreadsheet users type them: 2025-11-01, 2025/11/1, 2025.11.1, 2025年11月1日, and a
# month alone (2025-11, 2025/11, 2025年11月); a midnight time (what Excel shows) is allowed.
DATE_PARTS_RE = (
    r"^(?P<y>[0-9]{4})\s*(?:[-/.]|年)\s*(?P<m>[0-9]{1,2})\s*"
    r"(?:(?:[-/.]|月)\s*(?P<d>[0-9]{1,2})\s*日?|月)?"
    r"(?:[ T]0?0:00(?::00(?:\.0+)?)?)?$"
)


# A date exactly as ISO writes it (RE2: $ is the end of the text, as DATE_PARTS_RE's parts
# would read it back unchanged).
ISO_DATE_RE2 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _date_parts(text: pd.Series, wanted: pd.Series) -> pd.DataFrame:
    """Return DATE_PARTS_RE's y, m and d for the wanted cells; missing (NaN) elsewhere."""
    parts = pd.DataFrame(np.nan, index=text.index, columns=["y", "m", "d"], dtype=object)
    mask = wanted.to_numpy(dtype=bool)
    if mask.any():
        found = text[mask].str.extract(DATE_PARTS_RE)[["y", "m", "d"]]
        parts.loc[mask, ["y", "m", "d"]] = found.to_numpy(dtype=object, na_value=np.nan)
    return parts


def table_dates(read: pd.Series, shown: pd.Series, col: str, problems: ProblemList) -> pd.Series:
    """Return dates read at any resolution as the table's nanosecond dates, recording each one
    beyond 1677–2262 (DATE_OUT_OF_RANGE, with the cell as shown) and leaving it empty."""
    beyond = read.notna() & ((read < pd.Timestamp.min) | (read > pd.Timestamp.max))
    problems.add_mask(beyond, shown, col, *DATE_OUT_OF_RANGE)
    return read.where(~beyond).astype("datetime64[ns]")


def parse_date_column(
    text: pd.Series, col: str, problems: ProblemList, notes: list[Problem] | None = None
) -> pd.Series:
    """Return a datetime column from dates as typed, recording every cell that is not a date.

    A month alone means its first day as a start and its last day as an end.
    """
    filled = text != ""
    # Most cells are ISO dates already: they are read as they stand, and only the others go
    # through DATE_PARTS_RE cell by cell (which reads an ISO date as the same date).
    iso_like = pd.Series(matches_re2(text, ISO_DATE_RE2), index=text.index)
    parts = _date_parts(text, filled & ~iso_like)
    shaped = iso_like | parts["y"].notna()
    month_only = shaped & ~iso_like & parts["d"].isna()
    day = parts["d"].where(~month_only, "1")
    iso: pd.Series = pd.Series(np.nan, index=text.index, dtype=object)
    # Only the cells not written as ISO are rebuilt from their parts (most files have none).
    others = (filled & ~iso_like).to_numpy(dtype=bool)
    if others.any():
        y, m, d = parts["y"][others], parts["m"][others], day[others].fillna("1")
        iso.loc[others] = y + "-" + m.str.zfill(2) + "-" + d.str.zfill(2)
    iso = iso.where(~iso_like, text)
    # Read at the resolution pandas picks (seconds reach far beyond 1677–2262), so that a date
    # the table cannot hold is named, not a vague OutOfBoundsDatetime from the conversion.
    read = pd.to_datetime(iso.where(shaped, None), format="%Y-%m-%d", errors="coerce")
    if col == "period_end" and month_only.any():
        ends = read[month_only] + pd.offsets.MonthEnd(0)
        read = read.where(~month_only, ends)
    parsed = table_dates(read, text, col, problems)
    problems.add_mask(
        filled & ~shaped,
        text,
        col,
        "不是日期（可写 2025-11-01、2025/11/1、2025年11月1日，或月份 2025-11、2025年11月）",
        "not a date (write 2025-11-01, 2025/11/1, 2025年11月1日, or a month: 2025-11)",
    )
    problems.add_mask(
        shaped & parsed.isna(), text, col, "不是真实存在的日期", "not a real calendar date"
    )
    if notes is not None and (month_only & parsed.notna()).any():
        first = month_only[month_only & parsed.notna()].index[0]
        count = int((month_only & parsed.notna()).sum())
        which_zh, which_en = ("第一天", "first") if col != "period_end" else ("最后一天", "last")
        shown = parsed[first].date().isoformat()
        notes.append(
            Problem(
                f"{count} 个只写了月份的日期按该月{which_zh}读取（如 {text[first]} → {shown}）",
                f"{count} dates giving only a month were read as its {which_en} day "
                f"({text[first]} → {shown})",
                problems.name,
                int(first) + 2,
                col,
                str(text[first]),
            )
        )
    return parsed
