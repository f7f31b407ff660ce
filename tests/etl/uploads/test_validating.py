"""etl/uploads/validating: the figure hashes of an upload's rows are computed once, in the
limited child, and are the hashes of the rows the parent receives; checked part by part, the
rows, hashes and notes are those of the whole-file check, also when keys share a hash across
parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from uploads_support import SOURCE, csv_bytes, csv_line, with_rows

from etl.contract import identity
from etl.uploads.validating import parse_upload


def test_an_upload_carries_the_hashes_of_its_rows_from_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = parse_upload(csv_bytes(30), "u.csv", {SOURCE})
    assert upload.known_hashes is not None
    expected = identity.figure_hashes(upload.rows)
    # The parent hashes nothing again: the child's hashes are the ones used.
    monkeypatch.setattr(
        "etl.uploads.upload.figure_hashes", lambda frame: pytest.fail("hashed again")
    )
    keys, pairs = upload.hashes
    assert np.array_equal(keys, expected[0]) and np.array_equal(pairs, expected[1])


def test_hashes_that_do_not_fit_the_rows_are_computed_again() -> None:
    upload = parse_upload(csv_bytes(5), "u.csv", {SOURCE})
    stale = (np.zeros(2, dtype=np.uint64), np.zeros(2, dtype=np.uint64))
    other = type(upload)(
        upload.name, upload.kind, upload.sha256, upload.data, upload.rows, known_hashes=stale
    )
    assert np.array_equal(other.hashes[0], identity.figure_hashes(upload.rows)[0])


def test_a_streamed_check_sends_the_whole_checks_rows_hashes_and_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import sandbox
    from etl.uploads.validating import read_and_validate, read_and_validate_streamed

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    # File-wide notes: units converted in two parts (rows counted and the first one named),
    # yoy fractions, months read as days, each across the parts.
    lines = [csv_line(i, yoy_pct="0.25") for i in range(230)]
    lines[5] = csv_line(5, unit="万标箱", value="1.5")
    lines[170] = csv_line(170, unit="万标箱", value="2.5")
    lines[120] = csv_line(120, period_start="2001-03", period_end="2001-03")
    data = with_rows(*lines)
    args = (data, "u.csv", [SOURCE], None, 2**28)
    kind, rows, notes, (keys, pairs) = read_and_validate(*args)
    parts: list[tuple[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]]] = []
    streamed_kind, streamed_notes = read_and_validate_streamed(*args, 100, parts.append)
    assert streamed_kind == kind == "csv" and [p[0] for p in parts] == ["csv"] * 3
    assert [len(p[1]) for p in parts] == [100, 100, 30]
    pd.testing.assert_frame_equal(pd.concat([p[1] for p in parts]), rows)
    assert np.array_equal(np.concatenate([p[2][0] for p in parts]), keys)
    assert np.array_equal(np.concatenate([p[2][1] for p in parts]), pairs)
    assert streamed_notes == notes and len(notes) == 4  # units, yoy, the two months


def test_keys_sharing_a_hash_across_parts_are_checked_whole_and_every_row_still_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import row_checks, sandbox, validating
    from etl.uploads.validating import read_and_validate, read_and_validate_streamed

    monkeypatch.setattr(sandbox, "IN_CHILD", True)

    def one_key_hash(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        # Every row's key hash the same: only the exact comparison tells them apart.
        keys, pairs = identity.figure_hashes(frame)
        return np.zeros_like(keys), pairs

    monkeypatch.setattr(row_checks, "figure_hashes", one_key_hash)
    args = (csv_bytes(250), "u.csv", [SOURCE], None, 2**28)
    _kind, rows, _notes, _hashes = read_and_validate(*args)
    whole = validating._validate_frame_hashed
    checked_whole: list[int] = []

    def counted(*a: object) -> object:
        checked_whole.append(1)
        return whole(*a)  # type: ignore[arg-type]

    monkeypatch.setattr(validating, "_validate_frame_hashed", counted)
    parts: list[tuple[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]]] = []
    read_and_validate_streamed(*args, 100, parts.append)
    # The first part passed alone; the second met its key hash and the whole file was checked.
    assert checked_whole == [1]
    assert [len(p[1]) for p in parts] == [100, 100, 50]
    pd.testing.assert_frame_equal(pd.concat([p[1] for p in parts]), rows)
