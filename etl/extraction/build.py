"""`corridor build`: raw articles → the tidy observations and sources tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.fileio import write_bytes_atomic
from etl.contract.paths import Layout
from etl.contract.schema import SOURCE_COLUMNS
from etl.contract.tables import write_observations, write_sources
from etl.extraction.articles import Article, infer_published, read_article, read_sidecar
from etl.extraction.events import events_frame, extract_events, render_events_csv
from etl.extraction.extract import extract_figures
from etl.extraction.observations import (
    add_derived,
    frame_from_rows,
    refuse_breaking_derived,
    rows_from_figures,
)

Progress = Callable[[int, int, str], None]

# What a brief is, said the same way on every sources row of one: the project's summary of a
# public report (its facts and figures), never the report's own text.
BRIEF_LABEL_ZH = "本项目据公开报道整理的摘要"
BRIEF_NOTE = f"{BRIEF_LABEL_ZH} / a summary in this project's words of a public report"


def reprint_note(site: str) -> str:
    """Return the sources note naming the site that reprinted the report."""
    return f"转载：{site} / reprinted by {site}"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    articles: int
    reported: int
    derived: int


def article_paths(layout: Layout) -> list[Path]:
    """Return the raw article files in a stable order."""
    if not layout.raw_articles.is_dir():
        return []
    return sorted(p for p in layout.raw_articles.glob("*.txt") if p.is_file())


def resolve_published(article: Article, sidecar: dict[str, object]) -> tuple[date, bool, str]:
    """Return the publication date, whether it is inferred, and a note saying how it was found."""
    stated = str(sidecar.get("published") or "").strip()
    if stated:
        try:
            inferred = bool(sidecar.get("published_inferred", False))
            return date.fromisoformat(stated), inferred, ""
        except ValueError:
            raise CorridorError.single(
                "来源说明中的发布日期无效",
                "invalid published date in the provenance sidecar",
                file=str(article.path),
                column="published",
                value=stated,
            ) from None
    if article.published is not None:
        return article.published, article.published_inferred, ""
    guess = infer_published(article.body)
    if guess is None:
        raise CorridorError.single(
            "无法确定文章的发布日期：请在来源说明或页首写明 published",
            "cannot tell when the article was published: add `published` to its sidecar or header",
            file=str(article.path),
        )
    return (
        guess,
        True,
        f"发布日期由正文推断为 {guess.isoformat()} / published date inferred from the text",
    )


def source_record(
    article: Article, sidecar: dict[str, object], layout: Layout
) -> dict[str, object]:
    """Return the sources row of a raw article: the sidecar first, then its header."""
    published, inferred, how = resolve_published(article, sidecar)
    header = article.header

    def pick(key: str) -> str:
        return str(sidecar.get(key) or header.get(key) or "").strip()

    # The publisher is the original outlet; a reprinting site is named in the note, never in it.
    publisher = pick("publisher")
    kind = str(sidecar.get("kind") or "article")
    notes = [str(sidecar.get(k)) for k in ("note", "published_note", "url_note") if sidecar.get(k)]
    if kind == "brief" and not any(BRIEF_LABEL_ZH in n for n in notes):
        notes.insert(0, BRIEF_NOTE)
    reprinted = pick("reprinted_by") or str(sidecar.get("republished_by") or "").strip()
    if reprinted:
        notes.append(reprint_note(reprinted))
    if how:
        notes.append(how)
    title = pick("title") or article.path.stem
    return {
        "source_id": str(sidecar.get("source_id") or article.path.stem),
        "title": title,
        "publisher": publisher,
        "published": pd.Timestamp(published),
        "published_inferred": inferred,
        "url": pick("url"),
        "kind": kind,
        "file_name": article.path.resolve().relative_to(layout.root.resolve()).as_posix(),
        "sha256": article.sha256,
        "added_by": "corridor build",
        "added_at": "",
        "note": " ".join(notes),
    }


def check_unchanged(article: Article, sidecar: dict[str, object]) -> None:
    """Refuse a raw article whose bytes no longer match the hash recorded when it was received."""
    recorded = str(sidecar.get("sha256") or "")
    if recorded and recorded != article.sha256:
        raise CorridorError.single(
            "原始文章在收录后被改动过（哈希不符）；原始输入不得编辑",
            "the raw article changed after it was received (hash mismatch); "
            "raw input is never edited",
            file=str(article.path),
            column="sha256",
            value=article.sha256,
        )


def build(layout: Layout, progress: Progress | None = None) -> BuildResult:
    """Rebuild tidy/observations.csv, sources.csv and events.csv from raw/articles."""
    paths = article_paths(layout)
    sources: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for i, path in enumerate(paths, 1):
        if progress:
            progress(i, len(paths), path.name)
        article = read_article(path)
        sidecar = read_sidecar(path)
        check_unchanged(article, sidecar)
        record = source_record(article, sidecar, layout)
        sources.append(record)
        published: pd.Timestamp = record["published"]  # type: ignore[assignment]
        figures = extract_figures(article.body, published.date())
        rows.extend(add_derived(rows_from_figures(figures, str(record["source_id"]))))
        for event in extract_events(article.body, published.date()):
            events.append({**asdict(event), "source_id": str(record["source_id"])})
    ids = [str(s["source_id"]) for s in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorridorError.single(
            "多篇文章使用了相同的 source_id",
            "several articles share a source_id",
            file=str(layout.raw_articles),
            column="source_id",
            value=", ".join(map(str, duplicates)),
        )
    observations = refuse_breaking_derived(frame_from_rows(rows))
    sources_frame = pd.DataFrame(sources, columns=list(SOURCE_COLUMNS))
    sources_frame = sources_frame.sort_values("source_id", kind="stable").reset_index(drop=True)
    layout.tidy.mkdir(parents=True, exist_ok=True)
    write_sources(sources_frame, layout.sources_csv)
    write_observations(observations, layout.observations_csv)
    write_bytes_atomic(layout.events_csv, render_events_csv(events_frame(events)).encode("utf-8"))
    derived = int((observations["basis"] == "derived").sum())
    return BuildResult(len(paths), len(observations) - derived, derived)


def print_progress(i: int, total: int, name: str) -> None:
    """Print build progress to stderr."""
    print(f"[{i}/{total}] {name}", file=sys.stderr)


def corpus_events(layout: Layout) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the events of the raw articles and each article's source_id by file stem."""
    rows: list[dict[str, object]] = []
    ids: dict[str, str] = {}
    for path in article_paths(layout):
        article = read_article(path)
        sidecar = read_sidecar(path)
        record = source_record(article, sidecar, layout)
        ids[path.stem] = str(record["source_id"])
        published: pd.Timestamp = record["published"]  # type: ignore[assignment]
        for event in extract_events(article.body, published.date()):
            rows.append({**asdict(event), "source_id": ids[path.stem]})
    return events_frame(rows), ids
