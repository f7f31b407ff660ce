"""Page: the headline figures as cards, the data's currency, and the overview charts."""

import streamlit as st

from dashboard import data, ui
from dashboard.views.kpi import series_cards

table, filters, locale = ui.page_state()
if table.observations.empty:
    ui.no_data_message()
elif not len(data.selection(table, filters)):
    ui.empty_message(locale)
else:
    # The cards sit above the charts but are sent after them: the browser starts fetching
    # plotly's script with the first chart, while it lays out the cards.
    cards = st.container()
    with ui.drawing(table, filters, locale, "overview"):
        specs = data.chart_specs(table, filters, locale, "overview", ui.shown_scopes("overview"))
    ui.scopes_control("overview", specs, locale)
    # One chart (the headline series over the years) takes the page's width.
    ui.chart_grid(specs, columns=min(2, len(specs)))
    with cards:
        ui.as_of_line(data.latest_period(table, filters), locale)
        brief = data.briefing(table, filters, locale)
        ui.series_card_row(series_cards(brief, locale), locale)
        ui.briefing_block(brief, locale)
