"""Page: the reach map, then the reach charts for the current filters."""

from dashboard import data, ui
from dashboard.reach_card import reach_map_card

table, filters, locale = ui.page_state()
# A filter that leaves nothing gets the page's one message, not a map without figures.
if not table.observations.empty and len(data.selection(table, filters)):
    reach_map_card(table, filters, locale)
# The map card leads: the reach charts are tabs under it, one drawn at a time.
ui.metric_page("reach", lead=0)
