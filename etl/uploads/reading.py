"""Reading uploaded files safely: bytes in, a frame of text cells out, or a refusal.

Nothing here writes anything: a refused upload must leave the data directory untouched, so all
checks run on bytes in memory before the store is asked to merge.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException

from etl.contract.errors import CorridorError
from etl.contract.formulas import FORMULA_RE
from etl.uploads import sandbox
from etl.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    max_upload_bytes,
    refuse,
    too_many_columns,
    too_many_rows,
)

# Spreadsheet XML compresses 5–10×; a workbook unpacking to more than this is a zip bomb, not a
# table anyone typed (200,000 rows of the contract unpack to well under 100 MiB).
DEFAULT_MAX_UNPACKED_BYTES = 256 * 1024 * 1024


# A real workbook has a few dozen parts; thousands of entries are another way to exhaust memory.
MAX_ZIP_MEMBERS = 2000


MAGIC_REFUSED = {
    b"\xd0\xcf\x11\xe0": (
        "旧版 Excel（.xls）或 Office 二进制文件",
        "an old Excel (.xls) or Office binary",
    ),
    b"%PDF": ("PDF 文件", "a PDF file"),
    b"\x89PNG": ("PNG 图片", "a PNG image"),
    b"\xff\xd8\xff": ("JPEG 图片", "a JPEG image"),
    b"GIF8": ("GIF 图片", "a GIF image"),
    b"\x1f\x8b": ("gzip 压缩文件", "a gzip archive"),
    b"7z\xbc\xaf": ("7z 压缩文件", "a 7z archive"),
    b"Rar!": ("RAR 压缩文件", "a RAR archive"),
    b"\xff\xfe": ("UTF-16 编码的文本", "UTF-16 text"),
    b"\xfe\xff": ("UTF-16 编码的文本", "UTF-16 text"),
}


def check_size(size: int, name: str, max_bytes: int | None = None) -> None:
    """Refuse an upload larger than the cap, before any of it is read."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if size > limit:
        raise CorridorError.single(
            f"文件过大（{size} 字节，上限 {limit} 字节）",
            f"file too large ({size} bytes, limit {limit} bytes)",
            file=name,
        )
    if size == 0:
        raise CorridorError.single("文件为空", "the file is empty", file=name)


def read_upload_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """Return a file's bytes after checking that it exists and is within the size cap."""
    name = str(path)
    if not path.is_file():
        raise CorridorError.single("文件不存在", "file not found", file=name)
    check_size(path.stat().st_size, name, max_bytes)
    with path.open("rb") as handle:
        # Read at most one byte past the cap: the file may have grown since stat().
        limit = max_upload_bytes() if max_bytes is None else max_bytes
        data = handle.read(limit + 1)
    check_size(len(data), name, max_bytes)
    return data


def detect_kind(data: bytes, name: str) -> str:
    """Return 'xlsx' or 'csv' from the bytes themselves, refusing any other kind of file."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            raise refuse(
                "文件是损坏的 zip 压缩包", "the file is a damaged zip archive", name
            ) from None
        if "[Content_Types].xml" not in names:
            raise refuse(
                "文件是 zip 压缩包，不是 XLSX 表格",
                "the file is a zip archive, not an XLSX workbook",
                name,
            )
        if "xl/workbook.xml" not in names:
            raise refuse(
                "文件是 Office 文档，但不是 Excel 表格（XLSX）",
                "the file is an Office document but not an Excel workbook (XLSX)",
                name,
            )
        return "xlsx"
    for magic, (zh, en) in MAGIC_REFUSED.items():
        if data.startswith(magic):
            raise refuse(
                f"只接受 CSV 或 XLSX；这是{zh}",
                f"only CSV or XLSX files are accepted; this is {en}",
                name,
            )
    if b"\x00" in data[:8192]:
        raise refuse(
            "这是二进制文件，不是 CSV 或 XLSX",
            "this is a binary file, not CSV or XLSX",
            name,
        )
    return "csv"


def decode_csv(data: bytes, name: str) -> str:
    """Return CSV text: UTF-8 (BOM allowed), else GB18030, both strict; anything else refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse(
        "无法识别文件编码：只接受 UTF-8 或 GB18030（Excel 另存为“CSV UTF-8”即可）",
        "cannot decode the file: only UTF-8 or GB18030 are accepted "
        "(in Excel, save as 'CSV UTF-8')",
        name,
    )


def read_csv_frame(text: str, name: str) -> pd.DataFrame:
    """Return comma-separated text as an all-text frame indexed so that index + 2 is its row."""
    # Bounded before any parsing: the width from the first record (a quoted header cell may
    # hold line breaks, so the first line is not the header), the length from line breaks
    # (quoted cells may hold line breaks, hence the margin; the exact count is checked below).
    first = first_record(text, name)
    width = len(first)
    if width > MAX_COLUMNS:
        raise too_many_columns(width, name)
    header = ",".join(first)
    if text.count("\n") > 2 * MAX_ROWS:
        raise too_many_rows(name)
    if "," not in header:
        for sep, zh, en in ((";", "分号", "semicolons"), ("\t", "制表符", "tabs")):
            if sep in header:
                raise refuse(
                    f"只接受逗号分隔的 CSV；此文件用{zh}分隔",
                    f"only comma-separated CSV is accepted; this file is separated by {en}",
                    name,
                    row=1,
                    value=header[:80],
                )
    try:
        # header=None: pandas would rename a repeated column (scope → scope.1) and hide it.
        cells = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise refuse("文件为空", "the file is empty", name) from None
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        raise refuse(
            "某行的字段数多于表头（未加引号的逗号？）",
            "a row has more fields than the header (an unquoted comma?)",
            name,
            row=row,
        ) from None
    if len(cells) > MAX_ROWS + 1 or cells.size > MAX_CELLS:
        raise too_many_rows(name)
    frame = cells.iloc[1:]
    frame.columns = pd.Index([str(c) for c in cells.iloc[0]])
    # Index + 2 is the row number, as in every message.
    frame.index = frame.index - 1
    return _drop_blank_rows(frame)


# A header cell is a column name; a data cell is at most a quote (5,000 characters). Python's
# csv module stops a field at this many characters, so one hostile record stays bounded.
MAX_FIELD_CHARS = 100_000


def first_record(text: str, name: str) -> list[str]:
    """Return the cells of the first CSV record, reading no further than it (cells bounded)."""
    # One record only: a 1M-column header costs its own cells, never the rest of the file.
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        reader = csv.reader(io.StringIO(text))
        return next(reader, [])
    except csv.Error:
        raise refuse(
            f"表头的某个单元格过长（上限 {MAX_FIELD_CHARS} 个字符），或引号不成对",
            f"a header cell is too long (at most {MAX_FIELD_CHARS} characters) or a quote is "
            "not closed",
            name,
            row=1,
        ) from None
    finally:
        csv.field_size_limit(previous)


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    # Blank lines and Excel's empty trailing rows carry nothing; the index keeps row numbers right.
    if frame.empty:
        return frame
    filled = np.zeros(len(frame), dtype=bool)
    for _name, column in frame.astype(str).items():
        filled |= _filled_cells(column)
    # Selecting rows copies every column (a quarter second for 200,000 rows): only when some go.
    return frame if filled.all() else frame.loc[filled]


def _filled_cells(column: pd.Series) -> np.ndarray:
    """Return which cells hold more than whitespace (str.strip leaves something).

    A cell whose first character is not whitespace is filled: the first characters are few
    distinct ones, each tried once; only the cells that start with whitespace (or are empty)
    are stripped one by one.
    """
    first = column.str[:1]
    blank_starts = [c for c in first.unique() if not c.strip()]
    doubtful = first.isin(blank_starts).to_numpy()
    filled = ~doubtful
    if doubtful.any():
        filled[doubtful] = (column[doubtful].str.strip() != "").to_numpy()
    return filled


def check_zip_safety(data: bytes, name: str, max_unpacked: int) -> None:
    """Refuse a workbook that would unpack too large or whose XML declares a DOCTYPE."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise refuse(
                f"XLSX 内部文件过多（{len(infos)} 个）",
                f"the XLSX holds too many parts ({len(infos)})",
                name,
            )
        total = sum(info.file_size for info in infos)
        if total > max_unpacked:
            raise refuse(
                f"XLSX 解压后过大（{total} 字节，上限 {max_unpacked}），疑似压缩炸弹",
                f"the XLSX unpacks too large ({total} bytes, limit {max_unpacked}): a zip bomb?",
                name,
            )
        for info in infos:
            _check_no_doctype(archive, info, name)


# openpyxl finds parts through relationships, not names: any part may be read as XML.
DOCTYPE_BYTES = re.compile(rb"<\s*!\s*(?:doctype|entity)", re.IGNORECASE)
DOCTYPE_UTF16 = re.compile(r"<\s*!\s*(?:doctype|entity)", re.IGNORECASE)
XML_NAMES = (".xml", ".rels", ".vml")


def _check_no_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    # Every part's head is scanned whatever its name; a part that reads as XML is parsed up to
    # its first start tag too, since a DOCTYPE can only precede the root element.
    try:
        with archive.open(info) as handle:
            head = handle.read(65536)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise refuse(
            "XLSX 内部文件损坏", "a part of the XLSX is damaged", name, value=info.filename
        ) from None
    texts = [head.decode("utf-16", "ignore")] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else []
    if DOCTYPE_BYTES.search(head) or any(DOCTYPE_UTF16.search(t) for t in texts):
        raise _doctype_refusal(name, info.filename)
    looks_xml = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<", b"<\x00"))
    if not (info.filename.endswith(XML_NAMES) or looks_xml):
        return
    try:
        with archive.open(info) as handle:
            for _event, _elem in DefusedET.iterparse(handle, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException:
        raise _doctype_refusal(name, info.filename) from None
    except (DefusedET.ParseError, zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise refuse(
            "XLSX 内部文件损坏",
            "a part of the XLSX is damaged",
            name,
            value=info.filename,
        ) from None


def _doctype_refusal(name: str, part: str) -> CorridorError:
    return refuse(
        "XLSX 中的 XML 含有 DOCTYPE 声明（可能的 XML 攻击），已拒绝",
        "the XLSX's XML declares a DOCTYPE (a possible XML attack); refused",
        name,
        value=part,
    )


def read_xlsx_frame(
    data: bytes, name: str, max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES
) -> pd.DataFrame:
    """Return the one sheet of an XLSX as an all-text frame, refusing formulas and extra sheets."""
    from etl.uploads.xlsx_sheet import read_xlsx_columns

    check_zip_safety(data, name, max_unpacked)
    # A crafted sheet can cost minutes and gigabytes to parse: it is read in a limited child.
    header, numbers, columns = sandbox.run_limited(read_xlsx_columns, (data, name), name)
    return _drop_blank_rows(text_frame(header, numbers, columns))


def text_frame(header: list[str], numbers: list[int], columns: list[list[str]]) -> pd.DataFrame:
    """Return a sheet's columns of texts as a frame of pandas' text columns (dtype str) under
    its header, indexed so that index + 2 is each row's number in the sheet.

    Each column is made an Arrow array first, the array pandas' text columns hold: half the
    time of pandas converting the lists itself, to the very same frame.
    """
    # Index + 2 is the row number: rows missing from the sheet keep their true numbers.
    index = pd.Index(np.asarray(numbers, dtype=np.int64) - 2)
    text = pd.StringDtype("pyarrow", na_value=np.nan)  # what dtype=str makes
    frame = pd.DataFrame(
        {
            i: pd.Series(pa.array(column, pa.large_string()), index=index, dtype=text)
            for i, column in enumerate(columns)
        },
        index=index,
        copy=False,
    )
    frame.columns = pd.Index(header, dtype=str)
    return frame


# File names are metadata (history, the default quote); 255 is what file systems allow.
MAX_NAME_LENGTH = 255


NAME_RE = re.compile(r"^[^\x00-\x1f\x7f/\\<>]+$")


def check_file_name(name: str) -> None:
    """Refuse a file name that is empty, too long, a path, or could act as a formula or markup."""
    if (
        not name.strip()
        or len(name) > MAX_NAME_LENGTH
        or not NAME_RE.match(name)
        or re.match(FORMULA_RE, name)
    ):
        raise CorridorError.single(
            "文件名无效：不能为空、过长、含路径、控制字符或标记，也不能以公式符号开头",
            "invalid file name: it must be a plain name (no path, control characters or markup, "
            f"no formula prefix, at most {MAX_NAME_LENGTH} characters)",
            value=name,
        )


def read_upload_blocks(
    data: bytes,
    name: str,
    block_rows: int,
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> tuple[str, Iterator[pd.DataFrame]]:
    """Return the upload's kind and read_upload_frame's frame as blocks of rows, in order (a
    block may hold no row): a plain sheet read in the limited child is read in blocks of
    block_rows rows as they are asked for, any other upload whole as one block. A block that
    cannot be read raises BlockUnread: read_upload_frame reads the upload whole then."""
    check_file_name(name)
    check_size(len(data), name, max_bytes)
    kind = detect_kind(data, name)
    if kind == "xlsx" and sandbox.IN_CHILD:
        from etl.uploads.xlsx_sheet import read_xlsx_blocks

        check_zip_safety(data, name, max_unpacked)
        blocks = read_xlsx_blocks(data, name, block_rows)
        if blocks is not None:
            return kind, (_drop_blank_rows(text_frame(*block)) for block in blocks)
    _kind, frame = read_upload_frame(data, name, max_bytes=max_bytes, max_unpacked=max_unpacked)
    return kind, iter([frame])


def read_upload_frame(
    data: bytes,
    name: str,
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> tuple[str, pd.DataFrame]:
    """Return the upload's kind and its cells as an all-text frame (index + 2 = row number)."""
    check_file_name(name)
    check_size(len(data), name, max_bytes)
    kind = detect_kind(data, name)
    if kind == "xlsx":
        frame = read_xlsx_frame(data, name, max_unpacked)
    else:
        frame = read_csv_frame(decode_csv(data, name), name)
    return kind, frame
