"""dashboard/upload/tab_file.py: which refusals offer to register the file's sources inline."""

from __future__ import annotations

from pathlib import Path

import pytest
from uploads_support import csv_bytes, new_layout

from dashboard.upload.tab_file import unregistered_sources
from etl.contract.errors import UNKNOWN_SOURCE, CorridorError, Problem
from etl.store.commands import validate_upload


def test_a_file_citing_an_unregistered_source_is_offered_inline_registration(
    tmp_path: Path,
) -> None:
    layout = new_layout(tmp_path / "data")
    data = csv_bytes(3).replace(b"test-src", b"new-src")
    with pytest.raises(CorridorError) as refused:
        validate_upload(layout, data, "f.csv")
    # The refusal says what kind of problem each is, so the page never reads its English text.
    assert {p.kind for p in refused.value.problems} == {UNKNOWN_SOURCE}
    assert unregistered_sources(refused.value) == ["new-src"]


def test_a_refusal_with_any_other_problem_offers_no_inline_registration() -> None:
    unknown = Problem(
        "来源未登记", "unknown source", column="source_id", value="a", kind=UNKNOWN_SOURCE
    )
    other = Problem("不是数字", "not a number", column="value", value="abc")
    assert unregistered_sources(CorridorError([unknown, other])) == []
    # The English text alone no longer counts: only the kind does.
    worded = Problem("来源未登记", "unknown source: register it first", value="b")
    assert unregistered_sources(CorridorError([worded])) == []
