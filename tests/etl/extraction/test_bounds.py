"""How a figure's number is stated: each qualifier cue, read where it governs the number."""

from __future__ import annotations

from datetime import date

import opencc
import pytest

from etl.extraction.bounds import read_bound
from etl.extraction.extract import extract_figures

PUB = date(2025, 12, 31)
_S2T = opencc.OpenCC("s2t")

# (sentence, metric, value, qualifier): the cue right before, inside or right after the number.
STATED = [
    ("2025年，西部陆海新通道铁海联运班列开行超万列。", "train_runs", 10000, "over"),
    ("2024年，西部陆海新通道铁海联运班列开行突破1万列。", "train_runs", 10000, "over"),
    ("2024年，西部陆海新通道铁海联运班列开行达1万列。", "train_runs", 10000, ""),
    ("2023年，西部陆海新通道铁海联运班列开行超过9000列。", "train_runs", 9000, "over"),
    ("2023年，西部陆海新通道铁海联运班列开行9000多列。", "train_runs", 9000, "over"),
    ("2023年，西部陆海新通道铁海联运班列发送货物逾80万标箱。", "teu", 800000, "over"),
    ("2023年，西部陆海新通道铁海联运班列发送货物1万标箱以上。", "teu", 10000, "over"),
    ("目前，西部陆海新通道运输货物品类达1100余种。", "cargo_categories", 1100, "over"),
    ("2023年，西部陆海新通道铁海联运班列开行不到3000列。", "train_runs", 3000, "under"),
    ("2017年，西部陆海新通道铁海联运班列开行不足200列。", "train_runs", 200, "under"),
    ("2023年，重庆经西部陆海新通道运输货物约5万标箱。", "teu", 50000, "about"),
    ("2023年，重庆经西部陆海新通道运输货物大约5万标箱。", "teu", 50000, "about"),
    ("2023年，重庆经西部陆海新通道运输货物5万标箱左右。", "teu", 50000, "about"),
    ("2023年，重庆经西部陆海新通道运输货物5万标箱上下。", "teu", 50000, "about"),
    ("2021年，重庆经西部陆海新通道运输货物货值近4.5亿元。", "cargo_value_cny", 4.5e8, "nearly"),
    ("2023年，西部陆海新通道铁海联运班列发送货物接近15万标箱。", "teu", 150000, "nearly"),
    ("2023年，西部陆海新通道铁海联运班列发送货物将近15万标箱。", "teu", 150000, "nearly"),
    ("2023年，西部陆海新通道铁海联运班列发送货物高达15万标箱。", "teu", 150000, ""),
    ("2023年，西部陆海新通道铁海联运班列发送货物约为15万标箱。", "teu", 150000, "about"),
    ("2023年，西部陆海新通道铁海联运班列开行量突破了9000列。", "train_runs", 9000, "over"),
]


@pytest.mark.parametrize(("text", "metric", "value", "qualifier"), STATED)
def test_figure_carries_the_qualifier_its_cue_states(
    text: str, metric: str, value: float, qualifier: str
) -> None:
    for script in (text, _S2T.convert(text)):
        figures = extract_figures(script, PUB)
        assert [(f.metric, f.value, f.qualifier) for f in figures] == [
            (metric, value, qualifier)
        ], script


def test_saving_verb_jieyue_is_not_about() -> None:
    text = "重庆海关试点铁海联运，为企业每标箱节约1700元运输成本。"
    for script in (text, _S2T.convert(text)):
        figures = extract_figures(script, PUB)
        assert [(f.metric, f.qualifier) for f in figures] == [("cost_saving_per_teu_cny", "")]


def test_each_number_of_a_pair_keeps_its_own_qualifier() -> None:
    text = "西部陆海新通道铁海联运班列年度开行量从2019年的900多列增至2024年的超万列。"
    for script in (text, _S2T.convert(text)):
        figures = extract_figures(script, date(2025, 1, 21))
        assert [(f.value, f.qualifier) for f in figures] == [(900, "over"), (10000, "over")]


def test_exact_figure_after_a_passed_threshold_is_exact() -> None:
    text = "截至29日，西部陆海新通道班列累计发送集装箱突破500万标箱，达500.3万标箱。"
    figures = extract_figures(text, date(2025, 11, 30))
    assert [(f.value, f.qualifier) for f in figures] == [(5003000, "")]


@pytest.mark.parametrize(
    ("before", "quantity", "after", "qualifier"),
    [
        ("开行", "万", "", ""),
        ("开行超", "万", "", "over"),
        ("惠及上", "万", "家企业", "over"),
        ("每标箱节约", "1700", "元", ""),
        ("最近", "3", "天", ""),
        ("开行", "3000", "，", ""),
        ("运输", "5万", "上下游企业", ""),
        ("运输", "5万", "以下", "under"),
        ("未满", "1", "天", "under"),
    ],
)
def test_read_bound_table(before: str, quantity: str, after: str, qualifier: str) -> None:
    assert read_bound(before, quantity, after) == qualifier
