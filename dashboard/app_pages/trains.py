"""Page: the trains charts for the current filters."""

from dashboard import ui

ui.metric_page("trains")
