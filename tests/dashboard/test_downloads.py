"""Each chart's data and link: CSV and XLSX per chart, a copy link that reopens the view, and
the source report of a clicked point."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pandas as pd
import pytest
from app_support import APP, TIMEOUT, menu_key, menus, opened_menus
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.downloads import (
    CHART_PARAM_LIMIT,
    chart_param,
    linked_charts,
    selected_records,
    view_link,
)
from dashboard.export import chart_columns, chart_csv, chart_xlsx
from dashboard.filters import Filters
from dashboard.images import images_available
from dashboard.locales import locale_for
from etl.contract.paths import Layout
from etl.store.table import load_table


def trains_page(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/trains.py").run()
    assert not at.exception, at.exception
    return at


def button_keys(at: AppTest) -> list[str]:
    return [str(b.proto.id) for b in at.get("download_button")]


def test_every_chart_has_one_closed_menu_that_sends_no_buttons_until_opened(
    data_dir: Path,
) -> None:
    at = trains_page({"lang": "en"})
    charts = [str(c.proto.id).split("chart_", 1)[1] for c in at.get("plotly_chart")]
    assert charts
    keys = [menu_key(m) for m in menus(at)]
    assert keys == [f"menu_{c}" for c in charts]
    assert all(m.proto.popover.label == "Download · link" for m in menus(at))
    # Closed: the page sends only the sidebar deck's buttons and no chart link.
    assert not any(k.endswith(("csv_" + c, "png_" + c)) for k in button_keys(at) for c in charts)
    assert not [c.value for c in at.code if "?" in c.value]


def test_every_chart_offers_its_points_as_csv_and_xlsx_and_a_copy_link(data_dir: Path) -> None:
    at = opened_menus(trains_page({"lang": "en"}))
    charts = [str(c.proto.id) for c in at.get("plotly_chart")]
    assert charts
    keys = button_keys(at)
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.spec)["data"]
        spec_id = str(chart.proto.id).split("chart_", 1)[1]
        for fmt in ("csv", "xlsx", *(("png", "svg") if images_available() else ())):
            assert any(k.endswith(f"{fmt}_{spec_id}") for k in keys), (fmt, spec_id, keys)
    links = [c.value for c in at.code if "?" in c.value]
    assert len(links) == len(charts)


def test_the_copy_link_reopens_the_same_page_and_filters(data_dir: Path) -> None:
    query = {"metric": "train_runs,teu", "from": "2023-01", "lang": "en"}
    at = opened_menus(trains_page(query))
    link = next(c.value for c in at.code if "?" in c.value)
    parts = urlsplit(link)
    assert parts.path.endswith("/trains")
    params = dict(parse_qsl(parts.query))
    assert params == query == {k: at.query_params[k] for k in at.query_params}
    again = trains_page(params)
    assert again.session_state["_filters"] == at.session_state["_filters"]


def test_view_link_leaves_defaults_out_and_keeps_commas() -> None:
    filters = Filters(metrics=("teu", "train_runs"), related=True)
    link = view_link(filters, locale_for("zh"), "http://host:8501/trains")
    assert link == "http://host:8501/trains?metric=teu,train_runs&related=1"
    assert view_link(Filters(), locale_for("zh"), "/reach") == "/reach"


def first_spec(data_dir: Path, lang: str = "zh"):  # type: ignore[no-untyped-def]
    table = load_table(Layout(data_dir))
    specs = data.every_chart(table, Filters(), locale_for(lang))
    return next(s for s in specs if any(r.get("url") for r in s.point_records))


def test_chart_downloads_carry_period_value_source_and_sentence_columns(data_dir: Path) -> None:
    spec = first_spec(data_dir, "en")
    locale = locale_for("en")
    csv = pd.read_csv(io.BytesIO(chart_csv(spec.point_records, locale)), encoding="utf-8-sig")
    assert list(csv.columns) == chart_columns(locale)
    for column in ("Period", "Qualifier", "As stated", "Unit", "Source", "Publisher", "Link"):
        assert column in csv.columns
    assert len(csv) == len(spec.point_records)
    assert csv["Sentence"].notna().all()
    book = openpyxl.load_workbook(io.BytesIO(chart_xlsx(spec.point_records, locale)))
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert header == chart_columns(locale)
    assert book.active.max_row == len(spec.point_records) + 1


def test_a_clicked_point_is_matched_to_the_charts_own_record(data_dir: Path) -> None:
    spec = first_spec(data_dir)
    rec = next(r for r in spec.point_records if r.get("url"))
    custom = ["", rec["period_label"], "", "", "", "", "", "", rec["url"]]
    assert selected_records(spec, {"points": [{"customdata": custom}]}) == [rec]
    # A link the chart does not hold is never shown, whatever the browser sends.
    forged = [*custom[:8], "javascript:alert(1)"]
    assert selected_records(spec, {"points": [{"customdata": forged}]}) == []
    assert selected_records(spec, None) == []


def deferred_files(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """Return, as the app registers them, each download button's callable by its file id (what
    the browser's click asks the server to run)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def kept(self: MediaFileManager, data: Callable[[], object], *args: Any, **kw: Any) -> str:
        file_id = register(self, data, *args, **kw)  # type: ignore[arg-type]
        seen[file_id] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", kept)
    return seen


def pdf_click(at: AppTest, files: dict[str, Callable[[], object]]) -> Callable[[], object]:
    """Return what one click on the PDF button runs: its download button's own callable."""
    button = next(b for b in at.get("download_button") if str(b.proto.id).endswith("download_pdf"))
    return files[button.proto.deferred_file_id]


def test_the_pdf_button_sits_beside_the_pptx_one_and_one_click_saves_the_pdf(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tool_support import require_tool

    require_tool("soffice", "makes the deck's PDF")
    files = deferred_files(monkeypatch)
    at = trains_page({})
    keys = button_keys(at)
    assert any(k.endswith("download_deck") for k in keys), keys
    # Issue 23: the PDF took two clicks (make, then save); the click now makes and saves it.
    assert not any(b.key == "download_pdf" for b in at.button)
    made = pdf_click(at, files)()
    assert isinstance(made, bytes) and made.startswith(b"%PDF")


def test_without_libreoffice_the_pdf_button_says_why(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.deck import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    at = trains_page({"lang": "en"})
    assert not any(k.endswith("download_pdf") for k in button_keys(at))
    button = next(b for b in at.button if b.key == "download_pdf")
    assert button.disabled
    assert any("LibreOffice is not installed" in c.value for c in at.sidebar.caption)


def test_a_libreoffice_failure_after_the_pdf_click_is_a_bilingual_message_not_a_traceback(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    from etl.contract.errors import CorridorError

    tool = tmp_path / "bin" / "soffice"
    tool.parent.mkdir()
    tool.write_text('#!/bin/sh\necho "soffice: boom" >&2\nexit 1\n', encoding="utf-8")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    files = deferred_files(monkeypatch)
    at = trains_page({})
    # The browser gets Streamlit's own "failed"; the reason waits in the session for the page.
    with pytest.raises(CorridorError):
        pdf_click(at, files)()
    at.run()
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.sidebar.error)
    assert "LibreOffice 未能生成 PDF" in said and "LibreOffice did not write the PDF" in said


def test_the_reach_maps_pictures_and_link_are_made_when_their_menu_is_opened(
    data_dir: Path,
) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/reach.py").run()
    assert not at.exception, at.exception
    assert "menu_reach_map" in [menu_key(m) for m in menus(at)]
    assert not any("map_" in k for k in button_keys(at))
    at = opened_menus(at)
    keys = button_keys(at)
    if images_available():
        for name in ("png_map_corridor", "svg_map_corridor", "png_map_lanes", "svg_map_lanes"):
            assert any(k.endswith(name) for k in keys), (name, keys)
    assert any(c.value.endswith("/reach") for c in at.code)


def test_the_chart_parameter_names_the_open_rows_and_a_url_names_only_the_pages_own() -> None:
    ids = ["train_runs_years", "teu_years", "teu_ytd"]
    assert chart_param(["teu_years", "teu_ytd"]) == "teu_years,teu_ytd"
    # Read in the page's order, whatever the URL's; other words and duplicates name nothing.
    assert linked_charts("teu_ytd,nonsense,train_runs_years,teu_ytd", ids) == [
        "train_runs_years",
        "teu_ytd",
    ]
    assert linked_charts(chart_param(["teu_years"]), ids) == ["teu_years"]
    for value in (None, "", ",", "x" * 100_000, ["teu_years"], 3):
        assert linked_charts(value, ids) == []
    # Only the parameter's first characters are read: a huge value costs no more than a short one.
    assert linked_charts("x" * CHART_PARAM_LIMIT + ",teu_years", ids) == []
    assert linked_charts("teu_years," + "x" * 100_000, ids) == ["teu_years"]
