"""Metric pages on the shipped data: the corridor's series, at most eight charts, no scope
fragments in a chart's title or legend, the rest in the more-figures table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from app_support import (
    APP,
    TIMEOUT,
    every_chart,
    open_rows,
    opened_menus,
    rows,
    shown,
)
from language_support import CJK
from streamlit.testing.v1 import AppTest

from dashboard.catalogue import TEXT as CATALOGUE
from dashboard.charts.series_charts import MAX_PAGE_CHARTS
from dashboard.downloads import CHART_PARAM
from dashboard.ui import row_key
from etl.contract.paths import DEFAULT_DATA_DIR
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics

METRIC_PAGES = ("trains", "freight", "agri", "reach")
# The words a legend entry may say besides a series label: how a mark was reported.
LEGEND_KEYS = ("reported", "derived_legend", "bound_legend", "also_reported_legend")
# Issue 23 item 8: a page loads within 1.2× a one-chart page when it draws its lead chart (after
# the reach maps) and no other, each other chart a click away in a row of its own.
LOAD_CHARTS = 3


def _allowed_names(lang: str) -> tuple[set[str], tuple[str, ...]]:
    i = 0 if lang == "zh" else 1
    labels = {s.label(lang) for s in load_series()}
    words = {CATALOGUE[k][i] for k in LEGEND_KEYS}
    events = CATALOGUE["events_legend"][i]
    # No "另N条见悬停" entry any more (issue 23: the legend is printed in pictures and the deck).
    return labels | words | {events}, ()


def _page(lang: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", METRIC_PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_metric_pages_draw_at_most_eight_charts_named_by_series_never_by_scope(
    monkeypatch: pytest.MonkeyPatch, lang: str, page: str
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    allowed, prefixes = _allowed_names(lang)
    metric_labels = {m.label(lang) for m in load_metrics().values()}
    loaded = _page(lang, page)
    # At load the lead chart (after the reach maps) only: issue 23 item 8.
    assert len(loaded.get("plotly_chart")) <= LOAD_CHARTS, page
    drawn: set[str] = set()
    # As loaded, then with every row open: each chart of the page as the reader sees it.
    for at in (loaded, open_rows(loaded)):
        elements = list(at.get("plotly_chart"))
        drawn |= {str(c.proto.id) for c in elements}
        assert len(drawn) <= MAX_PAGE_CHARTS, (page, len(drawn))
        # The reach maps (their own card, keyed map_…: hubs, lines and sea lanes by name) are not
        # series charts; an element's id ends with its key.
        maps = [c.proto.id.endswith(("-map_corridor", "-map_lanes")) for c in elements]
        assert sum(maps) == (2 if page == "reach" else 0), page
        for chart in (
            json.loads(c.proto.spec) for c, m in zip(elements, maps, strict=True) if not m
        ):
            for trace in chart["data"]:
                name = trace.get("name")
                if name is None or trace.get("showlegend") is False:
                    continue
                # A legend entry is a series label or a word for how a mark was reported:
                # never a scope (通道全线（西部陆海新通道的目的地由）, 这是西部陆海新通道…).
                assert name in allowed or name.startswith(prefixes), (page, name)
        # A card's title is the first line of its one markdown block, the headline beneath; a
        # chart in a row is titled by the row's label.
        firsts = [m.value.split("\n\n", 1)[0] for m in at.main.markdown]
        titles = [f.strip("*") for f in firsts if f.startswith("**") and f.endswith("**")]
        titles += [r.label for r in rows(at) if r.children]
        labels = {s.label(lang) for s in load_series()}
        chart_titles = [
            t
            for t in titles
            if t
            not in {
                CATALOGUE[k][0 if lang == "zh" else 1]
                for k in ("brief_title", "more_figures", "map_title")
            }
        ]
        assert len(chart_titles) == len(elements) - sum(maps), (page, chart_titles)
        for title in chart_titles:
            plain = title.replace("\\", "").replace("\u2060", "")
            assert any(plain.startswith(label) for label in labels | metric_labels), (page, title)


def test_the_trains_page_draws_its_series_then_a_more_figures_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = _page("zh", "trains")
    charts = [json.loads(c.proto.spec) for c in every_chart(at)]
    # The headline series first: the corridor's rail-sea trains over the years.
    assert charts[0]["data"][0]["name"] == "西部陆海新通道铁海联运班列开行"
    assert 4 <= len(charts) <= MAX_PAGE_CHARTS
    # No bar dump of "other figures": every bar chart is a year to date beside the year before.
    for chart in charts:
        bars = [d for d in chart["data"] if d.get("type") == "bar"]
        assert not bars or chart["layout"].get("barmode") == "group"
    # The more-figures table: closed under the charts, its label counting the figures; its
    # table is sent only once the reader opens it.
    (more,) = [e for e in at.expander if e.label.startswith("更多数据")]
    assert not more.children and not at.dataframe
    at.session_state["more_open_trains"] = True
    at.run()
    assert not at.exception
    (more,) = [e for e in at.expander if e.label.startswith("更多数据")]
    assert at.dataframe and more.children
    # Growth at a glance: under the headline chart, and in the briefing (from the view's rows).
    shown = "\n".join(m.value.replace("\\", "") for m in at.main.markdown)
    # One growth for the chart and the briefing (issue 23): the 2025 end as reported, 超1万.
    assert "**跨度增长** 2017—2025年：超56倍，年均增长超65.4%" in shown
    assert "为2017年的超56倍（年均增长超65.4%" in shown
    table = at.dataframe[-1].value
    # Only the page's metrics, many more figures than the charts draw.
    assert set(table["指标"]) <= {
        m.label_zh for m in load_metrics().values() if m.group in ("trains_teu", "trade")
    }
    assert len(table) > 100
    assert more.label == f"更多数据（{len(table)}）"


def _kinds(block: Any) -> list[str]:
    return [c.type for c in block.children.values()]


def _keyed(node: Any, prefix: str) -> Iterator[Any]:
    """Yield the blocks under node whose key starts with prefix (an element's id ends with it)."""
    for child in getattr(node, "children", {}).values():
        if child.type == "flex_container" and f"-{prefix}" in child.proto.id:
            yield child
        yield from _keyed(child, prefix)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_card_mounts_its_texts_as_one_markdown_block_and_one_caption(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = open_rows(_page(lang, "reach"))
    cards = list(_keyed(at.main, "card_"))
    (reach_map,) = [c for c in cards if c.proto.id.endswith("-card_reach_map")]
    charts = [c for c in cards if c is not reach_map]
    assert len(charts) == len(at.get("plotly_chart")) - 2 == len(rows(at)) + 1 == 4
    for at_lead, card in enumerate(charts):
        kinds = _kinds(card)
        # Title and headline (in a row, the headline: the row is titled by the chart's title),
        # the chart, the growth over the years (series charts), the source line with any note,
        # the download menu: nothing else.
        growth = ["markdown"] if kinds.count("markdown") == 2 else []
        assert kinds == ["markdown", "plotly_chart", *growth, "caption", "popover"], kinds
        heading, *rest = [c for c in card.children.values() if c.type == "markdown"]
        if at_lead == 0:
            title, headline = heading.value.split("\n\n")
            assert title.startswith("**") and title.endswith("**")
        else:
            headline = heading.value
        assert headline.startswith("##### ") and "\n\n" not in headline
        assert all(m.value.startswith("**") for m in rest)
        (caption,) = [c for c in card.children.values() if c.type == "caption"]
        assert caption.value.startswith(CATALOGUE["source"][0 if lang == "zh" else 1])
    # The map card: title and totals, both maps under their captions, the totals' source and
    # the regions' note in one caption, the menu.
    assert _kinds(reach_map) == ["markdown", "flex_container", "caption", "popover"]
    note = next(c for c in reach_map.children.values() if c.type == "caption").value
    assert note.endswith(CATALOGUE["map_regions_note"][0 if lang == "zh" else 1])
    assert "\n\n" in note  # the totals' source first


def _drawn(at: AppTest) -> list[str]:
    """Return the keys of the charts a run drew (an element's id ends with its key)."""
    return [str(c.proto.id).rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def _row_ids(at: AppTest) -> list[str]:
    """Return the charts of the page's rows, in order (a row's key is row_<chart>)."""
    return [str(r.proto.id).rsplit("-row_", 1)[-1] for r in rows(at)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_metric_page_draws_its_headline_and_each_other_chart_in_a_row_a_click_away(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = _page(lang, "trains")
    # At load: the headline series, nothing else; five closed rows titled by their charts.
    assert _drawn(at) == ["chart_train_runs_years"]
    ids = _row_ids(at)
    assert len(ids) == len(set(ids)) == 5 and not any(r.children for r in rows(at))
    # Each row is labelled with its chart's title in the reader's language, as text.
    labels = [shown(r.label) for r in rows(at)]
    assert all(bool(CJK.search(label)) == (lang == "zh") for label in labels)
    assert len(set(labels)) == 5
    # Opening a row draws its chart, under the headline, and nothing else.
    for chart_id in ids:
        opened = open_rows(_page(lang, "trains"), chart_id)
        assert _drawn(opened) == ["chart_train_runs_years", f"chart_{chart_id}"]
    # Two rows open at once: both drawn, in the page's order, whichever was opened first.
    both = open_rows(open_rows(at, ids[2]), ids[0])
    assert _drawn(both) == ["chart_train_runs_years", f"chart_{ids[0]}", f"chart_{ids[2]}"]
    # Closing one leaves the other.
    both.session_state[row_key(ids[0])] = False
    both.run()
    assert _drawn(both) == ["chart_train_runs_years", f"chart_{ids[2]}"]


def test_the_open_rows_are_in_the_url_and_the_copy_link_and_a_link_reopens_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = _page("en", "trains")
    assert CHART_PARAM not in at.query_params  # no row open: a clean URL
    ids = _row_ids(at)
    open_rows(at, ids[3], ids[1])
    named = f"{ids[1]},{ids[3]}"
    assert at.query_params[CHART_PARAM] == named
    # The copy link of every card on the page (the headline's too) names the open rows.
    opened_menus(at)
    links = [c.value for c in at.code if "?" in c.value]
    assert len(links) == 3
    for link in links:
        assert dict(parse_qsl(urlsplit(link).query)) == {"lang": "en", CHART_PARAM: named}
    # A link opens those rows (a new session: the URL read once), in Chinese as in English.
    for lang in ("en", "zh"):
        again = AppTest.from_file(APP, default_timeout=TIMEOUT)
        again.query_params.update({"lang": lang, CHART_PARAM: named})
        again.run()
        again.switch_page("app_pages/trains.py").run()
        assert not again.exception, again.exception
        assert _drawn(again)[1:] == [f"chart_{ids[1]}", f"chart_{ids[3]}"]
        assert again.query_params[CHART_PARAM] == named
    # The language switch keeps the open rows, now labelled in the other language.
    at.session_state["f_lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert _drawn(at)[1:] == [f"chart_{ids[1]}", f"chart_{ids[3]}"]
    assert CJK.search(rows(at)[1].label)
    # Another page and back: the rows open when the page was left are open again.
    at.switch_page("app_pages/agri.py").run()
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    assert _drawn(at)[1:] == [f"chart_{ids[1]}", f"chart_{ids[3]}"]


@pytest.mark.parametrize(
    "value", ["nonsense", "corridor_ports_reached_series", "x" * 5000, "", ",,,", "teu_years" * 200]
)
def test_a_bad_chart_in_the_url_opens_no_row_without_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params[CHART_PARAM] = value
    at.run()
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    assert _drawn(at) == ["chart_train_runs_years"]
    assert CHART_PARAM not in at.query_params
    assert not at.warning  # a view, not a filter: nothing lost to tell the reader about


def test_a_link_naming_a_row_among_others_opens_that_row_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    # Another page's chart, a word, and one of the page's own, past the first of the list.
    at.query_params[CHART_PARAM] = "corridor_ports_reached_series,<b>x</b>,teu_ytd"
    at.run()
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    assert _drawn(at) == ["chart_train_runs_years", "chart_teu_ytd"]
    assert at.query_params[CHART_PARAM] == "teu_ytd"


def test_the_reach_page_leads_with_its_maps_and_its_headline_series_then_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = _page("zh", "reach")
    lead = "chart_corridor_ports_reached_series"
    assert _drawn(at) == ["map_corridor", "map_lanes", lead]
    labels = [shown(r.label) for r in rows(at)]
    assert labels[0] == "西部陆海新通道通达国家和地区" and len(labels) == 3
    ids = _row_ids(at)
    assert ids[0] == "corridor_countries_reached_series"
    open_rows(at, ids[0])
    assert _drawn(at) == ["map_corridor", "map_lanes", lead, f"chart_{ids[0]}"]
    # The map card's copy link, like the charts', reopens the open row.
    opened_menus(at)
    links = [c.value for c in at.code if "?" in c.value]
    assert len(links) == 3
    assert all("chart=corridor_countries_reached_series" in link for link in links)
