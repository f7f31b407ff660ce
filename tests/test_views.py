"""Display frames: deduplicated figures, headline cards, the reader's table."""

from __future__ import annotations

import numpy as np
import pandas as pd
from dashboard_data import OLDER, SEED, observations, sources

from dashboard.filters import Filters, apply_filters, filter_mask
from dashboard.views import (
    display_table,
    figure_records,
    figure_view,
    kpi_candidates,
    kpi_cards,
    metric_dictionary,
)
from etl.cache import compact_observations


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
    cards = {c.metric: c for c in kpi_cards(figure_records(observations(), sources()), "zh")}
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
    cards = {c.metric: c for c in kpi_cards(figure_records(both, sources()), "en")}
    assert cards["ports_reached"].value == "523 ports"


def test_kpi_cards_follow_the_filters() -> None:
    only_derived = apply_filters(observations(), Filters(bases=("derived",)))
    cards = {c.metric: c for c in kpi_cards(figure_records(only_derived, sources()), "zh")}
    assert cards["train_runs"].value == "692.7列" or cards["train_runs"].value == "693列"
    assert "推算值" in cards["train_runs"].note


def test_display_table_has_quote_source_link_and_also_reported_by() -> None:
    table = display_table(figure_records(observations(), sources()), "en")
    assert {"Quote", "Source", "Link", "Also reported by"} <= set(table.columns)
    assert table["Also reported by"].str.contains("经济日报").any()
    assert table["Link"].dropna().str.startswith("http").all()


def test_metric_dictionary_lists_every_metric_in_both_languages() -> None:
    zh = metric_dictionary("zh")
    assert "班列开行" in set(zh["中文名称"])
    assert "Train runs" in set(metric_dictionary("en")["English label"])


def test_the_view_gives_the_records_figure_records_gives_without_copying_the_frame() -> None:
    doubled = pd.concat([observations(), observations().assign(source_id=OLDER)])
    for frame in (observations(), compact_observations(doubled)):
        for lang in ("zh", "en"):
            view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), lang)
            assert view.frame is frame
            assert view.records() == figure_records(frame, sources(), lang)
            expected = kpi_cards(figure_records(frame, sources(), lang), lang)
            assert kpi_cards(kpi_candidates(view), lang) == expected


def test_a_filtered_view_keeps_only_the_filtered_figures() -> None:
    frame = observations()
    keep = filter_mask(frame, Filters(metrics=("teu",)))
    view = figure_view(frame, sources(), keep, "zh")
    assert view.records() == figure_records(
        apply_filters(frame, Filters(metrics=("teu",))), sources()
    )
