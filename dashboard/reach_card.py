"""The Reach page's map card: the corridor's lines and the sea lanes, with the stated totals.

Both maps are plain cartesian charts on the shipped land outline: nothing is fetched, on the
page or in a PNG/SVG (kaleido draws them like any other chart). Pictures are built on click.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from dashboard.charts.drawn import drawn
from dashboard.charts.reach_map import corridor_chart, lanes_chart
from dashboard.downloads import copy_link, download_menu, image_buttons
from dashboard.filters import Filters
from dashboard.i18n import both
from dashboard.images import captioned_chart, chart_png, chart_svg, images_available
from dashboard.locales import Locale, locale_for
from dashboard.safe_text import plain
from dashboard.views.reach import totals_headline, totals_source_line
from etl.store.table import Table

# The page's chart toolbar, as every chart card has it (dashboard/ui.py's PLOTLY_CONFIG), with
# the scroll wheel free to scroll the page past the map.
MAP_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


@st.cache_resource(show_spinner=False, max_entries=8)
def _figures(version: str, lang: str, _table: Table) -> tuple[go.Figure, go.Figure]:
    # The maps change only with the language and the sources' names: built once per server, and
    # drawn from one dict made once (27 and 34 KB of JSON, copied on every run otherwise).
    locale = locale_for(lang)
    # The maps are drawn without point selection: no modes of Streamlit's to match.
    return drawn(corridor_chart(locale), selection=False), drawn(
        lanes_chart(locale, data.publishers(_table, locale)), selection=False
    )


def reach_map_card(table: Table, filters: Filters, locale: Locale) -> None:
    """Show the maps, the latest stated totals with their date and source, and the downloads."""
    totals = data.reach_totals(table, filters, locale) if not table.observations.empty else []
    headline = totals_headline(totals, locale)
    source = totals_source_line(totals, locale)
    corridor, lanes = _figures(table.version, locale.lang, table)
    with st.container(border=True, key="card_reach_map"):
        # Totals carry a source's name: data, shown as text. One markdown block and one caption
        # for the card's texts, as a chart card has them (dashboard/ui.py).
        st.markdown(f"**{locale.t('map_title')}**\n\n##### {plain(headline)}")
        left, right = st.columns([2, 3])
        with left:
            st.caption(locale.t("map_corridor"))
            st.plotly_chart(
                corridor,
                theme=None,
                config=MAP_CONFIG,
                key="map_corridor",
                alt=_alt("map_corridor", locale),
            )
        with right:
            st.caption(locale.t("map_lanes"))
            st.plotly_chart(
                lanes, theme=None, config=MAP_CONFIG, key="map_lanes", alt=_alt("map_lanes", locale)
            )
        notes = (plain(source), locale.t("map_regions_note"))
        st.caption("\n\n".join(note for note in notes if note))
        _downloads(
            {
                "map_corridor": partial(
                    captioned_chart,
                    corridor,
                    locale.t("map_corridor"),
                    "",
                    locale.t("map_lines_source"),
                ),
                "map_lanes": partial(
                    captioned_chart,
                    lanes,
                    locale.t("map_lanes"),
                    headline,
                    " · ".join(x for x in (source, locale.t("map_regions_note")) if x),
                ),
            },
            locale,
        )


def _alt(key: str, locale: Locale) -> str:
    return f"{locale.t(key)}{locale.t('sep')}{locale.t('map_regions_note')}"


def _drawn(draw: Callable[[go.Figure], bytes], picture: Callable[[], go.Figure]) -> bytes:
    return draw(picture())


def _downloads(pictures: dict[str, Callable[[], go.Figure]], locale: Locale) -> None:
    """Show the maps' menu: each map's PNG and SVG (captioned and drawn by kaleido when
    clicked), or why pictures are unavailable, and the page's link."""
    menu = download_menu("reach_map", locale, "map_downloads_help")
    if menu is None:
        return
    with menu:
        if images_available():
            with st.container(horizontal=True, key="images_reach_map"):
                for key, picture in pictures.items():
                    image_buttons(
                        key,
                        partial(_drawn, chart_png, picture),
                        partial(_drawn, chart_svg, picture),
                        locale,
                        locale.t(key),
                    )
        else:
            st.caption(both("no_images"))
        copy_link(locale)
