"""The pages' shared pieces, run on their own: a page's chart rows."""

from __future__ import annotations

from app_support import rows, shown
from streamlit.testing.v1 import AppTest

TITLES = ["班列*开行*", "班列*开行*", "[link](http://example.com) # 3", "<b>x</b>"]


def _rows_page() -> None:
    import plotly.graph_objects as go
    import streamlit as st

    from dashboard.charts.specs import ChartSpec
    from dashboard.locales import locale_for
    from dashboard.ui import chart_rows

    st.session_state["_locale"] = locale_for("zh")

    titles = ["班列*开行*", "班列*开行*", "[link](http://example.com) # 3", "<b>x</b>"]
    specs = [
        ChartSpec(f"c{i}", "trains", "series", t, "", "", "", go.Figure(), ())
        for i, t in enumerate(titles)
    ]
    chart_rows(specs, "p", lead=0)


def test_each_chart_is_a_closed_row_titled_by_its_title_shown_as_text() -> None:
    at = AppTest.from_function(_rows_page)
    at.run()
    assert not at.exception, at.exception
    shown_rows = rows(at)
    # One row a chart, however alike the titles (a row is told apart by its chart's key).
    assert [str(r.proto.id).rsplit("-", 1)[-1] for r in shown_rows] == [
        f"row_c{i}" for i in range(len(TITLES))
    ]
    # A title is data: its markdown is escaped, and it reads as the title once shown.
    assert [shown(r.label) for r in shown_rows] == TITLES
    assert "\\*" in shown_rows[0].label and "\\[" in shown_rows[2].label
    # Closed: no chart is drawn and none is named in the URL.
    assert not at.get("plotly_chart") and not any(r.children for r in shown_rows)
    assert "chart" not in at.query_params
