"""The dashboard's data module: shared views and bounded charts over a big table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dashboard_data import big_frame, sources

from dashboard import data
from dashboard.charts.select import DEFAULT_TOP, MAX_BARS, MAX_MARKERS
from dashboard.filters import Filters
from dashboard.locales import EN, ZH
from etl.store.cache import compact_observations
from etl.store.table import Table


def test_charts_of_a_big_table_are_bounded_say_so_and_show_more_scopes_on_request() -> None:
    table = Table(compact_observations(big_frame(20_000)), sources(), "test-big")
    specs = data.chart_specs(table, Filters(), ZH, "trains")
    assert specs and all(s.note for s in specs)
    for spec in specs:
        series = {(p["region"], p["route"], p["scope"]) for p in spec.point_records}
        assert len(series) == DEFAULT_TOP
        assert len(spec.point_records) <= max(MAX_BARS, MAX_MARKERS)
    wider = data.chart_specs(table, Filters(), ZH, "trains", top=15)
    assert {len({p["scope"] for p in s.point_records}) for s in wider} == {15}


def test_a_view_holds_positions_into_the_shared_frame_not_a_copy() -> None:
    table = Table(compact_observations(big_frame(5_000)), sources(), "test-view")
    view = data.view(table, Filters(metrics=("teu",)), ZH)
    assert view.frame is table.observations
    assert view.rows.dtype.kind == "i" and 0 < len(view) < len(table.observations)
    assert data.view(table, Filters(metrics=("teu",)), ZH) is view


def test_switching_language_rewords_the_view_but_never_reselects_its_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = Table(compact_observations(big_frame(2_000)), sources(), "test-languages")
    selected: list[object] = []
    select = data.figure_selection

    def counted(*args: object, **kwargs: object) -> object:
        selected.append(args)
        return select(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "figure_selection", counted)
    filters = Filters(metrics=("teu", "train_runs"))
    zh = data.view(table, filters, ZH)
    zh_titles = [s.title for s in data.chart_specs(table, filters, ZH, "trains")]
    zh_brief = data.briefing(table, filters, ZH)
    en = data.view(table, filters, EN)
    en_titles = [s.title for s in data.chart_specs(table, filters, EN, "trains")]
    en_brief = data.briefing(table, filters, EN)
    assert len(selected) == 1, "the second language re-selected the figures"
    # The same figures, shared (rows and what was worked out about them), in other words.
    assert en.rows is zh.rows and en.memo is zh.memo
    assert data.selection(table, filters) is data.selection(table, filters)
    assert [r["source"] for r in zh.records()] != [r["source"] for r in en.records()]
    assert len(zh_titles) == len(en_titles) > 0 and zh_titles != en_titles
    assert (zh_brief.locale, en_brief.locale) == (ZH, EN)
    # Back to Chinese: every cache answers, nothing is built again.
    assert data.view(table, filters, ZH) is zh
    assert len(selected) == 1
    # Another filter is another selection.
    data.view(table, Filters(metrics=("teu",)), EN)
    assert len(selected) == 2


def test_events_are_read_from_the_database_with_their_sources_and_none_gives_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Table(compact_observations(big_frame(100)), sources(), "test-events")
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path))
    assert data._events("none", str(tmp_path / "empty"), table) == []
    (tmp_path / "tidy").mkdir()
    source_id = str(sources()["source_id"].iloc[0])
    (tmp_path / "tidy" / "events.csv").write_text(
        "date,title_zh,title_en,kind,source_id,quote\n"
        f"2022-08-29,第2万列,20000th train,milestone,{source_id},原文\n"
        "not a date,坏,bad,milestone,x,q\n",
        encoding="utf-8",
    )
    events = data._events("present", str(tmp_path), table)
    assert [e["title_en"] for e in events] == ["20000th train"]
    assert events[0]["publisher"] == sources()["publisher"].iloc[0]
    (tmp_path / "tidy" / "events.csv").unlink()
    assert data._events("later", str(tmp_path), table) == events, "the database's, not the file's"


def test_filters_that_keep_the_same_figures_share_what_is_built_from_them() -> None:
    table = Table(compact_observations(big_frame(3_000)), sources(), "test-same-figures")
    everything = Filters()
    # The table starts in 2000: a period from 1990 keeps every figure, under another key.
    from_1990 = Filters(start=pd.Timestamp("1990-01-01"))
    assert data.selection(table, from_1990) is not data.selection(table, everything)
    assert data.figures_key(table, from_1990) == data.figures_key(table, everything)
    specs = data.chart_specs(table, everything, ZH, "trains")
    assert data.chart_specs(table, from_1990, ZH, "trains") is specs
    assert data.briefing(table, from_1990, ZH) is data.briefing(table, everything, ZH)
    shown = data.figures_table(table, everything, ZH, 50)
    assert data.figures_table(table, from_1990, ZH, 50).equals(shown)
    # Fewer figures: another key, other charts.
    teu = Filters(metrics=("teu",))
    assert data.figures_key(table, teu) != data.figures_key(table, everything)
    assert data.chart_specs(table, teu, ZH, "trains") is not specs


def test_the_data_pages_table_is_a_copy_a_page_may_change() -> None:
    table = Table(compact_observations(big_frame(500)), sources(), "test-table-copy")
    shown = data.figures_table(table, Filters(), ZH, 20)
    shown[shown.columns[0]] = "changed"
    assert (data.figures_table(table, Filters(), ZH, 20).iloc[:, 0] != "changed").all()


def test_a_page_knows_its_charts_are_built_so_it_shows_no_spinner_for_a_lookup() -> None:
    table = Table(compact_observations(big_frame(2_000)), sources(), "test-built")
    teu = Filters(metrics=("teu",))
    assert not data.charts_built(table, teu, ZH, "trains")
    data.chart_specs(table, teu, ZH, "trains")
    assert data.charts_built(table, teu, ZH, "trains")
    # Another page, language, number of scopes or set of figures is built on its own.
    assert not data.charts_built(table, teu, EN, "trains")
    assert not data.charts_built(table, teu, ZH, "freight")
    assert not data.charts_built(table, teu, ZH, "trains", top=15)
    assert not data.charts_built(table, Filters(metrics=("train_runs",)), ZH, "trains")


def test_a_run_finds_the_table_loaded_only_at_its_current_version_so_it_shows_no_spinner(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert data.loaded_table() is None, "a data directory this process never loaded"
    table = data.current_table()
    assert data.loaded_table() is table
    # A change to the store is a new version: loaded again, under the spinner.
    monkeypatch.setattr(data, "data_version", lambda where: "changed")
    assert data.loaded_table() is None
    # Loaded again: the store itself has not moved, so the table held is the one kept.
    assert data.current_table() is table
    assert data.loaded_table() is table


def test_caches_are_keyed_by_filter_values_and_a_new_version_shows_another_writers_change() -> None:
    frame = compact_observations(big_frame(600))
    before = Table(frame, sources(), "test-writer-1")
    period = Filters(start=pd.Timestamp("2001-01-01"), end=pd.Timestamp("2001-12-31"))
    # Equal values are one key; any field that differs (to the day, a tuple's member) another.
    assert data.filters_key(period) == data.filters_key(
        Filters(start=pd.Timestamp("2001-01-01"), end=pd.Timestamp("2001-12-31"))
    )
    keys = {
        data.filters_key(f)
        for f in (
            period,
            Filters(start=pd.Timestamp("2001-01-02"), end=pd.Timestamp("2001-12-31")),
            Filters(metrics=("teu",)),
            Filters(metrics=("teu", "train_runs")),
            Filters(bases=("reported",)),
            Filters(related=True),
            Filters(),
        )
    }
    assert len(keys) == 7
    specs = data.chart_specs(before, period, ZH, "trains")
    table = data.figures_table(before, period, ZH, 50)
    assert data.chart_specs(before, period, ZH, "trains") is specs
    # Another writer doubles every figure: the store's next version is read on the next run,
    # and every cache keyed by the version answers with the new figures, not the remembered.
    after = Table(frame.assign(value=frame["value"] * 2), sources(), "test-writer-2")
    changed = data.chart_specs(after, period, ZH, "trains")
    assert changed is not specs
    values = [p["value"] for s in specs for p in s.point_records]
    assert [p["value"] for s in changed for p in s.point_records] == [v * 2 for v in values]
    assert not data.figures_table(after, period, ZH, 50).equals(table)
    assert [r["value"] for r in data.view(after, period, EN).records()] == [
        2 * r["value"] for r in data.view(before, period, EN).records()
    ]
