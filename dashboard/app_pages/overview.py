"""Page: the headline figures as cards, the data's currency, and the overview charts."""

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t
from dashboard.views.kpi import series_cards

table, filters = ui.current()
if table.observations.empty:
    ui.no_data_message()
elif not len(data.view(table, filters)):
    ui.empty_message(filters.lang)
else:
    # The cards sit above the charts but are sent after them: the browser starts fetching
    # plotly's script with the first chart, while it lays out the cards.
    cards = st.container()
    with st.spinner(t("drawing", filters.lang)):
        specs = data.chart_specs(table, filters, "overview", ui.shown_scopes("overview"))
    ui.scopes_control("overview", specs, filters.lang)
    # One chart (the headline series over the years) takes the page's width.
    ui.chart_grid(specs, columns=min(2, len(specs)))
    with cards:
        ui.as_of_line(data.latest_period(table, filters), filters.lang)
        brief = data.briefing(table, filters)
        ui.series_card_row(series_cards(brief, filters.lang), filters.lang)
        ui.briefing_block(brief, filters.lang)
