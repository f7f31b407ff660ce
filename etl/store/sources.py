"""A source an analyst registers: one checked sources row."""

from __future__ import annotations

from datetime import date

import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.schema import SOURCE_COLUMNS, latest_period_end
from etl.contract.tables import parse_sources
from etl.store.notes import check_note

# Ids appear in CSV cells, file names and URLs: a safe alphabet, short enough to read.
SOURCE_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"


def source_frame(
    *,
    source_id: str,
    title: str,
    publisher: str,
    published: date,
    url: str = "",
    kind: str = "upload",
    file_name: str = "",
    sha256: str = "",
    added_by: str = "",
    note: str = "",
    published_inferred: bool = False,
) -> pd.DataFrame:
    """Return one validated sources row, refusing bad ids, text, dates or URLs."""
    problems: list[Problem] = []
    if not pd.Series([source_id], dtype=str).str.match(SOURCE_ID_RE).iloc[0]:
        problems.append(
            Problem(
                "来源编号只能用字母、数字和 _ . : -，以字母或数字开头",
                "source ids use letters, digits and _ . : - only, starting with a letter or digit",
                column="source_id",
                value=source_id,
            )
        )
    # An article's publisher may be unknown; a title is always needed to cite the source.
    for column, text, limit, required in (
        ("title", title, 500, True),
        ("publisher", publisher, 200, False),
    ):
        try:
            check_note(text, column, limit, required)
        except CorridorError as exc:
            problems += exc.problems
    when = pd.Timestamp(published)
    if not (pd.Timestamp("1990-01-01") <= when <= latest_period_end()):
        problems.append(
            Problem(
                "发布日期须在 1990 年之后、今天起一个月之内",
                "published must be between 1990-01-01 and a month after today",
                column="published",
                value=str(published),
            )
        )
    if problems:
        raise CorridorError(problems)
    row = {
        "source_id": source_id,
        "title": title.strip(),
        "publisher": publisher.strip(),
        "published": when.strftime("%Y-%m-%d"),
        "published_inferred": published_inferred,
        "url": url.strip(),
        "kind": kind,
        "file_name": file_name,
        "sha256": sha256,
        "added_by": added_by,
        "added_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "note": note,
    }
    return parse_sources(pd.DataFrame([row], columns=list(SOURCE_COLUMNS)), "sources add")
