"""dashboard/deck/more.py: each metric page's figures its charts leave out close its slides."""

from __future__ import annotations

import io

from pptx import Presentation

from dashboard.deck.more import MORE_ROWS, more_figures
from dashboard.deck.slides import build_deck, deck_inputs
from dashboard.filters import Filters
from dashboard.locales import ZH
from etl.contract.paths import Layout
from etl.store.table import load_table


def test_a_pages_figures_no_chart_draws_follow_its_charts_as_a_table(
    shipped_layout: Layout,
) -> None:
    table = load_table(shipped_layout)
    specs, cards, view = deck_inputs(table.observations, table.sources, Filters(), ZH)
    more = more_figures(view, specs)
    assert set(more) <= {"trains", "freight", "agri", "reach"} and "trains" in more
    for page, records in more.items():
        drawn = {
            (r["metric"], str(r["period_end"]), float(r["value"]), r["source_id"])
            for s in specs
            if s.page == page
            for r in s.point_records
        }
        for r in records:
            assert r["basis"] == "reported"
            assert (
                r["metric"],
                str(r["period_end"]),
                float(r["value"]),
                r["source_id"],
            ) not in drawn
    deck = build_deck(specs, cards, Filters(), table.sources, locale=ZH, more=more)
    slides = list(Presentation(io.BytesIO(deck)).slides)
    tables = [s for s in slides if any(sh.has_table for sh in s.shapes)]
    assert len(tables) == len(more)
    for slide, records in zip(tables, more.values(), strict=True):
        grid = next(sh.table for sh in slide.shapes if sh.has_table)
        assert len(grid.rows) == 1 + min(MORE_ROWS, len(records))
        # The latest first, as the page's more-figures table reads.
        first = ZH.value(float(records[0]["value"]), records[0]["metric"],
                         qualifier=records[0].get("qualifier") or "")  # fmt: skip
        assert grid.cell(1, 1).text == first
    # Each page's table comes right after that page's last chart slide (title, cards, charts).
    titles = [s.shapes.title.text_frame.text for s in slides]
    trains_last = max(i for i, s in enumerate(specs) if s.page == "trains")
    more_at = titles.index(next(t for t in titles if t.endswith("班列与箱量")))
    assert more_at == 2 + trains_last + 1
