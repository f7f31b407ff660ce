"""The events table (the milestones: tidy/events.csv, the database's `events`): its columns, schema
and the records the dashboard and the deck command share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

EVENT_COLUMNS = ("date", "title_zh", "title_en", "kind", "source_id", "quote")
EVENT_KINDS = ("milestone", "line_opened", "policy")


def events_schema() -> pa.DataFrameSchema:
    """Return the schema of the events table (checked when `corridor build` writes it)."""
    # Imported here, as etl.contract.schema does: readers of the events need only their columns.
    import pandera.pandas as pa

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


def event_records(frame: pd.DataFrame, sources: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the milestones of an events frame with their sources' publisher and date; none
    when a column is missing; rows without a valid date are dropped."""
    if not set(EVENT_COLUMNS) <= set(frame.columns):
        return []
    frame = frame.assign(date=pd.to_datetime(frame["date"], errors="coerce"))
    frame = frame[frame["date"].notna()]
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")}
    out: list[dict[str, Any]] = []
    for r in frame.to_dict("records"):
        src = by_id.get(str(r["source_id"]), {})
        row = {str(k): v for k, v in r.items()}
        out.append({**row, "publisher": src.get("publisher"), "published": src.get("published")})
    return out
