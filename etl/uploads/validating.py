"""Validating upload rows: a text frame in, a typed contract frame or every problem out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.vocabulary import load_metrics
from etl.uploads.cell_checks import CONTROL_RE, MARKUP_RE, check_text, matches_re2, strip_cells
from etl.uploads.columns import (
    DATE_COLUMNS,
    HEADERS_ZH,
    NUMBER_COLUMNS,
    TYPED_COLUMNS,
    check_columns,
)
from etl.uploads.display_units import read_display_units, scaled_values, yoy_fraction_note
from etl.uploads.limits import BlockUnread
from etl.uploads.problem_list import ProblemList
from etl.uploads.reading import read_upload_blocks, read_upload_frame
from etl.uploads.row_checks import check_rows, check_rows_hashed
from etl.uploads.typed_cells import (
    NOT_FINITE,
    parse_date_column,
    parse_number_column,
    table_dates,
)
from etl.uploads.upload import Upload, parse_upload
from etl.uploads.vocabulary_cells import (
    QUALIFIER_ALLOWED_EN,
    QUALIFIER_ALLOWED_ZH,
    translate_labels,
    translate_qualifier,
    translate_vocabulary,
)

# What other packages import from here; the cell rules themselves live in the modules above
# (CONTROL_RE, MARKUP_RE and the qualifier lists are named by etl/store's own checks), Upload
# and parse_upload in etl.uploads.upload (which the store's merging imports instead of this).
__all__ = [
    "CONTROL_RE",
    "HEADERS_ZH",
    "MARKUP_RE",
    "QUALIFIER_ALLOWED_EN",
    "QUALIFIER_ALLOWED_ZH",
    "Upload",
    "parse_upload",
    "template_csv",
    "validate_frame",
    "validate_frame_noted",
    "validate_rows",
]


def validate_frame(raw: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return an all-text upload frame as typed contract rows, or raise listing every problem."""
    return validate_frame_noted(raw, name, known_sources)[0]


def validate_frame_noted(
    raw: pd.DataFrame, name: str, known_sources: Iterable[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return typed contract rows and notes on how cells were read, or raise every problem.

    Problems and notes name each column as the file's header spells it (数值, 起始日期).
    """
    rows, notes, _ = _validate_frame_hashed(raw, name, known_sources)
    return rows, notes


def _validate_frame_hashed(
    raw: pd.DataFrame, name: str, known_sources: Iterable[str]
) -> tuple[pd.DataFrame, list[Problem], tuple[np.ndarray, np.ndarray]]:
    """Return validate_frame_noted's rows and notes and the rows' figure_hashes."""
    text_in = check_columns(raw, name)
    headers = _headers(raw, text_in)
    try:
        problems = ProblemList(name)
        typed, notes = _typed_noted(text_in, name, problems)
        rows, hashes = check_rows_hashed(typed, name, known_sources, problems)
    except CorridorError as exc:
        raise CorridorError([_as_headed(p, headers) for p in exc.problems]) from None
    return rows, [_as_headed(n, headers) for n in notes], hashes


def _headers(raw: pd.DataFrame, text_in: pd.DataFrame) -> dict[str, str]:
    """Return each contract column's header as the file spells it."""
    return dict(zip(text_in.columns, (str(c).strip() for c in raw.columns), strict=True))


def _typed_noted(
    text_in: pd.DataFrame, name: str, problems: ProblemList
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return the text cells read as the contract's types and notes on how they were read,
    recording every problem met (file-wide: the notes count and place rows across the file)."""
    check_text(text_in, problems)
    stripped = strip_cells(text_in)
    scaled, factor, notes = read_display_units(stripped, name)
    typed = translate_qualifier(translate_labels(translate_vocabulary(scaled, problems)), problems)
    for col in NUMBER_COLUMNS:
        if col in typed:
            typed[col] = parse_number_column(typed[col], col, problems)
    if "value" in typed:
        typed["value"] = scaled_values(typed["value"], factor, notes)
    if "yoy_pct" in typed:
        warning = yoy_fraction_note(stripped["yoy_pct"], typed["yoy_pct"], name)
        notes += [warning] if warning else []
    for col in DATE_COLUMNS:
        if col in typed:
            typed[col] = parse_date_column(typed[col], col, problems, notes)
    return typed, notes


def _as_headed(problem: Problem, headers: dict[str, str]) -> Problem:
    # The analyst finds the column by the header they wrote, not by the contract's key.
    shown = headers.get(problem.column or "")
    return replace(problem, column=shown) if shown and shown != problem.column else problem


def validate_rows(rows: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return typed rows (an article's proposal, edited on screen) as checked contract rows.

    The rows keep their types: numbers and dates are checked as values, text cells by the same
    rules as an upload's. Problems name the rows as shown on screen, numbered from 1.
    """
    frame = check_columns(rows, name)
    headers = dict(zip(frame.columns, (str(c).strip() for c in rows.columns), strict=True))
    try:
        return _validate_typed(frame, name, known_sources)
    except CorridorError as exc:
        raise CorridorError([_as_headed(p, headers) for p in exc.problems]) from None


def _validate_typed(frame: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return validate_rows' rows checked, under the contract's column names."""
    # Rows of an on-screen table are numbered from 1; messages add 2 to the index.
    frame.index = pd.RangeIndex(-1, len(frame) - 1)
    problems = ProblemList(name)
    texts = [c for c in frame.columns if c not in TYPED_COLUMNS]
    for col in texts:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    check_text(frame, problems, texts)
    for col in texts:
        frame[col] = frame[col].str.strip()
    frame = translate_qualifier(frame, problems)
    for col in NUMBER_COLUMNS:
        if col in frame:
            numbers = _typed_column(frame[col], pd.to_numeric, col, problems).astype(float)
            problems.add_mask(numbers.abs() == float("inf"), numbers, col, *NOT_FINITE)
            frame[col] = numbers
    for col in DATE_COLUMNS:
        if col in frame:
            # Read from the cells as shown, at the resolution pandas picks: a date beyond
            # 1677–2262 is named as such, not coerced to a wrong format or an exception.
            shown = frame[col].astype(object).map(_date_shown, na_action="ignore")
            read = _typed_column(shown, partial(pd.to_datetime, format="ISO8601"), col, problems)
            frame[col] = table_dates(read, shown, col, problems).dt.normalize()
    return check_rows(frame, name, known_sources, problems)


def _date_shown(cell: object) -> str:
    # A date cell as the analyst sees it on screen: 2300-01-01, not 2300-01-01 00:00:00.
    if isinstance(cell, pd.Timestamp | datetime) and cell == cell.replace(hour=0, minute=0):
        return cell.date().isoformat()
    return str(cell)


def _typed_column(
    column: pd.Series, convert: Callable[..., Any], col: str, problems: ProblemList
) -> pd.Series:
    """Return the column converted, recording each filled cell that is not of the column's type."""
    converted = pd.Series(convert(column, errors="coerce"), index=column.index)
    problems.add_mask(
        column.notna() & converted.isna(),
        column.astype(object),
        col,
        f"“{col}”的值格式不对",
        f"value of '{col}' has the wrong format",
    )
    return converted


def read_and_validate(
    data: bytes, name: str, known_sources: Iterable[str], max_bytes: int | None, max_unpacked: int
) -> tuple[str, pd.DataFrame, list[Problem], tuple[np.ndarray, np.ndarray]]:
    """Return the upload's kind, checked rows, notes and figure_hashes (in the limited child)."""
    kind, frame = read_upload_frame(data, name, max_bytes=max_bytes, max_unpacked=max_unpacked)
    rows, notes, hashes = _validate_frame_hashed(frame, name, known_sources)
    return kind, rows, notes, hashes


# A small upload of our own, read and checked by warm_up: the source it names is passed as known.
_WARM_UP_SOURCE = "warm-up"
_WARM_UP_CSV = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    f"teu,1000,TEU,2025-01-01,2025-03-31,重庆铁海联运班列,12.5,{_WARM_UP_SOURCE},一\n"
    f"train_runs,1001,列,2025年1月,2025/3/31,重慶,,{_WARM_UP_SOURCE},二\n"
).encode()


def warm_up() -> None:
    """Read and check a small upload of our own, so the first real one pays no one-off costs
    (modules pandas and pandera import on first use, the rules files); the sandbox's child
    calls it while it waits for its message."""
    read_and_validate(_WARM_UP_CSV, "warm-up.csv", [_WARM_UP_SOURCE], None, 2**20)


class _Recheck(Exception):
    """A part's figure key hash met in an earlier part (only the whole-file check can tell a
    repeated row from two keys sharing a hash), or a part typed alone that might not type as
    it does in the whole file."""


# A number cell of at most this many digits reads as the one float nearest its decimal value
# whichever way pandas parses its column (as integers, floats or objects, chosen column-wide),
# so a part types it as the whole file does; a part holding a longer one is checked whole.
MAX_PART_NUMBER_DIGITS = 15
LONG_NUMBER_RE2 = rf"(?:[0-9][^0-9]*){{{MAX_PART_NUMBER_DIGITS + 1}}}"


def read_and_validate_streamed(
    data: bytes,
    name: str,
    known_sources: list[str],
    max_bytes: int | None,
    max_unpacked: int,
    part_rows: int,
    emit: Callable[[Any], None],
) -> tuple[str, list[Problem]]:
    """Return the upload's kind and notes (in the limited child), emitting (kind, checked rows,
    their figure_hashes) part by part (part_rows rows each) as they pass; at the first problem,
    raise read_and_validate's refusal of the whole file (its capped list, ordered across it).

    A plain sheet is read and typed block by block (a block per part), any other upload whole;
    every rule types a cell from its own row, and the notes, which count and place rows
    file-wide, are made from the whole file once any block has one (no block has one where the
    file has none).
    """
    kind, blocks = read_upload_blocks(
        data, name, part_rows, max_bytes=max_bytes, max_unpacked=max_unpacked
    )
    texts: list[pd.DataFrame] = []
    sent = 0
    noted = stopped = False
    seen = np.empty(0, dtype=np.uint64)
    try:
        # A refusal of the reader's own (a value beyond the header) is the whole read's too.
        for block in blocks:
            texts.append(block)
            if stopped or block.empty:
                continue  # blank rows only: check_columns refuses a file without any row
            try:
                typed, notes = _typed_block(block, name)
                noted = noted or bool(notes)
                for start in range(0, len(typed), part_rows):
                    part = typed.iloc[start : start + part_rows]
                    rows, hashes = check_rows_hashed(part, name, known_sources, ProblemList(name))
                    if np.isin(hashes[0], seen).any():
                        raise _Recheck
                    seen = np.concatenate([seen, hashes[0]])
                    emit((kind, rows, hashes))
                    sent += len(rows)
            except (CorridorError, _Recheck):
                stopped = True  # the rest is read, then the whole file checked
    except BlockUnread:
        _kind, whole = read_upload_frame(data, name, max_bytes=max_bytes, max_unpacked=max_unpacked)
        texts, stopped = [whole], True
    if sent and not (stopped or noted):
        return kind, []
    frame = pd.concat(texts) if len(texts) > 1 else texts[0]
    if stopped or not sent:
        # Today's check of the whole file: its refusal, or (keys that only shared a hash, a
        # long number) the rows not sent yet; a file without rows is refused there.
        rows, notes, hashes = _validate_frame_hashed(frame, name, known_sources)
        for start in range(sent, len(rows), part_rows):
            end = start + part_rows
            emit((kind, rows.iloc[start:end], (hashes[0][start:end], hashes[1][start:end])))
        return kind, notes
    text_in = check_columns(frame, name)
    if len(texts) > 1:
        # Typed in blocks: the notes count and place rows in the whole file.
        _typed, notes = _typed_noted(text_in, name, ProblemList(name))
    return kind, [_as_headed(n, _headers(frame, text_in)) for n in notes]


def _typed_block(block: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Return a block's cells typed alone and its notes; raise at its first problem, or
    _Recheck where only the whole file can type it."""
    text_in = check_columns(block, name)
    if _long_numbers(text_in):
        raise _Recheck
    problems = ProblemList(name)
    typed, notes = _typed_noted(text_in, name, problems)
    problems.raise_if_any()
    return typed, notes


def _long_numbers(text_in: pd.DataFrame) -> bool:
    """Return whether a number cell holds more than MAX_PART_NUMBER_DIGITS digits."""
    return any(
        matches_re2(text_in[col], LONG_NUMBER_RE2).any() for col in NUMBER_COLUMNS if col in text_in
    )


def template_csv(lang: str = "en") -> bytes:
    """Return a CSV template of the upload columns with one example row (UTF-8 with BOM).

    In Chinese the headers and the vocabulary values are the labels the dashboard shows; the
    reader accepts both forms.
    """
    metrics = load_metrics()
    zh = lang == "zh"
    header = ",".join(HEADERS_ZH[c][0] if zh else c for c in OBSERVATION_COLUMNS)
    example = ",".join(
        [
            metrics["teu"].label_zh if zh else "teu",
            "150000",
            "",  # qualifier: empty = exactly as stated
            metrics["teu"].unit_zh if zh else metrics["teu"].unit,
            "2025-01-01",
            "2025-03-31",
            "重庆" if zh else "chongqing",
            "铁海联运" if zh else "rail_sea",
            "重庆西部陆海新通道铁海联运班列",
            "",
            "12.5%" if zh else "12.5",
            "报道值" if zh else "reported",
            "my-source-id",
            "示例行，请替换 / example row: replace it",
        ]
    )
    # The BOM makes Excel on Chinese Windows open the file as UTF-8; the reader accepts it.
    return ("\ufeff" + header + "\n" + example + "\n").encode("utf-8")
