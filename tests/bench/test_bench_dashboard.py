"""bench/bench_dashboard.py: a page whose script raised is refused, never timed as fast."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_support import chromium
from local_browser import streamlit_server

from etl.contract.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench"))
from bench_dashboard import BrokenPage, timed_page

# One chart, then (when asked) the error a tree's page might raise after it: with the project's
# settings (.streamlit/config.toml, showErrorDetails = "none") the page shows only Streamlit's
# error box, and its chart is drawn, so the page reads as loaded.
APP = """
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a"], y=[1])))
if st.query_params.get("raise"):
    raise ValueError("a broken page")
"""


@pytest.mark.browser
def test_a_page_whose_script_raised_is_refused_and_a_whole_one_is_timed(tmp_path: Path) -> None:
    app = tmp_path / "one_chart.py"
    app.write_text(APP, encoding="utf-8")
    with chromium() as browser, streamlit_server(str(app)) as url:
        context = browser.new_context()  # type: ignore[attr-defined]
        assert 0 < timed_page(context, url, 1) < 30
        with pytest.raises(BrokenPage, match=r"raise=1: the page's script raised"):
            timed_page(context, f"{url}/?raise=1", 1)
