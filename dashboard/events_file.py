"""Reading the milestones table (data/tidy/events.csv): the one reader the app and the deck
command share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.views.index import Record, source_records

EVENT_COLUMNS = ("date", "title_zh", "title_en", "kind", "source_id", "quote")


def read_events(path: Path, sources: pd.DataFrame) -> list[Record]:
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
    by_id = {str(r["source_id"]): r for r in source_records(sources)}
    out: list[Record] = []
    for r in frame.to_dict("records"):
        src = by_id.get(str(r["source_id"]), {})
        row = {str(k): v for k, v in r.items()}
        out.append({**row, "publisher": src.get("publisher"), "published": src.get("published")})
    return out
