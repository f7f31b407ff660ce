"""Reading whole sentences into figures: metric, value, period, scope and rate together."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from extraction_support import D, both_scripts, one_figure, rows

from etl.extraction.extract import extract_figures

GRAMMAR = [
    (
        "今年前7个月，我们监管西部陆海新通道班列开行816列、发送1.5万标箱，同比分别增长17.8%、40.7%。",
        [("train_runs", 816, 17.8), ("teu", 15000, 40.7)],
    ),
    (
        "1—3月，广西经西部陆海新通道铁海联运班列发送货物18.6万标箱，同比增长12.1%。",
        [("teu", 186000, 12.1)],
    ),
    (
        "截至2024年底，通道已通达全球124个国家和地区的523个港口。",
        [("countries_reached", 124, None), ("ports_reached", 523, None)],
    ),
    ("开出的中欧班列(重庆)已超过3000班。", [("train_runs", 3000, None)]),
    (
        "2024年，中欧班列（重庆）开行2000列，同比下降10%，标箱数量12万个。",
        [("train_runs", 2000, -10.0), ("teu", 120000, None)],
    ),
    (
        "一季度，西部陆海新通道铁海联运班列运输集装箱19.5万TEU，同比增长8.2%。",
        [("teu", 195000, 8.2)],
    ),
    (
        "前三季度重庆外贸进出口总值达到4138.2亿元人民币，增长12.3%，而同期全国整体增幅为2.8%。",
        [("trade_value_cny", 413820000000, 12.3)],
    ),
    (
        "其中，重庆对东盟的贸易总值增长46.1%，规模为788.1亿元。",
        [("trade_value_cny", 78810000000, 46.1)],
    ),
    (
        "重庆企业经国际铁路联运实现进出口6.8亿元，增长5.1倍；经东盟公路班车实现30.5亿元，增长70.4%。",
        [("trade_value_cny", 680000000, 510.0), ("trade_value_cny", 3050000000, 70.4)],
    ),
    (
        "今年前7个月，重庆出口农产品8.8亿元，同比增长46.4%。",
        [("agri_export_value_cny", 880000000, 46.4)],
    ),
    (
        "去年前11月，重庆农产品出口额达14.5亿元，同比增长39.4%。柑橘是其中最抢眼的品类：柑橘出口额同比增长176%，达1.58亿元。",
        [("agri_export_value_cny", 1450000000, 39.4), ("agri_export_value_cny", 158000000, 176.0)],
    ),
    (
        "截至今年7月底，重庆海关累计为企业扣减境内段铁路运费2021.84万元，惠及企业99家。",
        [("freight_deduction_cny", 20218400, None), ("beneficiary_firms", 99, None)],
    ),
    (
        "目的地已扩展到全球76个国家和地区的180个港口。",
        [("countries_reached", 76, None), ("ports_reached", 180, None)],
    ),
    ("运输货物品类也从80余种增加至1100余种，涵盖数十个大类。", [("cargo_categories", 1100, None)]),
    ("货源扩展至整车及零部件、医药等2万余种商品。", [("cargo_categories", 20000, None)]),
    (
        "1—9月累计开行2595车次，所载货物总重约4.84万吨，货值合计约15.6亿元，三项指标分别同比增长约37%，48%，66%。",
        [
            ("vehicles", 2595, 37.0),
            ("cargo_tonnes", 48400, 48.0),
            ("cargo_value_cny", 1560000000, 66.0),
        ],
    ),
    (
        "1月份开行488车次，同比上升838%；承运货物的总重同比上升986%，约9795吨；货物总值约17429万元，同比上升384%。",
        [
            ("vehicles", 488, 838.0),
            ("cargo_tonnes", 9795, 986.0),
            ("cargo_value_cny", 174290000, 384.0),
        ],
    ),
    (
        "整个旅程比之前的传统运输快了20天，并为企业每标箱节约1700多元的中转查验掏装箱成本。",
        [("days_saved", 20, None), ("cost_saving_per_teu_cny", 1700, None)],
    ),
    ("新通道将出海时间压缩最高达25天。", [("days_saved", 25, None)]),
    ("与过去走江海联运相比节省20天交付周期。", [("days_saved", 20, None)]),
    ("累计运输的汽车整车、电子信息等货品，货值超万亿元。", [("cargo_value_cny", 1e12, None)]),
    (
        "2023年共开行超5300列，运送箱量超43万标箱。",
        [("train_runs", 5300, None), ("teu", 430000, None)],
    ),
    (
        "今年一季度，中老铁路累计发送货物120.3万吨，同比增长27.3%。",
        [("cargo_tonnes", 1203000, 27.3)],
    ),
    (
        "2022年，重庆外贸进出口总值达8158.4亿元，比上年增长2%。",
        [("trade_value_cny", 815840000000, 2.0)],
    ),
    (
        "据统计，前三季度，中老铁路国际货物列车发送货物320万吨，同比增长超三成。",
        [("cargo_tonnes", 3200000, 30.0)],
    ),
    (
        "一季度，重庆跨境公路班车发车1025车次，同比增长25%，货值达5.6亿元，增幅近50%。",
        [("vehicles", 1025, 25.0), ("cargo_value_cny", 560000000, 50.0)],
    ),
    ("通道货物品类由起初的50多种扩展到目前的1200多种。", [("cargo_categories", 1200, None)]),
    (
        "班列集装箱发送量2017年仅3382标箱，2024年已达96万标箱。",
        [("teu", 3382, None), ("teu", 960000, None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), GRAMMAR)
def test_grammar_in_simplified_and_traditional(text: str, expected: list[tuple]) -> None:
    for variant in both_scripts(text):
        assert rows(variant) == [(m, float(v), y) for m, v, y in expected], variant


def test_quote_keeps_original_characters() -> None:
    text = "重慶跨境公路班車今年前三個季度累計開行2595車次。"
    f = one_figure(text, date(2021, 10, 20))
    assert f.quote == text
    assert f.scope == "重慶跨境公路班車"


MORE = [
    (
        "上半年，西部陆海新通道铁海联运班列发送货物43.1万标箱，同比增长9.2%，其中6月份发送8.2万标箱。",
        [("teu", 431000, 9.2), ("teu", 82000, None)],
    ),
    (
        "今年1—6月，中欧班列（成渝）开行超2800列，发送箱量约23万标箱，货值较去年同期提高约15%。",
        [("train_runs", 2800, None), ("teu", 230000, None)],
    ),
    (
        "截至6月底，西部陆海新通道班列累计开行3.1万列，其中今年开行4500列。",
        [("train_runs", 31000, None), ("train_runs", 4500, None)],
    ),
    (
        "上半年，重庆海关共为23家企业扣减运费352万元。",
        [("beneficiary_firms", 23, None), ("freight_deduction_cny", 3520000, None)],
    ),
    ("出口农产品货值6.2亿元，同比增长12.6%。", [("agri_export_value_cny", 620000000, 12.6)]),
    (
        "新通道比经东部沿海港口出海节省时间10天左右，每标箱综合物流成本节约600元至800元。",
        [("days_saved", 10, None), ("cost_saving_per_teu_cny", 600, None)],
    ),
    ("这条线路运输时间约为7天，比传统海运缩短约20天。", [("days_saved", 20, None)]),
    (
        "上半年，重庆外贸进出口总值3430亿元，同比下降13.7%；同期，重庆对东盟进出口增长12.4%，达到589亿元。",
        [("trade_value_cny", 343000000000, -13.7), ("trade_value_cny", 58900000000, 12.4)],
    ),
    ("2019年，重庆开行中欧班列1500班，同比增长2成。", [("train_runs", 1500, 20.0)]),
    ("2月份，重庆跨境公路班车发车320车次，同比增长1.2倍。", [("vehicles", 320, 120.0)]),
    ("该车全程1400余公里，运行时间约3天，可装载30吨货物。", []),
    ("上半年，全市进出口总值同比下降13.7%，比全国平均水平低16.8个百分点。", []),
    ("其中，进口额为12.3亿元，出口额为30.4亿元。", []),
]


@pytest.mark.parametrize(("text", "expected"), MORE)
def test_more_genre_sentences(text: str, expected: list[tuple[str, float, float | None]]) -> None:
    for variant in both_scripts(text):
        assert rows(variant, date(2023, 7, 20)) == [(m, float(v), y) for m, v, y in expected]


def _stated(text: str, pub: date) -> list[tuple[str, float, str, date | None, date, float | None]]:
    return [
        (f.metric, f.value, f.qualifier, f.period_start, f.period_end, f.yoy_pct)
        for f in extract_figures(text, pub)
    ]


# Issue 18: every figure as its source states it (qualifier, period kind, its own growth rate).
AS_STATED = [
    (
        # 同期 refers to the statement's topic period (the quarter), not the month inside it.
        "一季度，钦州港东站完成海铁联运集装箱发送量23.5万标箱，同比增长20.3%；"
        "3月单月完成9.1万标箱，环比增长35%。同期，钦州港完成货物吞吐量4120万吨，同比下降1.5%。",
        D(2025, 4, 15),
        [
            ("teu", 235000, "", D(2025, 1, 1), D(2025, 3, 31), 20.3),
            ("teu", 91000, "", D(2025, 3, 1), D(2025, 3, 31), None),
            ("cargo_tonnes", 41200000, "", D(2025, 1, 1), D(2025, 3, 31), -1.5),
        ],
    ),
]


AS_STATED += [
    (
        # 今年第N列 on a told day: this year's count through that day.
        "12月30日，北部湾港第100条集装箱航线首航。当天，西部陆海新通道今年第10218列铁海联运班列发车。",
        D(2025, 12, 30),
        [("train_runs", 10218, "", D(2025, 1, 1), D(2025, 12, 30), None)],
    ),
    (
        # A year named after the day: the year so far to the 30th, never stretched to the 31st.
        "12月30日，北部湾港迎来里程碑：2025年西部陆海新通道铁海联运班列累计开行超万列。",
        D(2025, 12, 31),
        [("train_runs", 10000, "over", D(2025, 1, 1), D(2025, 12, 30), None)],
    ),
    (
        "截至12月30日，今年西部陆海新通道铁海联运班列开行量达到1万列，同比增长5.1%。",
        D(2024, 12, 31),
        [("train_runs", 10000, "", D(2024, 1, 1), D(2024, 12, 30), 5.1)],
    ),
    (
        # 这标志着 refers to the day just told.
        "6月14日上午，一列海铁联运班列从钦州铁路集装箱中心站发出。"
        "这标志着2024年西部陆海新通道海铁联运班列完成5000列，同比增长20.8%。",
        D(2024, 6, 15),
        [("train_runs", 5000, "", D(2024, 1, 1), D(2024, 6, 14), 20.8)],
    ),
    (
        # A span of years with 累计: the whole span, not its last year.
        "南宁铁路部门2017年至2021年累计为新通道项目减免运费近4.5亿元。",
        D(2022, 7, 15),
        [("freight_deduction_cny", 4.5e8, "nearly", D(2017, 1, 1), D(2021, 12, 31), None)],
    ),
    (
        # A running count reached in a year is no year figure; a year's own 累计 is.
        "2022年，通道新增17市29个站点，西部陆海新通道海铁联运班列累计开行量突破2万列。",
        D(2022, 10, 24),
        [("train_runs", 20000, "over", None, D(2022, 10, 24), None)],
    ),
    (
        "据悉，2022年，中老铁路国际货物列车累计开行3100多列。",
        D(2023, 1, 8),
        [("train_runs", 3100, "over", D(2022, 1, 1), D(2022, 12, 31), None)],
    ),
    (
        # 今年截至: this year's running total, 累计 and all.
        "今年截至3月31日，班列到发合计700列，同比增长54%；集装箱累计到发3.5177万标箱，同比增长58%。",
        D(2020, 4, 10),
        [
            ("train_runs", 700, "", D(2020, 1, 1), D(2020, 3, 31), 54.0),
            ("teu", 35177, "", D(2020, 1, 1), D(2020, 3, 31), 58.0),
        ],
    ),
    (
        # A since-total from a stated day to a cut-off.
        "从2017年4月28日测试开行“渝桂新”海铁联运班列，到2021年4月28日累计完成10000列。",
        D(2022, 8, 31),
        [("train_runs", 10000, "", D(2017, 4, 1), D(2021, 4, 28), None)],
    ),
    (
        # Each number of a dated pair keeps its own year; a multiple over years is no yoy.
        "西部陆海新通道铁海联运班列开行量从2019年的900多列增至2024年的超万列，增长了10倍。",
        D(2025, 1, 21),
        [
            ("train_runs", 900, "over", D(2019, 1, 1), D(2019, 12, 31), None),
            ("train_runs", 10000, "over", D(2024, 1, 1), D(2024, 12, 31), None),
        ],
    ),
    (
        "从2019年的9.4万标箱增至2023年的86.1万标箱，增长了8倍。",
        D(2024, 6, 1),
        [
            ("teu", 94000, "", D(2019, 1, 1), D(2019, 12, 31), None),
            ("teu", 861000, "", D(2023, 1, 1), D(2023, 12, 31), None),
        ],
    ),
    (
        # A multiple of ten or more with no year-on-year wording is no yoy.
        "截至12月28日，西部陆海新通道海铁联运班列年内突破6000列，增长近33倍。",
        D(2021, 12, 31),
        [("train_runs", 6000, "over", D(2021, 1, 1), D(2021, 12, 28), None)],
    ),
    (
        # 两项指标…分别: each rate to its own quantity, in order.
        "2019年至2021年，北部湾港货物吞吐量分别为25568万、29567万和35822万吨，集装箱吞吐量分别为"
        "382万、505万和601万标箱，其中2021年两项指标同比分别增长21%和19%。",
        D(2022, 2, 25),
        [
            ("cargo_tonnes", 255680000, "", D(2019, 1, 1), D(2019, 12, 31), None),
            ("cargo_tonnes", 295670000, "", D(2020, 1, 1), D(2020, 12, 31), None),
            ("cargo_tonnes", 358220000, "", D(2021, 1, 1), D(2021, 12, 31), 21.0),
            ("teu", 3820000, "", D(2019, 1, 1), D(2019, 12, 31), None),
            ("teu", 5050000, "", D(2020, 1, 1), D(2020, 12, 31), None),
            ("teu", 6010000, "", D(2021, 1, 1), D(2021, 12, 31), 19.0),
        ],
    ),
    (
        # A rate of a quantity with no figure stays in its statement.
        "今年以来，广西白糖经通道发运量增长44%；经北部湾港国际联运的越南进出口货物超3000标箱，"
        "同比增长69%。",
        D(2024, 3, 19),
        [("teu", 3000, "over", D(2024, 1, 1), D(2024, 3, 19), 69.0)],
    ),
]


AS_STATED += [
    (
        # N年来 after the month just told: the running total counts from that month.
        "2019年8月，《西部陆海新通道总体规划》颁布实施。5年来，西部陆海新通道铁海联运班列累计运输货物超310万标箱。",
        D(2024, 8, 3),
        [("teu", 3100000, "over", D(2019, 8, 1), D(2024, 8, 3), None)],
    ),
    (
        # Without the month the start is not stated.
        "《西部陆海新通道总体规划》颁布实施5年来，西部陆海新通道铁海联运班列累计运输货物超310万标箱。",
        D(2024, 8, 3),
        [("teu", 3100000, "over", None, D(2024, 8, 3), None)],
    ),
    (
        # 其中 after a year-to-date total shares its period.
        "今年截至3月31日，班列到发合计700列，同比增长54%。其中，区外班列小计651列，同比增长43%。",
        D(2020, 4, 10),
        [
            ("train_runs", 700, "", D(2020, 1, 1), D(2020, 3, 31), 54.0),
            ("train_runs", 651, "", D(2020, 1, 1), D(2020, 3, 31), 43.0),
        ],
    ),
    (
        # A milestone day inside the month in force: the running total to that day.
        "今年1月，西部陆海新通道铁海联运班列累计运输货物10.4万标箱，同比增长30.9%。"
        "其中，1月29日突破10万标箱，较去年提前15天。",
        D(2025, 2, 5),
        [
            ("teu", 104000, "", D(2025, 1, 1), D(2025, 1, 31), 30.9),
            ("teu", 100000, "over", D(2025, 1, 1), D(2025, 1, 29), None),
        ],
    ),
]


@pytest.mark.parametrize(("text", "pub", "expected"), AS_STATED)
def test_figures_as_stated_in_both_scripts(text: str, pub: date, expected: list[tuple]) -> None:
    for script in both_scripts(text):
        assert _stated(script, pub) == expected, script


JIUQUAN = "西部陆海新通道铁海联运(酒泉)"


# Parts, pointers and days, read the same way wherever they occur (issue 19, item 4):
# (text, published, [(metric, value, scope, period_start, period_end)]).
PARTS_POINTERS_DAYS = [
    (
        "2021年,重庆经西部陆海新通道共运输11.2万标箱,同比增长54%;其中市内6.4万标箱,市外4.8万标箱。",
        D(2022, 2, 1),
        [
            ("teu", 112000.0, "重庆经西部陆海新通道", D(2021, 1, 1), D(2021, 12, 31)),
            ("teu", 64000.0, "重庆经西部陆海新通道(其中市内)", D(2021, 1, 1), D(2021, 12, 31)),
            ("teu", 48000.0, "重庆经西部陆海新通道(其中市外)", D(2021, 1, 1), D(2021, 12, 31)),
        ],
    ),
    (
        "中老铁路全线累计开行货物列车6.3万列,运送货物突破7100万吨,其中跨境货物1600万吨;"
        "货物辐射19个国家和地区。",
        D(2025, 11, 29),
        [
            ("train_runs", 63000.0, "中老铁路全线(累计)", None, D(2025, 11, 29)),
            ("cargo_tonnes", 71000000.0, "中老铁路全线(累计)", None, D(2025, 11, 29)),
            ("cargo_tonnes", 16000000.0, "中老铁路全线(其中跨境)(累计)", None, D(2025, 11, 29)),
            ("countries_reached", 19.0, "中老铁路全线", None, D(2025, 11, 29)),
        ],
    ),
    (
        "截至8月30日,云南西部陆海新通道班列今年累计发运197列;"
        "这条班列自2018年5月开行以来,共发送504列。",
        D(2021, 9, 7),
        [
            ("train_runs", 197.0, "云南西部陆海新通道班列", D(2021, 1, 1), D(2021, 8, 30)),
            ("train_runs", 504.0, "云南西部陆海新通道班列(累计)", D(2018, 5, 1), D(2021, 8, 30)),
        ],
    ),
    (
        "“渝桂新”班列2017年4月28日首次开行(测试),当年完成178列;2021年4月28日累计达到1万列。",
        D(2022, 8, 31),
        [
            ("train_runs", 178.0, "渝桂新班列", D(2017, 1, 1), D(2017, 12, 31)),
            ("train_runs", 10000.0, "渝桂新班列(累计)", None, D(2021, 4, 28)),
        ],
    ),
    (
        "据新华社报道(南宁5月11日电),5月11日,一列班列从钦州开往重庆。"
        "报道称,这标志着今年西部陆海新通道铁海联运班列运输货物已突破30万标箱,同比增幅14%。",
        D(2023, 5, 12),
        [("teu", 300000.0, "西部陆海新通道铁海联运班列", D(2023, 1, 1), D(2023, 5, 11))],
    ),
    (
        "今年西部陆海新通道北部湾港海铁联运班列的第2000列于3月17日由钦州发往四川。",
        D(2024, 3, 19),
        [
            (
                "train_runs",
                2000.0,
                "西部陆海新通道北部湾港海铁联运班列的第",
                D(2024, 1, 1),
                D(2024, 3, 17),
            )
        ],
    ),
    (
        "人民日报报道(南宁6月14日电):当天上午,一列班列从钦州开往重庆,"
        "至此今年西部陆海新通道海铁联运班列已完成5000列。",
        D(2024, 6, 15),
        [("train_runs", 5000.0, "西部陆海新通道海铁联运班列", D(2024, 1, 1), D(2024, 6, 14))],
    ),
    (
        "12月28日钦州港区的一次吊装标志着广西北部湾港2020年集装箱吞吐量突破500万标箱。",
        D(2020, 12, 28),
        [("teu", 5000000.0, "广西北部湾港", D(2020, 1, 1), D(2020, 12, 28))],
    ),
    (
        "按成渝两地发出的线路计,西部陆海新通道的物流网络已覆盖118个国家和地区。",
        D(2022, 12, 30),
        [
            (
                "countries_reached",
                118.0,
                "西部陆海新通道的物流网络(成渝两地发出的线路)",
                None,
                D(2022, 12, 30),
            )
        ],
    ),
    (
        "今年前三季度,西部陆海新通道班列开行4183列。中国至越南的跨境货运前三季度为85.2万吨。",
        D(2021, 10, 15),
        [
            ("train_runs", 4183.0, "西部陆海新通道班列", D(2021, 1, 1), D(2021, 9, 30)),
            ("cargo_tonnes", 852000.0, "中国至越南的跨境货运", D(2021, 1, 1), D(2021, 9, 30)),
        ],
    ),
    (
        "栏目援引重庆市政府口岸物流办1月16日发布的数据:西部陆海新通道目前可达全球127个国家及地区。",
        D(2025, 1, 21),
        [("countries_reached", 127.0, "西部陆海新通道", None, D(2025, 1, 16))],
    ),
    (
        "海关总署近日公布:2024年西部地区进出口总值首次超过4万亿元,占全国的9.2%。",
        D(2025, 10, 17),
        [("trade_value_cny", 4e12, "西部地区", D(2024, 1, 1), D(2024, 12, 31))],
    ),
    (
        "转载页未注明原刊媒体,数据来自北部湾港集团。该集团2022年的集装箱吞吐量为702.08万标箱。",
        D(2023, 1, 3),
        [("teu", 7020800.0, "北部湾港集团", D(2022, 1, 1), D(2022, 12, 31))],
    ),
    (
        "据重庆市口岸物流办消息,今年1—2月,西部陆海新通道3种主要运输组织方式共运送3.76万标箱。",
        D(2025, 3, 10),
        [
            (
                "teu",
                37600.0,
                "西部陆海新通道(重庆市口岸物流办)",
                D(2025, 1, 1),
                D(2025, 2, 28),
            )
        ],
    ),
    (
        "据重庆海关统计,今年上半年,沿线省区市经西部陆海新通道进出口3500亿元。",
        D(2023, 7, 31),
        [
            (
                "trade_value_cny",
                3.5e11,
                "沿线省区市经西部陆海新通道",
                D(2023, 1, 1),
                D(2023, 6, 30),
            )
        ],
    ),
    (
        "一趟班列从甘肃酒泉出发,经西部陆海新通道铁海联运运往意大利。"
        "2025年,酒泉共发出铁海联运班列6列,货重2078吨,目的地包括荷兰和意大利等10多个国家。",
        D(2026, 1, 13),
        [
            ("train_runs", 6.0, JIUQUAN, D(2025, 1, 1), D(2025, 12, 31)),
            ("cargo_tonnes", 2078.0, f"{JIUQUAN}(货重)", D(2025, 1, 1), D(2025, 12, 31)),
            ("countries_reached", 10.0, JIUQUAN, None, D(2025, 12, 31)),
        ],
    ),
]


@pytest.mark.parametrize(("text", "pub", "expected"), PARTS_POINTERS_DAYS)
def test_parts_pointers_and_days_keep_their_scope_and_period(
    text: str, pub: date, expected: list[tuple]
) -> None:
    got = [
        (f.metric, f.value, f.scope, f.period_start, f.period_end)
        for f in extract_figures(text, pub)
    ]
    assert got == expected


def test_an_over_long_sentence_is_read_in_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.extraction import extract
    from etl.extraction.sentences import MAX_SENTENCE_CHARS

    read: list[str] = []
    reader = extract._read_sentence

    def recording(*args: Any) -> None:
        read.append(args[3])
        reader(*args)

    monkeypatch.setattr(extract, "_read_sentence", recording)
    body = "2024年，" + "重庆经西部陆海新通道班列开行100列，" * 300 + "广西发送货物9.8万标箱。"
    figures = extract_figures(body, date(2025, 1, 15))
    assert len(read) > 1 and max(map(len, read)) <= MAX_SENTENCE_CHARS
    assert "".join(read) == body
    # The figure in the last piece keeps the period stated at the sentence's start.
    teu = [f for f in figures if f.metric == "teu"]
    assert [(f.value, f.period_start, f.period_end) for f in teu] == [
        (98000, date(2024, 1, 1), date(2024, 12, 31))
    ]
    assert teu[0].quote in body and len(teu[0].quote) <= MAX_SENTENCE_CHARS


def test_a_run_of_digits_too_long_for_a_figure_is_no_figure() -> None:
    body = "2024年，西部陆海新通道班列开行" + "1" * 5000 + "列，发送货物9.8万标箱。"
    figures = extract_figures(body, date(2025, 1, 15))
    assert [(f.metric, f.value) for f in figures] == [("teu", 98000)]


@pytest.mark.parametrize(
    "text",
    [
        "2024年，西部陆海新通道班列发送数十万标箱。",
        "2024年，西部陆海新通道班列发送几十万标箱。",
        "2024年，西部陆海新通道发送数百万吨货物。",
        "2024年，西部陆海新通道班列开行成千上万列。",
        "2024年，西部陆海新通道班列开行几千列。",
    ],
)
def test_an_order_of_magnitude_is_no_figure(text: str) -> None:
    # 数十万 is "some hundreds of thousands": reading 十万 out of it would invent a figure.
    assert extract_figures(text, date(2025, 3, 1)) == []


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("2024年，西部陆海新通道班列开行上万列。", 10000, "over"),
        ("2024年，开行班列数1万列。", 10000, ""),
        ("2024年，西部陆海新通道发送货物十万标箱。", 100000, ""),
    ],
)
def test_a_count_beside_those_words_is_still_read(text: str, value: float, qualifier: str) -> None:
    [figure] = extract_figures(text, date(2025, 3, 1))
    assert (figure.value, figure.qualifier) == (value, qualifier)
