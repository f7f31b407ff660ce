"""Reading article files: strict decoding, the optional `key: value` header, provenance sidecars.

An article without a stated publication date gets one inferred from its own text
(infer_published): reports follow the periods they report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from etl.contract.errors import CorridorError
from etl.extraction.cues import EXPLICIT_YEAR_RE, FULL_DATE_RE, THIS_YEAR_DATE_RE, YEARS_SINCE_RE
from etl.extraction.periods import find_periods, month_end
from etl.extraction.sentences import simplify

# Articles are news texts; anything larger is not one (and would stall the extractor).
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
HEADER_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s?(.*)$")
HEADER_END = "---"
TRUE_WORDS = {"yes", "true", "1", "是", "y"}


@dataclass(frozen=True)
class Article:
    """An article's body text and what is known of where it came from."""

    path: Path
    body: str
    header: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

    @property
    def published(self) -> date | None:
        """The stated publication date, if the header gives a valid one."""
        raw = self.header.get("published", "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None

    @property
    def published_inferred(self) -> bool:
        return self.header.get("date_inferred", "").strip().lower() in TRUE_WORDS


def decode_text(data: bytes, name: str) -> str:
    """Return the text of article bytes: UTF-8 (BOM allowed), else GB18030, both strict."""
    if not data.strip():
        raise CorridorError.single("文件为空", "the file is empty", file=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Notepad's "Unicode": text, but not in an encoding an article is read in.
        raise CorridorError.single(
            "这是 UTF-16 编码的文本；请另存为 UTF-8 或 GB18030",
            "this is UTF-16 text: save it as UTF-8 or GB18030",
            file=name,
        )
    if b"\x00" in data[:8192]:
        raise CorridorError.single(
            "这是二进制文件，不是文本文章", "this is a binary file, not an article text", file=name
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorridorError.single(
        "无法识别文件编码（只接受 UTF-8 或 GB18030）",
        "cannot decode the file (only UTF-8 or GB18030 are accepted)",
        file=name,
    )


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Return the header fields and the body; a text without a closed header is all body."""
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == HEADER_END:
            return header, "".join(lines[i + 1 :])
        match = HEADER_LINE.match(stripped)
        if not match:
            break
        header[match.group(1).lower()] = match.group(2).strip()
    return {}, text


def read_article(path: Path) -> Article:
    """Return the article at path, refusing missing, empty, binary, huge or undecodable files."""
    name = str(path)
    if not path.exists():
        raise CorridorError.single("文件不存在", "file not found", file=name)
    if path.is_dir():
        raise CorridorError.single(
            "这是目录，不是文件", "this is a directory, not a file", file=name
        )
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise CorridorError.single(
            f"文件过大（{size} 字节，上限 {MAX_ARTICLE_BYTES}）",
            f"file too large ({size} bytes, limit {MAX_ARTICLE_BYTES})",
            file=name,
        )
    data = path.read_bytes()
    text = decode_text(data, name)
    header, body = split_header(text)
    return Article(path=path, body=body, header=header, sha256=hashlib.sha256(data).hexdigest())


def sidecar_path(article_path: Path) -> Path:
    """Return where an article's provenance sidecar lives."""
    return article_path.with_suffix(".source.json")


def read_sidecar(article_path: Path) -> dict[str, object]:
    """Return the provenance sidecar beside an article, or {} when there is none."""
    path = sidecar_path(article_path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorridorError.single(
            f"来源说明文件不是有效的 JSON：{exc}",
            f"provenance sidecar is not valid JSON: {exc}",
            file=str(path),
        ) from None
    if not isinstance(data, dict):
        raise CorridorError.single(
            "来源说明文件应为 JSON 对象", "provenance sidecar must be a JSON object", file=str(path)
        )
    return data


YEARS_SINCE_N = {"一": 1, "两": 2, "二": 2, "三": 3}
# Periods whose end is the publication date itself say nothing about it.
OPEN_ENDED_KINDS = frozenset({"since", "ytd"})


def _reported_after(s: str, provisional: date) -> list[date]:
    """Return the day after each explicitly dated period: reports follow the periods they cover."""
    mentions = [
        m
        for m in find_periods(s, provisional)
        if m.explicit_year and m.kind not in OPEN_ENDED_KINDS
    ]
    # 2023年开局…截至2023年1月31日: a year with dated months is not a whole-year total.
    months_of = {m.end.year for m in mentions if m.kind != "year"}
    return [
        m.end + timedelta(days=1)
        for m in mentions
        if m.kind != "year" or m.end.year not in months_of
    ]


def infer_published(body: str) -> date | None:
    """Return a best guess at an undated article's publication date, or None if it names no year.

    Reports follow what they report: the guess is the day after the latest explicitly dated
    period (2023年共开行 → 2024-01-01; 2022年一季度 → 2022-04-01), or the latest full date
    mentioned. An anniversary piece (a full date, then 一年来 / N年来) is dated that date N
    years on. Dates written 今年M月D日 are then read in the guessed year and can move it later.
    """
    s = simplify(body)
    years = [int(y) for y in EXPLICIT_YEAR_RE.findall(s)]
    if not years:
        return None
    candidates = _reported_after(s, date(max(years), 12, 31))
    for m in FULL_DATE_RE.finditer(s):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        candidates.append(day)
        since = YEARS_SINCE_RE.search(s, m.end())
        if since:
            n = YEARS_SINCE_N.get(since.group(1)) or int(since.group(1))
            with contextlib.suppress(ValueError):
                candidates.append(day.replace(year=day.year + n))
    if not candidates:
        candidates = [date(max(years), 1, 1)]
    latest = max(candidates)
    for m in THIS_YEAR_DATE_RE.finditer(s):
        month = int(m.group(1))
        with contextlib.suppress(ValueError):
            stated = date(latest.year, month, int(m.group(2))) if m.group(2) else None
            latest = max(latest, stated or month_end(latest.year, month))
    return latest
