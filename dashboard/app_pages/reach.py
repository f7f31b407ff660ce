"""Page: the reach map, then the reach charts for the current filters."""

import streamlit as st

from dashboard import data, ui
from dashboard.reach_card import reach_map_card

table, filters, locale = ui.page_state()
# The map card sits above the charts but is made after them: the page's open rows are then
# named in the URL, and the map card's copy link reopens them too.
maps = st.container()
# The map card leads, then the headline reach series; each other reach chart is a row, drawn
# when opened.
ui.metric_page("reach")
# A filter that leaves nothing gets the page's one message, not a map without figures.
if not table.observations.empty and len(data.selection(table, filters)):
    with maps:
        reach_map_card(table, filters, locale)
