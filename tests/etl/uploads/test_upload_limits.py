"""etl/uploads: work bounded by caps on columns, rows, cells and unpacked size; refusals of
bounded length; workbooks parsed in a limited child; a DOCTYPE found in any workbook part."""

from __future__ import annotations

import io
import re
import sys
import time
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from uploads_support import HEADER, SOURCE, csv_line, new_layout, tree_digest, xlsx_bytes

from etl.contract.errors import CorridorError
from etl.store.commands import validate_upload
from etl.uploads import sandbox
from etl.uploads.limits import MAX_COLUMNS, MAX_ROWS
from etl.uploads.validating import parse_upload

# Long enough for the reason, the file and the limits; far shorter than any echo of the input.
MAX_MESSAGE = 600


def refusal(tmp_path: Path, data: bytes, name: str = "u.csv") -> str:
    layout = new_layout(tmp_path / "data")
    before = tree_digest(layout.root)
    with pytest.raises(CorridorError) as info:
        validate_upload(layout, data, name)
    assert tree_digest(layout.root) == before
    return info.value.render()


def test_a_60000_column_csv_is_refused_with_a_short_message(tmp_path: Path) -> None:
    names = [f"col_{i:05d}" for i in range(60_000)]
    data = (",".join(names) + "\n" + ",".join("1" for _ in names) + "\n").encode()
    message = refusal(tmp_path, data)
    assert "too many columns (60000" in message and "列数过多" in message
    assert len(message) < MAX_MESSAGE, len(message)
    assert "col_00001" not in message, "the column names are not echoed"


def test_many_unknown_columns_are_listed_up_to_a_cap(tmp_path: Path) -> None:
    extra = [f"extra_{i}" for i in range(MAX_COLUMNS - len(HEADER.split(",")))]
    header = HEADER + "," + ",".join(extra)
    data = (header + "\n" + csv_line(0) + "," * len(extra) + "\n").encode()
    message = refusal(tmp_path, data)
    assert message.count("unknown column (") == 20
    assert f"{len(extra) - 20} more unknown columns" in message


def test_a_csv_longer_than_the_row_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    data = (HEADER + "\n" + "\n" * (2 * MAX_ROWS + 1)).encode()
    message = refusal(tmp_path, data)
    assert "too many rows" in message and len(message) < MAX_MESSAGE


def test_a_real_sized_upload_is_within_the_caps() -> None:
    # 300,000 rows of the template's 12 columns: the largest legitimate upload.
    from etl.uploads.limits import MAX_CELLS

    assert MAX_ROWS >= 300_000 and MAX_COLUMNS >= 12 and MAX_CELLS >= 300_001 * 12


def rewrite(data: bytes, change: Callable[[str, bytes], tuple[str, bytes] | None]) -> bytes:
    """Return the workbook with each part passed through change (None drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            changed = change(info.filename, src.read(info))
            if changed is not None:
                dst.writestr(changed[0], changed[1])
    return out.getvalue()


def without_dimension(name: str, body: bytes) -> tuple[str, bytes]:
    if name == "xl/worksheets/sheet1.xml":
        body = re.sub(rb"<dimension[^>]*/>", b"", body)
    return name, body


def good_workbook() -> bytes:
    return xlsx_bytes([HEADER.split(","), csv_line(0).split(","), csv_line(1).split(",")])


def test_a_workbook_without_dimension_is_read_the_same(tmp_path: Path) -> None:
    data = rewrite(good_workbook(), without_dimension)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    upload = parse_upload(data, "u.xlsx", {SOURCE})
    assert list(upload.rows.index + 2) == [2, 3]


def test_a_far_cell_without_dimension_is_refused_not_padded(tmp_path: Path) -> None:
    # One cell at XFD1048576 with no <dimension>: openpyxl's iterator would pad a million rows
    # to 16,384 cells each; the upload is refused at that row instead.
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'

    def add_far_cell(name: str, body: bytes) -> tuple[str, bytes]:
        name, body = without_dimension(name, body)
        if name == "xl/worksheets/sheet1.xml":
            body = body.replace(b"</sheetData>", far + b"</sheetData>")
        return name, body

    message = refusal(tmp_path, rewrite(good_workbook(), add_far_cell), "far.xlsx")
    assert "too many columns (16384" in message and len(message) < MAX_MESSAGE


def test_a_sparse_far_row_keeps_its_row_number(tmp_path: Path) -> None:
    row = "".join(
        f'<c r="{chr(65 + i)}1048576" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(csv_line(5).split(","))
    )

    def add_far_row(name: str, body: bytes) -> tuple[str, bytes]:
        name, body = without_dimension(name, body)
        if name == "xl/worksheets/sheet1.xml":
            far = f'<row r="1048576">{row}</row>'.encode()
            body = body.replace(b"</sheetData>", far + b"</sheetData>")
        return name, body

    upload = parse_upload(rewrite(good_workbook(), add_far_row), "u.xlsx", {SOURCE})
    assert list(upload.rows.index + 2) == [2, 3, 1048576]


DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>'


def test_a_doctype_in_a_part_not_named_xml_is_refused(tmp_path: Path) -> None:
    # The sheet renamed to .dat and its relationship pointed there: openpyxl would still parse it.
    def rename_sheet(name: str, body: bytes) -> tuple[str, bytes]:
        if name == "xl/worksheets/sheet1.xml":
            return "xl/worksheets/sheet1.dat", DOCTYPE + body
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            body = body.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
        return name, body

    message = refusal(tmp_path, rewrite(good_workbook(), rename_sheet), "renamed.xlsx")
    assert "DOCTYPE" in message and "sheet1.dat" in message


def test_a_doctype_in_any_extra_part_is_refused(tmp_path: Path) -> None:
    data = good_workbook()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("customXml/item1.bin", DOCTYPE + b"<x/>")
    message = refusal(tmp_path, out.getvalue(), "extra.xlsx")
    assert "DOCTYPE" in message and "item1.bin" in message


def test_binary_parts_without_xml_are_accepted() -> None:
    out = io.BytesIO(good_workbook())
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert len(parse_upload(out.getvalue(), "u.xlsx", {SOURCE}).rows) == 2


def greedy(megabytes: int) -> int:
    """Allocate far more memory than the child may have (run in the child)."""
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def spin(seconds: float) -> int:
    """Burn CPU time (run in the child)."""
    import time

    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return n


def test_a_child_over_its_memory_limit_fails_with_a_refusal() -> None:
    with pytest.raises(CorridorError) as info:
        sandbox.run_limited(greedy, (4096,), "big.xlsx", memory_bytes=256 * 1024 * 1024)
    message = info.value.render()
    assert "the memory limit of 256 MiB" in message and "内存上限 256 MiB" in message
    assert "big.xlsx" in message


def test_a_child_over_its_cpu_limit_is_stopped() -> None:
    with pytest.raises(CorridorError) as info:
        sandbox.run_limited(spin, (60.0,), "slow.xlsx", cpu_seconds=1, timeout=30)
    message = info.value.render()
    assert "the CPU time limit of 1 s" in message and "CPU 时间上限 1 秒" in message


def test_a_child_over_its_wall_time_is_stopped_and_named() -> None:
    start = time.monotonic()
    with pytest.raises(CorridorError) as info:
        sandbox.run_limited(time.sleep, (60.0,), "idle.csv", timeout=2)
    assert time.monotonic() - start < 20
    message = info.value.render()
    assert "the time limit of 2 s" in message and "总用时上限 2 秒" in message


def test_a_child_within_its_limits_returns_the_result() -> None:
    assert sandbox.run_limited(greedy, (8,), "ok.xlsx") == 8 * 1024 * 1024


def test_the_child_never_runs_the_parents_main_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Inside Streamlit (and AppTest) __main__ is the dashboard script: a multiprocessing spawn
    # child re-ran it and died, refusing every workbook. The child must be a fresh interpreter.
    marker = tmp_path / "ran.txt"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert sandbox.run_limited(greedy, (8,), "ok.xlsx") == 8 * 1024 * 1024
    assert not marker.exists()


def test_a_csv_is_read_and_checked_in_the_limited_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Within a budget far below what reading 60,000 rows takes, the child fails, not the server.
    monkeypatch.setitem(sandbox.UPLOAD_LIMITS, "memory_bytes", 8 * 1024 * 1024)
    data = ("\n".join([HEADER, *(csv_line(i) for i in range(60_000))]) + "\n").encode()
    message = refusal(tmp_path, data)
    assert "the memory limit of 8 MiB" in message and "内存上限 8 MiB" in message


def test_the_width_comes_from_the_first_record_not_the_first_line(tmp_path: Path) -> None:
    # A quoted header cell holding a line break hid 1M columns from a first-line count.
    data = b'"metric\n",' + b",".join(b"c%d" % i for i in range(5000)) + b"\n1\n"
    message = refusal(tmp_path, data)
    assert "too many columns (5001" in message and len(message) < MAX_MESSAGE


def test_a_header_cell_past_the_field_limit_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, b'"' + b"x" * 300_000 + b'"\n1\n')
    assert "at most 100000 characters" in message and "过长" in message


def test_many_failing_rows_are_refused_quickly_with_a_capped_list(tmp_path: Path) -> None:
    # 200,000 rows failing every check: the list stops at the cap and the rest are not checked
    # one object per cell (the 500,000 rows took 160 s and 8.8 GB).
    bad = "x,y,z,2024-13-01,bad,=cmd,%,nosrc,<b>"
    data = ("\n".join([HEADER, *([bad] * 200_000)]) + "\n").encode()
    start = time.monotonic()
    with pytest.raises(CorridorError) as info:
        parse_upload(data, "bad.csv", {SOURCE})
    assert time.monotonic() - start < 40
    problems = info.value.problems
    assert len(problems) <= 203
    assert any("more problems not listed" in p.en for p in problems)
    assert any("not checked further" in p.en for p in problems)


def test_rows_failing_only_the_contract_schema_are_capped_too() -> None:
    # Every value above the metric's plausible maximum: only pandera's check fails, chunk by chunk.
    rows = [csv_line(i, value="9" * 30) for i in range(50_000)]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    with pytest.raises(CorridorError) as info:
        parse_upload(data, "max.csv", {SOURCE})
    problems = info.value.problems
    assert len(problems) <= 203 and "plausible maximum" in problems[0].en
    assert any("not checked further" in p.en for p in problems)
