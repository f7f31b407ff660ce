"""Figures as a page sends them on every run: their dict is made once per figure, not per run.

st.plotly_chart turns a figure into a dict on every script run (plotly deep-copies every trace
and layout property and re-encodes its arrays), then into JSON. A page's charts and the reach
maps are built once and shared by every session (dashboard/data.py, dashboard/reach_card.py), so
that dict is the same on every run: a drawn figure makes it once and hands the same dict back.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


class DrawnFigure(go.Figure):
    """A read-only copy of a figure whose dict is made once, when it is drawn first.

    Only for figures that are finished: a change made to it after it was drawn would not reach
    the page (update the figure it was made from, and make a new drawn figure of it).
    """

    def to_dict(self) -> dict[str, Any]:
        """Return the figure's dict (what st.plotly_chart serialises), made on the first call."""
        made: dict[str, Any] | None = self.__dict__.get("_drawn_dict")
        if made is None:
            made = super().to_dict()
            self._drawn_dict = made
        return made


def drawn(figure: go.Figure) -> DrawnFigure:
    """Return a drawn copy of a finished figure (the figure itself is left as it is)."""
    return DrawnFigure(figure)
