"""The table contract (docs/contract.md) as pandera schemas, checked on write and on read.

Pandera is imported when a schema is built or a frame validated, not with this module: most of its
importers want only the column names, and a command that validates nothing in its own process
(`corridor ingest`: the upload's limited child validates) is spared its ~0.3 s import.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.qualifiers import QUALIFIERS
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics, load_regions, load_routes

if TYPE_CHECKING:
    import pandera.pandas as pa

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "metric",
    "value",
    "qualifier",
    "unit",
    "period_start",
    "period_end",
    "region",
    "route",
    "scope",
    "series",
    "yoy_pct",
    "basis",
    "source_id",
    "quote",
)
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_id",
    "title",
    "publisher",
    "published",
    "published_inferred",
    "url",
    "kind",
    "file_name",
    "sha256",
    "added_by",
    "added_at",
    "note",
)
BASES = ("reported", "derived")
SOURCE_KINDS = ("article", "brief", "upload", "synthetic")
# The contract bounds period_end: nothing before the corridor's prehistory, nothing in the future
# beyond a month (a report published late in a month may state the month's end).
EARLIEST_PERIOD = pd.Timestamp("1990-01-01")
FUTURE_MARGIN = timedelta(days=31)
# yoy below -100% would mean a negative prior value.
MIN_YOY = -100.0


def latest_period_end() -> pd.Timestamp:
    """Return the latest period_end the contract accepts today."""
    return pd.Timestamp(date.today() + FUTURE_MARGIN)


# Cross-column checks, each reported against the column a user would correct.
CROSS_CHECK_COLUMNS = {
    "unit must be the metric's unit": "unit",
    "value above the metric's plausible maximum": "value",
    "period_start must not be after period_end": "period_start",
}


def _units_match(df: pd.DataFrame) -> pd.Series:
    units = {k: m.unit for k, m in load_metrics().items()}
    expected = df["metric"].astype("object").map(units)
    return pd.Series(df["unit"].astype("object") == expected, index=df.index)


def _within_max(df: pd.DataFrame) -> pd.Series:
    bounds = {k: m.max_value for k, m in load_metrics().items()}
    limit = df["metric"].astype("object").map(bounds).astype(float).fillna(float("inf"))
    return pd.Series(df["value"].astype(float) <= limit, index=df.index)


def _period_ordered(df: pd.DataFrame) -> pd.Series:
    start, end = df["period_start"], df["period_end"]
    return pd.Series(start.isna() | end.isna() | (start <= end), index=df.index)


def observations_schema() -> pa.DataFrameSchema:
    """Return the schema of the observations table, its value sets from the vocabulary."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "metric": pa.Column(str, pa.Check.isin(list(load_metrics()))),
            "value": pa.Column(
                float,
                [pa.Check.ge(0), pa.Check(lambda s: s.abs() != float("inf"), error="finite")],
            ),
            "qualifier": pa.Column(str, pa.Check.isin(list(QUALIFIERS))),
            "unit": pa.Column(str),
            "period_start": pa.Column("datetime64[ns]", nullable=True),
            "period_end": pa.Column(
                "datetime64[ns]",
                pa.Check(
                    lambda s: (s >= EARLIEST_PERIOD) & (s <= latest_period_end()),
                    error="period_end between 1990-01-01 and a month after today",
                ),
            ),
            "region": pa.Column(str, pa.Check.isin([r.key for r in load_regions()])),
            "route": pa.Column(str, pa.Check.isin(["", *[r.key for r in load_routes()]])),
            "scope": pa.Column(str, pa.Check.str_length(1, 500)),
            "series": pa.Column(str, pa.Check.isin(["", *(s.key for s in load_series())])),
            "yoy_pct": pa.Column(
                float,
                pa.Check(lambda s: s.isna() | ((s >= MIN_YOY) & (s.abs() < 1e6)), error="yoy"),
                nullable=True,
            ),
            "basis": pa.Column(str, pa.Check.isin(list(BASES))),
            "source_id": pa.Column(str, pa.Check.str_length(1, 200)),
            "quote": pa.Column(str, pa.Check.str_length(1, 5000)),
        },
        checks=[
            pa.Check(_units_match, error="unit must be the metric's unit"),
            pa.Check(_within_max, error="value above the metric's plausible maximum"),
            pa.Check(_period_ordered, error="period_start must not be after period_end"),
        ],
        strict=True,
        coerce=True,
        ordered=True,
        name="observations",
    )


def sources_schema() -> pa.DataFrameSchema:
    """Return the schema of the sources table."""
    import pandera.pandas as pa

    text = pa.Column(str)
    return pa.DataFrameSchema(
        {
            "source_id": pa.Column(str, pa.Check.str_length(1, 200), unique=True),
            "title": pa.Column(str, pa.Check.str_length(1, 500)),
            "publisher": text,
            "published": pa.Column("datetime64[ns]"),
            "published_inferred": pa.Column(bool),
            "url": pa.Column(str, pa.Check.str_matches(r"^(https?://\S+)?$"), nullable=False),
            "kind": pa.Column(str, pa.Check.isin(list(SOURCE_KINDS))),
            "file_name": text,
            "sha256": pa.Column(str, pa.Check.str_matches(r"^([0-9a-f]{64})?$")),
            "added_by": text,
            "added_at": text,
            "note": text,
        },
        strict=True,
        coerce=True,
        ordered=True,
        name="sources",
    )


def problems_from_schema_errors(
    exc: pa.errors.SchemaErrors, file: str, row_offset: int = 2
) -> list[Problem]:
    """Return one readable bilingual problem per failure case of a lazy pandera validation."""
    problems: list[Problem] = []
    seen: set[tuple[object, str, object]] = set()
    cases = exc.failure_cases
    for rec in cases.itertuples(index=False):
        column = getattr(rec, "column", None)
        index = getattr(rec, "index", None)
        check = str(getattr(rec, "check", ""))
        value = getattr(rec, "failure_case", None)
        if check in CROSS_CHECK_COLUMNS and column != CROSS_CHECK_COLUMNS[check]:
            continue
        key = (index, check, column)
        if key in seen:
            continue
        seen.add(key)
        row = (
            int(index) + row_offset if isinstance(index, (int, float)) and index == index else None
        )
        zh, en = _describe_check(check, column)
        problems.append(
            Problem(
                zh,
                en,
                file=file,
                row=row,
                column=str(column) if column and column != "None" else None,
                value=None if value is None else str(value),
            )
        )
    return problems


def _describe_check(check: str, column: object) -> tuple[str, str]:
    col = str(column)
    if check.startswith("column_in_dataframe") or "column_in_dataframe" in check:
        return "缺少必需的列", "a required column is missing"
    if check.startswith("column_in_schema"):
        return "多出未定义的列", "unexpected column"
    if check.startswith("column_ordered"):
        return "列的顺序不符合约定", "columns are not in the contract's order"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        return f"“{col}”的值格式不对", f"value of '{col}' has the wrong format ({check})"
    if check.startswith("isin"):
        return f"“{col}”不在词表中", f"'{col}' is not in the vocabulary"
    if check.startswith("not_nullable"):
        return f"“{col}”不能为空", f"'{col}' must not be empty"
    if check.startswith("field_uniqueness") or "unique" in check:
        return f"“{col}”有重复值", f"'{col}' has duplicate values"
    if check.startswith("greater_than_or_equal_to"):
        return f"“{col}”不能为负数", f"'{col}' must not be negative"
    if check.startswith("str_length"):
        return f"“{col}”为空或过长", f"'{col}' is empty or too long"
    if check.startswith("str_matches"):
        return f"“{col}”格式不对", f"'{col}' has the wrong form"
    messages = {
        "finite": ("数值必须是有限数", "value must be a finite number"),
        "yoy": ("同比增速不合理（须 ≥ -100%）", "yoy_pct must be a finite percentage ≥ -100"),
        "period_end between 1990-01-01 and a month after today": (
            "截止日期须在 1990 年之后、今天起一个月之内",
            "period_end must be between 1990-01-01 and a month after today",
        ),
        "unit must be the metric's unit": (
            "单位与指标不符",
            "unit does not match the metric's unit",
        ),
        "value above the metric's plausible maximum": (
            "数值超出该指标的合理上限（单位换算错误？）",
            "value above the metric's plausible maximum (a unit conversion error?)",
        ),
        "period_start must not be after period_end": (
            "起始日期晚于截止日期",
            "period_start is after period_end",
        ),
    }
    return messages.get(check, (f"未通过检查：{check}", f"failed check: {check}"))


def validate(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str, row_offset: int = 2
) -> pd.DataFrame:
    """Return the frame coerced and validated, or raise CorridorError listing every problem."""
    import pandera.pandas as pa

    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise CorridorError(problems_from_schema_errors(exc, file, row_offset)) from None
