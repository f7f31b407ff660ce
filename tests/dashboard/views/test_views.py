"""Display frames: deduplicated figures, headline cards, the reader's table."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from dashboard_data import OLDER, ROWS, SEED, observations, sources
from references import figure_records, kpi_candidates_scan, period_kind

import dashboard.views.index as index_module
from dashboard.filters import NO_ROUTE, Filters, apply_filters, filter_mask
from dashboard.locales import EN, ZH, locale_for
from dashboard.views.index import (
    figure_selection,
    figure_view,
    row_records,
    selection_key,
    table_index,
    take_rows,
)
from dashboard.views.kpi import kpi_candidates, kpi_cards
from dashboard.views.tables import display_table, metric_dictionary
from etl.store.cache import compact_observations


def test_a_figure_reported_twice_is_kept_once_naming_the_other_source() -> None:
    records = figure_records(observations(), sources(), "zh")
    trains = [r for r in records if r["metric"] == "train_runs" and r["value"] == 816]
    assert len(trains) == 1
    assert trains[0]["source_id"] == SEED
    assert trains[0]["also_reported_by"] == "经济日报-中国经济网，2019年7月5日"


def test_scopes_in_traditional_characters_name_the_same_figure() -> None:
    frame = observations()
    twin = frame[(frame["metric"] == "teu") & (frame["basis"] == "reported")].copy()
    twin["scope"] = "重慶海關監管西部陸海新通道班列"
    twin["source_id"] = OLDER
    doubled = pd.concat([frame, twin], ignore_index=True)
    teu = [r for r in figure_records(doubled, sources()) if r["metric"] == "teu"]
    assert len([r for r in teu if r["basis"] == "reported"]) == 1


def test_kpi_cards_show_the_seed_figures() -> None:
    cards = {c.metric: c for c in kpi_cards(figure_records(observations(), sources()), ZH)}
    assert (cards["train_runs"].value, cards["train_runs"].delta) == ("816列", "+17.8%")
    assert cards["train_runs"].period == "2024年1—7月"
    assert (cards["teu"].value, cards["teu"].delta) == ("1.5万标箱", "+40.7%")
    assert cards["freight_deduction_cny"].value == "2021.84万元"
    assert cards["freight_deduction_cny"].note == "惠及企业99家"
    assert (cards["agri_export_value_cny"].value, cards["agri_export_value_cny"].delta) == (
        "8.8亿元",
        "+46.4%",
    )
    assert cards["ports_reached"].value == "523个"
    assert cards["ports_reached"].period == "截至2024年9月11日"
    assert cards["train_runs"].source == "重庆海关，2024年9月11日"


def test_kpi_ties_on_period_go_to_the_most_recently_published_source() -> None:
    frame = observations()
    older = frame[(frame["metric"] == "ports_reached") & (frame["source_id"] == SEED)].copy()
    older["value"] = 999.0
    older["scope"] = "另一口径"
    older["source_id"] = OLDER
    both = pd.concat([frame, older], ignore_index=True)
    cards = {c.metric: c for c in kpi_cards(figure_records(both, sources()), EN)}
    assert cards["ports_reached"].value == "523 ports"


def test_kpi_cards_follow_the_filters() -> None:
    only_derived = apply_filters(observations(), Filters(bases=("derived",)))
    cards = {c.metric: c for c in kpi_cards(figure_records(only_derived, sources()), ZH)}
    assert cards["train_runs"].value == "692.7列" or cards["train_runs"].value == "693列"
    assert "推算值" in cards["train_runs"].note


def test_display_table_has_quote_source_link_and_also_reported_by() -> None:
    table = display_table(figure_records(observations(), sources()), EN)
    assert {"Sentence", "Sentence is", "Source", "Link", "Also reported by"} <= set(table.columns)
    assert table["Also reported by"].str.contains("经济日报").any()
    assert table["Link"].dropna().str.startswith("http").all()


def test_metric_dictionary_lists_every_metric_in_both_languages() -> None:
    zh = metric_dictionary(ZH)
    assert "班列开行" in set(zh["中文名称"])
    assert "Train runs" in set(metric_dictionary(EN)["English label"])


def test_the_view_gives_the_records_figure_records_gives_without_copying_the_frame() -> None:
    doubled = pd.concat([observations(), observations().assign(source_id=OLDER)])
    for frame in (observations(), compact_observations(doubled)):
        for lang in ("zh", "en"):
            view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), locale_for(lang))
            assert view.frame is frame
            assert view.records() == figure_records(frame, sources(), lang)
            expected = kpi_cards(figure_records(frame, sources(), lang), locale_for(lang))
            assert kpi_cards(kpi_candidates(view), locale_for(lang)) == expected


def test_a_filtered_view_keeps_only_the_filtered_figures() -> None:
    frame = observations()
    keep = filter_mask(frame, Filters(metrics=("teu",)))
    view = figure_view(frame, sources(), keep, ZH)
    assert view.records() == figure_records(
        apply_filters(frame, Filters(metrics=("teu",))), sources()
    )


def _random_frame(seed: int, n: int = 3000) -> pd.DataFrame:
    """Return n valid-looking rows with many ties: few periods, values, scopes and sources."""
    rng = np.random.default_rng(seed)
    base = observations()
    frame = base.iloc[rng.integers(0, len(base), n)].reset_index(drop=True)
    ends = pd.to_datetime(["2023-07-31", "2023-12-31", "2024-07-31", "2024-09-11", "2019-07-05"])
    frame["period_end"] = ends[rng.integers(0, len(ends), n)]
    frame["period_start"] = pd.to_datetime(
        np.where(rng.random(n) < 0.3, None, frame["period_end"].dt.to_period("Y").dt.start_time)
    )
    frame["value"] = rng.integers(1, 4, n) * 100.0
    frame["yoy_pct"] = np.where(rng.random(n) < 0.5, np.nan, rng.integers(-5, 30, n) * 1.0)
    frame["region"] = rng.choice(["chongqing", "corridor", "guangxi"], n)
    frame["route"] = rng.choice(["", "rail_sea", "china_europe_rail"], n)
    frame["scope"] = rng.choice(["重庆海关", "铁海联运", "鐵海聯運", "西部陆海新通道"], n)
    frame["basis"] = rng.choice(["reported", "derived"], n, p=[0.7, 0.3])
    frame["source_id"] = rng.choice([SEED, OLDER, "not-in-sources"], n)
    return frame


FILTERS = (
    Filters(),
    Filters(regions=("guangxi",)),
    Filters(bases=("derived",)),
    Filters(metrics=("teu", "freight_deduction_cny", "beneficiary_firms")),
    Filters(regions=("chongqing",), routes=(NO_ROUTE, "rail_sea")),
    Filters(sources=(OLDER, SEED)),
    Filters(start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-08-31")),
    Filters(end=pd.Timestamp("2023-12-31"), bases=("reported",), regions=("corridor",)),
    Filters(metrics=("cargo_categories",)),
)


def test_the_indexed_kpi_pick_matches_the_reference_on_random_frames() -> None:
    for seed in range(2):
        plain = _random_frame(seed)
        for frame in (plain, compact_observations(plain)):
            index = table_index(frame, sources())
            # Every filter in Chinese, and the whole table in English.
            for filters, locale in (*((f, ZH) for f in FILTERS), (Filters(), EN)):
                keep = filter_mask(frame, filters)
                view = figure_view(frame, sources(), keep, locale, index)
                fast = kpi_candidates(view)
                assert fast == kpi_candidates_scan(view)
                reference = figure_records(apply_filters(plain, filters), sources(), locale.lang)
                assert kpi_cards(fast, locale) == kpi_cards(reference, locale)
            everything = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH, index)
            assert {c.metric for c in kpi_cards(kpi_candidates(everything), ZH)} == {
                "train_runs",
                "teu",
                "agri_export_value_cny",
                "freight_deduction_cny",
                "ports_reached",
            }


def test_rows_of_a_text_column_in_several_arrow_chunks_are_taken_as_iloc_takes_them() -> None:
    frame = pd.concat([observations(), observations().assign(source_id=OLDER)], ignore_index=True)
    half = len(frame) // 2
    quotes = frame["quote"].tolist()
    quotes[1] = None
    frame["quote"] = pd.array(pa.chunked_array([quotes[:half], quotes[half:]]), dtype="str")
    assert frame["quote"].array.__arrow_array__().num_chunks == 2
    pos = np.array([len(frame) - 1, 0, 1, half, half - 1, 3])
    pd.testing.assert_frame_equal(take_rows(frame, pos), frame.iloc[pos])
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH)
    assert view.records() == figure_records(frame, sources(), "zh")


def test_the_table_calls_a_briefs_sentence_a_summary_and_an_articles_the_original() -> None:
    src = sources()
    src.loc[src["source_id"] == OLDER, "kind"] = "brief"
    brief = observations([r for r in ROWS if r[9] == OLDER])
    article = observations([r for r in ROWS if r[9] == SEED])
    zh_brief = display_table(figure_records(brief, src, "zh"), ZH)
    zh_article = display_table(figure_records(article, src, "zh"), ZH)
    assert len(zh_brief) and set(zh_brief["句子类型"]) == {"摘要句"}
    assert len(zh_article) and set(zh_article["句子类型"]) == {"原文"}
    assert "摘要句 / 原文" in zh_brief.columns and zh_brief["链接"].notna().all()
    en_brief = display_table(figure_records(brief, src, "en"), EN)
    assert set(en_brief["Sentence is"]) == {"summary sentence"}


def test_the_english_table_names_publishers_in_english() -> None:
    table = display_table(figure_records(observations(), sources(), "en"), EN)
    assert table["Source"].str.startswith("Chongqing Customs").any()
    assert not table["Source"].str.contains("重庆海关", regex=False).any()


def test_the_selection_key_names_the_kept_figures_and_their_shared_sources() -> None:
    frame = observations()
    index = table_index(frame, sources())

    def key(filters: Filters) -> str:
        kept = figure_selection(frame, sources(), filter_mask(frame, filters), index)
        return selection_key(kept)

    # A period wider than the data keeps the same figures: the same key.
    assert key(Filters(start=pd.Timestamp("1990-01-01"))) == key(Filters())
    assert key(Filters(metrics=("teu",))) != key(Filters())
    # The same figure from one source instead of two: the same rows, other shared sources.
    twice = frame.loc[frame.duplicated(["metric", "period_end", "scope"], keep=False)]
    assert len(twice), "the seed data should hold a figure reported twice"
    one = str(twice["source_id"].iloc[0])
    others = tuple(str(s) for s in frame["source_id"].unique() if str(s) != one)
    assert key(Filters(sources=others)) != key(Filters())
    # Equal rows whose "also reported by" differs are different figures to cite.
    whole = figure_selection(frame, sources(), filter_mask(frame, Filters()), index)
    assert whole.shared
    alone = dataclasses.replace(whole, shared={}, memo={})
    assert selection_key(alone) != selection_key(whole)


def _cleaned(frame: pd.DataFrame) -> list[dict]:
    def clean(v: object) -> object:
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    return [{k: clean(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def test_row_records_give_what_pandas_records_give_for_every_kind_of_column() -> None:
    frame = compact_observations(
        pd.concat([observations(), observations().assign(source_id=OLDER)], ignore_index=True)
    )
    frame["count"] = np.arange(len(frame), dtype=np.int64)
    frame["flag"] = frame["count"] % 2 == 0
    frame.loc[2, "period_start"] = pd.NaT
    frame.loc[3, "value"] = np.nan
    frame.loc[4, "qualifier"] = None
    frame["route"] = frame["route"].cat.add_categories(["unused"])
    frame.loc[5, "route"] = None
    half = len(frame) // 2
    quotes = frame["quote"].tolist()
    quotes[6] = None
    chunked = frame.assign(
        quote=pd.array(pa.chunked_array([quotes[:half], quotes[half:]]), dtype="str")
    )
    assert isinstance(frame["route"].dtype, pd.CategoricalDtype)
    pos = np.array([len(frame) - 1, 0, 2, 3, 4, 5, 6, half, half - 1, 3])
    for table in (frame, chunked):
        got = row_records(table, pos)
        assert got == _cleaned(table.iloc[pos])
        assert [type(r["period_end"]) for r in got] == [pd.Timestamp] * len(pos)
        assert got[1]["count"] == 0 and type(got[1]["count"]) is int
        assert got[2]["period_start"] is None and got[3]["value"] is None
        assert got[4]["qualifier"] is None and got[5]["route"] is None
    assert row_records(chunked, pos)[6]["quote"] is None
    assert row_records(frame, np.array([], dtype=np.int64)) == []


def test_the_english_table_leads_each_scope_with_english_words() -> None:
    table = display_table(figure_records(observations(), sources(), "en"), EN)
    scopes = table["Scope"][table["Scope"] != ""]
    assert len(scopes)
    # Every scope reads first in English (its place), the source's words following in brackets.
    assert scopes.str.match(r"^[A-Za-z][^\u4e00-\u9fff]* \(.+\)$").all(), scopes.tolist()


def test_a_tables_rows_are_read_once_for_every_view_and_equal_the_plain_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = compact_observations(observations())
    index = table_index(frame, sources())
    everything = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH, index)
    plain = figure_records(frame, sources(), "zh")
    assert everything.records() == plain
    assert set(index.memo["cells"]) == set(everything.rows.tolist())
    # A caller's change to its records is its own: the next view reads the table's cells.
    everything.records()[0]["value"] = -1.0
    reported = (frame["basis"] == "reported").to_numpy()
    fewer = figure_view(frame, sources(), reported, EN, index)
    assert fewer.records() == figure_records(frame[reported], sources(), "en")
    assert everything.records() == plain
    rows = everything.rows
    kinds = [
        period_kind(
            frame["period_start"].iloc[p], frame["period_end"].iloc[p], frame["metric"].iloc[p]
        )
        for p in rows.tolist()
    ]
    assert everything.kinds(rows).tolist() == kinds
    assert fewer.kinds(rows[::-1]).tolist() == kinds[::-1]
    ends = pd.to_datetime(frame["period_end"]).iloc[rows].to_numpy(dtype="datetime64[ns]")
    assert (everything.ends(rows) == ends).all()
    for column, values in (("basis", ("reported",)), ("metric", ("teu", "train_runs"))):
        held = frame[column].astype(str).isin(values).iloc[rows].to_numpy()
        assert (index.holds(frame, column, values, rows) == held).all() and held.any()
    # Past its bound the memo starts again, and a view asking for more rows than it keeps reads
    # them straight: the records stay the same.
    monkeypatch.setattr(index_module, "CELL_MEMO_ROWS", 3)
    small = table_index(frame, sources())
    bounded = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH, small)
    assert bounded.records() == plain and "cells" not in small.memo
    for start in range(0, len(rows), 2):
        pair = rows[start : start + 2]
        assert bounded.records(pair) == [plain[k] for k in range(start, start + len(pair))]
        assert len(small.memo["cells"]) <= 3
