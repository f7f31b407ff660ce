"""Rows as contract CSV records: rendered with Arrow's string kernels, hashed by their sum.

The batch files and the table hash both come from these records; a merge renders the rows it
adds once for both (`RenderedRows`), re-rendering only the series a reader's rules fill in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import fill_series


def number_texts(values: pd.Series) -> list[str]:
    # etl.tables.format_number, inlined: it runs for every number of a 200,000-row table.
    out = []
    for x in values.astype(float).tolist():
        if x != x:
            out.append("")
        else:
            text = repr(x)
            out.append(text[:-2] if text.endswith(".0") else text)
    return out


def _by_distinct(series: pd.Series, render: Callable[[pd.Series], list[str]]) -> np.ndarray:
    # Renders each distinct cell once and spreads the texts to the rows by code.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.array([*render(pd.Series(uniques, dtype=series.dtype)), ""], dtype=object)
    return texts[codes]


def _dates(series: pd.Series) -> list[str]:
    return series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), "").tolist()


# A field holding the delimiter, a quote or a line break is quoted (csv.QUOTE_MINIMAL).
_NEEDS_QUOTES = '[,"\r\n]'
_QUOTE, _COMMA, _NEWLINE, _NOTHING = (pa.scalar(c, pa.large_string()) for c in ('"', ",", "\n", ""))


def _field(series: pd.Series, col: str) -> pa.Array:
    # One column as CSV fields: each distinct number or date rendered once, quoted as needed.
    texts: np.ndarray | pd.Series
    if col in ("value", "yoy_pct"):
        texts = _by_distinct(series.astype(float), number_texts)
    elif col in ("period_start", "period_end"):
        texts = _by_distinct(series, _dates)
    else:
        texts = series.astype("str")
    text = pa.array(texts, type=pa.large_string())
    quoted = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if pc.any(quoted).as_py():
        escaped = pc.replace_substring(text, '"', '""')
        text = pc.if_else(
            quoted, pc.binary_join_element_wise(_QUOTE, escaped, _QUOTE, _NOTHING), text
        )
    return text


def _joined(fields: Sequence[pa.Array], index: pd.Index) -> pd.Series:
    records = pc.binary_join_element_wise(*fields, _COMMA)
    return pd.Series(
        pc.binary_join_element_wise(records, _NEWLINE, _NOTHING).to_numpy(zero_copy_only=False),
        index=index,
        dtype=object,
    )


def render_records(frame: pd.DataFrame) -> pd.Series:
    """Return each row as one contract CSV record (with its newline), quoted as csv.writer does.

    Columns are rendered with Arrow's string kernels; each distinct number or date once.
    """
    if not len(frame):
        return pd.Series([], dtype=object)
    return _joined([_field(frame[col], col) for col in OBSERVATION_COLUMNS], frame.index)


@dataclass(frozen=True)
class RenderedRows:
    """Rows and their columns rendered as contract CSV fields, for the file and the hash."""

    frame: pd.DataFrame
    fields: dict[str, pa.Array]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> RenderedRows:
        """Return the frame's rows rendered field by field."""
        return cls(frame, {col: _field(frame[col], col) for col in OBSERVATION_COLUMNS})

    def records(self) -> pd.Series:
        """Return render_records(frame), from the fields already rendered."""
        if not len(self.frame):
            return pd.Series([], dtype=object)
        return _joined([self.fields[c] for c in OBSERVATION_COLUMNS], self.frame.index)

    def series_filled(self, wordings: tuple[tuple[str, str], ...] = ()) -> RenderedRows:
        """Return the rows as readers load them (fill_series), re-rendering the series alone."""
        filled = fill_series(self.frame, wordings) if len(self.frame) else self.frame
        if filled is self.frame:
            return self
        # fill_series changes the series column alone: every other field stays as rendered.
        return RenderedRows(filled, {**self.fields, "series": _field(filled["series"], "series")})


HEADER_LINE = ",".join(OBSERVATION_COLUMNS) + "\n"


def render_rows_csv(frame: pd.DataFrame | RenderedRows) -> str:
    """Return observations as contract CSV, byte for byte as etl.tables renders them, but fast."""
    records = frame.records() if isinstance(frame, RenderedRows) else render_records(frame)
    return HEADER_LINE + "".join(records.tolist())


HASH_MODULUS = 2**256


def records_sum(frame: pd.DataFrame | RenderedRows) -> int:
    """Return the sum, modulo 2**256, of the sha256 of each row's contract CSV record."""
    records = frame.records() if isinstance(frame, RenderedRows) else render_records(frame)
    total = 0
    for record in records.tolist():
        total += int.from_bytes(hashlib.sha256(record.encode("utf-8")).digest(), "big")
    return total % HASH_MODULUS


def table_hash(frame: pd.DataFrame) -> str:
    """Return the table's hash: the sum of its records' sha256 modulo 2**256, as 64 hex digits.

    A sum does not depend on row order, and a change updates it from the rows it adds and
    removes alone (`hash_after`), so a merge never re-renders the stored table.
    """
    return f"{records_sum(frame):064x}"


def hash_after(
    before: str, added: pd.DataFrame | RenderedRows, removed: pd.DataFrame | RenderedRows
) -> str:
    """Return the table hash after removing and adding rows, from the hash before."""
    total = int(before, 16) + records_sum(added) - records_sum(removed)
    return f"{total % HASH_MODULUS:064x}"
