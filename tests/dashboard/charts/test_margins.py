"""A chart's margins come from its own labels, so plotly.js need not draw it again to fit them."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from app_support import APP, TIMEOUT, every_chart
from streamlit.testing.v1 import AppTest

from dashboard.charts.margins import (
    fitted_margins,
    number_label,
    text_height,
    text_lines,
    text_width,
)
from dashboard.charts.theme import TEMPLATE
from etl.contract.paths import DEFAULT_DATA_DIR


def _bars(labels: list[str], title: str = "") -> dict:
    figure = go.Figure(
        go.Bar(x=[1.0] * len(labels), y=labels, orientation="h"),
        layout={"template": TEMPLATE, "xaxis": {"title": {"text": title}}},
    )
    return fitted_margins(figure.to_dict())


def test_a_cjk_glyph_counts_a_full_em_and_a_digit_about_half() -> None:
    assert text_width("重庆", 14) == pytest.approx(28)
    assert 0.5 * 56 <= text_width("2024", 14) <= 0.6 * 56
    assert text_width("二〇二四", 14) == pytest.approx(56)
    assert text_width("（亿元）", 14) == pytest.approx(56)  # full-width brackets too


def test_a_label_is_measured_by_its_widest_line_without_its_tags() -> None:
    label = "农产品出口<br><span style='font-size:12px'>2024年1—7月</span>"
    assert text_lines(label) == ["农产品出口", "2024年1—7月"]
    assert text_width(label, 14) == text_width("2024年1—7月", 14)
    assert text_height(label, 10) == pytest.approx(26)


def test_a_long_cjk_tick_label_gets_a_wider_left_margin() -> None:
    short = _bars(["重庆", "广西"])
    long = _bars(["重庆经西部陆海新通道农产品出口", "广西"])
    assert long["layout"]["margin"]["l"] > short["layout"]["margin"]["l"] + 100
    # The figure's own room is a floor: the template's 8 px grows to hold the labels.
    assert short["layout"]["margin"]["l"] >= text_width("重庆", 14) > 8


def test_an_axis_title_adds_its_lines_under_the_value_ticks() -> None:
    bare = _bars(["重庆"])
    titled = _bars(["重庆"], "农产品出口额<br>（亿元）")
    added = titled["layout"]["margin"]["b"] - bare["layout"]["margin"]["b"]
    assert added >= text_height("农产品出口额<br>（亿元）", 14)


def test_automargin_is_off_on_both_axes_and_the_input_is_left_as_it_was() -> None:
    source = go.Figure(go.Bar(x=[2023, 2024], y=[5.0, 12000.0]), layout={"template": TEMPLATE})
    before = source.to_dict()
    fitted = fitted_margins(before)
    assert fitted["layout"]["xaxis"]["automargin"] is False
    assert fitted["layout"]["yaxis"]["automargin"] is False
    assert "margin" not in before["layout"] and "xaxis" not in before["layout"]


def test_wider_value_ticks_get_more_room_and_commas_count() -> None:
    assert number_label(12345.6, ",~f") == "12,346"
    assert number_label(12345.6, "~f") == "12346"
    assert number_label(2.5, "~f") == "2.5"
    small = go.Figure(go.Scatter(x=[1, 2], y=[1.0, 9.0]), layout={"template": TEMPLATE})
    large = go.Figure(go.Scatter(x=[1, 2], y=[1.0, 9_000_000.0]), layout={"template": TEMPLATE})
    assert (
        fitted_margins(large.to_dict())["layout"]["margin"]["l"]
        > fitted_margins(small.to_dict())["layout"]["margin"]["l"]
    )


def _outside_bars(values: list[float], texts: list[str]) -> dict:
    figure = go.Figure(
        go.Bar(x=values, y=[0, 1], orientation="h", text=texts, textposition="outside"),
        layout={"template": TEMPLATE, "xaxis": {"range": [0, max(values) * 1.1]}},
    )
    return fitted_margins(figure.to_dict())["layout"]["margin"]


def test_a_long_bar_s_outside_label_gets_room_right_of_the_plot() -> None:
    # Issue 23 item 6: "14.5  +39.4%" beyond the longest bar was cut at the plot's edge on a phone.
    label = "14.5  +39.4%"
    margin = _outside_bars([10.4, 14.5], ["10.4", label])
    assert margin["r"] >= text_width(label)
    # A short bar's label lies inside the plot, whatever its length: no room asked for it.
    short = _outside_bars([1.0, 14.5], ["1.0  +176% (一段很长的说明文字)", "14.5"])
    assert short["r"] < text_width("1.0  +176% (一段很长的说明文字)")
    assert short["r"] >= text_width("14.5")


def _labelled_line(position: str) -> dict:
    figure = go.Figure(
        go.Scatter(
            x=["2024-06-30", "2025-06-30"],
            y=[1160.0, 1300.0],
            mode="markers+text",
            text=["", "over 1,300 categories"],
            textposition=position,
        ),
        layout={"template": TEMPLATE},
    )
    return fitted_margins(figure.to_dict())["layout"]["margin"]


def test_the_latest_labelled_point_gets_room_for_its_label_beyond_the_plot() -> None:
    # Issue 23: "over 1,300" centred on a point near a small chart's right edge was cut.
    width = text_width("over 1,300 categories")
    assert _labelled_line("top center")["r"] >= width / 2
    assert _labelled_line("middle right")["r"] >= width
    assert _labelled_line("middle left")["r"] < width / 2


def test_a_map_s_labels_ask_no_room_beyond_its_drawn_extent() -> None:
    from dashboard.charts.reach_map import corridor_chart
    from dashboard.locales import EN

    figure = corridor_chart(EN).to_dict()
    assert any("text" in str(t.get("mode", "")) for t in figure["data"])
    unlabelled = {**figure, "data": [{**t, "text": None} for t in figure["data"]]}
    assert (
        fitted_margins(figure)["layout"]["margin"] == fitted_margins(unlabelled)["layout"]["margin"]
    )


def test_a_map_or_a_second_axis_keeps_plotly_s_automargin() -> None:
    geo = go.Figure(go.Scattergeo(lon=[106.5], lat=[29.5])).to_dict()
    assert fitted_margins(geo) is geo
    twin = go.Figure(go.Scatter(x=[1], y=[2]), layout={"yaxis2": {"overlaying": "y"}}).to_dict()
    assert fitted_margins(twin) is twin


def test_the_page_sends_its_charts_with_automargin_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    figures = [json.loads(c.proto.spec) for c in every_chart(at)]
    assert len(figures) >= 2
    for figure in figures:
        layout = figure["layout"]
        assert layout["xaxis"]["automargin"] is False
        assert layout["yaxis"]["automargin"] is False
        # Room for a value axis' title and its ticks, not the template's 8 px.
        assert layout["margin"]["l"] > 40
