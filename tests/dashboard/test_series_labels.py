"""dashboard/series_labels.py: a figure's line by its series label, else by its scope."""

from __future__ import annotations

from dashboard.series_labels import figure_label
from etl.contract.series import load_series


def test_a_figure_in_a_series_reads_its_series_label_in_each_language() -> None:
    series = load_series()[0]
    assert figure_label("任何口径", series.key, "zh") == series.label_zh
    assert figure_label("任何口径", series.key, "en") == series.label_en


def test_chinese_names_a_figure_outside_every_series_by_its_scope_in_simplified() -> None:
    assert figure_label("重慶班列", "", "zh", metric="train_runs") == "重庆班列"


def test_english_names_a_figure_outside_every_series_by_metric_and_region() -> None:
    label = figure_label("重庆班列", "", "en", metric="train_runs", region="chongqing")
    assert label == "Train runs – Chongqing"
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in label)
