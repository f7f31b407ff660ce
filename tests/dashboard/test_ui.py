"""The pages' shared pieces that need no running page: the chart tabs' labels."""

from __future__ import annotations

import plotly.graph_objects as go
from app_support import shown

from dashboard.charts.specs import ChartSpec
from dashboard.ui import tab_labels


def _spec(spec_id: str, title: str) -> ChartSpec:
    return ChartSpec(spec_id, "trains", "series", title, "", "", "", go.Figure(), ())


def test_tab_labels_are_the_titles_shown_as_text_and_alike_titles_told_apart() -> None:
    titles = ["班列*开行*", "班列*开行*", "[link](http://example.com) # 3"]
    labels = tab_labels([_spec(str(i), t) for i, t in enumerate(titles)])
    # Streamlit opens a tab by its label: each is its own, however alike the titles.
    assert len(set(labels)) == len(labels)
    # A title is data: its markdown is escaped, and it reads as the title once shown.
    assert [shown(label) for label in labels] == titles
    assert "\\*" in labels[0] and "\\[" in labels[2]
