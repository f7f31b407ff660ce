"""Rows as contract CSV records, rendered with Arrow's string kernels: `corridor export` and the
rows a pending item keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.contract.schema import OBSERVATION_COLUMNS


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


HEADER_LINE = ",".join(OBSERVATION_COLUMNS) + "\n"


def render_rows_csv(frame: pd.DataFrame) -> str:
    """Return observations as contract CSV, byte for byte as etl.tables renders them, but fast."""
    records = render_records(frame)
    return HEADER_LINE + "".join(records.tolist())
