"""etl/uploads/validating: the figure hashes of an upload's rows are computed once, in the
limited child, and are the hashes of the rows the parent receives; checked part by part, the
rows, hashes and notes are those of the whole-file check, also when keys share a hash across
parts."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from uploads_support import HEADER, SOURCE, csv_bytes, csv_line, with_rows

from etl.contract import identity
from etl.contract.errors import CorridorError
from etl.contract.tables import format_number
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


def rows_workbook(rows: list[list[object]], formats: dict[int, str]) -> bytes:
    """Return a plain workbook (shared strings, as Excel saves one) of the upload header and
    rows; formats: a number format by column index, for the numbers in that column."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    styles = {c: book.add_format({"num_format": code}) for c, code in formats.items()}
    sheet.write_row(0, 0, HEADER.split(","))
    for r, cells in enumerate(rows, 1):
        for c, cell in enumerate(cells):
            if cell is None:
                continue
            if isinstance(cell, datetime):
                sheet.write_datetime(r, c, cell, styles.get(c))
            elif isinstance(cell, int | float):
                sheet.write_number(r, c, cell, styles.get(c))
            else:
                sheet.write_string(r, c, cell)
    book.close()
    return out.getvalue()


def cells(i: int, **changed: object) -> list[object]:
    """Return csv_line(i)'s cells, numbers as numbers, with some changed (by column name)."""
    row: dict[str, object] = dict(zip(HEADER.split(","), csv_line(i).split(","), strict=True))
    row["value"] = float(str(row["value"]))
    row.update(changed)
    return [row[c] for c in HEADER.split(",")]


def streamed_and_whole(
    data: bytes, name: str, part_rows: int
) -> tuple[tuple[Any, ...], list[tuple[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]]], Any]:
    """Return read_and_validate's answer (or refusal), the parts streamed and the streamed
    answer (or refusal), both in this process as in the limited child."""
    from etl.uploads.validating import read_and_validate, read_and_validate_streamed

    args = (data, name, [SOURCE], None, 2**28)
    try:
        whole: tuple[Any, ...] = read_and_validate(*args)
    except CorridorError as exc:
        whole = ("refused", [vars(p) for p in exc.problems])
    parts: list[tuple[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]]] = []
    try:
        streamed: Any = read_and_validate_streamed(*args, part_rows, parts.append)
    except CorridorError as exc:
        streamed = ("refused", [vars(p) for p in exc.problems])
    return whole, parts, streamed


def assert_streamed_as_whole(
    whole: tuple[Any, ...],
    parts: list[tuple[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]]],
    streamed: Any,
) -> None:
    kind, rows, notes, (keys, pairs) = whole
    assert streamed == (kind, notes)
    assert {p[0] for p in parts} == {kind}
    pd.testing.assert_frame_equal(pd.concat([p[1] for p in parts]), rows, check_exact=True)
    assert np.array_equal(np.concatenate([p[2][0] for p in parts]), keys)
    assert np.array_equal(np.concatenate([p[2][1] for p in parts]), pairs)


def test_a_workbook_read_and_checked_block_by_block_sends_the_whole_checks_rows_and_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import sandbox
    from etl.uploads.xlsx_plain import read_plain_sheet

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    # yoy in 0.0% cells and end dates as Excel dates, both turned into text as the whole sheet
    # reads them; units converted and months read as days in several blocks (notes), blank
    # rows (one a whole block's worth), empty optional cells.
    rows = [
        cells(i, yoy_pct=(i % 40) / 1000, period_end=datetime(2000 + i % 25, 1 + i // 25 % 12, 28))
        for i in range(260)
    ]
    rows[5] = cells(5, unit="万标箱", value=1.5)
    rows[170] = cells(170, unit="万标箱", value=2.5)
    rows[120] = cells(120, period_start="2001-03", period_end="2001-03")
    rows[200] = cells(200, yoy_pct=None, quote=None)
    rows[60:75] = [[None] * 9] * 15
    data = rows_workbook(rows, {6: "0.0%", 4: "yyyy/m/d"})
    assert read_plain_sheet(data) is not None
    whole, parts, streamed = streamed_and_whole(data, "u.xlsx", 10)
    assert len(parts) > 20 and whole[0] == "xlsx"
    assert_streamed_as_whole(whole, parts, streamed)
    assert len(whole[2]) == 3 and whole[1]["yoy_pct"].iloc[3] == 0.3  # units, two months


def test_notes_made_by_one_block_are_those_of_the_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import sandbox

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    # The first blocks' yoy look like fractions, but a later cell has a % sign: no note then.
    rows = [cells(i, yoy_pct=0.25) for i in range(60)]
    with_sign = [*rows[:50], cells(50, yoy_pct="12%"), *rows[51:]]
    for sheet_rows, noted in ((rows, 1), (with_sign, 0)):
        whole, parts, streamed = streamed_and_whole(rows_workbook(sheet_rows, {}), "u.xlsx", 8)
        assert_streamed_as_whole(whole, parts, streamed)
        assert len(whole[2]) == noted


@pytest.mark.parametrize("bad_row", [3, 150])
def test_a_problem_in_any_block_is_refused_as_the_whole_check_refuses_it(
    bad_row: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.uploads import sandbox, validating

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    read_whole: list[str] = []
    whole_read = validating.read_upload_frame

    def counted(data: bytes, name: str, **limits: Any) -> Any:
        read_whole.append(name)
        return whole_read(data, name, **limits)

    monkeypatch.setattr(validating, "read_upload_frame", counted)
    rows = [cells(i) for i in range(200)]
    rows[bad_row] = cells(bad_row, value="12万", metric="集装箱箱量")
    rows[bad_row + 20] = cells(bad_row + 20, period_end="2025-02-30")
    for data, name in (
        (rows_workbook(rows, {}), "u.xlsx"),
        (with_rows(*map(csv_text, rows)), "u.csv"),
    ):
        read_whole.clear()
        whole, parts, streamed = streamed_and_whole(data, name, 40)
        assert whole[0] == "refused" and streamed == whole
        assert len(whole[1]) == 3
        # The workbook's blocks before the bad one went; a CSV is typed whole before its parts.
        assert len(parts) == (bad_row // 40 if name.endswith(".xlsx") else 0)
        # The whole check takes the blocks read already and the rest: the file is not read twice.
        assert read_whole == [name]  # read_and_validate's own reading


def test_a_value_beyond_the_header_in_a_later_block_is_refused_after_the_parts_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import sandbox

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    rows = [cells(i) for i in range(100)]
    rows[70] = [*cells(70), "beyond"]
    whole, parts, streamed = streamed_and_whole(rows_workbook(rows, {}), "u.xlsx", 30)
    assert streamed == whole and whole[1][0]["row"] == 72
    assert len(parts) == 2


def csv_text(row: list[object]) -> str:
    return ",".join(
        "" if c is None else format_number(c) if isinstance(c, float) else str(c) for c in row
    )


def test_a_number_longer_than_a_part_may_type_alone_is_typed_in_the_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import sandbox, validating

    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    whole_checks: list[int] = []
    whole_check = validating._validate_frame_hashed

    def counted(*a: Any) -> Any:
        whole_checks.append(1)
        return whole_check(*a)

    monkeypatch.setattr(validating, "_validate_frame_hashed", counted)
    lines = [csv_line(i) for i in range(120)]
    lines[70] = csv_line(70, value="1070.0000000000000001")  # 20 digits: over 15
    lines[90] = csv_line(90, yoy_pct="-12.5000000000000000001")
    whole, parts, streamed = streamed_and_whole(with_rows(*lines), "u.csv", 25)
    assert_streamed_as_whole(whole, parts, streamed)
    assert whole_checks == [1, 1]  # read_and_validate's own, and the stream's for the rest
    assert [len(p[1]) for p in parts] == [25, 25, 25, 25, 20]
    short = [csv_line(i, value=f"{1000 + i}.12345678901") for i in range(60)]  # 15 digits
    whole_checks.clear()
    assert_streamed_as_whole(*streamed_and_whole(with_rows(*short), "u.csv", 25))
    assert whole_checks == [1]


def test_a_workbook_streams_from_the_limited_child_in_parts_as_parse_upload_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from etl.uploads import upload

    # Parts of 500 rows (the child is told the size): the real child reads the sheet in blocks.
    monkeypatch.setattr(upload, "PART_ROWS", 500)
    rows = [
        cells(i, yoy_pct=(i % 40) / 1000, unit="万标箱" if i == 1700 else "TEU")
        for i in range(2000)
    ]
    data = rows_workbook(rows, {6: "0.0%"})
    whole = parse_upload(data, "u.xlsx", {SOURCE})
    parts: list[pd.DataFrame] = []
    kind, notes = upload.stream_upload(data, "u.xlsx", [SOURCE], lambda k, r, h: parts.append(r))
    assert kind == "xlsx" and [len(p) for p in parts] == [500] * 4
    pd.testing.assert_frame_equal(pd.concat(parts), whole.rows, check_exact=True)
    assert notes == tuple(whole.notes) and len(notes) == 1


def test_source_ids_read_once_the_file_is_sent_check_as_given_ones_do() -> None:
    data = with_rows(csv_line(0, source="nobody"), csv_line(1), csv_line(2, source="nobody"))
    found = []
    for known in ({SOURCE}, lambda: {SOURCE}):
        with pytest.raises(CorridorError) as info:
            parse_upload(data, "u.csv", known)
        found.append([(p.row, p.column, p.kind) for p in info.value.problems])
    assert (
        found[0]
        == found[1]
        == [(2, "source_id", "unknown_source"), (4, "source_id", "unknown_source")]
    )
    assert len(parse_upload(csv_bytes(3), "u.csv", lambda: [SOURCE]).rows) == 3
