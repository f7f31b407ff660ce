"""The events table (tidy/events.csv, the milestones): its columns, schema and the one reader the
dashboard and the deck command share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

EVENT_COLUMNS = ("date", "title_zh", "title_en", "kind", "source_id", "quote")
EVENT_KINDS = ("milestone", "line_opened", "policy")


def events_schema() -> pa.DataFrameSchema:
    """Return the schema of the events table (checked when `corridor build` writes it)."""
    return pa.DataFrameSchema(
        {
            "date": pa.Column("datetime64[ns]"),
            "title_zh": pa.Column(str, pa.Check.str_length(1, None)),
            "title_en": pa.Column(str),
            "kind": pa.Column(str, pa.Check.isin(list(EVENT_KINDS))),
            "source_id": pa.Column(str, pa.Check.str_length(1, 200)),
            "quote": pa.Column(str),
        },
        strict=True,
        coerce=True,
        ordered=True,
        name="events",
    )


def read_events(path: Path, sources: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the milestones with their sources' publisher and date; none when the file is
    missing, empty or lacks a column; rows without a valid date are dropped."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return []
    if not set(EVENT_COLUMNS) <= set(frame.columns):
        return []
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    frame = frame[frame["date"].notna()]
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")}
    out: list[dict[str, Any]] = []
    for r in frame.to_dict("records"):
        src = by_id.get(str(r["source_id"]), {})
        row = {str(k): v for k, v in r.items()}
        out.append({**row, "publisher": src.get("publisher"), "published": src.get("published")})
    return out
