"""How much an upload may hold, the refusals that say so, and the failure of a part read
alone (shared by every reader); a received file's name and size checked before anything parses
it. Pandas-free: a command checks and sends its file to the limited child before importing more."""

from __future__ import annotations

import os
import re
from pathlib import Path

from etl.contract.errors import CorridorError, Problem
from etl.contract.formulas import FORMULA_RE

# The largest real upload is a few hundred thousand rows of the template's 12 columns; a table
# far beyond that is refused before it costs the server more than a moment.
MAX_COLUMNS = 64
MAX_ROWS = 500_000
MAX_CELLS = 8_000_000


# 25 MiB (the default) holds ~150,000 full contract rows; bigger loads are bulk jobs
# that set CORRIDOR_MAX_UPLOAD_MB (or max_bytes) on purpose.
DEFAULT_MAX_UPLOAD_MB = 25.0


MAX_UPLOAD_ENV = "CORRIDOR_MAX_UPLOAD_MB"


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


# Spreadsheet XML compresses 5–10×; a workbook unpacking to more than this is a zip bomb, not a
# table anyone typed (200,000 rows of the contract unpack to well under 100 MiB).
DEFAULT_MAX_UNPACKED_BYTES = 256 * 1024 * 1024


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


# Listing 200,000 copies of one mistake helps nobody; the count of the rest is reported instead.
MAX_LISTED_PROBLEMS = 200


def refuse(zh: str, en: str, name: str, **where: object) -> CorridorError:
    """Return the refusal of file name with one problem, placed by row, column or value."""
    return CorridorError.single(zh, en, file=name, **where)  # type: ignore[arg-type]


def too_many_columns(count: int, name: str) -> CorridorError:
    """Return the refusal for a table wider than MAX_COLUMNS (the names are not echoed)."""
    return refuse(
        f"列数过多（{count} 列，上限 {MAX_COLUMNS}；模板只有 12 列）",
        f"too many columns ({count}; at most {MAX_COLUMNS}, the template has 12)",
        name,
    )


def too_many_rows(name: str) -> CorridorError:
    """Return the refusal for a table longer than MAX_ROWS or larger than MAX_CELLS."""
    return refuse(
        f"行数或单元格过多（上限 {MAX_ROWS} 行、{MAX_CELLS} 个单元格）；请分成几个文件上传",
        f"too many rows or cells (at most {MAX_ROWS} rows, {MAX_CELLS} cells); split the file",
        name,
    )


def capped(problems: list[Problem], total: int) -> list[Problem]:
    """Return the first MAX_LISTED_PROBLEMS problems and one line counting the rest."""
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


class BlockUnread(Exception):
    """A block of a sheet read block by block could not be read: the caller reads the upload
    whole instead, as it reads one that cannot be read in blocks."""
