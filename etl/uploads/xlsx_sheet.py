"""An uploaded workbook's one sheet as text: rows or columns of cell texts, limits and formulas
checked; runs in the limited child of etl/uploads/sandbox.py (xlsx_plain reads a plain sheet
with calamine, xlsx_cells any other)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from etl.contract.errors import CorridorError, Problem
from etl.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_LISTED_PROBLEMS,
    MAX_ROWS,
    capped,
    refuse,
    too_many_columns,
    too_many_rows,
)
from etl.uploads.template import TEMPLATE_SHEETS
from etl.uploads.xlsx_cells import SheetRow, open_book
from etl.uploads.xlsx_plain import PlainSheet, plain_sheet_blocks, read_plain_sheet

# A sheet as columns: its header texts, the row number of each data row, and one list of texts
# per header column (what the parent turns into a frame without a per-cell step).
SheetColumns = tuple[list[str], list[int], list[list[str]]]


def read_xlsx_cells(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """Return the sheet's non-empty rows as (row number, cell texts); run in a limited child."""
    # openpyxl's sheet reader costs ~23 s of CPU for 200,000 rows; xlsx_cells streams the same
    # cells with lxml and yields only the rows and cells present, so the work stays linear.
    try:
        book = open_book(data)
    except Exception as exc:  # a damaged workbook raises many kinds
        raise refuse(
            f"无法读取 XLSX：{type(exc).__name__}",
            f"cannot read the XLSX: {type(exc).__name__}",
            name,
        ) from None
    try:
        # The template's own explanation and list sheets may come back with the data sheet.
        extra = [n for n in book.sheetnames[1:] if n not in TEMPLATE_SHEETS]
        if extra:
            count = len(book.sheetnames)
            raise refuse(
                f"XLSX 必须只有一个工作表（此文件有 {count} 个）",
                f"the XLSX must hold exactly one sheet (this one has {count})",
                name,
                value=", ".join(book.sheetnames[:10]),
            )
        return _sheet_texts(book.rows(), name)
    except CorridorError:
        raise
    except Exception as exc:  # a damaged sheet part
        raise refuse(
            f"无法读取 XLSX：{type(exc).__name__}",
            f"cannot read the XLSX: {type(exc).__name__}",
            name,
        ) from None
    finally:
        book.archive.close()


def read_xlsx_columns(data: bytes, name: str) -> SheetColumns:
    """Return the sheet as columns under its header, refusing values beyond the header's width;
    run in a limited child (columns cross back to the parent far cheaper than rows)."""
    # A plain sheet (as Excel and most programs save a table) is read by calamine several times
    # faster; xlsx_cells reads the rest, and both read a plain sheet alike (tests compare them).
    plain = read_plain_sheet(data)
    if plain is not None:
        return _plain_columns(plain, name)
    rows = read_xlsx_cells(data, name)
    if not rows:
        raise refuse("工作表为空", "the sheet is empty", name)
    header = _header(rows[0][1])
    width = len(header)
    extra = [r for r, texts in rows[1:] if any(v.strip() for v in texts[width:])]
    if extra:
        raise _beyond_header(name, extra[0])
    numbers = [r for r, _texts in rows[1:]]
    body = [
        texts if len(texts) == width else (texts + [""] * width)[:width] for _r, texts in rows[1:]
    ]
    # One transpose in C instead of a step per cell; no rows still means width empty columns.
    columns = [list(c) for c in zip(*body, strict=True)] if body else [[] for _ in range(width)]
    return header, numbers, columns


def read_xlsx_blocks(data: bytes, name: str, block_rows: int) -> Iterator[SheetColumns] | None:
    """Return read_xlsx_columns' columns in blocks of about block_rows rows (each under the
    header, rows in order), each read as it is asked for; None where the sheet is not plain
    (read_xlsx_columns reads it whole). Run in a limited child."""
    blocks = plain_sheet_blocks(data, block_rows)
    return None if blocks is None else _plain_blocks(blocks, name)


def _plain_blocks(blocks: Iterator[PlainSheet], name: str) -> Iterator[SheetColumns]:
    first = next(blocks)
    header = _plain_header(first, name)
    yield header, *_plain_body(first, len(header), first.rows[1:], first.rows[0] + 1, name)
    for block in blocks:
        yield header, *_plain_body(block, len(header), block.rows, block.top, name)


def _plain_columns(plain: PlainSheet, name: str) -> SheetColumns:
    """Return a plain sheet as read_xlsx_columns returns xlsx_cells' rows (the same checks)."""
    header = _plain_header(plain, name)
    return header, *_plain_body(plain, len(header), plain.rows[1:], plain.rows[0] + 1, name)


def _plain_header(plain: PlainSheet, name: str) -> list[str]:
    """Return the header: the texts of the sheet's first row holding cells."""
    if not plain.rows:
        raise refuse("工作表为空", "the sheet is empty", name)
    row, top = plain.rows[0], plain.top
    return _header([c[row - top] for c in plain.columns] if top <= row <= plain.height else [])


def _plain_body(
    plain: PlainSheet, width: int, numbers: list[int], after: int, name: str
) -> tuple[list[int], list[list[str]]]:
    """Return the numbers and columns (width of them) of the data rows given, refusing a value
    beyond the header's width in the sheet's rows from after on."""
    grid, top, height = plain.columns, plain.top, plain.height
    # Rows without cells hold no value in the grid, so the first value found is xlsx_cells'.
    extra = [
        next((r for r in range(max(after, top), height + 1) if column[r - top].strip()), None)
        for column in grid[width:]
    ]
    found = [r for r in extra if r is not None]
    if found:
        raise _beyond_header(name, min(found))
    blank = [""] * len(numbers)
    if numbers and numbers == list(range(numbers[0], height + 1)) and numbers[0] >= top:
        body = [column[numbers[0] - top : height - top + 1] for column in grid[:width]]
    else:
        body = [
            [column[r - top] if top <= r <= height else "" for r in numbers]
            for column in grid[:width]
        ]
    return numbers, body + [list(blank) for _ in range(width - len(body))]


def _header(texts: list[str]) -> list[str]:
    header = [h.strip() for h in texts]
    while header and header[-1] == "":
        header.pop()
    return header


def _beyond_header(name: str, row: int) -> CorridorError:
    return refuse(
        "某行在表头之外还有内容",
        "a row has values beyond the header's columns",
        name,
        row=row,
    )


def _sheet_texts(parsed: Iterable[SheetRow], name: str) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    formulas: list[Problem] = []
    formula_count = 0
    cells = 0
    for row in parsed:
        if not row.texts:
            continue
        width = len(row.texts) if row.columns is None else max(row.columns)
        if width > MAX_COLUMNS:
            raise too_many_columns(width, name)
        cells += len(row.texts)
        if len(rows) >= MAX_ROWS + 1 or cells > MAX_CELLS:
            raise too_many_rows(name)
        texts = row.texts
        if row.columns is not None:
            # Gaps and repeats: each text goes to its column, the last of a repeat winning.
            texts = [""] * width
            for column, text in zip(row.columns, row.texts, strict=True):
                texts[column - 1] = text
        for column, formula in row.formulas:
            formula_count += 1
            if len(formulas) < MAX_LISTED_PROBLEMS:
                formulas.append(
                    Problem(
                        "单元格含有公式；请只上传数值（复制后“选择性粘贴为数值”）",
                        "a cell holds a formula; upload values only (paste as values)",
                        file=name,
                        row=row.number,
                        column=_column_letter(column),
                        value=formula,
                    )
                )
        rows.append((row.number, texts))
    if formulas:
        raise CorridorError(capped(formulas, formula_count))
    return rows


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
