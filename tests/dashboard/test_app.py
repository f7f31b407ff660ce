"""The app in AppTest: every page in both languages, values on each page, filters in the URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_support import APP, TIMEOUT, every_chart, shown, texts
from cards_support import cards
from dashboard_data import SEED
from language_support import CJK
from streamlit.testing.v1 import AppTest
from uploads_support import ANALYST_ACTOR

from dashboard.deck.pdf import pdf_available
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.commands import correct_figure

PAGES = ("trains", "freight", "agri", "reach", "sources")


def run_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def plotly_count(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_runs_in_both_languages_and_shows_values(data_dir: Path, lang: str) -> None:
    at = run_app({"lang": lang})
    overview = texts(at)
    assert ("816列" if lang == "zh" else "816 trains") in overview
    assert plotly_count(at) == 2
    expected = {
        "trains": "816列" if lang == "zh" else "816 trains",
        "freight": "2021.84万元" if lang == "zh" else "20.2 million yuan",
        "agri": "8.8亿元" if lang == "zh" else "880 million yuan",
        "reach": "523个" if lang == "zh" else "523 ports",
    }
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        if page == "sources":
            table = at.dataframe[0].value
            # One figure each but China–Europe rail's, a related series (behind its switch).
            assert len(table) == 11
            assert table.iloc[:, 0].notna().all()
            # CSV, XLSX, the sidebar deck's PPTX and its PDF (a download button where LibreOffice
            # is installed, else a disabled button saying why).
            ids = [str(b.proto.id) for b in at.get("download_button")]
            if pdf_available():
                assert len(ids) == 4 and any(i.endswith("download_pdf") for i in ids)
            else:
                assert len(ids) == 3
                assert any(b.key == "download_pdf" and b.disabled for b in at.button)
        elif page == "freight":
            # A handful of figures: cards, a sentence and the table, no one-dot charts.
            assert plotly_count(at) == 0
            assert at.dataframe[0].value.shape[0] == 2  # the deduction and the firms
            assert expected[page] in texts(at), page
        else:
            assert plotly_count(at) >= 1, page
            assert expected[page] in texts(at), page


def test_overview_cards_show_the_seed_figures(data_dir: Path) -> None:
    at = run_app()
    metrics = {m.label: (m.value, m.delta) for m in cards(at)}
    # The seed's trains and TEU are Chongqing Customs' count, not the corridor's headline
    # series: a card shows its metric's headline series or nothing.
    assert "班列开行" not in metrics and "集装箱运量" not in metrics
    assert metrics["运费扣减"][0] == "2021.84万元"
    # Chongqing's agricultural exports by every route, which the seed states in the corridor's
    # story: the card's series label says all routes, never "via the corridor" (issue 18 item 6).
    assert metrics["农产品出口额"] == ("8.8亿元", "+46.4%")
    assert "重庆农产品出口（全部途径）" in texts(at)
    assert metrics["通达港口"][0] == "523个"
    captions = texts(at)
    assert "2024年1—7月" in captions
    assert "数据截至 2024年9月11日" in captions
    assert "来源：重庆海关，2024年9月11日" in captions


def test_a_filter_change_is_written_to_the_url_and_read_back(data_dir: Path) -> None:
    at = run_app()
    at.multiselect(key="f_metric").set_value(["agri_export_value_cny"]).run()
    assert not at.exception
    assert at.query_params["metric"] == "agri_export_value_cny"
    assert [m.label for m in cards(at)] == ["农产品出口额"]
    again = run_app({"metric": "agri_export_value_cny"})
    assert [m.label for m in cards(again)] == ["农产品出口额"]
    assert again.multiselect(key="f_metric").value == ["agri_export_value_cny"]


def test_the_language_switch_keeps_the_filters(data_dir: Path) -> None:
    at = run_app({"source": SEED})
    at.segmented_control(key="f_lang").set_value("en").run()
    assert not at.exception
    assert at.query_params["lang"] == "en"
    assert at.query_params["source"] == SEED
    assert cards(at)[0].value == "880 million yuan"


def _slider_shows(at: AppTest) -> tuple[list[str], list[str]]:
    """Return the period slider's option words and the two the browser draws its thumbs at."""
    proto = at.select_slider(key="f_period").proto
    # A browser keeps its own value unless told one; given new options (new words) it falls
    # back on the default.
    at_index = proto.value if proto.set_value else proto.default
    return list(proto.options), [proto.options[int(i)] for i in at_index]


def test_the_period_slider_speaks_the_new_language_at_the_period_chosen(data_dir: Path) -> None:
    at = run_app()
    months = at.select_slider(key="f_period").options
    chosen = (at.select_slider(key="f_period").value[0], "2024-07")
    at.select_slider(key="f_period").set_value(chosen).run()
    options, thumbs = _slider_shows(at)
    assert "2024年7月" in options
    at.segmented_control(key="f_lang").set_value("en").run()
    assert not at.exception
    options, thumbs = _slider_shows(at)
    assert len(options) == len(months) and "Jul 2024" in options
    assert not any(CJK.search(o) for o in options)
    assert thumbs[1] == "Jul 2024"
    assert at.query_params["to"] == "2024-07"
    at.segmented_control(key="f_lang").set_value("zh").run()
    options, thumbs = _slider_shows(at)
    assert thumbs[1] == "2024年7月" and "Jul 2024" not in options


def test_the_language_switch_rewords_the_page_without_reselecting_the_figures(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import data

    selected: list[object] = []
    select = data.figure_selection

    def counted(*args: object, **kwargs: object) -> object:
        selected.append(args)
        return select(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "figure_selection", counted)
    at = run_app({"source": SEED, "region": "chongqing"})
    zh_cards = [c.value for c in cards(at)]
    before = len(selected)
    at.segmented_control(key="f_lang").set_value("en").run()
    assert not at.exception
    en_cards = [c.value for c in cards(at)]
    assert en_cards and en_cards != zh_cards
    assert len(selected) == before, "switching language re-selected the figures"
    at.multiselect(key="f_metric").set_value(["teu"]).run()
    assert len(selected) == before + 1, "a new filter selects its figures once"


def test_a_wrong_filter_value_gives_a_friendly_message_not_an_error(data_dir: Path) -> None:
    at = run_app({"region": "atlantis", "from": "2024-13"})
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "region=atlantis" in warnings and "from=2024-13" in warnings
    assert "ignored" in warnings and "已忽略" in warnings
    assert cards(at)


def test_a_filter_that_leaves_nothing_says_so_on_every_page(data_dir: Path) -> None:
    at = run_app({"region": "yunnan"})
    assert "No figures match" in at.info[0].value and "没有数据" in at.info[0].value
    assert plotly_count(at) == 0
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
        assert plotly_count(at) == 0
        assert any("No figures match" in i.value for i in at.info), page


def test_an_empty_data_directory_explains_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "new"))
    at = run_app()
    assert "corridor build" in at.info[0].value
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception


def test_the_table_is_reloaded_when_the_record_changes(data_dir: Path) -> None:
    at = run_app()
    assert cards(at)[0].value == "8.8亿元"
    # A change made anywhere (here another process's command would do the same) moves the data
    # version, and the next rerun reads the record again.
    correct_figure(Layout(data_dir), ANALYST_ACTOR, {"value": "880000000"}, 890000000.0, "test")
    at.run()
    assert cards(at)[0].value == "8.9亿元"


def test_the_shipped_data_shows_the_seed_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = run_app({"source": SEED})
    metrics = {m.label: (m.value, m.delta) for m in cards(at)}
    assert "班列开行" not in metrics  # Chongqing Customs' count is not the corridor's series
    assert metrics["运费扣减"][0] == "2021.84万元"
    # Chongqing's agricultural exports by every route, which the seed states in the corridor's
    # story: the card's series label says all routes, never "via the corridor" (issue 18 item 6).
    assert metrics["农产品出口额"] == ("8.8亿元", "+46.4%")
    assert "重庆农产品出口（全部途径）" in texts(at)


def test_the_data_table_shows_links_only_where_there_is_one(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "链接" in d.value.columns)
    links = table["链接"].dropna().astype(str)
    assert all(link.startswith(("http://", "https://")) for link in links)
    assert "None" not in table["链接"].astype(str).tolist()
    labels = [b.label for b in at.get("download_button")]
    assert any("供程序读取" in str(label) for label in labels), labels


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_trains_page_sets_the_latest_year_to_date_beside_the_year_before(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    import json

    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = run_app({"lang": lang})
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    figures = [json.loads(c.proto.spec) for c in every_chart(at)]
    pairs = [
        [(d["x"][0], d["y"][0]) for d in f["data"]]
        for f in figures
        if f["layout"].get("barmode") == "group" and len(f["data"]) == 2
    ]
    # The corridor's rail–sea TEU: Jan 2026 (11.4万) beside Jan 2025 (10.4万), both reported.
    jan = ("2025年1月", "2026年1月") if lang == "zh" else ("Jan 2025", "Jan 2026")
    scale = 1e4 if lang == "zh" else 1e3
    assert [(jan[0], 104000 / scale), (jan[1], 114000 / scale)] in pairs


def test_the_shipped_overview_draws_the_corridor_trains_over_the_years(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One chart under the cards and the briefing: the story (the corridor's rail-sea trains
    # year by year), not the growth bars of a single figure.
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = run_app()
    assert plotly_count(at) == 1
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    line = spec["data"][0]  # the series; then other bodies' values and the milestones
    assert line["name"] == "西部陆海新通道铁海联运班列开行"
    assert line["x"][0] == 2017 and 2025 in line["x"]
    assert "铁海联运班列开行" in texts(at)
    teu = run_app({"metric": "teu"})
    assert plotly_count(teu) == 1
    spec = json.loads(teu.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["name"] == "西部陆海新通道铁海联运班列箱量"


def test_the_overview_of_a_metric_without_a_headline_series_shows_its_cards_and_no_chart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ports reached has figures but no overview chart: the page lays out no empty chart row
    # (it failed with "range() arg 3 must not be zero" until bench/bench_room.py found it).
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = run_app({"metric": "ports_reached"})
    assert plotly_count(at) == 0
    assert "数据截至" in texts(at)


def test_the_chosen_filters_stay_in_view_beside_their_button(data_dir: Path) -> None:
    # Region, route, metric and source open from one popover button; what is chosen is listed
    # under it in the sidebar, and the button counts the filters in use.
    at = run_app({"region": "chongqing", "metric": "agri_export_value_cny"})
    captions = [shown(c.value) for c in at.sidebar.caption]
    assert "地区：重庆" in captions
    assert "指标：农产品出口额" in captions
    popovers = [b for b in at.sidebar.children.values() if b.type == "popover"]
    assert [p.proto.popover.label for p in popovers] == ["筛选（已选 2 项）", "演示文稿"]
    plain_run = run_app()
    assert not [c for c in plain_run.sidebar.caption if "地区" in c.value]


def _popover(at: AppTest, label_start: str) -> object:
    return next(
        b
        for b in at.sidebar.children.values()
        if b.type == "popover" and b.proto.popover.label.startswith(label_start)
    )


def _keys_inside(block: object) -> set[str]:
    """Return the user keys of the widgets a block holds, at any depth."""
    keys: set[str] = set()
    for child in getattr(block, "children", {}).values():
        key = getattr(child, "key", None)
        if key:
            keys.add(str(key))
        keys |= _keys_inside(child)
    return keys


def test_every_filter_opens_from_one_button_and_the_sidebar_draws_no_widget_on_load(
    data_dir: Path,
) -> None:
    # A page's first load draws the language switch and two menu buttons in the sidebar: the
    # filters and the deck (their widgets mount on a click; bench/README.md, stop 31).
    at = run_app()
    filters = _popover(at, "筛选")
    assert {"f_period", "f_region", "f_route", "f_metric", "f_source", "f_basis"} <= (
        _keys_inside(filters)
    )
    assert {"f_related", "reset"} <= _keys_inside(filters)
    deck = _popover(at, "演示文稿")
    assert "download_deck" in {str(b.proto.id).split("-")[-1] for b in deck.get("download_button")}
    outside = [c for c in at.sidebar.children.values() if c.type not in ("popover",)]
    assert [getattr(c, "key", None) for c in outside] == ["f_lang"]


def test_a_narrower_period_a_kind_of_figure_and_related_series_are_listed_and_counted(
    data_dir: Path,
) -> None:
    at = run_app({"from": "2024-01", "to": "2024-07", "basis": "reported", "related": "1"})
    captions = [shown(c.value) for c in at.sidebar.caption]
    assert "时间范围：2024年1月—2024年7月" in captions, captions
    assert "数值类型：报道值" in captions
    assert "相关通道：显示" in captions
    assert _popover(at, "筛选").proto.popover.label == "筛选（已选 3 项）"
    english = run_app({"lang": "en", "from": "2024-01", "basis": "derived"})
    lines = [shown(c.value) for c in english.sidebar.caption]
    assert "Kind of figure: Derived" in lines
    assert any(line.startswith("Period: Jan 2024 – ") for line in lines), lines
    assert _popover(english, "Filters").proto.popover.label == "Filters (2 chosen)"
    # The whole span, every kind and no related series: nothing listed, nothing counted.
    plain_run = run_app()
    assert not plain_run.sidebar.caption
    assert _popover(plain_run, "筛选").proto.popover.label == "筛选"
