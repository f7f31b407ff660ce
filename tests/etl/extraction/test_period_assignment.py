"""Period assignment: which period dates each figure, and how (stated, carried, publication)."""

from __future__ import annotations

from datetime import date

import pytest
from extraction_support import PUB, D, both_scripts, one_figure

from etl.extraction.extract import extract_figures


def test_period_carries_to_following_sentences() -> None:
    text = "把时间轴拉长来看，累计运量截至2021年底已超27万标箱。其中与东盟国家之间的箱量9万标箱。"
    figures = extract_figures(text, date(2022, 4, 27))
    assert [(f.period_start, f.period_end) for f in figures] == [(None, date(2021, 12, 31))] * 2


def test_period_carries_into_the_next_paragraph() -> None:
    text = (
        "前三季度数据显示外贸向好。\n通道方面，中欧班列(重庆)产生的进出口额为330.3亿元，增长48.9%。"
    )
    f = one_figure(text, date(2019, 10, 21))
    assert (f.period_start, f.period_end) == (date(2019, 1, 1), date(2019, 9, 30))


def test_stated_start_then_cutoff() -> None:
    f = one_figure(
        "自2016年4月开行以来，截至2023年1月31日，班车共发车12161车次。", date(2023, 2, 10)
    )
    assert (f.period_start, f.period_end) == (date(2016, 4, 1), date(2023, 1, 31))
    assert f.scope.endswith("(累计)")


def test_cumulative_without_dates_ends_at_publication() -> None:
    f = one_figure("五年来，这一品牌的班列累计开行超2.6万列。", date(2026, 1, 25))
    assert (f.period_start, f.period_end) == (None, date(2026, 1, 25))


def test_this_year_cutoff_is_a_year_to_date_total() -> None:
    f = one_figure("截至7月20日，中欧班列(渝新欧)今年开行1600列。")
    assert (f.period_start, f.period_end) == (date(2024, 1, 1), date(2024, 7, 20))


def test_snapshot_ends_at_cutoff_or_publication() -> None:
    f = one_figure("截至2025年8月底，铁海联运班列承运的货物已有1316种。", date(2025, 9, 22))
    assert (f.period_start, f.period_end) == (None, date(2025, 8, 31))
    f = one_figure("如今，西部陆海新通道已通达全球523个港口。")
    assert (f.period_start, f.period_end) == (None, PUB)


def test_span_with_its_own_years() -> None:
    f = one_figure("2023年10月至今年7月，重庆海关为企业扣减运费2021.84万元。")
    assert (f.period_start, f.period_end) == (date(2023, 10, 1), date(2024, 7, 31))


def test_record_wording_does_not_replace_the_carried_period() -> None:
    text = "今年前7个月，班列开行816列。货值达50亿元，创2019年以来新高。"
    ends = [f.period_end for f in extract_figures(text, PUB)]
    assert ends == [date(2024, 7, 31), date(2024, 7, 31)]


def test_cutoff_dates_snapshots_only_in_its_paragraph() -> None:
    body = "截至2024年底，中老铁路累计发送货物超5000万吨。\n每标箱可节约成本约1200元。"
    figures = extract_figures(body, date(2025, 3, 10))
    assert [f.period_end for f in figures] == [date(2024, 12, 31), date(2025, 3, 10)]


def test_comparison_base_period_does_not_date_the_next_sentence() -> None:
    text = (
        "前三季度，云南外贸进出口额达到1500亿元，同比增长9%，增速较上半年提高2个百分点。"
        "同期，云南经中老铁路发送货物4.5万标箱。"
    )
    figures = extract_figures(text, date(2024, 10, 25))
    assert [f.period_end for f in figures] == [date(2024, 9, 30)] * 2


def test_same_period_refers_back_to_the_last_flow_figure() -> None:
    text = (
        "1—8月，友谊关口岸验放货车20万车次。截至目前，已有300家企业办理手续。"
        "同期，沿线省区市外贸进出口总值1.2万亿元，增长5%。"
    )
    figures = extract_figures(text, date(2024, 9, 20))
    assert [(f.period_start, f.period_end) for f in figures] == [
        (date(2024, 1, 1), date(2024, 8, 31))
    ] * 2


def test_last_year_same_period_is_a_base_not_a_period() -> None:
    f = one_figure("上半年，班列开行320列，比去年同期增加40列。", date(2024, 7, 10))
    assert (f.period_start, f.period_end) == (date(2024, 1, 1), date(2024, 6, 30))


def test_listed_periods_pair_with_figures_listed_after_respectively() -> None:
    text = "2023年和2024年，西部陆海新通道铁海联运班列分别开行9580列和11000列。"
    for variant in both_scripts(text):
        got = [(f.value, f.period_end) for f in extract_figures(variant, date(2025, 3, 1))]
        assert got == [(9580, date(2023, 12, 31)), (11000, date(2024, 12, 31))]
    text = "1月、2月，班列分别开行300列、280列。"
    got = [f.period_end for f in extract_figures(text, date(2025, 3, 10))]
    assert got == [date(2025, 1, 31), date(2025, 2, 28)]


# Reference time, by class: (text, publication date, [(metric, value, start, end, how)]).
# Written from the genre's grammar (invented places and numbers), not from any shipped article.
P, C, U = "stated", "carried", "publication"


REF_TIME: dict[str, list[tuple[str, date, list[tuple[str, float, date | None, date, str]]]]] = {
    "several years in one sentence": [
        (
            "某港班列2017年开行100列、2018年开行300列、2019年开行900列。",
            D(2020, 3, 1),
            [
                ("train_runs", 100, D(2017, 1, 1), D(2017, 12, 31), P),
                ("train_runs", 300, D(2018, 1, 1), D(2018, 12, 31), P),
                ("train_runs", 900, D(2019, 1, 1), D(2019, 12, 31), P),
            ],
        ),
        (
            "甲班列从2018年36列发展至2019年412列。",
            D(2020, 5, 6),
            [
                ("train_runs", 36, D(2018, 1, 1), D(2018, 12, 31), P),
                ("train_runs", 412, D(2019, 1, 1), D(2019, 12, 31), P),
            ],
        ),
        (
            "2021年至2023年，乙港集装箱吞吐量分别为120万、150万和181万标箱。",
            D(2024, 2, 1),
            [
                ("teu", 1200000, D(2021, 1, 1), D(2021, 12, 31), P),
                ("teu", 1500000, D(2022, 1, 1), D(2022, 12, 31), P),
                ("teu", 1810000, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "从2020年至2023年，丙港集装箱吞吐量从200万标箱增长到350万标箱。",
            D(2024, 4, 2),
            [
                ("teu", 2000000, D(2020, 1, 1), D(2020, 12, 31), P),
                ("teu", 3500000, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "丁市经通道的运量从2018年的2000标箱增至2022年的5万标箱，货值从3亿元增至60亿元。",
            D(2023, 3, 3),
            [
                ("teu", 2000, D(2018, 1, 1), D(2018, 12, 31), P),
                ("teu", 50000, D(2022, 1, 1), D(2022, 12, 31), P),
                ("cargo_value_cny", 3e8, D(2018, 1, 1), D(2018, 12, 31), P),
                ("cargo_value_cny", 6e9, D(2022, 1, 1), D(2022, 12, 31), P),
            ],
        ),
        (
            "某班列年开行量从2018年的120列，到2023年的5000列。",
            D(2024, 3, 1),
            [
                ("train_runs", 120, D(2018, 1, 1), D(2018, 12, 31), P),
                ("train_runs", 5000, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "2022年和2023年，戊班列分别开行800列和1200列。",
            D(2024, 1, 20),
            [
                ("train_runs", 800, D(2022, 1, 1), D(2022, 12, 31), P),
                ("train_runs", 1200, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
    ],
    "relative expressions": [
        (
            "上半年，己班列开行320列。",
            D(2023, 7, 12),
            [("train_runs", 320, D(2023, 1, 1), D(2023, 6, 30), P)],
        ),
        (
            "半年下来，庚班列开行210列。",
            D(2022, 7, 20),
            [("train_runs", 210, D(2022, 1, 1), D(2022, 6, 30), P)],
        ),
        (
            "今年以来，辛班列开行530列。",
            D(2024, 5, 9),
            [("train_runs", 530, D(2024, 1, 1), D(2024, 5, 9), P)],
        ),
        (
            "去年全年，壬班列开行1800列。",
            D(2024, 2, 2),
            [("train_runs", 1800, D(2023, 1, 1), D(2023, 12, 31), P)],
        ),
        (
            "前年，癸班列开行900列。",
            D(2024, 2, 2),
            [("train_runs", 900, D(2022, 1, 1), D(2022, 12, 31), P)],
        ),
        (
            "该线路2019年首发，当年开行66列，2020年开行150列。",
            D(2023, 6, 1),
            [
                ("train_runs", 66, D(2019, 1, 1), D(2019, 12, 31), P),
                ("train_runs", 150, D(2020, 1, 1), D(2020, 12, 31), P),
            ],
        ),
        (
            "一季度，某班列开行400列。同期，某公路班车发运2000车次。",
            D(2024, 4, 15),
            [
                ("train_runs", 400, D(2024, 1, 1), D(2024, 3, 31), P),
                ("vehicles", 2000, D(2024, 1, 1), D(2024, 3, 31), C),
            ],
        ),
        (
            "1—5月，某港发送集装箱6万标箱。其中，外贸箱2万标箱。",
            D(2024, 6, 10),
            [
                ("teu", 60000, D(2024, 1, 1), D(2024, 5, 31), P),
                ("teu", 20000, D(2024, 1, 1), D(2024, 5, 31), C),
            ],
        ),
        (
            "2024年，某班列完成5000列。",
            D(2024, 6, 15),
            [("train_runs", 5000, D(2024, 1, 1), D(2024, 6, 15), P)],
        ),
        (
            "今年以来某通道发展提速，仅100天就突破20万标箱。",
            D(2024, 5, 1),
            # Issue 18: a year-to-date count through the day it was reached.
            [("teu", 200000, D(2024, 1, 1), D(2024, 4, 9), P)],
        ),
    ],
    "a dated day": [
        (
            "2021年4月28日那天，某铁海联运班列累计开行突破1万列。",
            D(2022, 8, 31),
            [("train_runs", 10000, None, D(2021, 4, 28), P)],
        ),
        (
            "2023年12月29日，某班列年内突破8000列；12月31日，某港年集装箱吞吐量突破700万标箱。",
            D(2024, 1, 20),
            [
                # 年内 / 年吞吐量: counts within the year, through that day (issue 18).
                ("train_runs", 8000, D(2023, 1, 1), D(2023, 12, 29), P),
                ("teu", 7000000, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "3月8日，首趟冷链班列从某站发出。当天，该班列共装有300吨水果。",
            D(2024, 3, 12),
            [("cargo_tonnes", 300, None, D(2024, 3, 8), P)],
        ),
        (
            "某冷链班列于2月5日首发，共装有150吨水果。",
            D(2024, 2, 20),
            [("cargo_tonnes", 150, None, D(2024, 2, 5), P)],
        ),
        (
            "5月6日，记者从某集团获悉，该集团2023年集装箱吞吐量完成90万标箱。",
            D(2024, 5, 6),
            [("teu", 900000, D(2023, 1, 1), D(2023, 12, 31), P)],
        ),
    ],
    "state verbs are snapshots as of publication": [
        (
            "2023年某班列开行5000列，已通达120个国家和地区。",
            D(2024, 3, 3),
            [
                ("train_runs", 5000, D(2023, 1, 1), D(2023, 12, 31), P),
                ("countries_reached", 120, None, D(2024, 3, 3), U),
            ],
        ),
        (
            "2023年全年开行班列4000列。通道目的地已延伸至110个国家和地区的400个港口。",
            D(2024, 2, 1),
            [
                ("train_runs", 4000, D(2023, 1, 1), D(2023, 12, 31), P),
                ("countries_reached", 110, None, D(2024, 2, 1), U),
                ("ports_reached", 400, None, D(2024, 2, 1), U),
            ],
        ),
        (
            "截至2023年底，某通道通达90个国家。目前，通道已辐射100个国家和地区。",
            D(2024, 6, 1),
            [
                ("countries_reached", 90, None, D(2023, 12, 31), P),
                ("countries_reached", 100, None, D(2024, 6, 1), P),
            ],
        ),
        (
            "一季度，某通道的目的地已拓展至95个国家的250个港口。",
            D(2022, 4, 20),
            [
                ("countries_reached", 95, None, D(2022, 3, 31), P),
                ("ports_reached", 250, None, D(2022, 3, 31), P),
            ],
        ),
        (
            "货物品类由2018年的60种增加至目前的900多种。",
            D(2023, 5, 5),
            [
                ("cargo_categories", 60, None, D(2018, 12, 31), P),
                ("cargo_categories", 900, None, D(2023, 5, 5), P),
            ],
        ),
        (
            "2023年，某外贸进出口总值达500亿元；某通道通达100个国家和地区的300个港口。",
            D(2024, 3, 9),
            [
                ("trade_value_cny", 5e10, D(2023, 1, 1), D(2023, 12, 31), P),
                ("countries_reached", 100, None, D(2024, 3, 9), U),
                ("ports_reached", 300, None, D(2024, 3, 9), U),
            ],
        ),
        (
            "2025年，某市共发出铁海联运班列8列，货物运抵20多个国家。",
            D(2026, 1, 10),
            [
                ("train_runs", 8, D(2025, 1, 1), D(2025, 12, 31), P),
                ("countries_reached", 20, None, D(2025, 12, 31), P),
            ],
        ),
    ],
    "a cut-off governs its own sentence": [
        (
            "截至9月底，某班列累计开行3000列。某港全年集装箱吞吐量突破500万标箱。",
            D(2023, 10, 10),
            [
                ("train_runs", 3000, None, D(2023, 9, 30), P),
                ("teu", 5000000, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "截至9月底，某班列累计开行3000列。此外，某公路班车累计发运1.2万车次。",
            D(2023, 10, 10),
            [
                ("train_runs", 3000, None, D(2023, 9, 30), P),
                ("vehicles", 12000, None, D(2023, 9, 30), C),
            ],
        ),
        (
            "截至9月底，某班列累计开行3000列。某班列已通达100个国家。",
            D(2023, 10, 10),
            [
                ("train_runs", 3000, None, D(2023, 9, 30), P),
                ("countries_reached", 100, None, D(2023, 10, 10), U),
            ],
        ),
        (
            "截至9月底，某班列累计开行3000列。通道物流网络覆盖100个国家。",
            D(2023, 10, 10),
            [
                ("train_runs", 3000, None, D(2023, 9, 30), P),
                ("countries_reached", 100, None, D(2023, 9, 30), C),
            ],
        ),
        (
            "截至3月底，某班列自2018年开行以来累计开行2500列。",
            D(2022, 4, 20),
            [("train_runs", 2500, D(2018, 1, 1), D(2022, 3, 31), P)],
        ),
        (
            "自2018年5月开通至10月底，某市经通道累计运输货物8万标箱。",
            D(2021, 11, 20),
            [("teu", 80000, D(2018, 5, 1), D(2021, 10, 31), P)],
        ),
        (
            "截至今年上半年，某班列已累计开行突破3万列。",
            D(2022, 7, 20),
            [("train_runs", 30000, None, D(2022, 6, 30), P)],
        ),
        (
            "截至15日，2024年某公司承担的班列开行200列。",
            D(2024, 8, 15),
            [("train_runs", 200, D(2024, 1, 1), D(2024, 8, 15), P)],
        ),
        (
            "截至8月底，今年累计发运120列；自2019年班列开行以来，已累计发送600列。",
            D(2022, 9, 5),
            [
                ("train_runs", 120, D(2022, 1, 1), D(2022, 8, 31), P),
                ("train_runs", 600, D(2019, 1, 1), D(2022, 8, 31), P),
            ],
        ),
    ],
    "wording variants": [
        (
            "某班列物流网络辐射70个国家和地区。",
            D(2024, 1, 5),
            [("countries_reached", 70, None, D(2024, 1, 5), U)],
        ),
        (
            "某通道覆盖60个国家的180个港口。",
            D(2024, 1, 5),
            [
                ("countries_reached", 60, None, D(2024, 1, 5), U),
                ("ports_reached", 180, None, D(2024, 1, 5), U),
            ],
        ),
        (
            "某班列连通45个国家和地区。",
            D(2024, 1, 5),
            [("countries_reached", 45, None, D(2024, 1, 5), U)],
        ),
        (
            "2023年，某港集装箱吞吐量完成300万标箱，货物吞吐量完成2.5亿吨。",
            D(2024, 1, 5),
            [
                ("teu", 3000000, D(2023, 1, 1), D(2023, 12, 31), P),
                ("cargo_tonnes", 2.5e8, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
        (
            "某通道运输货品已扩展至900个品类。",
            D(2024, 1, 5),
            [("cargo_categories", 900, None, D(2024, 1, 5), U)],
        ),
        (
            "截至6月，某通道运输货物已发展至汽车配件等400多个品种。",
            D(2021, 7, 5),
            [("cargo_categories", 400, None, D(2021, 6, 30), P)],
        ),
        (
            "上半年，跨境公路运输50.5万辆次。",
            D(2023, 7, 20),
            [("vehicles", 505000, D(2023, 1, 1), D(2023, 6, 30), P)],
        ),
        (
            "2022年，某公司开行铁海联运班列100列，公路班车发运300班。",
            D(2023, 1, 20),
            [
                ("train_runs", 100, D(2022, 1, 1), D(2022, 12, 31), P),
                ("vehicles", 300, D(2022, 1, 1), D(2022, 12, 31), P),
            ],
        ),
    ],
    "a forecast beside a figure": [
        (
            "今年1-8月开行1000列，全年有望突破1600列。",
            D(2022, 9, 1),
            [("train_runs", 1000, D(2022, 1, 1), D(2022, 8, 31), P)],
        ),
        (
            "2023年某港完成集装箱吞吐量400万标箱，预计今年将突破450万标箱。",
            D(2024, 2, 1),
            [("teu", 4000000, D(2023, 1, 1), D(2023, 12, 31), P)],
        ),
    ],
    "a figure restated later is reported once": [
        (
            "2023年，某港集装箱吞吐量完成800万标箱。某港从2020年首次超500万标箱，到2023年完成800万标箱。",
            D(2024, 1, 3),
            [
                ("teu", 8000000, D(2023, 1, 1), D(2023, 12, 31), P),
                ("teu", 5000000, D(2020, 1, 1), D(2020, 12, 31), P),
            ],
        ),
        (
            "2023年，甲班列开行100列，乙班列开行100列。",
            D(2024, 1, 3),
            [
                ("train_runs", 100, D(2023, 1, 1), D(2023, 12, 31), P),
                ("train_runs", 100, D(2023, 1, 1), D(2023, 12, 31), P),
            ],
        ),
    ],
    "publication when nothing states a time": [
        (
            "某班列累计开行2万列。",
            D(2024, 1, 5),
            [("train_runs", 20000, None, D(2024, 1, 5), U)],
        ),
    ],
}


def _ref_cases() -> list[tuple[str, str, date, list[tuple[str, float, date | None, date, str]]]]:
    return [(cls, text, pub, exp) for cls, cases in REF_TIME.items() for text, pub, exp in cases]


@pytest.mark.parametrize(("cls", "text", "pub", "expected"), _ref_cases())
def test_reference_time_by_class(
    cls: str, text: str, pub: date, expected: list[tuple[str, float, date | None, date, str]]
) -> None:
    got = [
        (f.metric, round(f.value, 2), f.period_start, f.period_end, f.how)
        for f in extract_figures(text, pub)
    ]
    assert got == expected, cls
