"""The baseline for bench_dashboard.py: a bare Streamlit page with one plotly chart."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(
    go.Figure(go.Bar(x=["2023年1—7月", "2024年1—7月"], y=[692.7, 816])),
    alt="Baseline chart",
)
