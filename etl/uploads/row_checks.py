"""Typed upload rows filled by rule and checked as rows: required cells, sources, series, the
contract's schema and repeats or contradictions within the file."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# Imported with this module, not at the first validation (etl.contract.schema defers it): an
# upload's child imports this before its message arrives (etl.uploads.sandbox's prestart), so
# pandera's import overlaps the command's own work instead of adding to the child's.
import pandera.pandas as pa

from etl.contract.errors import UNKNOWN_SOURCE, CorridorError, Problem
from etl.contract.identity import figure_hashes, figure_keys
from etl.contract.places import resolve_region, resolve_route
from etl.contract.schema import OBSERVATION_COLUMNS, observations_schema, validate
from etl.contract.series import series_by_key
from etl.contract.tables import format_number
from etl.uploads.columns import DATE_COLUMNS, NUMBER_COLUMNS, REQUIRED_COLUMNS, TYPED_COLUMNS
from etl.uploads.limits import MAX_LISTED_PROBLEMS
from etl.uploads.problem_list import ProblemList


def check_required(rows: pd.DataFrame, problems: ProblemList) -> None:
    """Record every empty cell in a column that must be filled (typed rows: NaN, NaT or "")."""
    for col in REQUIRED_COLUMNS:
        column = rows[col]
        empty = column.isna() if col in TYPED_COLUMNS else column == ""
        if not empty.any():
            continue  # the cells as shown (a dates column made objects) only name problems
        shown = column.astype(object).where(column.notna(), "")
        problems.add_mask(empty, shown, col, f"“{col}”不能为空", f"'{col}' must not be empty")


def fill_defaults(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return typed rows with every contract column, region/route/basis/quote filled by rule."""
    out = rows.copy()
    for col in OBSERVATION_COLUMNS:
        if col in NUMBER_COLUMNS and col not in out:
            out[col] = float("nan")
        elif col in DATE_COLUMNS and col not in out:
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        elif col not in out:
            out[col] = ""
    scopes = out["scope"]
    unique = pd.unique(scopes)
    regions = {s: resolve_region(s) for s in unique}
    routes = {s: resolve_route(s) for s in unique}
    out["region"] = out["region"].where(out["region"] != "", scopes.map(regions))
    # An empty route cell is filled by rule; a present column with "" after rules stays "".
    out["route"] = out["route"].where(out["route"] != "", scopes.map(routes))
    out["basis"] = out["basis"].where(out["basis"] != "", "reported")
    # The row's own place stands in for an empty quote (only empty cells are given one).
    empty_quote = out["quote"] == ""
    if empty_quote.any():
        numbers = pd.Series(out.index, index=out.index)[empty_quote].astype(int) + 2
        fallback = f"{name} 第" + numbers.astype(str) + "行 / row " + numbers.astype(str)
        out["quote"] = out["quote"].where(~empty_quote, fallback)
    return out.loc[:, list(OBSERVATION_COLUMNS)]


def check_within_file(
    rows: pd.DataFrame, problems: ProblemList, name: str, key_hashes: np.ndarray | None = None
) -> None:
    """Record rows that repeat or contradict another row of the same file.

    key_hashes: the rows' figure key hashes (identity.figure_hashes), when the caller has them.
    """
    # Rows whose key hash repeats are the only candidates; their keys are compared exactly.
    hashed = figure_hashes(rows)[0] if key_hashes is None else key_hashes
    candidates = pd.Series(hashed).duplicated(keep=False).to_numpy()
    if not candidates.any():
        return
    rows = rows.loc[candidates]
    keys = figure_keys(rows)
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return
    sub = pd.DataFrame(
        {
            "key": keys[repeated].to_numpy(),
            "value": rows["value"][repeated].to_numpy(),
            "row": rows.index[repeated.to_numpy()].astype(int) + 2,
        }
    )
    sub["first"] = sub.groupby("key")["row"].transform("min")
    sub["conflict"] = sub.groupby("key")["value"].transform("nunique") > 1
    later = sub.loc[sub["row"] != sub["first"]]
    shown = later.head(MAX_LISTED_PROBLEMS + 1)
    for row, first, conflict, value in zip(
        shown["row"].tolist(),
        shown["first"].tolist(),
        shown["conflict"].tolist(),
        shown["value"].tolist(),
        strict=True,
    ):
        if conflict:
            zh = f"与本文件第 {first} 行是同一数据（指标、地区、线路、口径、期间相同）但数值不同"
            en = f"contradicts row {first} of this file (same figure, another value)"
        else:
            zh = f"与本文件第 {first} 行重复"
            en = f"repeats row {first} of this file"
        problems.add(Problem(zh, en, name, int(row), "value", format_number(float(value))))
    problems.total += max(0, len(later) - (MAX_LISTED_PROBLEMS + 1))


def check_sources(rows: pd.DataFrame, known_sources: Iterable[str], problems: ProblemList) -> None:
    """Record rows whose source_id is not a registered source."""
    unknown = ~rows["source_id"].isin(list(known_sources)) & (rows["source_id"] != "")
    problems.add_mask(
        unknown,
        rows["source_id"],
        "source_id",
        "来源未登记：请先登记来源（corridor sources add 或页面上的“登记来源”）",
        "unknown source: register it first (corridor sources add, or the page's form)",
        kind=UNKNOWN_SOURCE,
    )


def check_series(rows: pd.DataFrame, problems: ProblemList) -> None:
    """Record every named series that is not in the catalogue, listing the valid keys."""
    known = series_by_key()
    unknown = (rows["series"] != "") & ~rows["series"].isin(list(known))
    if not unknown.any():
        return
    valid = ", ".join(sorted(known))
    problems.add_mask(
        unknown,
        rows["series"],
        "series",
        f"未知的系列编号（留空则按规则归入系列）；可用的系列：{valid}",
        f"unknown series key (leave it empty for the rules to assign one); valid series: {valid}",
    )


def check_rows(
    typed: pd.DataFrame, name: str, known_sources: Iterable[str], problems: ProblemList
) -> pd.DataFrame:
    """Return typed rows filled by rule and checked against the contract, or raise every problem."""
    return check_rows_hashed(typed, name, known_sources, problems)[0]


def check_rows_hashed(
    typed: pd.DataFrame, name: str, known_sources: Iterable[str], problems: ProblemList
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    """Return the checked rows (as check_rows) and their figure_hashes, or raise every problem."""
    rows = fill_defaults(typed, name)
    # The contract's check of the first chunk (all of a small file) runs before the sources are
    # read: in the upload's child they come last from the parent (sandbox.LateValues), which
    # opens the store meanwhile. Its problems are recorded in the same order as before.
    schema = observations_schema()
    first = _chunk_checked(rows.iloc[:SCHEMA_CHUNK_ROWS], schema, name) if len(rows) else None
    check_required(rows, problems)
    check_sources(rows, known_sources, problems)
    check_series(rows, problems)
    checked = _schema_checked(rows, schema, name, problems, first)
    problems.raise_if_any()
    # Hashed once: the within-file check uses the keys, the preview and the merge both hashes.
    hashes = figure_hashes(checked)
    check_within_file(checked, problems, name, hashes[0])
    problems.raise_if_any()
    # The index stays the file's row number minus 2, so later messages can name rows.
    return checked, hashes


# The contract's own checks run on this many rows at a time and stop once the listed problems
# are full: a file of 500,000 failing rows costs one chunk's failure cases, not 500,000 objects.
SCHEMA_CHUNK_ROWS = 20_000


def _chunk_checked(
    chunk: pd.DataFrame, schema: pa.DataFrameSchema, name: str
) -> pd.DataFrame | CorridorError:
    """Return the chunk validated by the contract's schema, or the refusal listing its problems."""
    try:
        return validate(chunk, schema, name)
    except CorridorError as exc:
        return exc


def _schema_checked(
    rows: pd.DataFrame,
    schema: pa.DataFrameSchema,
    name: str,
    problems: ProblemList,
    first: pd.DataFrame | CorridorError | None,
) -> pd.DataFrame:
    """Return the rows validated by the contract's schema, chunk by chunk, recording problems;
    first: _chunk_checked of the first chunk, made already."""
    parts = []
    for start in range(0, len(rows), SCHEMA_CHUNK_ROWS):
        if problems.full:
            problems.incomplete = True
            break
        chunk = rows.iloc[start : start + SCHEMA_CHUNK_ROWS]
        checked = first if start == 0 and first is not None else _chunk_checked(chunk, schema, name)
        if isinstance(checked, pd.DataFrame):
            parts.append(checked)
        else:
            exc = checked
            # An unknown metric has no unit to match: the metric's own problem says it all.
            bad_metric = problems.flagged.get("metric", np.array([], dtype=np.int64)) + 2
            bad_metric = np.union1d(
                bad_metric, [p.row for p in exc.problems if p.column == "metric" and p.row]
            )
            problems.add_many(
                p for p in exc.problems if not (p.column == "unit" and p.row in bad_metric)
            )
    problems.raise_if_any()
    return pd.concat(parts) if len(parts) > 1 else parts[0] if parts else rows
