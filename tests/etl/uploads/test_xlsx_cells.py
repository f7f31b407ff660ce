"""etl/uploads/xlsx_cells.py: the first sheet's cells read with lxml equal what openpyxl reads,
for every kind of cell Excel and openpyxl write (shared and inline strings, numbers, dates,
percents, booleans, errors, formulas, gaps), and a 1904-dated workbook."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
import xlsxwriter

from etl.uploads.cell_texts import cell_text, percent_text
from etl.uploads.xlsx_cells import open_book
from etl.uploads.xlsx_sheet import read_xlsx_cells


def openpyxl_texts(data: bytes) -> list[tuple[int, list[str]]]:
    """Return the non-empty rows as openpyxl reads them, turned into text as the reader does."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    out = []
    for row in sheet.iter_rows():
        cells = [c for c in row if c.value is not None]
        if not cells:
            continue
        width = max(c.column for c in cells)
        texts = [""] * width
        for c in cells:
            percent = "%" in str(c.number_format) and isinstance(c.value, int | float)
            texts[c.column - 1] = percent_text(c.value) if percent else cell_text(c.value)
        out.append((cells[0].row, texts))
    return out


def openpyxl_book() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "数值", "同比（%）", "截止日期", "布尔"])
    sheet.append(["班列开行", 1200, 0.123, datetime(2025, 11, 30), True])
    sheet.append(["集装箱", 1.5, -0.032, datetime(2025, 1, 1, 12, 30), False])
    sheet["A6"] = "跳过两行"  # rows 4 and 5 are missing
    sheet["E6"] = 3.25e-5
    for cell in ("C2", "C3"):
        sheet[cell].number_format = "0.0%"
    sheet["D2"].number_format = "yyyy/m/d"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_only_book() -> bytes:
    # openpyxl's write-only mode writes inline strings.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["指标", "数值"])
    sheet.append(["班列开行", 7])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsxwriter_book(date1904: bool = False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "date_1904": date1904})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "数值", "截止日期", "备注"])
    sheet.write_row(1, 0, ["班列开行", 42])
    sheet.write_datetime(
        1, 2, datetime(2025, 11, 30), book.add_format({"num_format": "yyyy-mm-dd"})
    )
    sheet.write_string(1, 3, "富文本 rich")
    sheet.write_number(2, 1, 0.5, book.add_format({"num_format": "0%"}))
    book.close()
    return out.getvalue()


@pytest.mark.parametrize(
    "make", [openpyxl_book, write_only_book, xlsxwriter_book, lambda: xlsxwriter_book(True)]
)
def test_cells_equal_what_openpyxl_reads(make: object) -> None:
    data = make()  # type: ignore[operator]
    assert read_xlsx_cells(data, "x.xlsx") == openpyxl_texts(data)


def test_the_example_values_read_as_typed() -> None:
    rows = dict(read_xlsx_cells(openpyxl_book(), "x.xlsx"))
    assert rows[2] == ["班列开行", "1200", "12.3%", "2025-11-30", "TRUE"]
    assert rows[3] == ["集装箱", "1.5", "-3.2%", "2025-01-01 12:30:00", "FALSE"]
    assert 4 not in rows and rows[6][0] == "跳过两行"


def test_formulas_and_sheet_names_are_seen() -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active["A2"] = "=1+1"
    book.create_sheet("另一个")
    out = io.BytesIO()
    book.save(out)
    opened = open_book(out.getvalue())
    assert opened.sheetnames == ("Sheet", "另一个")
    row = {r.number: r for r in opened.rows()}[2]
    assert row.formulas == [(1, "=1+1")] and row.texts == ["=1+1"]
