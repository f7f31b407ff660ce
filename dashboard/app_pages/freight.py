"""Page: the freight charts for the current filters."""

from dashboard import ui

ui.metric_page("freight")
