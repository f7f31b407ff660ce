"""A drawn figure sends what its figure would (margins fitted to its labels), and makes that dict
once, not on every run."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.tools import return_figure_from_figure_or_data

from dashboard.charts.drawn import DrawnFigure, drawn
from dashboard.charts.margins import fitted_margins
from dashboard.charts.specs import PAGES, page_specs
from dashboard.locales import locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.cache import load_cached_table


def _figure() -> go.Figure:
    fig = go.Figure(
        go.Bar(x=np.array([2017, 2018, 2024]), y=np.array([178.0, 1690.0, 10218.0]), name="班列")
    )
    fig.add_scatter(x=[2017, 2024], y=[1.5, 2.5], customdata=[["a", 1], ["b", 2]], yaxis="y2")
    fig.update_layout(title="开行", yaxis2={"overlaying": "y", "side": "right"})
    return fig


def test_a_drawn_figure_sends_the_json_its_figure_sends() -> None:
    fig = _figure()
    made = drawn(fig)
    assert isinstance(made, DrawnFigure)
    # What st.plotly_chart does with a figure: a dict, then JSON.
    sent = pio.to_json(return_figure_from_figure_or_data(made, True), validate=False)
    # The same figure with its margins fitted (its copy may list the layout's keys in another
    # order).
    assert json.loads(sent) == fitted_margins(
        json.loads(pio.to_json(return_figure_from_figure_or_data(fig, True), validate=False))
    )
    assert "customdata" in sent and json.loads(sent)["data"][1]["customdata"] == [
        ["a", 1],
        ["b", 2],
    ]


def test_the_dict_is_made_once_and_the_figure_it_came_from_is_left_as_it_was() -> None:
    fig = _figure()
    made = drawn(fig)
    first = made.to_dict()
    assert made.to_dict() is first
    # What Streamlit does with it on every run hands back that one dict.
    assert return_figure_from_figure_or_data(made, True) is first
    fig.update_layout(title="另一个")
    assert made.to_dict()["layout"]["title"]["text"] == "开行"
    assert fig.to_dict()["layout"]["title"]["text"] == "另一个"


def test_every_shipped_chart_draws_as_its_spec_chart() -> None:
    table = load_cached_table(Layout(DEFAULT_DATA_DIR))
    locale = locale_for("zh")
    keep = np.ones(len(table.observations), dtype=bool)
    fv = figure_view(table.observations, table.sources, keep, locale)
    headline = kpi_candidates(fv)
    specs = [s for page in PAGES for s in page_specs(fv, headline, locale, page)]
    assert specs
    for spec in specs:
        assert spec.drawn is spec.drawn  # made once per spec
        assert json.loads(pio.to_json(spec.drawn.to_dict())) == fitted_margins(
            json.loads(pio.to_json(spec.chart.to_dict()))
        ), spec.id
