"""Page: the reach map, then the reach charts for the current filters."""

from dashboard import data, ui
from dashboard.reach_card import reach_map_card

table, filters = ui.current()
# A filter that leaves nothing gets the page's one message, not a map without figures.
if not table.observations.empty and len(data.view(table, filters)):
    reach_map_card(table, filters)
ui.metric_page("reach")
