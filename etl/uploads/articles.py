"""Proposing a new article's figures for review: its bytes in, the extractor's rows out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.extraction.figures import Figure
from etl.uploads import sandbox
from etl.uploads.limits import refuse
from etl.uploads.reading import MAGIC_REFUSED, check_file_name, check_size


@dataclass(frozen=True)
class ArticleProposal:
    """A new article as received, with the rows the extractor proposes for it."""

    name: str
    sha256: str
    data: bytes
    header: dict[str, str]
    body: str
    published: date
    # True when neither the caller nor the header gave the date: it was guessed from the text.
    published_inferred: bool
    source_id: str
    title: str
    publisher: str
    url: str
    rows: pd.DataFrame
    # The reported figures' periods and how each was decided (stated, carried, publication).
    periods: pd.DataFrame


def propose_article(
    data: bytes,
    name: str,
    published: date | None = None,
    *,
    max_bytes: int | None = None,
) -> ArticleProposal:
    """Return the rows the extractor proposes for an article's bytes (nothing is stored)."""
    from etl.extraction.articles import MAX_ARTICLE_BYTES

    check_file_name(name)
    check_size(len(data), name, MAX_ARTICLE_BYTES if max_bytes is None else max_bytes)
    kinds = {
        b"PK\x03\x04": (
            "ZIP 压缩包或 Office 文件（如 Word）",
            "a ZIP archive or an Office file (Word, Excel)",
        )
    }
    for magic, (zh, en) in (kinds | MAGIC_REFUSED).items():
        if data.startswith(magic):
            # Say what the file is: a UTF-16 text from Notepad is text, just not in our encodings.
            raise refuse(
                f"文章须为 UTF-8 或 GB18030 编码的纯文本（.txt）；这是{zh}",
                f"an article must be plain text (.txt) in UTF-8 or GB18030; this is {en}",
                name,
            )
    # Read in the limited child, as tables are: a crafted text costs the child, not the server.
    proposal: ArticleProposal = sandbox.run_limited(
        _read_article, (data, name, published), name, **sandbox.UPLOAD_LIMITS
    )
    return proposal


def _read_article(data: bytes, name: str, published: date | None) -> ArticleProposal:
    """Return the proposal for an article's bytes (run in the limited child)."""
    from etl.extraction.articles import decode_text, infer_published, split_header
    from etl.extraction.extract import extract_figures
    from etl.extraction.observations import add_derived, frame_from_rows, rows_from_figures

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
    inferred = when is None
    if when is None:
        when = infer_published(body)
    if when is None:
        raise refuse(
            "无法确定发布日期，请填写", "cannot tell the publication date: please give it", name
        )
    sha256 = hashlib.sha256(data).hexdigest()
    source_id = header.get("source_id", "").strip() or f"article-{sha256[:12]}"
    figures = extract_figures(body, when)
    rows = add_derived(rows_from_figures(figures, source_id))
    return ArticleProposal(
        name=name,
        sha256=sha256,
        data=data,
        header=header,
        body=body,
        published=when,
        published_inferred=inferred,
        source_id=source_id,
        # No header title: the analyst is asked for one (a first sentence is not a title).
        title=header.get("title", "").strip(),
        publisher=header.get("publisher", "").strip(),
        url=header.get("url", "").strip(),
        rows=frame_from_rows(rows),
        periods=period_frame(figures),
    )


# Periods an analyst should check: carried from an earlier sentence, or the publication date.
REVIEW_HOWS = frozenset({"carried", "publication"})


def period_frame(figures: list[Figure]) -> pd.DataFrame:
    """Return one row per reported figure: its period, how it was decided, and whether to review."""
    return pd.DataFrame(
        {
            "metric": [f.metric for f in figures],
            "value": [f.value for f in figures],
            "period_start": [f.period_start.isoformat() if f.period_start else "" for f in figures],
            "period_end": [f.period_end.isoformat() for f in figures],
            "how": [f.how for f in figures],
            "review": [f.how in REVIEW_HOWS for f in figures],
            "quote": [f.quote for f in figures],
        },
        columns=["metric", "value", "period_start", "period_end", "how", "review", "quote"],
    )


def with_derived(reported: pd.DataFrame) -> pd.DataFrame:
    """Return edited reported rows with their derived prior-year rows computed again.

    Derived rows are never edited by hand: they follow from the reported value and yoy rate, so
    an edit to either changes the derived row with it.
    """
    from etl.contract.vocabulary import load_metrics
    from etl.extraction.observations import derive_prior_year, frame_from_rows

    rows = reported.loc[reported["basis"].astype(str) != "derived"].copy()
    for col in ("period_start", "period_end"):
        rows[col] = pd.to_datetime(rows[col], errors="coerce")
    for col in ("value", "yoy_pct"):
        rows[col] = pd.to_numeric(rows[col], errors="coerce").astype(float)
    records: list[dict[str, object]] = [
        {str(k): (None if k == "period_start" and pd.isna(v) else v) for k, v in r.items()}
        for r in rows.to_dict(orient="records")
    ]
    out: list[dict[str, object]] = []
    for record in records:
        out.append(record)
        # A row added on screen may still lack a metric: validation names it, nothing derives.
        value = record.get("value")
        if (
            str(record.get("metric")) in load_metrics()
            and isinstance(value, float | int)
            and value == value  # NaN is not equal to itself
        ):
            derived = derive_prior_year(record)
            out += [derived] if derived is not None else []
    return frame_from_rows(out)
