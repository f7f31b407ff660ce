"""etl/uploads/row_checks.py: the contract's check of the first chunk, made before the sources are
read, is recorded after them as before: a row lists both checks' problems, a list the sources
fill stops the contract's chunks, and with room every chunk is checked."""

from __future__ import annotations

import pytest
from uploads_support import SOURCE, csv_line, with_rows

from etl.contract.errors import UNKNOWN_SOURCE, CorridorError, Problem
from etl.uploads.validating import read_and_validate


def refusal(data: bytes) -> list[Problem]:
    """Return the problems of an upload checked in this process with SOURCE registered."""
    with pytest.raises(CorridorError) as info:
        read_and_validate(data, "u.csv", [SOURCE], None, 2**28)
    return info.value.problems


def test_a_row_lists_its_unknown_source_and_the_contracts_problem() -> None:
    problems = refusal(with_rows(csv_line(0), csv_line(1, yoy_pct="-150", source="nobody")))
    assert {(p.row, p.column, p.kind) for p in problems} == {
        (3, "source_id", UNKNOWN_SOURCE),
        (3, "yoy_pct", ""),
    }


def test_a_list_the_sources_fill_stops_the_contracts_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("etl.uploads.problem_list.MAX_LISTED_PROBLEMS", 2)
    monkeypatch.setattr("etl.uploads.row_checks.SCHEMA_CHUNK_ROWS", 2)
    problems = refusal(with_rows(*(csv_line(i, yoy_pct="-150", source="nobody") for i in range(6))))
    assert {p.column for p in problems if p.row is not None} == {"source_id"}
    assert "not checked further" in problems[-1].en


def test_with_room_every_chunk_of_the_contract_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("etl.uploads.row_checks.SCHEMA_CHUNK_ROWS", 2)
    problems = refusal(with_rows(*(csv_line(i, yoy_pct="-150") for i in range(5))))
    assert [(p.row, p.column) for p in problems] == [(r, "yoy_pct") for r in range(2, 7)]
