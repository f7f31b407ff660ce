"""Contract frames to database rows and back: typed cells in, validated frames out.

Reading goes through the contract's own parsers (pandera on read), so a frame loaded from the
database has the dtypes, and renders the bytes, of one read from the CSV files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.identity import figure_digests
from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS
from etl.contract.tables import parse_observations, parse_sources
from etl.store.batches import number_texts

DATE_COLUMNS = ("period_start", "period_end")
NUMBER_COLUMNS = ("value", "yoy_pct")


def figure_identities(frame: pd.DataFrame) -> list[str]:
    """Return each row's figure identity as the database indexes it (identity.figure_digests)."""
    return figure_digests(frame)


def _dates(series: pd.Series) -> list[Any]:
    # 200,000 rows hold a few hundred distinct dates: each is converted once.
    codes, uniques = pd.factorize(pd.to_datetime(series), use_na_sentinel=True)
    values = [x.date() for x in pd.DatetimeIndex(uniques)] + [None]  # code -1: no date
    return [values[c] for c in codes.tolist()]


def _iso_dates(series: pd.Series) -> list[Any]:
    codes, uniques = pd.factorize(pd.to_datetime(series), use_na_sentinel=True)
    values = [x.strftime("%Y-%m-%d") for x in pd.DatetimeIndex(uniques)] + [None]
    return [values[c] for c in codes.tolist()]


def figure_columns(frame: pd.DataFrame, *, iso_dates: bool = False) -> dict[str, list[Any]]:
    """Return a contract frame's columns as lists of database values for the figures table:
    text, float or None, and dates as `date` (or, with iso_dates, as 'YYYY-MM-DD' text for
    etl.store.db.bulk)."""
    columns: dict[str, list[Any]] = {}
    for col in OBSERVATION_COLUMNS:
        series = frame[col]
        if col in DATE_COLUMNS:
            columns[col] = _iso_dates(series) if iso_dates else _dates(series)
        elif col in NUMBER_COLUMNS:
            columns[col] = [None if x != x else x for x in series.astype(float).tolist()]
        else:
            columns[col] = _texts(series)
    return columns


def _texts(series: pd.Series) -> list[str]:
    # A text column (pandas' Arrow-backed str) goes to Python strings in one pass; any other
    # column's cells are made text one by one.
    if isinstance(series.dtype, pd.StringDtype):
        return list(series.fillna("").tolist())
    return list(series.astype(object).where(series.notna(), "").astype(str).tolist())


def figure_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of a contract frame as column → value dicts for the figures table."""
    columns = figure_columns(frame)
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def source_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of a sources frame as column → value dicts for the sources table."""
    out = []
    for row in frame.loc[:, list(SOURCE_COLUMNS)].to_dict("records"):
        record = {str(k): ("" if v is None or v != v else v) for k, v in row.items()}
        record["published"] = pd.Timestamp(row["published"]).date()
        record["published_inferred"] = bool(row["published_inferred"])
        out.append(record)
    return out


def _text_column(values: Sequence[Any], col: str) -> list[str]:
    if col in DATE_COLUMNS:
        return ["" if v is None else v.isoformat()[:10] for v in values]
    if col in NUMBER_COLUMNS:
        return number_texts(pd.Series([np.nan if v is None else v for v in values], dtype=float))
    return ["" if v is None else str(v) for v in values]


def observations_frame(rows: Iterable[Sequence[Any]], name: str) -> pd.DataFrame:
    """Return validated observations from database rows in the contract's column order."""
    columns = list(zip(*rows, strict=True)) or [() for _ in OBSERVATION_COLUMNS]
    text = pd.DataFrame(
        {
            col: pd.Series(_text_column(values, col), dtype=object)
            for col, values in zip(OBSERVATION_COLUMNS, columns, strict=True)
        }
    )
    return parse_observations(text, name)


def sources_frame(rows: Iterable[Sequence[Any]], name: str) -> pd.DataFrame:
    """Return validated sources from database rows in the contract's column order."""
    records = [dict(zip(SOURCE_COLUMNS, row, strict=True)) for row in rows]
    text = pd.DataFrame(records, columns=list(SOURCE_COLUMNS))
    if len(text):
        text["published"] = [pd.Timestamp(d).strftime("%Y-%m-%d") for d in text["published"]]
    return parse_sources(text, name)
