"""The deck's reach slide: the Reach page's map as its table, the stated totals as its title.

A slide cannot hold the page's plotly map as an editable chart; it holds what the map says:
each sea lane's region, the places the reports name there, and those reports, under the latest
stated countries and ports reached (dashboard/views/reach.py, as the page's map card states).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from pptx.slide import Slide
from pptx.util import Inches, Pt

from dashboard.charts.geography import in_language, load_geography
from dashboard.locales import Locale
from dashboard.safe_text import clean
from dashboard.views.index import source_name
from dashboard.views.reach import StatedTotal, totals_headline, totals_source_line

# The table's columns (share of the content width) and type.
COLUMN_SHARES = (0.22, 0.48, 0.30)
TABLE_PT = 12
HEADER_PT = 13
# A cell names at most this many reports (the rest are in the notes).
MAX_CITED = 3
CELL_CHARS = 120


def reach_rows(sources: pd.DataFrame, locale: Locale) -> list[tuple[str, str, str]]:
    """Return one row per sea lane: the region, the places the reports name, the reports."""
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")} if len(sources) else {}
    rows = []
    for lane in load_geography().lanes:
        places = dict.fromkeys(in_language(zh, en, locale) for _, zh, en in lane.named)
        cited = []
        for sid in dict.fromkeys(s for s, _, _ in lane.named):
            src = by_id.get(sid, {})
            published = pd.Timestamp(src["published"]) if src.get("published") else None
            cited.append(source_name(str(src.get("publisher") or sid), published, locale))
        more = len(cited) - MAX_CITED
        shown = locale.t("list_sep").join(cited[:MAX_CITED])
        if more > 0:
            shown += locale.t("events_more", count=more)
        rows.append(
            (
                lane.name(locale),
                clean(locale.t("list_sep").join(places), CELL_CHARS),
                clean(shown, CELL_CHARS),
            )
        )
    return rows


def reach_headers(locale: Locale) -> tuple[str, str, str]:
    """Return the table's column headings."""
    return (locale.t("region"), locale.t("deck_reach_places"), locale.t("source"))


def add_reach_slide(
    prs: Any,
    totals: list[StatedTotal],
    sources: pd.DataFrame,
    locale: Locale,
    title: Callable[[Slide, str, int], None],
    layout: int,
    box: tuple[int, int],
) -> Slide:
    """Add the reach slide: the stated totals as its title, the lanes' table, the sources.

    title: the deck's title writer (one line, shrunk to fit); layout: the title-only layout;
    box: (left, width) of the slide's content.
    """
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    title(slide, totals_headline(totals, locale), 26)
    left, width = box
    rows = reach_rows(sources, locale)
    shape = slide.shapes.add_table(
        len(rows) + 1, 3, left, Inches(1.45), width, Inches(0.4) * (len(rows) + 1)
    )
    table = shape.table
    for i, share in enumerate(COLUMN_SHARES):
        table.columns[i].width = int(width * share)
    for r, row in enumerate([reach_headers(locale), *rows]):
        for c, text in enumerate(row):
            frame = table.cell(r, c).text_frame
            frame.word_wrap = True
            frame.text = text
            for para in frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(HEADER_PT if r == 0 else TABLE_PT)
                    run.font.bold = r == 0
    notes = [locale.t("map_title"), totals_source_line(totals, locale)]
    notes.append(locale.t("map_regions_note"))
    notes.append(locale.t("map_lines_source"))
    slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
    foot = slide.shapes.add_textbox(left, Inches(6.55), width, Inches(0.7))
    foot.text_frame.word_wrap = True
    foot.text_frame.text = " ".join(
        x for x in (totals_source_line(totals, locale), locale.t("map_regions_note")) if x
    )
    for para in foot.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(11)
    return slide
