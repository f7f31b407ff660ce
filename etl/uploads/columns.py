"""An upload's columns: the headers analysts write for each, which are required, typed or
bounded, and the check that a file names the right ones."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.vocabulary import alias_text
from etl.uploads.limits import refuse

# Naming a few wrong columns helps; echoing thousands of them makes the message the attack.
MAX_LISTED_COLUMNS = 20


REQUIRED_COLUMNS = ("metric", "value", "unit", "period_end", "scope", "source_id")


# The Chinese headers of the template (first) and other words people use for each column.
HEADERS_ZH: dict[str, tuple[str, ...]] = {
    "metric": ("指标", "指标名称"),
    "value": ("数值", "值", "数据"),
    "qualifier": ("限定", "限定词", "数值限定"),
    "unit": ("单位",),
    "period_start": ("起始日期", "开始日期", "起始"),
    "period_end": ("截止日期", "结束日期", "截止"),
    "region": ("地区", "区域"),
    "route": ("线路", "路线"),
    "scope": ("口径", "统计口径", "范围"),
    "series": ("系列", "系列编号"),
    "yoy_pct": ("同比（%）", "同比", "同比增速", "同比增长", "同比增速（%）"),
    "basis": ("类型", "数据类型", "数值类型"),
    "source_id": ("来源编号", "来源", "来源id"),
    "quote": ("原文", "原文摘录", "引文"),
}


OPTIONAL_COLUMNS = (
    "qualifier",
    "period_start",
    "region",
    "route",
    "series",
    "yoy_pct",
    "basis",
    "quote",
)


NUMBER_COLUMNS = ("value", "yoy_pct")


DATE_COLUMNS = ("period_start", "period_end")


# Columns that hold numbers and dates once parsed; every other column holds text.
TYPED_COLUMNS = (*NUMBER_COLUMNS, *DATE_COLUMNS)


# Longest text a cell may hold: scope and quote follow the schema; keys are short words.
MAX_LENGTHS = {
    "metric": 64,
    "unit": 64,
    "region": 64,
    "route": 64,
    "basis": 16,
    "scope": 500,
    "series": 80,
    "source_id": 200,
    "quote": 5000,
    # 2025年11月1日 or Excel's 2025/11/1 0:00:00 are longer than ISO's ten characters.
    "period_start": 32,
    "period_end": 32,
    "value": 40,
    "yoy_pct": 40,
}


@cache
def _header_aliases() -> dict[str, str]:
    out = {alias_text(c): c for c in OBSERVATION_COLUMNS}
    for col, words in HEADERS_ZH.items():
        for word in words:
            out.setdefault(alias_text(word), col)
    return out


def header_key(header: object) -> str:
    """Return the contract column a header names (English key or Chinese label), else it trimmed."""
    text = str(header).strip()
    return _header_aliases().get(alias_text(text), text.lower())


def check_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the frame with normalised column names, refusing missing, unknown or repeated ones."""
    names = [header_key(c) for c in frame.columns]
    problems: list[Problem] = []
    known = set(OBSERVATION_COLUMNS)
    # Counted once (linear): names.count() per name was quadratic in the number of columns.
    counts = Counter(names)
    for col in sorted(c for c, n in counts.items() if n > 1)[:MAX_LISTED_COLUMNS]:
        problems.append(Problem("列名重复", "a column appears twice", name, 1, col, col))
    unknown = [(o, c) for o, c in zip(frame.columns, names, strict=True) if c not in known]
    for original, _col in unknown[:MAX_LISTED_COLUMNS]:
        problems.append(
            Problem(
                "未知的列（列名须与模板一致）",
                "unknown column (names must match the template)",
                name,
                1,
                str(original),
                str(original),
            )
        )
    if len(unknown) > MAX_LISTED_COLUMNS:
        rest = len(unknown) - MAX_LISTED_COLUMNS
        problems.append(
            Problem(f"另有 {rest} 个未知的列未列出", f"{rest} more unknown columns not listed")
        )
    for col in REQUIRED_COLUMNS:
        if col not in counts:
            problems.append(Problem("缺少必需的列", "a required column is missing", name, 1, col))
    if problems:
        raise CorridorError(problems)
    out = frame.copy()
    out.columns = names
    if out.empty:
        raise refuse("文件没有数据行", "the file has no data rows", name)
    return out
