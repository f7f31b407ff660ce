"""The deck's more-figures slides: each metric page's figures its charts leave out, as a table.

A metric page shows its series charts and, under them, its more figures (a thin page: cards and
a table of its few figures). The deck draws the same charts, so each page's figures that no chart
draws close its slides here: the latest first, a slide's worth, the count of the rest.
"""

from __future__ import annotations

from typing import Any

from pptx.slide import Slide
from pptx.util import Inches, Pt

from dashboard.charts.specs import ChartSpec, page_metrics
from dashboard.locales import Locale
from dashboard.safe_text import clean
from dashboard.views.index import FigureView, Record
from dashboard.views.tables import reading_order

# A slide holds this many rows at 12 pt (two lines each at most); the title counts them all.
MORE_ROWS = 8
# How many of a page's figures, in reading order, are looked through for those not drawn.
MORE_SCAN = 500
COLUMN_SHARES = (0.14, 0.16, 0.20, 0.30, 0.20)
CELL_CHARS = 60
METRIC_PAGES = ("trains", "freight", "agri", "reach")


def _key(record: Record) -> tuple[str, str, str, float, str]:
    return (
        str(record["metric"]),
        str(record.get("period_start")),
        str(record["period_end"]),
        float(record["value"]),
        str(record["source_id"]),
    )


def more_figures(fv: FigureView, specs: list[ChartSpec]) -> dict[str, list[Record]]:
    """Return per metric page the reported figures of its metrics that none of its charts
    draws, in the data table's reading order (latest first within a metric)."""
    out: dict[str, list[Record]] = {}
    for page in METRIC_PAGES:
        drawn = {_key(r) for s in specs if s.page == page for r in s.point_records}
        records = reading_order(fv, MORE_SCAN, tuple(page_metrics(page)))
        rest = [r for r in records if r.get("basis") == "reported" and _key(r) not in drawn]
        if rest:
            out[page] = rest
    return out


def _row(record: Record, locale: Locale) -> tuple[str, ...]:
    metric = str(record["metric"])
    label = locale.figure_label(
        record["scope"], record.get("series"), metric=metric, region=record.get("region")
    )
    return (
        locale.metric(metric),
        locale.value(float(record["value"]), metric, qualifier=record.get("qualifier") or ""),
        locale.period(record["period_start"], record["period_end"]),
        clean(str(label), CELL_CHARS),
        clean(str(record.get("source") or record["source_id"]), CELL_CHARS),
    )


def add_more_slide(
    prs: Any,
    page: str,
    records: list[Record],
    locale: Locale,
    title: Any,
    layout: int,
    box: tuple[int, int],
) -> Slide:
    """Add a page's more-figures slide: the first MORE_ROWS figures as a table, the rest counted.

    title: the deck's title writer; layout: the title-only layout; box: the content's (left,
    width).
    """
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    heading = locale.t("more_figures_count", n=len(records))
    title(slide, f"{heading} · {locale.t(f'page_{page}')}", 26)
    left, width = box
    shown = records[:MORE_ROWS]
    headers = tuple(locale.t(k) for k in ("metric", "col_value", "col_period", "scope", "source"))
    shape = slide.shapes.add_table(
        len(shown) + 1, len(headers), left, Inches(1.45), width, Inches(0.4) * (len(shown) + 1)
    )
    table = shape.table
    for i, share in enumerate(COLUMN_SHARES):
        table.columns[i].width = int(width * share)
    for r, row in enumerate([headers, *(_row(rec, locale) for rec in shown)]):
        for c, text in enumerate(row):
            frame = table.cell(r, c).text_frame
            frame.word_wrap = True
            frame.text = text
            for para in frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(13 if r == 0 else 12)
                    run.font.bold = r == 0
    # The title counts them all; the notes say how many the table leaves for the dashboard.
    notes = [locale.t("more_figures_note", limit=MORE_SCAN)]
    if len(records) > len(shown):
        notes.append(locale.t("events_more", count=len(records) - len(shown)))
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide
