"""Page: the headline figures as cards, the data's currency, and the overview charts."""

import streamlit as st

from dashboard import data, ui

table, filters = ui.current()
if table.observations.empty:
    ui.no_data_message()
else:
    records = data.figures(table, filters)
    if not records:
        ui.empty_message(filters.lang)
    else:
        # The cards sit above the charts but are sent after them: the browser starts fetching
        # plotly's script with the first chart, while it lays out the cards.
        cards = st.container()
        with st.spinner(ui.t("drawing", filters.lang)):
            specs = data.chart_specs(table, filters, "overview")
        ui.chart_grid(specs)
        with cards:
            ui.as_of_line(records, filters.lang)
            ui.kpi_row(records, filters.lang)
