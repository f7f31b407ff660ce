"""etl/contract/events.py: the events table's columns, schema and records, shared by the build's
writer, the dashboard and the deck command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.contract.errors import CorridorError
from etl.contract.events import EVENT_COLUMNS, event_records, events_schema
from etl.contract.paths import REPO_ROOT, Layout
from etl.contract.schema import validate
from etl.extraction.events import events_frame, render_events_csv

HEADER = ",".join(EVENT_COLUMNS)
SOURCES = pd.DataFrame(
    {
        "source_id": ["s1"],
        "publisher": ["新华社"],
        "published": [pd.Timestamp("2024-03-19")],
    }
)


def event(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "date": date(2024, 3, 17),
        "title_zh": "第2000列发出",
        "title_en": "2,000th rail–sea train of 2024",
        "kind": "milestone",
        "source_id": "s1",
        "quote": "3月17日,第2000列发出。",
    }
    return {**row, **changes}


def read_events(path: Path) -> list[dict[str, object]]:
    """Return the records of an events CSV, read as the store loads it."""
    return event_records(pd.read_csv(path, dtype=str, keep_default_na=False), SOURCES)


def test_a_frame_lacking_a_column_reads_as_no_events() -> None:
    frame = pd.DataFrame({"date": ["2024-03-17"], "title_zh": ["x"]})
    assert event_records(frame, SOURCES) == []
    assert event_records(pd.DataFrame(columns=list(EVENT_COLUMNS)), SOURCES) == []


def test_rows_without_a_valid_date_are_dropped_and_each_keeps_its_sources_publisher(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        f"{HEADER}\n2024-03-17,第2000列,2000th,milestone,s1,原文\n"
        "not a day,坏,bad,milestone,s1,原文\n2024-01-02,无来源,no source,policy,s9,原文\n",
        encoding="utf-8",
    )
    events = read_events(path)
    assert [e["title_zh"] for e in events] == ["第2000列", "无来源"]
    assert events[0]["date"] == pd.Timestamp("2024-03-17")
    assert events[0]["publisher"] == "新华社"
    assert events[0]["published"] == pd.Timestamp("2024-03-19")
    assert events[1]["publisher"] is None and events[1]["published"] is None


def test_the_schema_refuses_an_unknown_kind_and_an_empty_title() -> None:
    frame = pd.DataFrame([event(kind="rumour"), event(title_zh="")])
    with pytest.raises(CorridorError) as caught:
        validate(frame, events_schema(), "events.csv")
    assert {p.column for p in caught.value.problems} == {"kind", "title_zh"}


def test_the_writer_renders_what_the_reader_reads(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(render_events_csv(events_frame([event()])), encoding="utf-8")
    assert [e["title_en"] for e in read_events(path)] == [str(event()["title_en"])]


def test_the_writer_refuses_an_event_the_contract_forbids() -> None:
    with pytest.raises(CorridorError):
        render_events_csv(events_frame([event(kind="rumour")]))


def test_the_shipped_events_table_meets_the_schema() -> None:
    path = Layout(REPO_ROOT / "data").events_csv
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(validate(frame, events_schema(), str(path))) == len(frame) > 0
