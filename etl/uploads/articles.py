"""Proposing a new article's figures for review: its bytes in, the extractor's rows out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.uploads.reading import MAGIC_REFUSED, check_file_name, check_size, refuse


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
    from etl.extraction.articles import MAX_ARTICLE_BYTES, decode_text, split_header
    from etl.extraction.extract import extract_figures, infer_published
    from etl.extraction.observations import add_derived, frame_from_rows, rows_from_figures

    check_file_name(name)
    check_size(len(data), name, MAX_ARTICLE_BYTES if max_bytes is None else max_bytes)
    if data.startswith(b"PK\x03\x04") or any(data.startswith(m) for m in MAGIC_REFUSED):
        raise refuse("文章须为纯文本（.txt）", "an article must be plain text (.txt)", name)
    text = decode_text(data, name)
    header, body = split_header(text)
    when = published
    if when is None and header.get("published"):
        try:
            when = date.fromisoformat(header["published"].strip())
        except ValueError:
            raise refuse(
                "页首的发布日期无效",
                "invalid published date in the header",
                name,
                column="published",
                value=header["published"],
            ) from None
    if when is None:
        when = infer_published(body)
    if when is None:
        raise refuse(
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
