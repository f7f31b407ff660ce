"""Streamlit pieces the pages share: chart cards, KPI cards, headers and messages."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import pandas as pd
import streamlit as st

from dashboard import data, downloads
from dashboard.briefing import Briefing, escape_markdown, safe_url
from dashboard.cards import CARDS_CSS, cards_html
from dashboard.charts.select import DEFAULT_TOP, TOP_CHOICES
from dashboard.charts.specs import ChartSpec, is_series_chart, is_thin_page, is_ytd
from dashboard.filters import Filters
from dashboard.i18n import EMPTY_RESULT, NO_DATA
from dashboard.locales import Locale
from dashboard.safe_text import plain
from dashboard.views.kpi import SeriesCard, series_cards
from dashboard.views.tables import display_table
from etl.store.table import Table

# Plotly's toolbar: keep the PNG download, drop the logo and the modes a manager never needs.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def page_state() -> tuple[Table, Filters, Locale]:
    """Return the table, the filters and the reader's locale the entry script stored."""
    return st.session_state["_table"], st.session_state["_filters"], st.session_state["_locale"]


def page_locale() -> Locale:
    """Return the reader's locale for this run."""
    locale: Locale = st.session_state["_locale"]
    return locale


def chart_card(spec: ChartSpec, in_row: bool = False) -> None:
    """Show one chart: headline, chart with alt text, and the source line beneath; in a chart
    row (in_row), without the title and border the row already gives it."""
    with st.container(border=not in_row, key=f"card_{spec.id}"):
        # Titles, headlines and source lines carry scopes and publishers: data, shown as text.
        # Title and headline are one markdown block, source line and note one caption: each
        # element is a React component, styles and a markdown parse in every viewer's browser.
        title = "" if in_row else f"**{plain(spec.title)}**\n\n"
        st.markdown(f"{title}##### {plain(spec.headline)}")
        # A click on a point selects it: its source report is linked under the chart.
        event = st.plotly_chart(
            spec.drawn,
            theme=None,
            alt=spec.alt,
            config=PLOTLY_CONFIG,
            key=f"chart_{spec.id}",
            on_select="rerun",
            selection_mode="points",
        )
        if spec.growth:
            st.markdown(f"**{page_locale().t('span_growth')}** {plain(spec.growth)}")
        st.caption("\n\n".join(plain(line) for line in (spec.source_line, spec.note) if line))
        downloads.chart_downloads(spec, page_locale(), event.get("selection"))


def drawing(
    table: Table, filters: Filters, locale: Locale, page: str
) -> AbstractContextManager[object]:
    """Return a spinner for building a page's charts, or nothing when they are built already.

    A spinner starts a timer thread on every run, which the run waits to start: on a busy
    server, a wait on every page for charts that are only looked up.
    """
    if data.charts_built(table, filters, locale, page, shown_scopes(page)):
        return nullcontext()
    return st.spinner(locale.t("drawing"))


def chart_grid(specs: list[ChartSpec], columns: int = 2) -> None:
    """Show chart cards two to a row on wide screens (stacked on phones)."""
    # A view with no chart for the page (the overview under a filter of non-headline metrics)
    # asks for no columns.
    columns = max(1, columns)
    for i in range(0, len(specs), columns):
        cols = st.columns(columns)
        for col, spec in zip(cols, specs[i : i + columns], strict=False):
            with col:
                chart_card(spec)


# Session state: the chart ids a link's URL names, kept by the entry script until a page of
# chart rows reads them.
CHART_URL = "_chart_url"


def row_key(spec_id: str) -> str:
    """Return the session-state key of a further chart's row: whether it is open."""
    return f"row_{spec_id}"


def chart_rows(specs: list[ChartSpec], page: str, lead: int = 1) -> None:
    """Show a page's first `lead` charts across its width, then each other chart as a closed row
    titled by it: opening a row draws its chart, and several may be open at once. A page of one
    chart more than its lead shows them all as a grid."""
    if len(specs) <= lead + 1:
        chart_grid(specs)
        return
    # A chart is drawn, and its JSON sent, only while its row is open (opening one reruns the
    # page): a page loads with its lead chart alone, and no tab bar (bench/README.md, stop 35).
    led, rest = specs[:lead], specs[lead:]
    opened = _open_rows(page, [s.id for s in rest])
    # Named in the URL before any card is drawn: a card's copy link reopens these rows.
    if opened:
        st.query_params[downloads.CHART_PARAM] = downloads.chart_param(opened)
    chart_grid(led, columns=1)
    for spec in rest:
        # A title is data: shown as text (an expander's label renders markdown).
        row = st.expander(
            plain(spec.title),
            icon=":material/show_chart:",
            key=row_key(spec.id),
            on_change="rerun",
        )
        if row.open:
            with row:
                chart_card(spec, in_row=True)


def _open_rows(page: str, ids: list[str]) -> list[str]:
    """Return the rows to open, in the page's order: those the reader opened, else the charts a
    link names, else those open when the page was last shown (a row's state is dropped when
    another page runs, and reset when its label changes language)."""
    lang = page_locale().lang
    # A link's charts are read once, by the first page of rows its session shows (its own).
    linked = st.session_state.pop(CHART_URL, None)
    last_lang, last_open = st.session_state.get(f"_rows_{page}", (lang, ()))
    wanted = downloads.linked_charts(linked, ids) if linked is not None else last_open
    for chart_id in wanted:
        key = row_key(chart_id)
        if chart_id in ids and (key not in st.session_state or last_lang != lang):
            st.session_state[key] = True
    opened = [chart_id for chart_id in ids if st.session_state.get(row_key(chart_id))]
    st.session_state[f"_rows_{page}"] = (lang, tuple(opened))
    return opened


def empty_message(locale: Locale, page_hint: bool = False) -> None:
    """Show the friendly bilingual message for a filter that leaves nothing."""
    st.info(EMPTY_RESULT, icon=":material/filter_alt_off:")
    if page_hint:
        st.caption(locale.t("chart_empty_hint"))


def no_data_message() -> None:
    """Show the bilingual message for a data directory without tables."""
    st.info(NO_DATA, icon=":material/database:")


def metric_page(page: str, lead: int = 1) -> None:
    """Lay out a page of metric charts for the current filters: the first `lead` of them drawn,
    each other one in a row of its own, drawn when opened."""
    table, filters, locale = page_state()
    if table.observations.empty:
        no_data_message()
        return
    with drawing(table, filters, locale, page):
        specs = data.chart_specs(table, filters, locale, page, shown_scopes(page))
    if not specs:
        empty_message(locale, page_hint=True)
        return
    brief = data.briefing(table, filters, locale, page)
    # The deck and present mode draw what the page draws (specs.page_draws): one rule.
    if is_thin_page(specs):
        thin_page(specs, brief, locale, page)
        return
    briefing_block(brief, locale)
    series = any(is_series_chart(s) for s in specs)
    if not series:
        # The metric charts (a view with no series over time) draw the top scopes: the choice.
        scopes_control(page, specs, locale)
    chart_rows(specs, page, lead)
    if series:
        more_figures_table(page, locale)


def more_figures_table(page: str, locale: Locale) -> None:
    """Show the page's figures the series charts leave out: the data table of its metrics."""
    table, filters, _ = page_state()
    shown = data.more_figures(table, filters, locale, page)
    if shown.empty:
        return
    # Closed until asked for: the page's charts stay within four screens on a laptop. Its table
    # is made and sent only while it is open (opening it reruns the page): up to 500 rows of
    # Arrow on every run, and the table's script in every browser, were paid for a closed box.
    more = st.expander(
        locale.t("more_figures_count", n=len(shown)),
        icon=":material/table:",
        key=f"more_open_{page}",
        on_change="rerun",
    )
    if not more.open:
        return
    with more:
        st.caption(locale.t("more_figures_note", limit=data.MORE_FIGURES_ROWS))
        st.dataframe(
            shown,
            hide_index=True,
            column_config={locale.t("col_link"): st.column_config.LinkColumn()},
            key=f"more_{page}",
        )


def thin_page(specs: list[ChartSpec], brief: Briefing, locale: Locale, page: str) -> None:
    """Show a page of a few figures as cards, a sentence, the year to date beside the year before
    (when there is one), and the table with its sources."""
    series_card_row(series_cards(brief, locale), locale)
    briefing_block(brief, locale)
    chart_grid([s for s in specs if is_ytd(s)])
    if all(is_ytd(s) for s in specs):
        # Only a year to date is drawn: every other figure of the page is in its table.
        more_figures_table(page, locale)
        return
    seen: set[tuple[str, str, str]] = set()
    records = []
    for spec in (s for s in specs if not is_ytd(s)):
        for rec in spec.point_records:
            key = (str(rec["metric"]), str(rec["period_end"]), str(rec["source_id"]))
            if key not in seen:
                seen.add(key)
                records.append(rec)
    st.dataframe(
        display_table(records, locale),
        hide_index=True,
        column_config={locale.t("col_link"): st.column_config.LinkColumn()},
        key="thin_table",
    )


def briefing_block(brief: Briefing, locale: Locale) -> None:
    """Show the written briefing: each number linked to its source, the text to copy or save."""
    if not brief.sentences:
        return
    with st.container(border=True, key="briefing"):
        st.markdown(f"**{locale.t('brief_title')}**\n\n{brief.markdown()}")
        names = []
        for src in brief.sources():
            name = escape_markdown(src.cited)
            url = safe_url(src.url)
            names.append(f"[{name}]({url})" if url else name)
        notes = [locale.t("brief_sources") + locale.t("sep") + locale.t("list_sep").join(names)]
        if any(c.computed for s in brief.sentences for c in s.comparisons):
            notes.append(locale.t("brief_computed"))
        st.caption("\n\n".join(notes))
        # A popover mounts its content when opened: the code block's highlighter (a large
        # script) is loaded on that click, not with every page. st.code carries its own copy
        # button (no external script).
        with st.popover(locale.t("brief_copy"), icon=":material/content_copy:"):
            st.code(brief.text, language=None, wrap_lines=True)
            st.download_button(
                locale.t("brief_download"),
                brief.text.encode("utf-8"),
                file_name="briefing.txt",
                mime="text/plain",
                on_click="ignore",
                key="briefing_download",
                icon=":material/download:",
            )


def shown_scopes(page: str) -> int:
    """Return how many scopes a page's charts draw: the reader's choice, else the default."""
    value = st.session_state.get(f"top_{page}", DEFAULT_TOP)
    return int(value) if value in TOP_CHOICES else DEFAULT_TOP


def scopes_control(page: str, specs: list[ChartSpec], locale: Locale) -> None:
    """Show the 'scopes shown' control when some chart on the page leaves scopes out."""
    if not any(s.note for s in specs):
        return
    st.segmented_control(
        locale.t("scopes_shown"),
        TOP_CHOICES,
        key=f"top_{page}",
        default=DEFAULT_TOP,
        required=True,
    )


def series_card_row(cards: list[SeriesCard], locale: Locale) -> None:
    """Show one card per headline series: latest year (with yoy), newer year to date, source.

    One HTML block (dashboard/cards.py: every text escaped): a grid of three cards on a wide
    screen, stacked on a phone.
    """
    if cards:
        st.html(CARDS_CSS + cards_html(cards, locale))


def as_of_line(latest: pd.Timestamp | None, locale: Locale) -> None:
    """Show 'data as of' the latest period among the figures, and when the data last changed."""
    parts = []
    if latest is not None:
        parts.append(f"{locale.t('data_as_of')} {locale.date(latest)}")
    changed = data.last_changed()
    if changed is not None:
        parts.append(
            f"{locale.t('data_changed')} {locale.date(pd.Timestamp(changed))} "
            f"{changed:%H:%M} ({locale.zone(changed.tzinfo)})"
        )
    if parts:
        st.caption(plain(" · ".join(parts)))
