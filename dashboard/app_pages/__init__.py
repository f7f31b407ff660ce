"""The reader's pages: scripts Streamlit runs (st.Page), never imported; a package so the
import contracts (pyproject.toml) can check what they import."""
