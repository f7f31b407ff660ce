"""Reading and writing the tidy tables as deterministic, validated CSV."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.fileio import write_bytes_atomic
from etl.contract.schema import (
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    observations_schema,
    sources_schema,
    validate,
)

if TYPE_CHECKING:
    import pandera.pandas as pa

DATE_COLUMNS_OBS = ("period_start", "period_end")
FLOAT_COLUMNS_OBS = ("value", "yoy_pct")


def format_number(value: float) -> str:
    """Return a float as the shortest text that reads back equal, without a trailing .0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def empty_observations() -> pd.DataFrame:
    """Return an empty, valid observations frame."""
    return parse_observations(pd.DataFrame(columns=list(OBSERVATION_COLUMNS)), "<empty>")


def parse_observations(raw: pd.DataFrame, file: str, row_offset: int = 2) -> pd.DataFrame:
    """Return typed, validated observations from an all-text frame of the contract's columns."""
    problems: list[Problem] = []
    frame = raw.copy()
    if "series" not in frame and "scope" in frame:
        # A table written before the contract had a series column: the rules fill it on load.
        frame.insert(list(frame.columns).index("scope") + 1, "series", "")
    if "qualifier" not in frame and "value" in frame:
        # A table written before the contract had a qualifier: its figures read as stated exactly.
        frame.insert(list(frame.columns).index("value") + 1, "qualifier", "")
    for col in ("series", "qualifier"):
        if col in frame:
            frame[col] = frame[col].astype("object").where(frame[col].notna(), "")
    for col in DATE_COLUMNS_OBS:
        if col in frame:
            frame[col] = _parse_dates(frame[col], col, file, row_offset, problems)
    for col in FLOAT_COLUMNS_OBS:
        if col in frame:
            frame[col] = _parse_floats(frame[col], col, file, row_offset, problems)
    return _validate_after_parse(frame, observations_schema(), file, row_offset, problems)


def parse_sources(raw: pd.DataFrame, file: str, row_offset: int = 2) -> pd.DataFrame:
    """Return typed, validated sources from an all-text frame."""
    problems: list[Problem] = []
    frame = raw.copy()
    if "published" in frame:
        frame["published"] = _parse_dates(
            frame["published"], "published", file, row_offset, problems
        )
    if "published_inferred" in frame:
        frame["published_inferred"] = frame["published_inferred"].map(
            lambda v: v if isinstance(v, bool) else str(v).strip().lower() in {"true", "1", "yes"}
        )
    return _validate_after_parse(frame, sources_schema(), file, row_offset, problems)


def _validate_after_parse(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    file: str,
    row_offset: int,
    problems: list[Problem],
) -> pd.DataFrame:
    # Unparseable cells were blanked; validate the rest too, so every problem is reported at once.
    try:
        checked = validate(frame, schema, file, row_offset)
    except CorridorError as exc:
        seen = {(p.row, p.column) for p in problems}
        problems = problems + [p for p in exc.problems if (p.row, p.column) not in seen]
        raise CorridorError(sorted(problems, key=_problem_order)) from None
    if problems:
        raise CorridorError(problems)
    return checked


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.row if problem.row is not None else -1, problem.column or "")


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _parse_dates(
    series: pd.Series, col: str, file: str, row_offset: int, problems: list[Problem]
) -> pd.Series:
    text = _as_text(series)
    parsed = pd.to_datetime(text.where(text != "", None), format="%Y-%m-%d", errors="coerce")
    for index in text.index[parsed.isna() & (text != "")]:
        problems.append(
            Problem(
                "不是有效的日期（应为 YYYY-MM-DD）",
                "not a valid date (expected YYYY-MM-DD)",
                file=file,
                row=int(index) + row_offset,
                column=col,
                value=text[index],
            )
        )
    return parsed.astype("datetime64[ns]")


def _parse_floats(
    series: pd.Series, col: str, file: str, row_offset: int, problems: list[Problem]
) -> pd.Series:
    text = _as_text(series)
    parsed = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    bad = (parsed.isna() & (text != "")) | parsed.isin([math.inf, -math.inf])
    for index in text.index[bad]:
        problems.append(
            Problem(
                "不是有效的数字",
                "not a valid number",
                file=file,
                row=int(index) + row_offset,
                column=col,
                value=text[index],
            )
        )
    return parsed


def read_csv_text(path: Path) -> pd.DataFrame:
    """Return a CSV file as an all-text frame (empty cells as ''), refusing unreadable files."""
    if not path.exists():
        raise CorridorError.single("文件不存在", "file not found", file=str(path))
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorridorError.single(
            f"无法读取 CSV 文件：{exc}", f"cannot read the CSV file: {exc}", file=str(path)
        ) from None


def read_observations(path: Path) -> pd.DataFrame:
    """Return the validated observations table stored at path."""
    return parse_observations(read_csv_text(path), str(path))


def read_sources(path: Path) -> pd.DataFrame:
    """Return the validated sources table stored at path."""
    return parse_sources(read_csv_text(path), str(path))


def render_observations_csv(frame: pd.DataFrame) -> str:
    """Return observations as contract CSV: plain UTF-8 text, numbers unformatted, ISO dates."""
    out = frame.loc[:, list(OBSERVATION_COLUMNS)].copy()
    for col in FLOAT_COLUMNS_OBS:
        out[col] = out[col].map(format_number)
    for col in DATE_COLUMNS_OBS:
        out[col] = out[col].map(lambda d: "" if pd.isna(d) else d.strftime("%Y-%m-%d"))
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def render_sources_csv(frame: pd.DataFrame) -> str:
    """Return sources as CSV with ISO dates and lowercase booleans."""
    out = frame.loc[:, list(SOURCE_COLUMNS)].copy()
    out["published"] = out["published"].map(lambda d: "" if pd.isna(d) else d.strftime("%Y-%m-%d"))
    out["published_inferred"] = out["published_inferred"].map(lambda b: "true" if b else "false")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_observations(frame: pd.DataFrame, path: Path) -> None:
    """Validate observations and write them atomically as contract CSV."""
    checked = validate(frame, observations_schema(), f"{path} (writing)")
    write_bytes_atomic(path, render_observations_csv(checked).encode("utf-8"))


def write_sources(frame: pd.DataFrame, path: Path) -> None:
    """Validate sources and write them atomically."""
    checked = validate(frame, sources_schema(), f"{path} (writing)")
    write_bytes_atomic(path, render_sources_csv(checked).encode("utf-8"))
