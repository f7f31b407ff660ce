"""How much an upload may hold, the refusals that say so, and the failure of a part read
alone (shared by every reader)."""

from __future__ import annotations

import os

from etl.contract.errors import CorridorError, Problem

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
