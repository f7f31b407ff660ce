"""Download buttons for meetings: the deck of every chart, and each chart as PNG and SVG.

Every file is built only when its button is clicked (a callable passed to st.download_button),
never on a rerun.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import data
from dashboard.charts.specs import ChartSpec
from dashboard.deck.slides import build_deck
from dashboard.filters import Filters
from dashboard.i18n import both
from dashboard.images import images_available, spec_png, spec_svg
from dashboard.locales import Locale
from dashboard.views.kpi import briefing_cards
from etl.store.table import Table

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
        return build_deck(specs, cards, filters, table.sources, locale=locale, briefing=brief)

    return build


def deck_download(table: Table, filters: Filters, locale: Locale) -> None:
    """Show the deck download in the sidebar (PPTX of every chart under the current filters)."""
    if table.observations.empty or not len(data.selection(table, filters)):
        return
    st.sidebar.download_button(
        locale.t("download_deck"),
        data=deck_builder(table, filters, locale),
        file_name=deck_file_name(filters, locale),
        mime=PPTX_MIME,
        icon=":material/slideshow:",
        on_click="ignore",
        help=locale.t("download_deck_help"),
        key="download_deck",
    )


def chart_downloads(spec: ChartSpec, locale: Locale) -> None:
    """Show a chart's PNG (slide resolution) and SVG downloads, or why they are unavailable."""
    if not images_available():
        st.caption(NO_IMAGES)
        return
    with st.container(horizontal=True, key=f"images_{spec.id}"):
        image_buttons(
            spec.id, lambda: spec_png(spec, locale), lambda: spec_svg(spec, locale), locale
        )


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
