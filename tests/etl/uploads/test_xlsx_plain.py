"""etl/uploads/xlsx_plain.py: a plain sheet read by calamine gives the very frame (or refusal)
xlsx_cells gives, for every workbook the upload tests build, the template filled in, the
benchmark's, and random openpyxl and XlsxWriter workbooks of every kind of cell; sheets that are
not plain are left to xlsx_cells, and calamine runs within the upload child's memory limit."""

from __future__ import annotations

import importlib.util
import io
import random
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from uploads_support import HEADER, csv_line, xlsx_bytes

from etl.contract.errors import CorridorError
from etl.uploads import sandbox, xlsx_sheet
from etl.uploads.reading import _drop_blank_rows, read_xlsx_frame, text_frame
from etl.uploads.xlsx_plain import read_plain_sheet

HERE = Path(__file__).parent
TESTS = HERE.parents[1]


def sibling(name: str) -> ModuleType:
    """Return a sibling test module (tests are imported by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"plain_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def frame_or_refusal(data: bytes) -> tuple[str, Any]:
    """Return the all-text frame the upload reader makes of data, or its refusal's problems."""
    try:
        return "frame", read_xlsx_frame(data, "t.xlsx")
    except CorridorError as exc:
        return "refused", [vars(p) for p in exc.problems]


def both_readings(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, bool]:
    """Return xlsx_cells' reading, the reading of today's reader and whether it was plain."""
    monkeypatch.setattr(sandbox, "IN_CHILD", True)  # read in this process, not a child
    with monkeypatch.context() as old:
        old.setattr(xlsx_sheet, "read_plain_sheet", lambda _data: None)
        before = frame_or_refusal(data)
    return before, frame_or_refusal(data), read_plain_sheet(data) is not None


def assert_same(before: tuple[str, Any], after: tuple[str, Any]) -> None:
    assert before[0] == after[0], (before, after)
    if before[0] == "frame":
        pd.testing.assert_frame_equal(before[1], after[1], check_exact=True)
        assert list(before[1].index) == list(after[1].index)
    else:
        assert before[1] == after[1]


def built_workbooks() -> Iterator[tuple[str, bytes]]:
    """Yield every workbook the upload tests build, named."""
    cells = sibling("test_xlsx_cells")
    for name in ("openpyxl_book", "write_only_book", "xlsxwriter_book"):
        yield name, getattr(cells, name)()
    yield "xlsxwriter_book_1904", cells.xlsxwriter_book(True)
    sheet = sibling("test_xlsx_sheet")
    yield "odd_rows", sheet.workbook(sheet.HEADER + sheet.ODD_ROWS)
    yield "header_alone", sheet.workbook(sheet.HEADER)
    yield "empty_sheet", sheet.workbook("")
    for i, rows in enumerate(
        (
            '<row r="2"><c r="E2" t="s"><v>0</v></c></row>',
            '<row r="2"><c r="A2" t="s"><v>99</v></c></row>',
            '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>',
        )
    ):
        yield f"bad_sheet_{i}", sheet.workbook(sheet.HEADER + rows)
    excel = sibling("test_upload_excel")
    percents = [excel.row(i, **{"同比（%）": 0.01 * i}) for i in range(5)]
    yield "excel_percent", excel.workbook(percents, {"G": "0.0%"})
    dated = [excel.row(i, 截止日期=datetime(2025, 1 + i, 28)) for i in range(5)]
    yield "excel_dates", excel.workbook(dated, {"E": 'yyyy"年"m"月"d"日"'})
    template = sibling("test_template")
    yield (
        "template_filled",
        template.fill("zh", [{"指标": "班列开行", "数值": 12, "同比（%）": 0.1}]),
    )
    yield (
        "xlsx_bytes",
        xlsx_bytes([HEADER.split(","), csv_line(0).split(","), csv_line(1).split(",")]),
    )
    yield "xlsx_bytes_extra_sheet", xlsx_bytes([HEADER.split(",")], sheets=2)
    for path in sorted(TESTS.rglob("*.xlsx")):
        yield str(path.relative_to(TESTS)), path.read_bytes()


def test_every_workbook_the_tests_build_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = []
    for name, data in built_workbooks():
        before, after, was_plain = both_readings(data, monkeypatch)
        assert_same(before, after)
        if was_plain:
            plain.append(name)
    # The usual workbooks take calamine's path (else this test would compare xlsx_cells alone).
    assert {"write_only_book", "xlsxwriter_book", "excel_percent", "excel_dates"} <= set(plain)
    assert {"template_filled", "xlsx_bytes"} <= set(plain)
    # Booleans, odd cells, a formula, a sheet too many: xlsx_cells reads (or refuses) them.
    assert not {"openpyxl_book", "odd_rows", "bad_sheet_2", "xlsx_bytes_extra_sheet"} & set(plain)


def bench_workbook(rows: int) -> bytes:
    """Return the benchmark's upload (bench/bench_merge.py): shared strings, 0.0% yoy cells."""
    spec = importlib.util.spec_from_file_location(
        "bench_merge", TESTS.parent / "bench/bench_merge.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return bytes(module.upload_xlsx(rows, "t"))


def test_the_benchmarks_workbook_is_plain_and_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, after, was_plain = both_readings(bench_workbook(3000), monkeypatch)
    assert was_plain
    assert_same(before, after)
    assert after[1]["yoy_pct"].iloc[0] == "0.5%"


# Values of each kind of cell, with number formats; the random workbooks draw from these.
PERCENT_FORMATS = ("0%", "0.0%", "0.00%", "0.0%;[Red]-0.0%", '0.0"%"')
DATE_FORMATS = (
    "yyyy-mm-dd",
    "yyyy/m/d",
    'yyyy"年"m"月"d"日"',
    "m/d/yyyy h:mm",
    "h:mm:ss",
    "[h]:mm:ss",
    "yyyy-mm",
)
NUMBER_FORMATS = ("General", "0", "0.00", "#,##0", "#,##0.0", "@", '0"万"')
# Not plain: calamine decodes the _xHHHH_ escape, lxml keeps it.
ESCAPED = "_x000D_ kept"
TEXTS = (
    "班列开行",
    "  空格 ",
    "a & b < c > d \" e ' f",
    "line\nbreak",
    "12.3%",
    "2025/11/1",
    "2025年11月",
    "",
    "TRUE",
    "x_y_z",
    "tab\there",
)


def random_value(rng: random.Random, plain: bool) -> tuple[object, str | None]:
    """Return a cell value and its number format (None: the default)."""
    kinds = ["int", "float", "percent", "date", "serial", "text", "blank", "styled_blank"]
    if not plain:
        kinds += ["bool", "error", "formula", "rich", "big_int", "negative_zero", "escaped"]
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.choice([0, 1, -7, 42, 10**6, -(10**9), 10**15 - 1]), rng.choice(NUMBER_FORMATS)
    if kind == "float":
        value = rng.choice([0.5, -1.25, 1e-7, 3.25e-5, 1e20, 123456.789, rng.uniform(-1e6, 1e6)])
        return value, rng.choice(NUMBER_FORMATS)
    if kind == "percent":
        return rng.choice([0.123, -0.032, 1.5, 0, 0.00001, rng.uniform(-2, 2)]), rng.choice(
            PERCENT_FORMATS
        )
    if kind == "date":
        day = datetime(1900, 1, 1) + timedelta(days=rng.randrange(0, 2_900_000))
        day += rng.choice([timedelta(0), timedelta(hours=12, minutes=30), timedelta(seconds=1.5)])
        return day, rng.choice(DATE_FORMATS)
    if kind == "serial":
        return rng.choice([0.25, 1, 59, 60, 61, 45000, 45000.5, 2_900_000]), rng.choice(
            DATE_FORMATS
        )
    if kind == "text":
        return rng.choice(TEXTS), None
    if kind == "blank":
        return None, None
    if kind == "styled_blank":
        return None, rng.choice(PERCENT_FORMATS + DATE_FORMATS)
    if kind == "bool":
        return rng.choice([True, False]), None
    if kind == "error":
        return rng.choice(["#N/A", "#DIV/0!", "#VALUE!"]), "error"  # t="e" cells
    if kind == "formula":
        return "=1+1", None
    if kind == "rich":
        bold = InlineFont(b=True)
        return CellRichText("前", TextBlock(bold, "粗"), "后"), None
    if kind == "escaped":
        return ESCAPED, None
    if kind == "big_int":
        return 12345678901234567891, None
    return -0.0, None


def openpyxl_random(rng: random.Random, plain: bool) -> bytes:
    """Return a random openpyxl workbook: a header, then rows of random cells, maybe gaps."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    width = rng.randint(1, 8)
    first = rng.choice([1, 1, 2])
    for c in range(width):
        sheet.cell(first, 1 + c, f"列{c}")
    row = first
    for _ in range(rng.randint(0, 25)):
        row += rng.choice([1, 1, 1, 2])
        for c in range(rng.randint(1, width)):
            value, code = random_value(rng, plain)
            cell = sheet.cell(row, 1 + c)
            if code == "error":
                cell.value, cell.data_type = value, "e"  # type: ignore[assignment]
            else:
                cell.value = value  # type: ignore[assignment]
                if code:
                    cell.number_format = code
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsxwriter_random(rng: random.Random, plain: bool) -> bytes:
    """Return a random XlsxWriter workbook (shared strings, formulas with cached values)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "date_1904": rng.random() < 0.2})
    sheet = book.add_worksheet()
    width = rng.randint(1, 6)
    sheet.write_row(0, 0, [f"h{c}" for c in range(width)])
    for r in range(1, rng.randint(1, 25)):
        for c in range(width):
            value, code = random_value(rng, plain)
            style = book.add_format({"num_format": code}) if code and code != "error" else None
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, style)
            elif code == "error" or isinstance(value, CellRichText):
                sheet.write_string(r, c, str(value))
            elif value == "=1+1":
                sheet.write_formula(r, c, "=1+1", None, 2)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float) and abs(value) < 1e300:
                sheet.write_number(r, c, value, style)
            elif value is None:
                sheet.write_blank(r, c, None, style)
            else:
                sheet.write_string(r, c, str(value), style)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("make", [openpyxl_random, xlsxwriter_random])
def test_random_workbooks_read_the_same(
    seed: int, make: Callable[[random.Random, bool], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    plain = seed % 2 == 0  # even seeds hold only the kinds of cell a plain sheet holds
    data = make(rng, plain)
    before, after, was_plain = both_readings(data, monkeypatch)
    assert_same(before, after)
    if plain:
        assert was_plain


def test_a_repeated_cell_keeps_the_last_even_when_it_is_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Calamine skips an empty cell; xlsx_cells lets the last of a repeated reference win.
    sheet = sibling("test_xlsx_sheet")
    rows = '<row r="2"><c r="A2"><v>5</v></c><c r="A2" s="1"/><c r="B2"><v>7</v></c></row>'
    strings = sheet.PARTS["xl/sharedStrings.xml"]
    plain_strings = {"xl/sharedStrings.xml": strings.replace("<si/>", "")}  # <si/> is not plain
    monkeypatch.setattr(sheet, "PARTS", {**sheet.PARTS, **plain_strings})
    before, after, was_plain = both_readings(sheet.workbook(sheet.HEADER + rows), monkeypatch)
    assert was_plain
    assert_same(before, after)
    assert list(after[1].iloc[0]) == ["", "7", ""]


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
        '<row r="2"><c r="A5"><v>1</v></c></row>',  # a cell outside its row
        '<row r="2"><c r="A2"><v>-0</v></c></row>',
        '<row r="2"><c r="A2"><v>12345678901234567</v></c></row>',
        '<row r="2"><c r="A2" t="s"><v>007</v></c></row>',
        '<row r="2"><c r="A2" s="01"><v>0.5</v></c></row>',
        '<row r="2"><c r="A2" t="b"><v>1</v></c></row>',
        '<row r="2" r="3"><c r="A2"><v>1</v></c></row>',
    ],
)
def test_sheets_that_are_not_plain_are_left_to_xlsx_cells(
    rows: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = sibling("test_xlsx_sheet")
    data = sheet.workbook(sheet.HEADER + rows)
    before, after, was_plain = both_readings(data, monkeypatch)
    assert not was_plain
    assert_same(before, after)


def plain_in_child(data: bytes) -> bool:
    """Whether calamine read the workbook (run in the limited child)."""
    return read_plain_sheet(data) is not None


def test_calamine_reads_within_the_upload_childs_memory_limit() -> None:
    # The native library is mapped, and a 20,000-row sheet read, under the child's RLIMIT_AS.
    data = bench_workbook(20_000)
    assert sandbox.run_limited(plain_in_child, (data,), "b.xlsx", **sandbox.UPLOAD_LIMITS)


def blocks_or_refusal(data: bytes, block_rows: int) -> tuple[str, Any] | None:
    """Return the frame the sheet's blocks make together (each made a frame as the upload
    reader makes the whole sheet's), or their refusal; None where the sheet is not plain."""
    blocks = xlsx_sheet.read_xlsx_blocks(data, "t.xlsx", block_rows)
    if blocks is None:
        return None
    try:
        frames = [_drop_blank_rows(text_frame(*block)) for block in blocks]
    except CorridorError as exc:
        return "refused", [vars(p) for p in exc.problems]
    return "frame", pd.concat(frames)


def random_workbooks(count: int) -> Iterator[tuple[str, bytes]]:
    """Yield random plain and other workbooks of both writers, named."""
    for seed in range(count):
        for make in (openpyxl_random, xlsxwriter_random):
            yield f"{make.__name__}_{seed}", make(random.Random(seed), seed % 2 == 0)


def test_a_plain_sheet_read_in_blocks_makes_the_whole_sheets_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Blocks of 1, 2 and 7 rows: each cut falls somewhere else (empty rows, gaps, dates and
    # percents, a header not on row 1, a value beyond the header in a later block).
    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    sheet = sibling("test_xlsx_sheet")
    strings = sheet.PARTS["xl/sharedStrings.xml"].replace("<si/>", "")  # <si/> is not plain
    monkeypatch.setattr(sheet, "PARTS", {**sheet.PARTS, "xl/sharedStrings.xml": strings})
    # Blocks whose first column is empty, or whose rows are all empty.
    gaps = '<row r="2"><c r="B2"><v>2</v></c></row><row r="3"/><row r="4"><c r="C4"><v>4</v></c>'
    gaps += '</row><row r="6"><c r="A6"/><c r="B6"><v>6</v></c></row><row r="7"/><row r="8"/>'
    gaps += '<row r="9"><c r="C9" t="s"><v>1</v></c></row>'
    read = 0
    built = [*built_workbooks(), *random_workbooks(12), ("bench", bench_workbook(50))]
    for name, data in [*built, ("gaps", sheet.workbook(sheet.HEADER + gaps))]:
        whole = frame_or_refusal(data)
        for block_rows in (1, 2, 7):
            blocks = blocks_or_refusal(data, block_rows)
            assert (blocks is None) == (read_plain_sheet(data) is None), name
            if blocks is not None:
                read += 1
                assert_same(whole, blocks)
    assert read >= 3 * 20


def test_a_value_beyond_the_header_in_a_later_block_is_refused_as_in_the_whole_sheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    sheet = sibling("test_xlsx_sheet")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 9))
    rows += '<row r="9"><c r="A9"><v>9</v></c><c r="F9"><v>1</v></c></row>'
    strings = sheet.PARTS["xl/sharedStrings.xml"].replace("<si/>", "")  # <si/> is not plain
    monkeypatch.setattr(sheet, "PARTS", {**sheet.PARTS, "xl/sharedStrings.xml": strings})
    data = sheet.workbook(sheet.HEADER + rows)
    whole = frame_or_refusal(data)
    assert whole[0] == "refused" and whole[1][0]["row"] == 9
    assert blocks_or_refusal(data, 3) == whole
