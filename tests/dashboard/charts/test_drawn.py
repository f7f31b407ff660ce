"""A drawn figure sends what its figure would (margins fitted to its labels, its template written
into its layout), and makes that dict once, not on every run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.tools import return_figure_from_figure_or_data

from dashboard.charts.drawn import SELECTION_MODES, DrawnFigure, drawn
from dashboard.charts.margins import fitted_margins
from dashboard.charts.reach_map import corridor_chart, lanes_chart
from dashboard.charts.specs import PAGES, ChartSpec, page_specs
from dashboard.charts.theme import FONT_STACK, GRID_COLOUR, TEMPLATE
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


def _shipped_specs(lang: str = "zh") -> list[ChartSpec]:
    table = load_cached_table(Layout(DEFAULT_DATA_DIR))
    locale = locale_for(lang)
    keep = np.ones(len(table.observations), dtype=bool)
    fv = figure_view(table.observations, table.sources, keep, locale)
    headline = kpi_candidates(fv)
    return [s for page in PAGES for s in page_specs(fv, headline, locale, page)]


def _leaves(tree: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


def _at(tree: dict[str, Any], path: tuple) -> Any:
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None  # type: ignore[assignment]
    return tree


def test_every_shipped_chart_draws_its_spec_chart_with_the_template_written_in() -> None:
    specs = _shipped_specs()
    assert specs
    revisions = set()
    for spec in specs:
        assert spec.drawn is spec.drawn  # made once per spec
        sent = json.loads(pio.to_json(spec.drawn.to_dict(), validate=False))
        fitted = fitted_margins(json.loads(pio.to_json(spec.chart.to_dict(), validate=False)))
        layout, own = sent["layout"], fitted["layout"]
        styles = own["template"]["layout"]
        assert "template" not in layout, spec.id
        assert sent["data"] == fitted["data"], spec.id
        # The figure's own values stay; the template's fill the rest, its axis styles on each axis.
        for path, value in _leaves({k: v for k, v in own.items() if k != "template"}):
            assert _at(layout, path) == value, (spec.id, path)
        for path, value in _leaves(styles):
            if _at(own, path) is None:
                assert _at(layout, path) == value, (spec.id, path)
        # A template's line colour does not turn the x axis' line on (plotly.js's own rule).
        assert layout["xaxis"]["showline"] is False, spec.id
        assert {k: layout[k] for k in SELECTION_MODES} == SELECTION_MODES, spec.id
        revisions.add(layout["datarevision"])
    assert len(revisions) == len(specs)  # each figure's arrays are its own data


def test_a_template_that_styles_traces_is_left_to_plotly() -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))  # plotly's default template styles bars
    sent = drawn(fig).to_dict()
    assert sent == fitted_margins(fig.to_dict())
    assert "template" in sent["layout"] and "datarevision" not in sent["layout"]


def test_axes_the_traces_use_get_the_template_axis_and_own_colours_keep_their_line() -> None:
    fig = go.Figure(
        [go.Scatter(x=[1, 2], y=[3, 4]), go.Scatter(x=[1, 2], y=[5, 6], yaxis="y2")],
        layout={
            "template": TEMPLATE,
            "yaxis2": {"overlaying": "y", "side": "right"},
            "xaxis": {"linecolor": "#000000"},
        },
    )
    layout = drawn(fig, selection=False).to_dict()["layout"]
    assert layout["yaxis2"]["gridcolor"] == layout["yaxis"]["gridcolor"] == GRID_COLOUR
    assert layout["yaxis2"]["overlaying"] == "y"
    # The figure's own line colour shows its line, as plotly.js does; no modes without selection.
    assert "showline" not in layout["xaxis"] and layout["xaxis"]["linecolor"] == "#000000"
    assert not set(SELECTION_MODES) & set(layout)


def test_meta_is_left_out_unless_a_text_shows_it() -> None:
    labelled = go.Figure(
        go.Scatter(x=[1], y=[2], meta={"lane": "x"}), layout={"meta": [1], "template": TEMPLATE}
    )
    assert "meta" not in drawn(labelled).to_dict()["data"][0]
    assert "meta" not in drawn(labelled).to_dict()["layout"]
    shown = go.Figure(
        go.Scatter(x=[1], y=[2], meta=["lane"], hovertemplate="%{meta[0]}"),
        layout={"template": TEMPLATE},
    )
    assert drawn(shown).to_dict()["data"][0]["meta"] == ["lane"]


def test_the_maps_are_drawn_with_the_template_written_in_and_no_selection_modes() -> None:
    for figure in (corridor_chart(locale_for("en")), lanes_chart(locale_for("zh"), [])):
        layout = drawn(figure, selection=False).to_dict()["layout"]
        assert "template" not in layout and "datarevision" in layout
        assert layout["font"]["family"] == FONT_STACK
        # The map's own modes, not the chart cards'.
        assert layout["dragmode"] == "pan" and "clickmode" not in layout
