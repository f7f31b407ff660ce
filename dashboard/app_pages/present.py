"""Page: 演示 Present, one chart and its headline per screen (also ?present=1, full screen)."""

import streamlit as st

from dashboard import presenting, ui

table, filters = ui.current()
presenting.render_present(table, filters, fullscreen=presenting.is_presenting(st.query_params))
