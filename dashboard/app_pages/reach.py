"""Page: the reach map, then the reach charts for the current filters."""

from dashboard import ui
from dashboard.reach_card import reach_map_card

table, filters = ui.current()
reach_map_card(table, filters)
ui.metric_page("reach")
