"""The Streamlit dashboard over the tidy tables: pages, charts, filters and formatting."""
