"""dashboard/series_labels.py: a figure's line by its series label, else by its scope."""

from __future__ import annotations

from dashboard.series_labels import figure_label, scope_text
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


def test_a_scope_cell_is_simplified_in_chinese_and_led_by_english_words_in_english() -> None:
    assert (
        scope_text("重慶經陸海新通道(累計)", "zh", region="chongqing") == "重庆经陆海新通道(累计)"
    )
    citrus = scope_text("重庆农产品(其中柑橘)", "en", region="chongqing")
    assert citrus == "Chongqing · of which citrus (重庆农产品(其中柑橘))"
    # A scope that narrows nothing reads as its place; the source's words follow as its name.
    assert scope_text("重庆海关", "en", region="chongqing") == "Chongqing (重庆海关)"
    assert scope_text("", "en", region="chongqing") == ""
    assert scope_text("某口径", "en", region="") == "某口径"
