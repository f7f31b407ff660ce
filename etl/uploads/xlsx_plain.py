"""A workbook's first sheet read by calamine (Rust) when it is plain: shared or inline strings
and numbers, every row and cell numbered, as Excel, WPS, LibreOffice, openpyxl and XlsxWriter
save a table; several times faster than xlsx_cells, and read to the very same texts.

Plain is checked, never assumed. The sheet's cells must match SHEET_GRAMMARS (rows in order,
each cell in its own row, nothing but c, v and inline string elements: no formula, boolean,
error or ISO date cell, and numbers Python and Rust read alike); the shared strings must match
STRINGS (text, runs and phonetic guides that lxml and calamine read alike) and parse with lxml;
the sheet around its sheetData must parse with lxml and hold no other row (with inline strings,
the whole sheet must). Calamine then reads a workbook made of those two parts alone, without
styles, so every number comes back as the number it is; the numbers of cells styled as dates
or percents are turned into text by xlsx_cells' own functions. Whenever a check fails (or
calamine fails) read_plain_sheet returns None, and the caller reads the workbook with
xlsx_cells, which reads any workbook, only slower.
"""

from __future__ import annotations

import gc
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from lxml import etree
from python_calamine import CalamineWorkbook

from etl.uploads.limits import MAX_CELLS, MAX_ROWS, BlockUnread
from etl.uploads.template import TEMPLATE_SHEETS
from etl.uploads.xlsx_cells import (
    MAIN_NAMESPACES,
    Book,
    _column_index,
    _parser_options,
    number_cell_text,
    open_book,
)

MAIN = MAIN_NAMESPACES[0]
# Calamine's dense grid of a sheet costs ~32 bytes a cell before Python sees it: sheets whose
# last row times their widest possible row exceeds this are left to xlsx_cells (bounded memory).
MAX_DENSE_CELLS = 6_000_000
# A part bigger than this is left to xlsx_cells, which streams it instead of holding copies.
MAX_PART_BYTES = 160 * 1024 * 1024

# Attribute values of rows (never read by either reader): printable ASCII without " & <.
_VALUE = rb'="[\x20\x21\x23-\x25\x27-\x3b\x3d-\x7e]*"'
# Row attributes in the schema's order, each at most once (a repeated one is an XML error).
_ROW_ATTRIBUTES = b"".join(
    rb"(?: " + name + _VALUE + rb")?"
    for name in (
        b"spans",
        b"s",
        b"customFormat",
        b"ht",
        b"hidden",
        b"customHeight",
        b"outlineLevel",
        b"collapsed",
        b"thickTop",
        b"thickBot",
        b"ph",
    )
)
# Excel's own row attribute, valid only where the sheet declares its prefix.
_X14AC = rb"(?: x14ac:dyDescent" + _VALUE + rb")?"
# Numbers both readers read alike: xlsx_cells reads digits alone as a Python int and anything
# with a point or exponent as a float; calamine reads every number as a float. Integers of 16
# digits and more, and -0, would differ, so they are not plain.
_NUMBER = (
    rb"(?:0|-?[1-9][0-9]{0,14}"
    rb"|-?[0-9]{1,40}(?:\.[0-9]{1,40}(?:[eE][-+]?[0-9]{1,3})?|[eE][-+]?[0-9]{1,3}))"
)
_STYLE = rb'(?: s="(?:0|[1-9][0-9]{0,8})")?'  # no leading zero: the s="1" of SPECIAL_CELL
_WIDTHS = {26: rb"[A-Z]", 64: rb"(?:[A-Z]|A[A-Z]|B[A-L])"}  # columns A–Z, A–BL (MAX_COLUMNS)


# An inline string's one text (as openpyxl writes it): characters beyond ASCII may come as
# references, never one that could spell an _xHHHH_ escape; lxml checks the sheet's XML then.
_INLINE_TEXT = (
    rb"(?:[^<&_\r]++|&(?:amp|lt|gt|quot|apos|#(?:9|10|13|12[89]|1[3-9][0-9]|[2-9][0-9]{2}"
    rb"|[1-9][0-9]{3,6}));|_(?![xX][0-9a-fA-F]{4}_))*+"
)


def _sheet_grammar(width: int, space: bytes) -> re.Pattern[bytes]:
    """Return the pattern a plain sheetData's content matches in full (space: b"" or \\s*)."""
    cell = (
        rb'<c r="' + _WIDTHS[width] + rb'(?P=row)"' + _STYLE
        # A shared string's index, an inline string, or a number; any may be left out.
        + rb'(?: t="s"' + space + rb"(?:/>|>" + space
        + rb"(?:<v>(?:0|[1-9][0-9]{0,8})</v>" + space + rb")?</c>)"
        + rb'| t="inlineStr"' + space + rb"(?:/>|>" + space + rb"(?:<is>" + space
        + rb'<t(?: xml:space="preserve")?(?:/>|>' + _INLINE_TEXT + rb"</t>)"
        + space + rb"</is>" + space + rb")?</c>)"
        + rb'|(?: t="n")?' + space + rb"(?:/>|>" + space
        + rb"(?:<v>" + _NUMBER + rb"</v>" + space + rb")?</c>))"
    )  # fmt: skip
    row = (
        rb'<row r="(?P<row>[1-9][0-9]{0,6})"' + _ROW_ATTRIBUTES + _X14AC + space
        + rb"(?:/>|>(?:" + space + _usual(width) + cell + rb")*+" + space + rb"</row>)"
    )  # fmt: skip
    return re.compile(rb"(?:" + space + row + rb")*+" + space)


def _strict_grammar(x14ac: bool) -> re.Pattern[bytes]:
    """Return the pattern of the usual sheet: compact, A–Z, a value in every cell and a cell in
    every row, no inline string (so _read need look for none of those)."""
    cell = (
        rb'<c r="[A-Z](?P=row)"' + _STYLE + rb'(?: t="s"><v>(?:0|[1-9][0-9]{0,8})</v>'
        rb'|(?: t="n")?><v>' + _NUMBER + rb"</v>)</c>"
    )
    row = (
        rb'<row r="(?P<row>[1-9][0-9]{0,6})"' + _ROW_ATTRIBUTES + (_X14AC if x14ac else b"")
        + rb">(?:" + _usual(26) + cell + rb")++</row>"
    )  # fmt: skip
    return re.compile(rb"(?:" + row + rb")*+")


def _usual(width: int) -> bytes:
    """Return the usual cells as a first alternative: a shortcut that costs far less a cell."""
    return (
        rb'<c r="' + _WIDTHS[width] + rb'(?P=row)"(?: t="s"><v>(?:0|[1-9][0-9]{0,8})</v></c>'
        rb"|><v>" + _NUMBER + rb"</v></c>)|"
    )


# Tried in turn after the strict one (STRICT_GRAMMARS, by whether x14ac is declared): compact
# sheets (no spaces between elements), then spaced ones; the width (at most 26 columns, or 64)
# bounds the memory calamine's grid takes (MAX_DENSE_CELLS).
STRICT_GRAMMARS = {False: _strict_grammar(False), True: _strict_grammar(True)}
SHEET_GRAMMARS = (
    (26, _sheet_grammar(26, b"")),
    (26, _sheet_grammar(26, rb"\s*")),
    (64, _sheet_grammar(64, rb"\s*")),
)
ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
EMPTY_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*?(?:/>|>\s*</row>)')
# A cell without a value: given calamine as an empty inline string, so that a repeated cell
# reference keeps the last cell as xlsx_cells does (calamine skips empty cells).
VALUELESS_CELL = re.compile(rb'<c r="([A-Z]{1,2}[0-9]+)"[^>]*?(?:/>|>\s*</c>)')
EMPTY_STRING_CELL = rb'<c r="\1" t="inlineStr"><is><t></t></is></c>'
XML_DECLARATION = re.compile(
    rb"(?:\xef\xbb\xbf)?"
    rb"(?:<\?xml version=([\"'])1\.0\1(?: encoding=([\"'])(?i:utf-8)\2)?"
    rb"(?: standalone=([\"'])(?:yes|no)\3)?\s*\?>)?\s*(?=<[A-Za-z])"
)

# Shared strings: text with the five named entities and no _xHHHH_ escape (which calamine
# decodes and lxml keeps) or carriage return (which parsers may normalise differently).
_TEXT = rb"(?:[^<&_\r]++|&(?:amp|lt|gt|quot|apos);|_(?![xX][0-9a-fA-F]{4}_))*+"
_T = rb'<t(?: xml:space="preserve")?\s*(?:/>|>' + _TEXT + rb"</t>)"
_ANY_ATTRIBUTES = rb'(?:\s+[A-Za-z]+="[^"<&]*")*\s*'
_RUN = (
    rb"<r>\s*(?:<rPr>(?:\s*<[A-Za-z]+" + _ANY_ATTRIBUTES + rb"/>)*\s*</rPr>\s*)?" + _T + rb"\s*</r>"
)
# One plain text, or runs only (calamine reads a text before runs alone), then phonetic guides.
_SI = (
    rb"<si>\s*(?:" + _T + rb"|" + _RUN + rb"(?:\s*" + _RUN + rb")*)"
    rb"(?:\s*<rPh" + _ANY_ATTRIBUTES + rb">\s*" + _T + rb"\s*</rPh>)*"
    rb"(?:\s*<phoneticPr" + _ANY_ATTRIBUTES + rb"/>)?\s*</si>"
)  # fmt: skip
# Possessive (*+), so the engine keeps no state per string (a plain * took 300 MB for 200,000),
# and the usual plain string first, as a shortcut.
STRINGS = re.compile(
    rb'<sst xmlns="' + MAIN.encode() + rb'"(?: count="[0-9]{1,10}")?(?: uniqueCount="[0-9]{1,10}")?'
    rb"\s*>(?:<si><t>[^<&_\r]*+</t></si>|\s*" + _SI + rb")*+\s*</sst>\s*"
)

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _calamine_parts(sheets: int) -> dict[str, str]:
    """Return the parts of the workbook calamine reads besides the shared strings and sheets:
    nothing else (no styles, so every number is read as the number it is)."""
    listed = "".join(
        f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1)
    )
    related = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    return {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        f'xmlns:r="{DOC}"><sheets>{listed}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="{RELS}">{related}</Relationships>',
    }


SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_TAIL = b"</sheetData></worksheet>"


@dataclass(frozen=True)
class PlainSheet:
    """A plain sheet, or a block of its rows: the numbers of its rows that hold cells, in order,
    and its cells as text, one list per column from column A and from row top to row height
    ("" where no value)."""

    rows: list[int]
    columns: list[list[str]]
    height: int
    top: int = 1


def read_plain_sheet(data: bytes) -> PlainSheet | None:
    """Return the workbook's first sheet read by calamine, or None where it is not plain (or
    holds more sheets than the template's): xlsx_cells reads it then."""
    collecting = gc.isenabled()
    gc.disable()  # millions of new strings, none in a cycle: collections would only cost time
    try:
        checked = _checked(data)
        return None if checked is None else next(_blocks(checked, None))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's panics too: any doubt means not plain
        return None
    finally:
        if collecting:
            gc.enable()


def plain_sheet_blocks(data: bytes, block_rows: int) -> Iterator[PlainSheet] | None:
    """Return read_plain_sheet's sheet as blocks of block_rows rows holding cells (the first
    also its first such row), each read by calamine as it is asked for; None where the sheet
    is not plain. A block calamine fails on raises BlockUnread."""
    try:
        checked = _checked(data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # as read_plain_sheet: any doubt means not plain
        return None
    return None if checked is None else _guarded(_blocks(checked, block_rows))


def _guarded(blocks: Iterator[PlainSheet]) -> Iterator[PlainSheet]:
    """Yield the blocks, each read as read_plain_sheet reads a sheet; a failure as BlockUnread."""
    while True:
        collecting = gc.isenabled()
        gc.disable()  # as in read_plain_sheet, while a block is read
        try:
            block = next(blocks)
        except StopIteration:
            return
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # calamine's panics too
            raise BlockUnread(type(exc).__name__) from None
        finally:
            if collecting:
                gc.enable()
        yield block


@dataclass(frozen=True)
class _Checked:
    """A sheet found plain: its workbook (the styles of dated and percent numbers), its parts,
    where its cells lie, whether empty cells may be written out, and its rows holding cells."""

    book: Book
    sheet: bytes
    strings: bytes | None
    start: int
    end: int
    closed: bool
    filled: list[int]


def _checked(data: bytes) -> _Checked | None:
    book = open_book(data, shared_strings=False)
    try:
        if any(n not in TEMPLATE_SHEETS for n in book.sheetnames[1:]):
            return None
        names = set(book.archive.namelist())
        shared = book.shared_part if book.shared_part in names else None
        parts = [p for p in (book.first_sheet, shared) if p]
        if any(p not in names or book.archive.getinfo(p).file_size > MAX_PART_BYTES for p in parts):
            return None
        sheet = book.archive.read(book.first_sheet)
        strings = book.archive.read(shared) if shared else None
    finally:
        book.archive.close()
    span = _sheet_data(sheet)
    if span is None or (strings is not None and not _plain_strings(strings)):
        return None
    start, end, x14ac = span
    if STRICT_GRAMMARS[x14ac].fullmatch(sheet, start, end):
        width, closed = 26, False  # no empty row or cell, inline string or stray x14ac
    else:
        tier = next((w for w, g in SHEET_GRAMMARS if g.fullmatch(sheet, start, end)), 0)
        if not tier or (not x14ac and sheet.find(b"x14ac:", start, end) >= 0):
            return None  # not plain, or an undeclared prefix (an XML error for lxml)
        if sheet.find(b't="inlineStr"', start, end) >= 0:
            _check_xml(sheet)  # text beyond ASCII: the sheet must be XML as lxml reads it
        width, closed = tier, True
    rows = [int(r) for r in ROW_NUMBER.findall(sheet, start, end)]
    if not rows or any(a >= b for a, b in pairwise(rows)):
        return None
    if strings is None and sheet.find(b't="s"', start, end) >= 0:
        return None  # xlsx_cells refuses a shared string in a workbook without any
    empty = {int(r) for r in EMPTY_ROW.findall(sheet, start, end)} if closed else set()
    filled = [r for r in rows if r not in empty] if empty else rows
    # The cell count matters only where the sheet could hold more cells than MAX_CELLS.
    many = (end - start) // len(b'<c r="A1"/>') > MAX_CELLS
    if len(filled) > MAX_ROWS + 1 or (many and sheet.count(b"<c ", start, end) > MAX_CELLS):
        return None  # xlsx_cells refuses it
    if rows[-1] * width > MAX_DENSE_CELLS:
        return None  # xlsx_cells reads it in less memory
    return _Checked(book, sheet, strings, start, end, closed, filled)


def _blocks(checked: _Checked, block_rows: int | None) -> Iterator[PlainSheet]:
    """Yield the sheet's blocks (one block where block_rows is None) read by calamine, from one
    workbook holding the shared strings once and each block as a sheet."""
    sheet, start, end, filled = checked.sheet, checked.start, checked.end, checked.filled
    # Cut before the row element of every block_rows-th row holding cells after the first.
    firsts = list(range(1 + block_rows, len(filled), block_rows)) if block_rows else []
    cuts = [start]
    for i in firsts:
        cuts.append(sheet.find(b'<row r="%d"' % filled[i], cuts[-1], end))
    cuts.append(end)
    spans = list(pairwise(cuts))
    bodies: list[Any] = []
    for a, b in spans:
        body: Any = memoryview(sheet)[a:b]  # no copy of the cells, unless they change
        if checked.closed and VALUELESS_CELL.search(sheet, a, b):
            body = VALUELESS_CELL.sub(EMPTY_STRING_CELL, sheet[a:b])
        bodies.append(body)
    workbook = _calamine_book(checked.strings, bodies)
    for i, (low, high) in enumerate(pairwise([0, *firsts, len(filled)])):
        yield _block(checked, workbook, i, filled[low:high], spans[i])


def _block(
    checked: _Checked,
    workbook: CalamineWorkbook,
    index: int,
    rows: list[int],
    span: tuple[int, int],
) -> PlainSheet:
    """Return one block: calamine's reading of its sheet, dated and percent numbers as text."""
    read = workbook.get_sheet_by_index(index)
    grid = read.to_python(skip_empty_area=True)
    corner = read.start if grid else None
    top, left = (corner[0] + 1, corner[1]) if corner else (1, 0)
    special = _special_cells(checked.book, checked.sheet, *span)
    _read_special(checked.book, grid, special, top, left)
    columns = [_texts(column) for column in zip(*grid, strict=True)]
    columns = [[""] * len(grid) for _ in range(left)] + columns
    return PlainSheet(rows, columns, top + len(grid) - 1, top)


def _sheet_data(sheet: bytes) -> tuple[int, int, bool] | None:
    """Return where the sheet's one sheetData's content lies and whether it may use the x14ac
    prefix, if the rest parses as lxml reads it and holds no row of its own."""
    if not XML_DECLARATION.match(sheet):
        return None
    opening, closing = b"<sheetData>", b"</sheetData>"
    start, end = sheet.find(opening), sheet.rfind(closing)
    if start < 0 or end < start:
        return None
    start += len(opening)
    # Cut anywhere but at the one sheetData's own tags, the rest would not parse or would
    # hold another sheetData; what lies between is checked by SHEET_GRAMMARS.
    rest = etree.fromstring(sheet[:start] + sheet[end:], etree.XMLParser(**_parser_options()))
    found = list(rest.iter(f"{{{MAIN}}}sheetData"))
    if len(found) != 1 or found[0].nsmap.get(None) != MAIN or found[0].getparent() is not rest:
        return None
    if any(True for _ in rest.iter(*(f"{{{ns}}}row" for ns in MAIN_NAMESPACES))):
        return None
    return start, end, "x14ac" in found[0].nsmap


class _Ignore:
    """An lxml parser target that keeps nothing: the parse only checks the XML."""

    def close(self) -> None:
        """End of the document."""
        return None


def _plain_strings(strings: bytes) -> bool:
    """Whether the shared strings are well formed and read alike by lxml and calamine."""
    declared = XML_DECLARATION.match(strings)
    if declared is None or not STRINGS.fullmatch(strings, declared.end()):
        return False
    _check_xml(strings)
    return True


def _check_xml(part: bytes) -> None:
    """Raise what lxml raises where the part is not XML it reads (nothing is kept)."""
    etree.fromstring(part, etree.XMLParser(target=_Ignore(), **_parser_options()))


def _special_cells(book: Book, sheet: bytes, start: int, end: int) -> list[tuple[bytes, ...]]:
    """Return (column letters, row, style) of the number cells styled as dates or percents."""
    styles = sorted(book.date_styles | book.percent_styles)
    if len(styles) > 1000:
        raise ValueError("too many date and percent styles to look for one by one")
    found = [s for s in styles if sheet.find(b' s="%d"' % s, start, end) >= 0]
    if not found:
        return []
    ids = b"|".join(b"%d" % s for s in found)
    pattern = re.compile(rb'<c r="([A-Z]{1,2})([0-9]+)" s="(' + ids + rb')"(?: t="n")?\s*/?>')
    return pattern.findall(sheet, start, end)


def _read_special(
    book: Book, grid: list[list[Any]], special: list[tuple[bytes, ...]], top: int, left: int
) -> None:
    """Put the texts of the date- and percent-styled numbers calamine read into the grid, as
    xlsx_cells reads them (SHEET_GRAMMARS admits no number the two read apart); the grid's
    first cell is at row top, column left + 1."""
    columns: dict[bytes, int] = {}
    # A column of percents or dates repeats its values: each (style, value) is shown once. Zero
    # is never looked up, as 0.0 and -0.0 are one key but not one text.
    shown: dict[tuple[bytes, float], str] = {}
    for letters, row, style in special:
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column_index(letters.decode()) - 1 - left
        cells = grid[int(row) - top]
        value = cells[column]
        if value.__class__ is not float:
            continue  # an empty cell
        text = shown.get((style, value)) if value else None
        if text is None:
            text = _special_text(book, int(style), value)
            if value:
                shown[(style, value)] = text
        cells[column] = text


def _special_text(book: Book, style: int, value: float) -> str:
    """Return a date- or percent-styled number's text, as xlsx_cells reads it."""
    if style in book.date_styles:
        return number_cell_text(book, style, repr(value))
    # cell_texts.percent_text inlined: 0.123 → "12.3%" (no NaN reaches here).
    shown = repr(round(value * 100, 10))
    return (shown[:-2] if shown.endswith(".0") else shown) + "%"


def _calamine_book(strings: bytes | None, bodies: list[Any]) -> CalamineWorkbook:
    """Return calamine's workbook holding these shared strings and a sheet of each body's
    cells (sheet i + 1 the i-th), none of them read yet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for part, text in _calamine_parts(len(bodies)).items():
            archive.writestr(part, text)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        for i, body in enumerate(bodies, 1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as handle:
                handle.write(SHEET_HEAD)
                handle.write(body)
                handle.write(SHEET_TAIL)
    out.seek(0)
    return CalamineWorkbook.from_filelike(out)


def _texts(column: tuple[Any, ...]) -> list[str]:
    """Return a column of calamine's values as texts: strings as they are, numbers as
    cell_texts.number_text shows them (format_number of the float)."""
    kinds = set(map(type, column))
    if kinds == {str}:
        return list(column)
    if not kinds <= {str, float}:
        raise TypeError("calamine gave a value of another kind than a plain sheet holds")
    # format_number inlined: repr without a trailing .0 (SHEET_GRAMMARS admits no NaN).
    return [
        value if value.__class__ is str else (r[:-2] if (r := repr(value)).endswith(".0") else r)
        for value in column
    ]
