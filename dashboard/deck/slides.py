"""Meeting decks: chart specs, KPI cards and filters in, a 16:9 PPTX of native charts out."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from dashboard.briefing import Briefing, briefing_for_view, safe_url
from dashboard.charts.milestones import event_title, hidden_count
from dashboard.charts.select import DEFAULT_TOP
from dashboard.charts.specs import PAGES, ChartSpec, every_page_specs, once_each
from dashboard.charts.theme import OKABE_ITO, TEXT_COLOUR
from dashboard.deck.more import add_more_slide
from dashboard.deck.native import (
    CONTENT_WIDTH,
    GROWTH_DOWN,
    GROWTH_UP,
    MARGIN,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    add_chart,
    rgb,
)
from dashboard.deck.reach import add_reach_slide
from dashboard.deck.text_fit import (
    EMU_PER_PT,
    MIN_PT,
    TEXTBOX_PAD_X,
    Line,
    fit_lines,
    lines_height,
    one_line_size,
    text_points,
)
from dashboard.filters import NO_ROUTE, Filters, filter_mask
from dashboard.locales import Locale
from dashboard.safe_text import clean
from dashboard.views.index import FigureView, Record, figure_view
from dashboard.views.kpi import KpiCard, briefing_cards, kpi_candidates
from dashboard.views.reach import StatedTotal

# East Asian text names Microsoft YaHei (on every Chinese Windows and in WPS) on every run and in
# the theme, with the GB2312 charset and a sans pitch family, so Office substitutes a
# simplified-Chinese sans where YaHei is missing. A run names one East Asian face only, and
# python-pptx cannot embed fonts, so the fallback is the converter's: the PDF is drawn under a
# fontconfig file that maps Microsoft YaHei to Noto Sans CJK SC (dashboard/deck/pdf_fonts.py).
EAST_ASIAN_FONT = "Microsoft YaHei"
FALLBACK_EAST_ASIAN_FONT = "Noto Sans CJK SC"
EAST_ASIAN_CHARSET = "-122"  # GB2312, simplified Chinese
EAST_ASIAN_PITCH = "34"  # variable pitch, swiss (sans-serif)
OFFICE_EAST_ASIAN_FONT = EAST_ASIAN_FONT
LATIN_FONT = "Arial"
MUTED = "6B7280"
CARD_FILL = "F3F6F9"
CARD_LINE = "D7DEE6"
KPI_COLUMNS = 3
CARD_PAD = Inches(0.2)
CARD_PAD_BOTTOM = Inches(0.1)
# A slide title shrinks to stay on one line, down to this size (then it wraps).
MIN_TITLE_PT = 16
TITLE_PAD = Inches(0.1)
# The briefing's type: as large as fits, from this size down; a gap of this many lines after
# each series' paragraph.
BRIEF_PT = 22
BRIEF_GAP = 0.5
LANG_TAG = {"zh": "zh-CN", "en": "en-GB"}
# The milestones listed beside a year chart: a column this wide, type from this size down, a
# title cut to this many characters (the full one is in the notes and on the page's hover).
EVENTS_WIDTH = Inches(3.4)
EVENTS_GAP = Inches(0.2)
EVENTS_PT = 12
EVENT_TITLE_CHARS = 40
# python-pptx text boxes' default insets: 0.05 in top and bottom (0.1 in either side, text_fit).
TEXTBOX_PAD_Y = Inches(0.05)
# Slide layouts of python-pptx's default template: 0 title slide, 5 title only.
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
# PowerPoint's proofing language for the other script in a Chinese deck's runs.
ALT_LANG = {"zh": "en-US"}


def deck_inputs(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    filters: Filters,
    locale: Locale,
    top: int = DEFAULT_TOP,
    events: list[Record] | None = None,
) -> tuple[list[ChartSpec], list[KpiCard], FigureView]:
    """Return the charts, headline cards and filtered view a deck shows for an observations frame.

    Bounded as the dashboard is: the charts draw the top scopes and capped points, the cards come
    from the view's headline candidates, and no record is built for a figure nobody sees.
    events: the milestones (etl.store.table.load_events) the year charts list.
    """
    fv = figure_view(frame, sources, filter_mask(frame, filters), locale)
    headline = kpi_candidates(fv)
    specs = every_page_specs(fv, headline, locale, top, events)
    # The overview's series cards: the headline series the briefing states, never another.
    return specs, briefing_cards(briefing_for_view(fv, locale), locale), fv


def deck_briefing(view: FigureView, locale: Locale) -> Briefing:
    """Return the written briefing of the deck's view (what the overview shows above its cards)."""
    return briefing_for_view(view, locale)


def _set_text(frame: Any, lines: list[Line]) -> None:
    """Fill a text frame with (text, size pt, bold, colour) paragraphs."""
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = rgb(colour)


def _textbox(slide: Slide, left: int, top: int, width: int, height: int, lines: list[Line]) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    _set_text(box.text_frame, lines)


def _title(slide: Slide, text: str, size: int = 28) -> None:
    title = slide.shapes.title
    assert title is not None  # the layouts used all carry a title placeholder
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(0.3),
        CONTENT_WIDTH,
        Inches(1.0),
    )
    frame = title.text_frame
    frame.clear()
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    # One line: a headline wrapping onto a second would run into the chart's name beneath.
    room = (CONTENT_WIDTH - 2 * TITLE_PAD) / EMU_PER_PT
    while size > MIN_TITLE_PT and text_points(text, size, True) > room:
        size -= 1
    _set_text(frame, [(text, size, True, TEXT_COLOUR)])
    frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def remove_empty_placeholders(slide: Slide) -> None:
    """Remove placeholders that hold no text, chart or picture (they show 'Click to add …')."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and shape.text_frame.text.strip():
            continue
        element = shape.element
        element.getparent().remove(element)


def set_fonts(
    element: Any, locale: Locale, latin: str = LATIN_FONT, east: str = EAST_ASIAN_FONT
) -> None:
    """Set the Latin and East Asian typefaces (and language) on every run property in the XML."""
    tags = {qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")}
    for run in element.iter(qn("a:r")):
        run.get_or_add_rPr()
    for props in element.iter(*tags):
        props.set("lang", LANG_TAG[locale.lang])
        if locale.lang in ALT_LANG:
            props.set("altLang", ALT_LANG[locale.lang])
        old = props.find(qn("a:ea"))
        if old is not None:
            props.remove(old)
        props.get_or_add_latin().set("typeface", latin)
        ea = etree.SubElement(props, qn("a:ea"))
        ea.set("typeface", east)
        ea.set("pitchFamily", EAST_ASIAN_PITCH)
        ea.set("charset", EAST_ASIAN_CHARSET)
        props.find(qn("a:latin")).addnext(ea)


def set_theme_fonts(prs: Any, east: str = OFFICE_EAST_ASIAN_FONT) -> None:
    """Name the Office East Asian font in the theme (headings and body), for simplified Chinese."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    for kind in ("a:majorFont", "a:minorFont"):
        for fonts in theme.iter(qn(kind)):
            fonts.find(qn("a:ea")).set("typeface", east)
            for script in fonts.findall(qn("a:font")):
                if script.get("script") == "Hans":
                    script.set("typeface", east)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _filters_words(filters: Filters, locale: Locale) -> str:
    parts: list[str] = []
    sep, joiner = locale.t("sep"), locale.t("list_sep")
    if filters.regions:
        parts.append(
            locale.t("region") + sep + joiner.join(locale.region(r) for r in filters.regions)
        )
    if filters.routes:
        names = [locale.route("" if r == NO_ROUTE else r) for r in filters.routes]
        parts.append(locale.t("route") + sep + joiner.join(names))
    if filters.metrics:
        parts.append(
            locale.t("metric") + sep + joiner.join(locale.metric(m) for m in filters.metrics)
        )
    if filters.bases:
        parts.append(locale.t("basis") + sep + joiner.join(locale.basis(b) for b in filters.bases))
    if filters.sources:
        parts.append(locale.t("source") + sep + joiner.join(filters.sources))
    return locale.t("clause_sep").join(parts) or locale.t("deck_no_filters")


def deck_period(
    specs: list[ChartSpec], cards: list[KpiCard], filters: Filters, locale: Locale
) -> str:
    """Return the period the deck covers: the span of the figures it shows (a filter's months
    wider than its figures never widen the title)."""
    frames = [s.points for s in specs]
    starts = [d for f in frames for d in f["period_start"].dropna()]
    ends = [d for f in frames for d in f["period_end"].dropna()]
    ends += [c.record["period_end"] for c in cards]
    if not ends:
        return "—"
    start, end = min(starts + ends), max(ends)
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    return locale.period(first, last)


def _sources_lines(source_ids: Iterable[str], sources: pd.DataFrame, locale: Locale) -> list[str]:
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")} if len(sources) else {}
    lines = []
    for sid in dict.fromkeys(source_ids):
        src = by_id.get(sid, {})
        published = src.get("published")
        when = (
            locale.date(pd.Timestamp(published))
            if published is not None and not pd.isna(published)
            else ""
        )
        bits = [
            locale.publisher(str(src.get("publisher") or sid)),
            when,
            f"《{src['title']}》" if src.get("title") else "",
            str(src.get("url") or ""),
        ]
        lines.append("· " + locale.t("comma").join(b for b in bits if b) + f" [{sid}]")
    return lines


def event_line(event: Record, locale: Locale) -> str:
    """Return a milestone as the deck lists it: its date and title, plain text on one line."""
    return f"{locale.date(event['date'])}  {clean(event_title(event, locale), EVENT_TITLE_CHARS)}"


def event_lines(events: Iterable[Record], locale: Locale, width: int, height: int) -> list[Line]:
    """Return the milestones box's paragraphs fitted to it: a heading, a dated line per event,
    then how many more the notes list; type shrinks, then the oldest lines go, never spilling."""
    events = list(events)
    inner_w = (width - 2 * TEXTBOX_PAD_X) / EMU_PER_PT
    inner_h = (height - 2 * TEXTBOX_PAD_Y) / EMU_PER_PT
    shown = list(events)
    while True:
        more = hidden_count(events) + len(events) - len(shown)
        lines: list[Line] = [(locale.t("events_legend"), EVENTS_PT + 2, True, TEXT_COLOUR)]
        lines += [(event_line(e, locale), EVENTS_PT, False, TEXT_COLOUR) for e in shown]
        if more:
            lines.append((locale.t("deck_events_more", count=more), EVENTS_PT, False, MUTED))
        fitted = fit_lines(lines, inner_w, inner_h, one_line=0)
        if lines_height(fitted, inner_w) <= inner_h or not shown:
            return fitted
        shown = shown[1:]


def chart_notes(spec: ChartSpec, sources: pd.DataFrame, filters: Filters, locale: Locale) -> str:
    """Return a chart slide's speaker notes: headline, description, filters and every source."""
    lines = [
        spec.headline,
        spec.alt,
        locale.t("deck_filters") + locale.t("sep") + _filters_words(filters, locale),
    ]
    if (spec.points["basis"] == "derived").any():
        lines.append(locale.t("deck_derived_note"))
    # What the chart left out, the years with no full-year report, what a bound's mark means.
    lines.append(spec.note)
    if spec.events:
        lines.append(locale.t("events_legend") + locale.t("sep_end"))
        for e in spec.events:
            lines += ["· " + event_line(e, locale)]
            lines += ["  · " + event_line(h, locale) for h in e.get("hidden") or ()]
    lines.append(locale.t("deck_sources") + locale.t("sep_end"))
    lines += _sources_lines((str(s) for s in spec.points["source_id"]), sources, locale)
    return "\n".join(x for x in lines if x)


def add_title_slide(
    prs: Any,
    specs: list[ChartSpec],
    cards: list[KpiCard],
    filters: Filters,
    locale: Locale,
    made: date,
) -> Slide:
    """Add the title slide: title, period, date made and the filters applied."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(2.0),
        CONTENT_WIDTH,
        Inches(1.5),
    )
    _set_text(title.text_frame, [(locale.t("deck_title"), 44, True, TEXT_COLOUR)])
    sep = locale.t("sep")
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN,
        Inches(3.7),
        CONTENT_WIDTH,
        Inches(2.4),
    )
    subtitle.text_frame.clear()
    _set_text(
        subtitle.text_frame,
        [
            (
                locale.t("deck_subtitle") + " · " + deck_period(specs, cards, filters, locale),
                26,
                False,
                OKABE_ITO[0],
            ),
            (locale.t("deck_made") + sep + locale.date(pd.Timestamp(made)), 18, False, MUTED),
            (locale.t("deck_filters") + sep + _filters_words(filters, locale), 16, False, MUTED),
        ],
    )
    for para in [*title.text_frame.paragraphs, *subtitle.text_frame.paragraphs]:
        para.alignment = PP_ALIGN.LEFT
    slide.notes_slide.notes_text_frame.text = "\n".join(
        [locale.t("deck_made_by"), locale.t("deck_filters") + sep + _filters_words(filters, locale)]
    )
    return slide


def add_briefing_slide(prs: Any, brief: Briefing) -> Slide:
    """Add the written briefing: a paragraph per headline series, each number linked to its
    source, fitted to the slide; the sources it cites in the notes."""
    locale = brief.locale
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, locale.t("brief_title"))
    top, height = Inches(1.45), Inches(5.6)
    box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, height)
    frame = box.text_frame
    frame.word_wrap = True
    texts = [s.text.strip() for s in brief.sentences] or [locale.t("brief_none")]
    size = BRIEF_PT
    width, room = CONTENT_WIDTH / EMU_PER_PT - 20, height / EMU_PER_PT - 20
    while (
        size > MIN_PT
        and lines_height([(x, size, False, TEXT_COLOUR) for x in texts], width)
        + size * BRIEF_GAP * len(texts)
        > room
    ):
        size -= 1
    sentences = brief.sentences or ()
    for i, text in enumerate(texts):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(size * BRIEF_GAP)
        segments = sentences[i].segments if sentences else ()
        for seg in segments or (None,):
            run = para.add_run()
            run.text = (seg.text if seg is not None else text).replace("\n", " ")
            if i == 0 and seg is not None and seg is segments[0]:
                run.text = run.text.lstrip()
            run.font.size = Pt(size)
            run.font.color.rgb = rgb(TEXT_COLOUR)
            url = safe_url(seg.figure.source.url) if seg is not None and seg.figure else ""
            if seg is not None and seg.figure is not None:
                run.font.bold = True
                if url:
                    run.hyperlink.address = url
    sep = locale.t("sep")
    notes = [locale.t("brief_title") + sep, brief.text, locale.t("deck_sources") + sep]
    notes += [f"· {src.cited} {src.url}".strip() for src in brief.sources()]
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def add_kpi_slide(prs: Any, cards: list[KpiCard], sources: pd.DataFrame, locale: Locale) -> Slide:
    """Add the headline figures as cards: value, growth, period, scope and source."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, locale.t("deck_kpi_title"))
    sep = locale.t("sep")
    if not cards:
        _textbox(
            slide,
            MARGIN,
            Inches(2.0),
            CONTENT_WIDTH,
            Inches(1.0),
            [(locale.t("deck_no_kpi"), 24, False, MUTED)],
        )
    gap = Inches(0.25)
    rows = max(1, -(-len(cards) // KPI_COLUMNS))
    width = int((CONTENT_WIDTH - gap * (KPI_COLUMNS - 1)) / KPI_COLUMNS)
    height = int((Inches(5.7) - gap * (rows - 1)) / rows)
    for i, card in enumerate(cards):
        left = MARGIN + (width + gap) * (i % KPI_COLUMNS)
        top = Inches(1.45) + (height + gap) * (i // KPI_COLUMNS)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        box.adjustments[0] = 0.06
        box.fill.solid()
        box.fill.fore_color.rgb = rgb(CARD_FILL)
        box.line.color.rgb = rgb(CARD_LINE)
        box.shadow.inherit = False
        frame = box.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top"):
            setattr(frame, side, CARD_PAD)
        delta = card.delta or locale.t("no_yoy")
        colour = (
            MUTED
            if not card.delta
            else (GROWTH_UP if not card.delta.startswith("-") else GROWTH_DOWN)
        )
        lines = [
            (card.label, 16, False, MUTED),
            (card.value, 30, True, TEXT_COLOUR),
            (f"{locale.t('yoy')} {delta}" if card.delta else delta, 16, bool(card.delta), colour),
            (card.period + (f" · {card.note}" if card.note else ""), 13, False, TEXT_COLOUR),
            (card.scope, 11, False, MUTED),
            (locale.t("source") + sep + card.source, 11, False, MUTED),
        ]
        inner_w = (width - 2 * CARD_PAD) / EMU_PER_PT
        inner_h = (height - CARD_PAD - CARD_PAD_BOTTOM) / EMU_PER_PT
        _set_text(frame, fit_lines(lines, inner_w, inner_h))
        frame.margin_bottom = CARD_PAD_BOTTOM
        for para in frame.paragraphs:
            para.alignment = PP_ALIGN.LEFT
    notes = [locale.t("deck_kpi_title") + sep]
    notes += [_card_note(c, locale) for c in cards]
    notes.append(locale.t("deck_sources") + sep)
    notes += _sources_lines((str(c.record["source_id"]) for c in cards), sources, locale)
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def _card_note(card: KpiCard, locale: Locale) -> str:
    delta = f" {locale.t('yoy')} {card.delta}" if card.delta else ""
    return locale.t(
        "deck_card_note",
        label=card.label,
        value=card.value,
        delta=delta,
        period=card.period,
        scope=card.scope,
    )


def chart_subtitle(spec: ChartSpec, locale: Locale) -> str:
    """Return the line under a chart slide's headline: the chart's name, then a headline
    series' growth over its span as the page and the briefing state it."""
    if not spec.growth:
        return spec.title
    growth = locale.t("span_growth") + locale.t("sep") + spec.growth
    return spec.title + locale.t("clause_sep") + growth


def add_chart_slide(
    prs: Any, spec: ChartSpec, sources: pd.DataFrame, filters: Filters, locale: Locale
) -> Slide:
    """Add one chart: headline as title, the native chart, the source line beneath, notes."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, spec.headline or spec.title, 26)
    subtitle = chart_subtitle(spec, locale)
    _textbox(
        slide,
        MARGIN,
        Inches(1.1),
        CONTENT_WIDTH,
        Inches(0.4),
        [(subtitle, one_line_size(subtitle, 15, CONTENT_WIDTH), False, MUTED)],
    )
    chart = add_chart(slide, spec, locale)
    frame = slide.shapes[-1]
    frame._element.nvGraphicFramePr.cNvPr.set("descr", spec.alt)
    if spec.events:
        # The milestones on the page's axis, as a dated list beside a narrower chart.
        frame.width = Emu(CONTENT_WIDTH - EVENTS_WIDTH - EVENTS_GAP)
        left = MARGIN + CONTENT_WIDTH - EVENTS_WIDTH
        _textbox(
            slide,
            left,
            frame.top,
            EVENTS_WIDTH,
            frame.height,
            event_lines(spec.events, locale, EVENTS_WIDTH, frame.height),
        )
    _textbox(
        slide,
        MARGIN,
        Inches(6.65),
        CONTENT_WIDTH,
        Inches(0.6),
        [(spec.source_line, 12, False, MUTED)],
    )
    slide.notes_slide.notes_text_frame.text = chart_notes(spec, sources, filters, locale)
    set_fonts(chart._chartSpace, locale)
    return slide


def build_deck(
    specs: list[ChartSpec],
    cards: list[KpiCard],
    filters: Filters,
    sources: pd.DataFrame,
    *,
    locale: Locale,
    made: date | None = None,
    briefing: Briefing | None = None,
    progress: Callable[[int, int], None] | None = None,
    reach: list[StatedTotal] | None = None,
    more: dict[str, list[Record]] | None = None,
) -> bytes:
    """Return a 16:9 PPTX: title slide, the written briefing (when given), headline cards, then
    one native chart per spec, the Reach page's map as a table before its charts (reach: the
    view's stated totals; None for no reach slide), and after each metric page's charts the
    figures they leave out (more: deck.more.more_figures; None for none)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    set_theme_fonts(prs)
    specs = once_each(specs)
    add_title_slide(prs, specs, cards, filters, locale, made or date.today())
    if briefing is not None:
        add_briefing_slide(prs, briefing)
    add_kpi_slide(prs, cards, sources, locale)
    box, done = (MARGIN, CONTENT_WIDTH), 0
    # Page by page, as the pages show them: the Reach map (its table) first on its page, then
    # the page's charts, then the figures they leave out.
    for page in dict.fromkeys([*PAGES, *(s.page for s in specs)]):
        mine = [s for s in specs if s.page == page]
        if page == "reach" and reach is not None and (reach or mine):
            add_reach_slide(prs, reach, sources, locale, _title, LAYOUT_TITLE_ONLY, box)
        for spec in mine:
            add_chart_slide(prs, spec, sources, filters, locale)
            done += 1
            if progress is not None:
                progress(done, len(specs))
        if more and more.get(page):
            add_more_slide(prs, page, more[page], locale, _title, LAYOUT_TITLE_ONLY, box)
    for slide in prs.slides:
        remove_empty_placeholders(slide)
        set_fonts(slide.element, locale)
        set_fonts(slide.notes_slide.element, locale)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def slide_count(deck: bytes) -> int:
    """Return how many slides a built deck holds."""
    return len(Presentation(io.BytesIO(deck)).slides)
