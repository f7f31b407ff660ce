"""Reading and validating analysts' uploads: bytes in, a typed contract frame or every problem out.

Nothing here writes anything: a refused upload must leave the data directory untouched, so all
checks run on bytes in memory before the store (etl.batches) is asked to merge.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException

from etl.batches import figure_keys
from etl.errors import CorridorError, Problem
from etl.places import resolve_region, resolve_route
from etl.schema import OBSERVATION_COLUMNS, observations_schema, validate
from etl.tables import format_number
from etl.vocabulary import load_metrics

# 25 MiB (the default) holds ~150,000 full contract rows; bigger loads are bulk jobs
# that set CORRIDOR_MAX_UPLOAD_MB (or max_bytes) on purpose.
DEFAULT_MAX_UPLOAD_MB = 25.0
MAX_UPLOAD_ENV = "CORRIDOR_MAX_UPLOAD_MB"
# Spreadsheet XML compresses 5–10×; a workbook unpacking to more than this is a zip bomb, not a
# table anyone typed (200,000 rows of the contract unpack to well under 100 MiB).
DEFAULT_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# A real workbook has a few dozen parts; thousands of entries are another way to exhaust memory.
MAX_ZIP_MEMBERS = 2000
# Listing 200,000 copies of one mistake helps nobody; the count of the rest is reported instead.
MAX_LISTED_PROBLEMS = 200

REQUIRED_COLUMNS = ("metric", "value", "unit", "period_end", "scope", "source_id")
OPTIONAL_COLUMNS = ("period_start", "region", "route", "yoy_pct", "basis", "quote")
NUMBER_COLUMNS = ("value", "yoy_pct")
DATE_COLUMNS = ("period_start", "period_end")
# Longest text a cell may hold: scope and quote follow the schema; keys are short words.
MAX_LENGTHS = {
    "metric": 64,
    "unit": 64,
    "region": 64,
    "route": 64,
    "basis": 16,
    "scope": 500,
    "source_id": 200,
    "quote": 5000,
    "period_start": 10,
    "period_end": 10,
    "value": 40,
    "yoy_pct": 40,
}

# Spreadsheet formula prefixes (CWE-1236): such a cell runs code when the file is opened in Excel.
FORMULA_RE = r"^[=+\-@\t\r]"
# In a number column a leading minus is a sign, not a formula; its legality is checked there.
FORMULA_NUMBER_RE = r"^(?:[=+@\t\r]|-$|-[^0-9])"
MARKUP_RE = r"<[ \t\n]*[A-Za-z!/?]"
CONTROL_RE = r"[\x00-\x08\x0b-\x1f\x7f]"
# Plain digits, or thousands separators in strict groups of three; a decimal part is optional.
UNSIGNED_NUMBER_RE = r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?"
VALUE_RE = rf"^{UNSIGNED_NUMBER_RE}$"
YOY_RE = rf"^-?{UNSIGNED_NUMBER_RE}$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CN_SCALE_RE = r"[万亿千百]"
NON_FINITE_RE = r"^[+-]?(?:nan|inf|infinity)$"

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


@dataclass(frozen=True)
class Upload:
    """A validated upload: its rows in the contract's types and where they came from."""

    name: str
    kind: str
    sha256: str
    data: bytes
    rows: pd.DataFrame


def max_upload_bytes(max_mb: float | None = None) -> int:
    """Return the upload size cap in bytes: the argument, else $CORRIDOR_MAX_UPLOAD_MB, else 25."""
    if max_mb is None:
        raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
        try:
            max_mb = float(raw) if raw else DEFAULT_MAX_UPLOAD_MB
        except ValueError:
            raise CorridorError.single(
                f"环境变量 {MAX_UPLOAD_ENV} 不是数字",
                f"{MAX_UPLOAD_ENV} is not a number",
                value=raw,
            ) from None
    return int(max_mb * 1024 * 1024)


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
            raise _refuse(
                "文件是损坏的 zip 压缩包", "the file is a damaged zip archive", name
            ) from None
        if "[Content_Types].xml" not in names:
            raise _refuse(
                "文件是 zip 压缩包，不是 XLSX 表格",
                "the file is a zip archive, not an XLSX workbook",
                name,
            )
        if "xl/workbook.xml" not in names:
            raise _refuse(
                "文件是 Office 文档，但不是 Excel 表格（XLSX）",
                "the file is an Office document but not an Excel workbook (XLSX)",
                name,
            )
        return "xlsx"
    for magic, (zh, en) in MAGIC_REFUSED.items():
        if data.startswith(magic):
            raise _refuse(
                f"只接受 CSV 或 XLSX；这是{zh}",
                f"only CSV or XLSX files are accepted; this is {en}",
                name,
            )
    if b"\x00" in data[:8192]:
        raise _refuse(
            "这是二进制文件，不是 CSV 或 XLSX",
            "this is a binary file, not CSV or XLSX",
            name,
        )
    return "csv"


def _refuse(zh: str, en: str, name: str, **where: object) -> CorridorError:
    return CorridorError.single(zh, en, file=name, **where)  # type: ignore[arg-type]


def decode_csv(data: bytes, name: str) -> str:
    """Return CSV text: UTF-8 (BOM allowed), else GB18030, both strict; anything else refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(
        "无法识别文件编码：只接受 UTF-8 或 GB18030（Excel 另存为“CSV UTF-8”即可）",
        "cannot decode the file: only UTF-8 or GB18030 are accepted "
        "(in Excel, save as 'CSV UTF-8')",
        name,
    )


def read_csv_frame(text: str, name: str) -> pd.DataFrame:
    """Return comma-separated text as an all-text frame indexed so that index + 2 is its row."""
    header = text.split("\n", 1)[0]
    if "," not in header:
        for sep, zh, en in ((";", "分号", "semicolons"), ("\t", "制表符", "tabs")):
            if sep in header:
                raise _refuse(
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
        raise _refuse("文件为空", "the file is empty", name) from None
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        raise _refuse(
            "某行的字段数多于表头（未加引号的逗号？）",
            "a row has more fields than the header (an unquoted comma?)",
            name,
            row=row,
        ) from None
    frame = cells.iloc[1:]
    frame.columns = pd.Index([str(c) for c in cells.iloc[0]])
    # Index + 2 is the row number, as in every message.
    frame.index = frame.index - 1
    return _drop_blank_rows(frame)


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    # Blank lines and Excel's empty trailing rows carry nothing; the index keeps row numbers right.
    if frame.empty:
        return frame
    filled = (frame.astype(str).apply(lambda s: s.str.strip()) != "").any(axis=1)
    return frame.loc[filled]


def check_zip_safety(data: bytes, name: str, max_unpacked: int) -> None:
    """Refuse a workbook that would unpack too large or whose XML declares a DOCTYPE."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _refuse(
                f"XLSX 内部文件过多（{len(infos)} 个）",
                f"the XLSX holds too many parts ({len(infos)})",
                name,
            )
        total = sum(info.file_size for info in infos)
        if total > max_unpacked:
            raise _refuse(
                f"XLSX 解压后过大（{total} 字节，上限 {max_unpacked}），疑似压缩炸弹",
                f"the XLSX unpacks too large ({total} bytes, limit {max_unpacked}): a zip bomb?",
                name,
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_no_doctype(archive, info, name)


def _check_no_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    # A DOCTYPE can only precede the root element, so parsing stops at the first start tag.
    try:
        with archive.open(info) as handle:
            for _event, _elem in DefusedET.iterparse(handle, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException:
        raise _refuse(
            "XLSX 中的 XML 含有 DOCTYPE 声明（可能的 XML 攻击），已拒绝",
            "the XLSX's XML declares a DOCTYPE (a possible XML attack); refused",
            name,
            value=info.filename,
        ) from None
    except (DefusedET.ParseError, zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise _refuse(
            "XLSX 内部文件损坏",
            "a part of the XLSX is damaged",
            name,
            value=info.filename,
        ) from None


def read_xlsx_frame(
    data: bytes, name: str, max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES
) -> pd.DataFrame:
    """Return the one sheet of an XLSX as an all-text frame, refusing formulas and extra sheets."""
    import openpyxl

    check_zip_safety(data, name, max_unpacked)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many kinds for damaged workbooks
        raise _refuse(
            f"无法读取 XLSX：{type(exc).__name__}",
            f"cannot read the XLSX: {type(exc).__name__}",
            name,
        ) from None
    try:
        if len(workbook.sheetnames) != 1:
            raise _refuse(
                f"XLSX 必须只有一个工作表（此文件有 {len(workbook.sheetnames)} 个）",
                f"the XLSX must hold exactly one sheet (this one has {len(workbook.sheetnames)})",
                name,
                value=", ".join(workbook.sheetnames),
            )
        sheet = workbook[workbook.sheetnames[0]]
        records: list[list[str]] = []
        formulas: list[Problem] = []
        for r, row in enumerate(sheet.iter_rows(), 1):
            texts = []
            for c, cell in enumerate(row, 1):
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(
                        Problem(
                            "单元格含有公式；请只上传数值（复制后“选择性粘贴为数值”）",
                            "a cell holds a formula; upload values only (paste as values)",
                            file=name,
                            row=r,
                            column=_column_letter(c),
                            value=str(cell.value),
                        )
                    )
                texts.append(_cell_text(cell.value))
            records.append(texts)
    finally:
        workbook.close()
    if formulas:
        raise CorridorError(_capped(formulas, len(formulas)))
    if not records:
        raise _refuse("工作表为空", "the sheet is empty", name)
    header = [h.strip() for h in records[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = [(rec + [""] * width)[:width] for rec in records[1:]]
    extra = [i + 2 for i, rec in enumerate(records[1:]) if any(v.strip() for v in rec[width:])]
    if extra:
        raise _refuse(
            "某行在表头之外还有内容",
            "a row has values beyond the header's columns",
            name,
            row=extra[0],
        )
    frame = pd.DataFrame(body, columns=header, dtype=str)
    return _drop_blank_rows(frame)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell_text(value: object) -> str:
    # Every cell becomes text so that one set of rules validates CSV and XLSX alike.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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


def _capped(problems: list[Problem], total: int) -> list[Problem]:
    listed = problems[:MAX_LISTED_PROBLEMS]
    if total > len(listed):
        rest = total - len(listed)
        listed.append(
            Problem(
                f"另有 {rest} 处问题未列出（先改正以上问题）",
                f"{rest} more problems not listed (fix the ones above first)",
            )
        )
    return listed


class _Problems:
    """Problems collected column by column, with row numbers from the frame's index."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Problem] = []
        self.total = 0
        self.cells: set[tuple[int | None, str | None]] = set()

    def add_mask(self, mask: pd.Series, values: pd.Series, column: str, zh: str, en: str) -> None:
        """Record a problem for each row where mask is true (listing only the first few)."""
        hits = mask[mask].index
        fresh = [i for i in hits if (int(i) + 2, column) not in self.cells]
        self.total += len(fresh)
        for index in fresh[: MAX_LISTED_PROBLEMS + 1]:
            self._append(Problem(zh, en, self.name, int(index) + 2, column, str(values[index])))
        for index in fresh[MAX_LISTED_PROBLEMS + 1 :]:
            self.cells.add((int(index) + 2, column))

    def add(self, problem: Problem) -> None:
        """Record one problem unless its cell already has one."""
        if (problem.row, problem.column) in self.cells and problem.row is not None:
            return
        self.total += 1
        self._append(problem)

    def _append(self, problem: Problem) -> None:
        self.cells.add((problem.row, problem.column))
        if len(self.items) <= MAX_LISTED_PROBLEMS:
            self.items.append(problem)

    def raise_if_any(self) -> None:
        """Raise a CorridorError listing the problems, if there are any."""
        if self.total:
            raise CorridorError(_capped(sorted(self.items, key=_order), self.total))


def _order(p: Problem) -> tuple[int, int]:
    columns = list(OBSERVATION_COLUMNS)
    col = columns.index(p.column) if p.column in columns else len(columns)
    return (p.row if p.row is not None else 0, col)


def check_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the frame with normalised column names, refusing missing, unknown or repeated ones."""
    names = [str(c).strip().lower() for c in frame.columns]
    problems: list[Problem] = []
    known = set(OBSERVATION_COLUMNS)
    for col in sorted({c for c in names if names.count(c) > 1}):
        problems.append(Problem("列名重复", "a column appears twice", name, 1, col, col))
    for original, col in zip(frame.columns, names, strict=True):
        if col not in known:
            problems.append(
                Problem(
                    "未知的列（列名须与模板一致）",
                    "unknown column (names must match the template)",
                    name,
                    1,
                    str(original),
                    str(original),
                )
            )
    for col in REQUIRED_COLUMNS:
        if col not in names:
            problems.append(Problem("缺少必需的列", "a required column is missing", name, 1, col))
    if problems:
        raise CorridorError(problems)
    out = frame.copy()
    out.columns = names
    if out.empty:
        raise _refuse("文件没有数据行", "the file has no data rows", name)
    return out


def check_text(frame: pd.DataFrame, problems: _Problems) -> None:
    """Record formula prefixes, markup, control characters and over-long cells."""
    for col in frame.columns:
        raw = frame[col].astype(str)
        formula = FORMULA_NUMBER_RE if col in NUMBER_COLUMNS else FORMULA_RE
        limit = MAX_LENGTHS.get(col, 200)
        too_long = raw.str.len() > limit
        # One pass finds the few suspicious cells; the detailed checks run on those alone.
        suspicious = raw.str.contains(f"{formula}|{MARKUP_RE}|{CONTROL_RE}", regex=True)
        if not (suspicious.any() or too_long.any()):
            continue
        raw = raw[suspicious | too_long]
        too_long = too_long[raw.index]
        problems.add_mask(
            raw.str.contains(formula, regex=True),
            raw,
            col,
            "以公式符号（= + - @ 制表符 回车）开头，可能在 Excel 中被当作公式执行",
            "starts with a formula character (= + - @ tab CR) that Excel could run",
        )
        problems.add_mask(
            raw.str.contains(MARKUP_RE, regex=True),
            raw,
            col,
            "含有标记（<...>），不接受 HTML",
            "contains markup (<...>); HTML is not accepted",
        )
        problems.add_mask(
            raw.str.contains(CONTROL_RE, regex=True),
            raw,
            col,
            "含有控制字符",
            "contains control characters",
        )
        problems.add_mask(
            too_long,
            raw,
            col,
            f"内容过长（上限 {limit} 字符）",
            f"too long (at most {limit} characters)",
        )


def _strip(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda s: s.astype(str).str.strip())


def parse_number_column(text: pd.Series, col: str, problems: _Problems) -> pd.Series:
    """Return a float column from text, recording every cell that is not a plain number."""
    pattern = VALUE_RE if col == "value" else YOY_RE
    filled = text != ""
    good = text.str.match(pattern)
    lower = text.str.lower()
    scaled = filled & ~good & text.str.contains(CN_SCALE_RE, regex=True)
    nonfinite = filled & ~good & lower.str.match(NON_FINITE_RE)
    negative = filled & ~good & (col == "value") & text.str.match(rf"^-{UNSIGNED_NUMBER_RE}$")
    problems.add_mask(
        scaled,
        text,
        col,
        "数字不能带“万”“亿”等单位，请换算成基本单位（如 1.5万 → 15000）",
        "numbers must be in base units, without 万/亿 (1.5万 → 15000)",
    )
    problems.add_mask(
        nonfinite, text, col, "数值必须是有限数（不接受 NaN、inf）", "value must be a finite number"
    )
    problems.add_mask(negative, text, col, "数值不能为负数", "value must not be negative")
    problems.add_mask(
        filled & ~good & ~scaled & ~nonfinite & ~negative,
        text,
        col,
        "不是有效的数字（千位分隔符须每三位一组，如 1,234,567.8）",
        "not a valid number (thousands separators only in groups of three: 1,234,567.8)",
    )
    cleaned = text.where(good & filled, "").str.replace(",", "", regex=False)
    return pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype(float)


def parse_date_column(text: pd.Series, col: str, problems: _Problems) -> pd.Series:
    """Return a datetime column from ISO text, recording every cell that is not a real date."""
    filled = text != ""
    shaped = text.str.match(DATE_RE)
    parsed = pd.to_datetime(
        text.where(shaped & filled, None), format="%Y-%m-%d", errors="coerce"
    ).astype("datetime64[ns]")
    problems.add_mask(
        filled & ~shaped,
        text,
        col,
        "日期格式应为 YYYY-MM-DD",
        "dates must be written YYYY-MM-DD",
    )
    problems.add_mask(
        filled & shaped & parsed.isna(),
        text,
        col,
        "不是真实存在的日期",
        "not a real calendar date",
    )
    return parsed


def check_required(text: pd.DataFrame, problems: _Problems) -> None:
    """Record every empty cell in a column that must be filled."""
    for col in REQUIRED_COLUMNS:
        problems.add_mask(
            text[col] == "", text[col], col, f"“{col}”不能为空", f"'{col}' must not be empty"
        )


def fill_defaults(text: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the text frame with every contract column, region/route/basis/quote filled by rule."""
    out = text.copy()
    for col in OBSERVATION_COLUMNS:
        if col not in out:
            out[col] = ""
    scopes = out["scope"]
    unique = pd.unique(scopes)
    regions = {s: resolve_region(s) for s in unique}
    routes = {s: resolve_route(s) for s in unique}
    out["region"] = out["region"].where(out["region"] != "", scopes.map(regions))
    # An empty route cell is filled by rule; a present column with "" after rules stays "".
    out["route"] = out["route"].where(out["route"] != "", scopes.map(routes))
    out["basis"] = out["basis"].where(out["basis"] != "", "reported")
    rows = pd.Series(out.index, index=out.index).astype(int) + 2
    fallback = f"{name} 第" + rows.astype(str) + "行 / row " + rows.astype(str)
    out["quote"] = out["quote"].where(out["quote"] != "", fallback)
    return out.loc[:, list(OBSERVATION_COLUMNS)]


def check_within_file(rows: pd.DataFrame, problems: _Problems, name: str) -> None:
    """Record rows that repeat or contradict another row of the same file."""
    keys = figure_keys(rows)
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return
    sub = pd.DataFrame(
        {
            "key": keys[repeated].to_numpy(),
            "value": rows["value"][repeated].to_numpy(),
            "row": rows.index[repeated.to_numpy()].astype(int) + 2,
        }
    )
    sub["first"] = sub.groupby("key")["row"].transform("min")
    sub["conflict"] = sub.groupby("key")["value"].transform("nunique") > 1
    later = sub.loc[sub["row"] != sub["first"]]
    shown = later.head(MAX_LISTED_PROBLEMS + 1)
    for row, first, conflict, value in zip(
        shown["row"].tolist(),
        shown["first"].tolist(),
        shown["conflict"].tolist(),
        shown["value"].tolist(),
        strict=True,
    ):
        if conflict:
            zh = f"与本文件第 {first} 行是同一数据（指标、地区、线路、口径、期间相同）但数值不同"
            en = f"contradicts row {first} of this file (same figure, another value)"
        else:
            zh = f"与本文件第 {first} 行重复"
            en = f"repeats row {first} of this file"
        problems.add(Problem(zh, en, name, int(row), "value", format_number(float(value))))
    problems.total += max(0, len(later) - (MAX_LISTED_PROBLEMS + 1))


def check_sources(rows: pd.DataFrame, known_sources: Iterable[str], problems: _Problems) -> None:
    """Record rows whose source_id is not a registered source."""
    unknown = ~rows["source_id"].isin(list(known_sources)) & (rows["source_id"] != "")
    problems.add_mask(
        unknown,
        rows["source_id"],
        "source_id",
        "来源未登记：请先登记来源（corridor sources add 或页面上的“登记来源”）",
        "unknown source: register it first (corridor sources add, or the page's form)",
    )


def validate_frame(raw: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return an all-text upload frame as typed contract rows, or raise listing every problem."""
    text_in = check_columns(raw, name)
    problems = _Problems(name)
    check_text(text_in, problems)
    text = fill_defaults(_strip(text_in), name)
    check_required(text, problems)
    typed = text.copy()
    for col in NUMBER_COLUMNS:
        typed[col] = parse_number_column(text[col], col, problems)
    for col in DATE_COLUMNS:
        typed[col] = parse_date_column(text[col], col, problems)
    check_sources(text, known_sources, problems)
    try:
        checked = validate(typed, observations_schema(), name)
    except CorridorError as exc:
        # An unknown metric has no unit to match: the metric's own problem says it all.
        bad_metric = {p.row for p in [*problems.items, *exc.problems] if p.column == "metric"}
        for problem in exc.problems:
            if problem.column == "unit" and problem.row in bad_metric:
                continue
            problems.add(problem)
        problems.raise_if_any()
        raise
    problems.raise_if_any()
    check_within_file(checked, problems, name)
    problems.raise_if_any()
    # The index stays the file's row number minus 2, so later messages can name rows.
    return checked


def parse_upload(
    data: bytes,
    name: str,
    known_sources: Iterable[str],
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> Upload:
    """Return a validated upload from its bytes, or raise a CorridorError listing every problem."""
    kind, frame = read_upload_frame(data, name, max_bytes=max_bytes, max_unpacked=max_unpacked)
    rows = validate_frame(frame, name, known_sources)
    return Upload(name, kind, hashlib.sha256(data).hexdigest(), data, rows)


def template_csv() -> bytes:
    """Return a CSV template of the upload columns with one example row (UTF-8 with BOM)."""
    metrics = load_metrics()
    header = ",".join(OBSERVATION_COLUMNS)
    example = ",".join(
        [
            "teu",
            "150000",
            metrics["teu"].unit,
            "2025-01-01",
            "2025-03-31",
            "chongqing",
            "rail_sea",
            "重庆西部陆海新通道铁海联运班列",
            "12.5",
            "reported",
            "my-source-id",
            "示例行，请替换 / example row: replace it",
        ]
    )
    # The BOM makes Excel on Chinese Windows open the file as UTF-8; the reader accepts it.
    return ("\ufeff" + header + "\n" + example + "\n").encode("utf-8")


@dataclass(frozen=True)
class ArticleProposal:
    """A new article as received, with the rows the extractor proposes for it."""

    name: str
    sha256: str
    data: bytes
    header: dict[str, str]
    body: str
    published: date
    source_id: str
    title: str
    publisher: str
    url: str
    rows: pd.DataFrame


def propose_article(
    data: bytes,
    name: str,
    published: date | None = None,
    *,
    max_bytes: int | None = None,
) -> ArticleProposal:
    """Return the rows the extractor proposes for an article's bytes (nothing is stored)."""
    from etl.articles import MAX_ARTICLE_BYTES, decode_text, split_header
    from etl.extract import extract_figures, infer_published
    from etl.observations import add_derived, frame_from_rows, rows_from_figures

    check_file_name(name)
    check_size(len(data), name, MAX_ARTICLE_BYTES if max_bytes is None else max_bytes)
    if data.startswith(b"PK\x03\x04") or any(data.startswith(m) for m in MAGIC_REFUSED):
        raise _refuse("文章须为纯文本（.txt）", "an article must be plain text (.txt)", name)
    text = decode_text(data, name)
    header, body = split_header(text)
    when = published
    if when is None and header.get("published"):
        try:
            when = date.fromisoformat(header["published"].strip())
        except ValueError:
            raise _refuse(
                "页首的发布日期无效",
                "invalid published date in the header",
                name,
                column="published",
                value=header["published"],
            ) from None
    if when is None:
        when = infer_published(body)
    if when is None:
        raise _refuse(
            "无法确定发布日期，请填写", "cannot tell the publication date: please give it", name
        )
    sha256 = hashlib.sha256(data).hexdigest()
    source_id = header.get("source_id", "").strip() or f"article-{sha256[:12]}"
    first_line = next((ln.strip() for ln in body.splitlines() if ln.strip()), name)
    rows = add_derived(rows_from_figures(extract_figures(body, when), source_id))
    return ArticleProposal(
        name=name,
        sha256=sha256,
        data=data,
        header=header,
        body=body,
        published=when,
        source_id=source_id,
        title=header.get("title", "").strip() or first_line[:200],
        publisher=header.get("publisher", "").strip(),
        url=header.get("url", "").strip(),
        rows=frame_from_rows(rows),
    )


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a (possibly edited, typed) frame as all text, indexed so index + 2 is row 1, 2, …"""
    out = pd.DataFrame(index=range(len(frame)))
    for col in frame.columns:
        series = frame[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(series):
            text = series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), "")
        elif pd.api.types.is_float_dtype(series):
            text = series.map(format_number).astype(object)
        else:
            text = series.map(_cell_text).astype(object).where(series.notna(), "")
        out[str(col)] = text.astype(str)
    # Rows of an on-screen table are numbered from 1; messages add 2 to the index.
    out.index = pd.RangeIndex(-1, len(out) - 1)
    return out
