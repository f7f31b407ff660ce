"""Page: 演示 Present, one chart and its headline per screen (also ?present=1, full screen)."""

import streamlit as st

from dashboard import presenting, ui

table, filters, locale = ui.page_state()
presenting.render_present(
    table, filters, locale, fullscreen=presenting.is_presenting(st.query_params, st.context.url)
)
