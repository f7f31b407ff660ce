"""Download buttons for meetings: the deck of every chart, and each chart as PNG, SVG, CSV and
XLSX, with a link that reopens the same view and the report behind a clicked point.

Every file is built only when its button is clicked (a callable passed to st.download_button),
never on a rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import data
from dashboard.briefing import escape_markdown, safe_url
from dashboard.charts.specs import ChartSpec
from dashboard.deck.more import more_figures
from dashboard.deck.pdf import pdf_available, pdf_bytes
from dashboard.deck.slides import build_deck
from dashboard.export import chart_csv, chart_xlsx
from dashboard.filters import Filters, to_query_params
from dashboard.i18n import both
from dashboard.images import images_available, spec_png, spec_svg
from dashboard.locales import Locale
from dashboard.views.kpi import briefing_cards
from dashboard.views.reach import view_totals
from etl.contract.errors import CorridorError
from etl.store.table import Table

if TYPE_CHECKING:  # Streamlit's own module for the menu's type, not needed to run
    from streamlit.elements.lib.mutable_popover_container import PopoverContainer

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
NO_IMAGES = both("no_images")


def deck_file_name(filters: Filters, locale: Locale) -> str:
    """Return the deck's file name: the corridor, the language and the filtered period."""
    span = "_".join(d.strftime("%Y-%m") for d in (filters.start, filters.end) if d is not None)
    return f"corridor_deck_{locale.lang}{'_' + span if span else ''}.pptx"


def deck_builder(table: Table, filters: Filters, locale: Locale) -> Callable[[], bytes]:
    """Return a callable that builds the deck of every chart under the filters.

    The deck takes the charts the pages draw and the cards they show from the server's cached,
    bounded views (as present mode does), so a click on a million rows builds a few slides only.
    """

    def build() -> bytes:
        specs = data.every_chart(table, filters, locale)
        brief = data.briefing(table, filters, locale)
        cards = briefing_cards(brief, locale)
        # The Reach page's map as a table, under the totals its card states; each page's
        # figures its charts leave out, as its more-figures table has them.
        view = data.view(table, filters, locale)
        return build_deck(
            specs,
            cards,
            filters,
            table.sources,
            locale=locale,
            briefing=brief,
            reach=view_totals(view),
            more=more_figures(view, specs),
        )

    return build


def deck_download(table: Table, filters: Filters, locale: Locale) -> None:
    """Show the deck downloads in a sidebar menu: PPTX of every chart under the current
    filters, and the same deck as PDF (LibreOffice), or why the PDF cannot be made here."""
    if table.observations.empty or not len(data.selection(table, filters)):
        return
    build = deck_builder(table, filters, locale)
    name = deck_file_name(filters, locale)
    # One menu button: its two download buttons are mounted when it is opened, not on every
    # page's first load (each file is still built only when its own button is clicked).
    with st.sidebar.popover(
        locale.t("deck_menu"),
        icon=":material/slideshow:",
        width="stretch",
        help=locale.t("deck_menu_help"),
        key="deck_downloads",
    ):
        st.download_button(
            locale.t("download_deck"),
            data=build,
            file_name=name,
            mime=PPTX_MIME,
            icon=":material/slideshow:",
            on_click="ignore",
            help=locale.t("download_deck_help"),
            key="download_deck",
        )
        if pdf_available():
            view = (table.version, filters, locale)
            pdf_button(build, name.removesuffix(".pptx") + ".pdf", view, locale)
        else:
            st.button(
                locale.t("download_deck_pdf"),
                icon=":material/picture_as_pdf:",
                disabled=True,
                help=locale.t("no_deck_pdf"),
                key="download_pdf",
            )
    failed = st.session_state.get(PDF_FAILED)
    if failed is not None and failed[0] == (table.version, filters, locale):
        # LibreOffice's failure in both languages, in the sidebar under the buttons.
        st.sidebar.error(failed[1], icon=":material/picture_as_pdf:")
    if not pdf_available():
        st.sidebar.caption(locale.t("no_deck_pdf"))


# The deck's PDF is made and saved by one click: the download button's callable runs
# LibreOffice. A failure there reaches the browser only as Streamlit's own "failed" note, so its
# reason (both languages) is kept in the session for the view, and shown under the buttons from
# the next run on.
PDF_FAILED = "_deck_pdf_failed"


def pdf_maker(build: Callable[[], bytes], view: object) -> Callable[[], bytes]:
    """Return the callable that makes the deck's PDF for a view when its button is clicked."""
    # The callable runs on a thread of its own, outside the script run: the session's state is
    # taken here, where the run is known.
    context = get_script_run_ctx()
    state = context.session_state if context is not None else None

    def make() -> bytes:
        try:
            made = pdf_bytes(build())
        except CorridorError as exc:
            if state is not None:
                state[PDF_FAILED] = (view, exc.render())
            raise
        if state is not None and PDF_FAILED in state:
            del state[PDF_FAILED]
        return made

    return make


def pdf_button(build: Callable[[], bytes], file_name: str, view: object, locale: Locale) -> None:
    """Show the PDF button: one click makes the deck's PDF and saves it."""
    st.download_button(
        locale.t("download_deck_pdf"),
        data=pdf_maker(build, view),
        file_name=file_name,
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        help=locale.t("download_deck_pdf_help"),
        key="download_pdf",
    )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A click selects one point; a box or lasso could select thousands: show the first few.
MAX_POINT_SOURCES = 5


# The URL parameter naming the further charts a metric page shows open (their ids, joined by
# commas; absent when none is): a link reopens the same rows, in either language.
CHART_PARAM = "chart"
# How much of a URL's chart parameter is read: a page holds a handful of rows, and a URL is the
# reader's (or anyone's) text.
CHART_PARAM_LIMIT = 1000


def chart_param(chart_ids: Sequence[str]) -> str:
    """Return the chart parameter naming these charts."""
    return ",".join(chart_ids)


def linked_charts(value: object, chart_ids: Sequence[str]) -> list[str]:
    """Return the charts of a page (chart_ids, in order) a URL's chart parameter names; any
    other word, or a value that is not text, names none."""
    if not isinstance(value, str):
        return []
    named = set(value[:CHART_PARAM_LIMIT].split(","))
    return [chart_id for chart_id in chart_ids if chart_id in named]


def view_link(filters: Filters, locale: Locale, page_url: str, chart: str | None = None) -> str:
    """Return the link that reopens the page at page_url with the filters, the language and the
    chart rows it shows open."""
    params = to_query_params(filters, locale)
    if chart:
        params[CHART_PARAM] = chart
    query = urlencode(params, safe=",")
    return f"{page_url}?{query}" if query else page_url


def current_page_url() -> str:
    """Return the address of the page being shown: the browser's, else the page's own path."""
    url = st.context.url
    if url:
        return url
    # AppTest and a script run without a browser have no address: the path the app gave it.
    path = str(st.session_state.get("_page_path") or "")
    return f"/{path}"


def download_menu(
    key: str, locale: Locale, help_key: str = "chart_downloads_help"
) -> PopoverContainer | None:
    """Return a chart's open download menu to fill, or None while it is closed."""
    # A page sent four download buttons, a link popover and two rows for each chart on every
    # run: ~15 elements a chart for the browser to mount and the server to send. The menu's
    # contents are made only while it is open (opening it reruns the page).
    menu = st.popover(
        locale.t("chart_downloads"),
        icon=":material/download:",
        type="tertiary",
        help=locale.t(help_key),
        key=f"menu_{key}",
        on_change="rerun",
    )
    return menu if menu.open else None


def chart_downloads(
    spec: ChartSpec, locale: Locale, selection: Mapping[str, Any] | None = None
) -> None:
    """Show the report of a clicked point, then one menu with the chart's CSV and XLSX, its PNG
    (slide resolution) and SVG (or why pictures are unavailable) and its copy link."""
    point_sources(spec, selection, locale)
    menu = download_menu(spec.id, locale)
    if menu is None:
        return
    with menu:
        with st.container(horizontal=True, key=f"data_{spec.id}"):
            data_buttons(spec, locale)
            if images_available():
                image_buttons(
                    spec.id, lambda: spec_png(spec, locale), lambda: spec_svg(spec, locale), locale
                )
        if not images_available():
            st.caption(NO_IMAGES)
        copy_link(locale)


def copy_link(locale: Locale) -> None:
    """Show the link that reopens this page with its filters and its open chart rows, with
    st.code's copy button."""
    st.caption(locale.t("chart_copy_link_help"))
    # A metric page names its open rows in the URL before it draws a card (dashboard/ui.py).
    chart = st.query_params.get(CHART_PARAM)
    link = view_link(st.session_state["_filters"], locale, current_page_url(), chart)
    st.code(link, language=None, wrap_lines=True)


def data_buttons(spec: ChartSpec, locale: Locale) -> None:
    """Show a chart's points as CSV and XLSX downloads, each built only when clicked."""
    records = spec.point_records
    for fmt, build, mime, icon in (
        ("csv", lambda: chart_csv(records, locale), "text/csv", ":material/csv:"),
        ("xlsx", lambda: chart_xlsx(records, locale), XLSX_MIME, ":material/table_view:"),
    ):
        st.download_button(
            fmt.upper(),
            data=build,
            file_name=f"{spec.id}.{fmt}",
            mime=mime,
            icon=icon,
            on_click="ignore",
            type="tertiary",
            help=locale.t("chart_data_help"),
            key=f"{fmt}_{spec.id}",
        )


def selected_records(spec: ChartSpec, selection: Mapping[str, Any] | None) -> list[Any]:
    """Return the chart's records behind the selected points (the browser's selection is
    matched against the chart's own records, never trusted as a link)."""
    points = list((selection or {}).get("points") or [])[:MAX_POINT_SOURCES]
    found = []
    for point in points:
        custom = point.get("customdata") if isinstance(point, Mapping) else None
        if not isinstance(custom, list | tuple) or len(custom) < 9:
            continue
        url, period = str(custom[8] or ""), str(custom[1] or "")
        # A year's point or one of the other sources' values beside it (the grey circles).
        for rec in (r for p in spec.point_records for r in (p, *p.get("others", ()))):
            if str(rec.get("url") or "") == url and str(rec.get("period_label")) == period:
                if rec not in found:
                    found.append(rec)
                break
    return found


def point_sources(spec: ChartSpec, selection: Mapping[str, Any] | None, locale: Locale) -> None:
    """Show a link to the source report of each clicked point (title and URL as safe text)."""
    for rec in selected_records(spec, selection):
        name = escape_markdown(rec.get("title") or rec.get("source") or "")
        url = safe_url(rec.get("url"))
        if url:
            st.markdown(f"{locale.t('chart_point_source')}[{name}]({url})")
        else:
            st.caption(locale.t("chart_point_no_link") + name)


def image_buttons(
    key: str, png: Callable[[], bytes], svg: Callable[[], bytes], locale: Locale, name: str = ""
) -> None:
    """Show a picture's PNG and SVG download buttons, each drawn only when clicked."""
    suffix = f" · {name}" if name else ""
    st.download_button(
        f"PNG{suffix}",
        data=png,
        file_name=f"{key}.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        type="tertiary",
        help=locale.t("png_help"),
        key=f"png_{key}",
    )
    st.download_button(
        f"SVG{suffix}",
        data=svg,
        file_name=f"{key}.svg",
        mime="image/svg+xml",
        icon=":material/draw:",
        on_click="ignore",
        type="tertiary",
        help=locale.t("svg_help"),
        key=f"svg_{key}",
    )
