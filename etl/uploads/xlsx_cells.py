"""The cells of a workbook's first sheet, streamed with lxml: what openpyxl's own sheet parser
yields, at a fraction of its cost (a 200,000-row sheet: ~23 s of CPU in openpyxl, a few here).

Runs inside the limited child of etl/uploads/sandbox.py, after reading.check_zip_safety has
refused DOCTYPEs and oversized parts; the parser still resolves no entity and fetches nothing.
Each cell is read as openpyxl.worksheet._reader.WorkSheetParser.parse reads it and comes out as
the text cell_texts makes of that value; rows come out as SheetRow, a list of texts each.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, NamedTuple

from lxml import etree
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS_MAX_SIZE,
    builtin_format_code,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from etl.uploads.cell_texts import cell_text, is_percent_format, number_text, percent_text

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # strict OOXML
)
REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _parser_options() -> dict[str, Any]:
    # No entities, no DTD, no network, no huge text nodes: the cells are all that is wanted.
    return {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _read_xml(archive: zipfile.ZipFile, part: str) -> Any:
    with archive.open(part) as handle:
        parser = etree.XMLParser(**_parser_options())
        return etree.parse(handle, parser).getroot()


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Return a part's relationships: id → (type, target part path)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in archive.namelist():
        return {}
    out = {}
    for rel in _read_xml(archive, rels_part):
        target = str(rel.get("Target", ""))
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[str(rel.get("Id", ""))] = (str(rel.get("Type", "")), posixpath.normpath(path))
    return out


@dataclass(frozen=True)
class Book:
    """A workbook's sheet names, first sheet part, shared strings and number-format styles."""

    archive: zipfile.ZipFile
    sheetnames: tuple[str, ...]
    first_sheet: str
    shared_part: str | None
    shared: tuple[str, ...]
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    percent_styles: frozenset[int]
    epoch: datetime

    def rows(self) -> Iterator[SheetRow]:
        """Yield the first sheet's rows that hold cells, as openpyxl's parser reads them."""
        return _sheet_rows(self)


def open_book(data: bytes, *, shared_strings: bool = True) -> Book:
    """Return the workbook in data, read as far as its first sheet's cells need (its shared
    strings left unread with shared_strings=False: xlsx_plain reads them its own way)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook_part = "xl/workbook.xml"
    for rel in _read_xml(archive, "_rels/.rels"):
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            workbook_part = str(rel.get("Target", workbook_part)).lstrip("/")
    workbook = _read_xml(archive, workbook_part)
    rels = _rels(archive, workbook_part)
    sheets: list[tuple[str, str]] = []
    epoch = CALENDAR_WINDOWS_1900
    for element in workbook.iter():
        name = _local(element.tag)
        if name == "workbookPr" and str(element.get("date1904", "")).lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        if name == "sheet":
            ids = (element.get(f"{{{ns}}}id") for ns in REL_NAMESPACES)
            rid = next((i for i in ids if i), "")
            sheets.append((str(element.get("name", "")), rels.get(str(rid), ("", ""))[1]))
    if not sheets:
        raise ValueError("the workbook lists no sheet")
    by_type = {kind.rsplit("/", 1)[-1]: path for kind, path in rels.values()}
    shared_part = by_type.get("sharedStrings")
    shared = _shared_strings(archive, shared_part) if shared_strings else ()
    dates, deltas, percents = _styles(archive, by_type.get("styles"))
    return Book(
        archive,
        tuple(n for n, _p in sheets),
        sheets[0][1],
        shared_part,
        shared,
        dates,
        deltas,
        percents,
        epoch,
    )


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> tuple[str, ...]:
    if not part or part not in archive.namelist():
        return ()
    out: list[str] = []
    with archive.open(part) as handle:
        # Only si elements reach Python ({*}: in any namespace or none, as the local name says).
        for _event, si in etree.iterparse(
            handle, events=("end",), tag="{*}si", **_parser_options()
        ):
            first = si[0] if len(si) == 1 else None
            if first is not None and first.tag == si.tag[: -len("si")] + "t" and not len(first):
                out.append(first.text or "")  # plain text: one t, no runs, no phonetic guide
            else:
                # Rich text runs are joined; phonetic guides (rPh) are not part of the text.
                out.append(
                    "".join(
                        t.text or ""
                        for t in si.iter()
                        if _local(t.tag) == "t" and _local(t.getparent().tag) != "rPh"
                    )
                )
            si.clear()
    return tuple(out)


def _styles(
    archive: zipfile.ZipFile, part: str | None
) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    if not part or part not in archive.namelist():
        return frozenset(), frozenset(), frozenset()
    root = _read_xml(archive, part)
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = str(element.get("formatCode", ""))
        elif name == "cellXfs":
            xfs = [int(xf.get("numFmtId", "0") or 0) for xf in element if _local(xf.tag) == "xf"]
    dates, deltas, percents = set(), set(), set()
    for index, fmt_id in enumerate(xfs):
        code = (
            custom.get(fmt_id) if fmt_id >= BUILTIN_FORMATS_MAX_SIZE or fmt_id in custom else None
        )
        code = code if code is not None else (builtin_format_code(fmt_id) or "")
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            deltas.add(index)
        if is_percent_format(code):
            percents.add(index)
    return frozenset(dates), frozenset(deltas), frozenset(percents)


def _number(text: str) -> int | float:
    # As openpyxl: integers stay integers, anything with a point or exponent is a float.
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


@cache
def _column_index(letters: str) -> int:
    return int(column_index_from_string(letters))


class SheetRow(NamedTuple):
    """A sheet row's cells as text, in document order, and the formulas among them."""

    number: int
    # None when the cells are columns 1, 2, … len(texts) in order (a typed row always is).
    columns: list[int] | None
    texts: list[str]
    formulas: list[tuple[int, str]]


def _sheet_rows(book: Book) -> Iterator[SheetRow]:
    row_number = 0
    rows = [f"{{{ns}}}row" for ns in MAIN_NAMESPACES]
    with book.archive.open(book.first_sheet) as handle:
        # Only row elements reach Python; a row's cells are read from the finished element.
        for _event, row in etree.iterparse(handle, events=("end",), tag=rows, **_parser_options()):
            row_number = int(row.get("r") or row_number + 1)
            yield _row(book, row, row_number)
            row.clear()
            # Finished rows are dropped from the tree, so memory stays flat however long it is.
            while row.getprevious() is not None:
                del row.getparent()[0]


def _row(book: Book, row: Any, number: int) -> SheetRow:
    """Return a finished row element's cells as texts."""
    ns = row.tag[: -len("row")]
    tags = (f"{ns}c", f"{ns}f", f"{ns}v", f"{ns}is", f"{ns}t")
    v_tag = tags[2]
    shared, dates, percents = book.shared, book.date_styles, book.percent_styles
    digits = "0123456789"
    columns: list[int] | None = None
    texts: list[str] = []
    formulas: list[tuple[int, str]] = []
    column = 0
    for c in row.iterchildren(tags[0]):
        ref = c.get("r")
        column = _column_index(ref.rstrip(digits)) if ref else column + 1
        if columns is None and column != len(texts) + 1:
            columns = list(range(1, len(texts) + 1))
        if columns is not None:
            columns.append(column)
        # Nearly every cell of a typed table is a shared string or a plain or percent number,
        # read here as _cell would read it; any other cell goes through _cell.
        kind = c.get("t")
        style = _style_id(c.get("s"))
        size = len(c)
        if size == 0:
            texts.append("")  # no value, whatever its kind: _cell reads it as None
            continue
        v = c[0]
        if size == 1 and v.tag == v_tag:
            raw = v.text
            if kind == "s" and raw is not None:
                texts.append(shared[int(raw)])
                continue
            if (kind is None or kind == "n") and style not in dates:
                if raw is None:
                    texts.append("")
                elif style in percents:
                    texts.append(percent_text(_number(raw)))
                else:
                    texts.append(number_text(raw))
                continue
        cell = _cell(book, c, column, tags)
        text = _cell_text(book, cell)
        if cell["data_type"] == "f":
            formulas.append((column, text))
        texts.append(text)
    return SheetRow(number, columns, texts, formulas)


def number_cell_text(book: Book, style: int, raw: str) -> str:
    """Return the text of a number cell (no t, or t="n") of style holding raw, as _row reads it
    (a date-styled one through _cell, as a date)."""
    if style in book.date_styles:
        value = from_excel(_number(raw), book.epoch, timedelta=style in book.timedelta_styles)
        return _cell_text(book, {"value": value, "style_id": style})
    if style in book.percent_styles:
        return percent_text(_number(raw))
    return number_text(raw)


@lru_cache(maxsize=4096)
def _style_id(attribute: str | None) -> int:
    return int(attribute or 0)


def _cell_text(book: Book, cell: dict[str, Any]) -> str:
    value = cell["value"]
    if cell["style_id"] in book.percent_styles and isinstance(value, int | float):
        # Excel stores 12.3% as 0.123: the analyst meant the percent the cell shows.
        return percent_text(value)
    return cell_text(value)


def _cell(book: Book, c: Any, column: int, tags: tuple[str, ...]) -> dict[str, Any]:
    kind = c.get("t", "n")
    style = int(c.get("s") or 0)
    value: Any = None
    text = None
    for child in c:
        tag = child.tag
        if tag == tags[2]:
            text = child.text
        elif tag == tags[1]:
            value = "=" + (child.text or "")
            return {"column": column, "value": value, "data_type": "f", "style_id": style}
        elif tag == tags[3]:
            value = "".join(t.text or "" for t in child.iter(tags[4]))
    if kind == "inlineStr":
        kind = "s"
    elif text is not None:
        if kind == "s":
            value = book.shared[int(text)]
        elif kind == "n":
            value = _number(text)
            if style in book.date_styles:
                value = from_excel(value, book.epoch, timedelta=style in book.timedelta_styles)
                kind = "d"
        elif kind == "b":
            value = bool(int(text))
        elif kind == "str":
            value, kind = text, "s"
        elif kind == "d":
            value = datetime.fromisoformat(text)
        else:  # "e": an error value such as #N/A, kept as its text
            value = text
    return {"column": column, "value": value, "data_type": kind, "style_id": style}
