"""Figures as a page sends them on every run: their dict is made once per figure, not per run.

st.plotly_chart asks a plotly figure for one thing, `to_dict()`, and plotly makes that dict by
deep-copying every trace and layout property and re-encoding its arrays, on every script run,
before Streamlit turns it into JSON. A page's charts and the reach maps are built once and shared
by every session (dashboard/data.py, dashboard/reach_card.py), so that dict is the same on every
run: a drawn figure makes it on the first draw and hands the same dict back after. That dict
carries margins fitted to the chart's labels (dashboard/charts/margins.py), so plotly.js draws
the chart once rather than again for its automargin.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.margins import fitted_margins


class DrawnFigure(go.Figure):
    """A finished figure as st.plotly_chart takes it: its dict, made once, on the first draw.

    It holds the figure it was made from and answers `to_dict()` from one dict. It is not a
    figure to change or to draw with plotly: go.Figure.__init__ is not run, because a validated
    copy of every property is the very cost it saves. Use the figure it was made from for
    anything else (pictures, slides), and never change that figure once it is drawn.
    """

    def __init__(self, figure: go.Figure) -> None:  # no super().__init__: see the class
        object.__setattr__(self, "_drawn_from", figure)
        object.__setattr__(self, "_drawn_dict", None)

    def to_dict(self) -> dict[str, Any]:
        """Return the figure's dict (what st.plotly_chart serialises) with its margins fitted to
        its labels, made on the first call."""
        made: dict[str, Any] | None = self._drawn_dict
        if made is None:
            made = fitted_margins(self._drawn_from.to_dict())
            object.__setattr__(self, "_drawn_dict", made)
        return made

    def __repr__(self) -> str:
        return f"DrawnFigure({self._drawn_from!r})"


def drawn(figure: go.Figure) -> DrawnFigure:
    """Return the figure as a page draws it on every run (the figure itself is left as it is)."""
    return DrawnFigure(figure)
