"""Reading article files: strict decoding, the optional `key: value` header, provenance sidecars."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.contract.errors import CorridorError

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
