"""docs/headline-series.md is `corridor series table` on the shipped data: it cannot drift."""

from __future__ import annotations

import pandas as pd

from corridor.series_table import Point, render_headline_tables, stated, wording
from etl.contract.paths import REPO_ROOT, Layout
from etl.store.table import load_table

DOC = REPO_ROOT / "docs" / "headline-series.md"


def test_the_committed_table_equals_a_fresh_run_on_the_shipped_data() -> None:
    table = load_table(Layout(REPO_ROOT / "data"))
    fresh = render_headline_tables(table.observations, table.sources)
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/headline-series.md is stale: run `corridor series table > docs/headline-series.md`"
    )


def _point(value: float, qualifier: str, kind: str, start: str | None, end: str) -> Point:
    return Point(
        year=int(end[:4]),
        kind=kind,
        value=value,
        qualifier=qualifier,
        period_start=None if start is None else pd.Timestamp(start),
        period_end=pd.Timestamp(end),
        yoy=None,
        body="",
        source_id="s",
        publisher="新华社",
        published=end,
        url="https://example.org/a",
        preferred=True,
    )


def test_values_keep_their_qualifier_and_every_reported_digit() -> None:
    bound = _point(10000, "over", "year", "2024-01-01", "2024-12-31")
    assert stated(bound, "train_runs") == "超1万列"
    assert wording(bound, "train_runs") == "全年开行超1万列"
    exact = _point(10218, "", "ytd", "2025-01-01", "2025-12-30")
    assert stated(exact, "train_runs") == "10218列"
    assert wording(exact, "train_runs") == "截至12月30日开行10218列"
    small = _point(3382, "", "year", "2017-01-01", "2017-12-31")
    assert stated(small, "teu") == "3382标箱"


def test_the_doc_shows_a_bound_beside_the_exact_count_to_a_day() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if "2025年全年" in line and "开行" in line]
    assert any("超1万列" in r for r in rows)
    assert "截至12月30日开行10218列" in text
