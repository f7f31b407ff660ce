"""The app in AppTest: figures as their sources state them, gaps and related corridors apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_support import APP, TIMEOUT, every_chart, every_text, texts
from cards_support import cards
from dashboard_data import BOUND_ROWS, ROWS, write_data_dir
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]) -> AppTest:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(root))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def bound_dir(tmp_path: Path) -> Path:
    """The test data with the corridor's trains over the years, 2024 stated as 突破1万列."""
    return write_data_dir(tmp_path / "data", [*ROWS, *BOUND_ROWS])


# Issue 23 item 6: the chart's label is in its axis' scale (列 in zh: 超10000 beside 9000).
@pytest.mark.parametrize(
    ("lang", "label", "stated"),
    [("zh", "超10000", "超1万列"), ("en", "over 10,000", "over 10,000 trains")],
)
def test_the_overview_shows_a_bound_as_stated_on_its_chart_card_and_briefing(
    bound_dir: Path, monkeypatch: pytest.MonkeyPatch, lang: str, label: str, stated: str
) -> None:
    at = _run(bound_dir, monkeypatch, {"lang": lang})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    line, bound = spec["data"][0], spec["data"][1]
    # 2020 (no report) and 2024 (a bound only) break the line; the bound is its own open mark.
    years = dict(zip(line["x"], line["y"], strict=True))
    assert years[2020] is None and years[2024] is None and years[2023] == 9580
    assert line["connectgaps"] is False
    assert bound["x"] == [2024] and bound["text"] == [label]
    assert bound["marker"]["symbol"] == ["triangle-up-open"]
    assert bound["name"] == t("bound_legend", lang)
    assert all(label not in str(x) for x in line["text"])
    trains = next(c for c in cards(at) if c.metric == "train_runs")
    assert trains.value == stated
    assert not trains.delta  # no yoy from a bound
    assert stated in at.code[0].value  # the briefing's copy text
    shown = texts(at)
    assert t("bound_note", lang) in shown
    assert t("gap_note", lang, years="2020") in shown


def test_the_data_table_shows_the_value_as_stated(
    bound_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(bound_dir, monkeypatch, {})
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, at.exception
    values = list(at.dataframe[0].value[t("col_value", "zh")])
    assert "超1万列" in values and "1154列" in values
    assert "1万列" not in values


def test_related_corridors_appear_only_behind_their_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test data's only related figure, with its qualifier: 中欧班列(重庆)累计开行超3000列.
    rows = [(*r, "over") if "超3000列" in r[-1] else r for r in ROWS]
    at = _run(write_data_dir(tmp_path / "data", rows), monkeypatch, {})
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    assert at.toggle(key="f_related").value is False
    shown = texts(at)
    assert "相关通道" not in shown and "3000" not in shown
    assert "related" not in at.query_params
    # Turned on: the related figure, in a chart of its own that says what it is.
    at.toggle(key="f_related").set_value(True).run()
    assert not at.exception, at.exception
    assert at.query_params["related"] == "1"
    shown = every_text(at)
    assert "相关通道 · 班列开行（累计）" in shown
    assert "相关通道 · 截至2019年7月5日 班列开行超3000列" in shown
    charts = [json.loads(c.proto.spec) for c in every_chart(at)]
    related = [f for f in charts if any("中欧班列" in str(d.get("name")) for d in f["data"])]
    assert len(related) == 1, "a chart of its own, never on this corridor's axes"
    (marks,) = related[0]["data"]
    assert marks["text"] == ["超3000"] and marks["marker"]["symbol"] == ["triangle-up-open"]


def test_a_link_with_related_on_opens_with_the_switch_on(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(data_dir, monkeypatch, {"related": "1", "lang": "en"})
    assert at.toggle(key="f_related").value is True
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    assert "Related corridors · Train runs (cumulative)" in texts(at)


def test_present_mode_states_the_bound_in_its_title_chart_and_note(
    bound_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Screen 1 is the cards, screen 2 the overview's years chart.
    at = _run(bound_dir, monkeypatch, {"present": "1", "slide": "2"})
    assert "超1万列" in at.title[0].value
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert ["超10000"] in [d.get("text") for d in spec["data"]]  # issue 23: the axis' scale
    captions = "\n".join(c.value for c in at.caption)
    assert t("bound_note", "zh") in captions.replace("\\", "")
