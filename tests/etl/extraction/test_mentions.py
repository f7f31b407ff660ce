"""Mentions of metrics and rates: what is a figure, what is not, and which rate is its yoy."""

from __future__ import annotations

from datetime import date

import pytest
from extraction_support import PUB, D, both_scripts, one_figure, rows

from etl.extraction.extract import extract_figures

NOT_FIGURES = [
    "今年6月3日上午发出的一列，两天即抵达钦州港。",
    "整条线路纯陆路运输，长1400公里，2-3天便能抵达越南。",
    "货物约5天后到达新加坡。",
    "相较于传统江海联运，货物运抵时间缩短至15天。",
    "1至8月，钦州铁路集装箱中心站集装箱发送量同比增加6.2万标箱。",
    "陆海新通道目前具备跨境公路运输、国际铁路联运、铁海联运3种运营组织方式。",
    "3年来，运行线路已接近50条，可达欧亚110个城市。",
    "中欧班列(重庆)吸引了29个省市区的企业借道通往欧洲。",
    "依托班列，两地聚集了7000余家各类经营主体。",
    "目前，通道已在柬埔寨、泰国等国设立8个海外仓。",
    "柑橘在全市的种植面积为380余万亩，年产量440多万吨，让300多万果农增收。",
    "一辆装着2万余件腌制品的货车发往马来西亚。",
    "将军村的5万枚皮蛋漂洋过海90多天，抵达肯尼亚首都内罗毕。",
    "充分发挥“13+3”通道沿线海关协作机制牵头作用。",
    "综保区将重点构建临铁高端装备制造、整车全产业链、一体化冷链产业3大产业基地。",
    "助力潼南柠檬等30多种重庆特色农产品远销新加坡、泰国等国家和地区。",
    "8年增长283倍——这是西部陆海新通道铁海联运交出的成绩。",
    "服务范围在国内覆盖18省(区市)75市163个站点。",
    "2023年9月11日，在海关关衔制度实行20周年之际，总书记亲切回信。",
    "一列列西部陆海新通道班列从这里出发、进站。",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_non_figures_are_not_extracted(text: str) -> None:
    for variant in both_scripts(text):
        assert rows(variant) == [], variant


NOT_FIGURES_BY_CLASS: dict[str, list[tuple[str, date]]] = {
    "forecasts and targets": [
        ("全年有望突破1600列。", D(2022, 9, 1)),
        ("预计全年某班列开行量可达9000列。", D(2023, 9, 1)),
        ("力争2025年某班列开行量达到2000列。", D(2024, 9, 1)),
        ("2025年开行量将突破1万列。", D(2024, 9, 1)),
        ("到今年底，某市经通道运量有望超过30万标箱。", D(2025, 3, 1)),
    ],
    "daily and weekly rates": [
        ("某站每天到发班列20列左右。", D(2024, 9, 1)),
        ("某站日均发出班列超过15列。", D(2024, 9, 1)),
        ("四季度以来班列日均运输货物达3000标箱。", D(2024, 11, 1)),
        ("某港单日最高装车达到2000标箱。", D(2024, 3, 1)),
    ],
    "round numbers naming an era or a record": [
        ("某港正式迈入“500万标箱时代”。", D(2024, 1, 3)),
        ("创下开通以来最快突破10万标箱的纪录。", D(2025, 2, 1)),
    ],
}


@pytest.mark.parametrize(
    ("cls", "text", "pub"),
    [(cls, text, pub) for cls, cases in NOT_FIGURES_BY_CLASS.items() for text, pub in cases],
)
def test_not_figures_by_class(cls: str, text: str, pub: date) -> None:
    assert extract_figures(text, pub) == [], cls


def test_range_is_read_at_its_first_bound() -> None:
    f = one_figure("与传统运输方式相比，铁海联运可节省运输时间10至15天。")
    assert (f.metric, f.value) == ("days_saved", 10)


def test_dated_first_term_of_a_rise_is_its_own_figure() -> None:
    text = "班列集装箱发送量从2017年的3382标箱增长到2024年的96万标箱。"
    got = [(f.value, f.period_end) for f in extract_figures(text, date(2025, 9, 22))]
    assert got == [(3382, date(2017, 12, 31)), (960000, date(2024, 12, 31))]


def test_fastest_travel_time_is_not_days_saved() -> None:
    for text in ("班列最快3天可抵达万象。", "货车最快2天即可到达河内。", "力争尽快5天内完成。"):
        for variant in both_scripts(text):
            assert rows(variant) == [], variant


def test_port_handling_capacity_is_not_cargo() -> None:
    assert rows("新建码头年吞吐能力达1200万吨，货物运输更加便捷。") == []


ONLY_ONE_FIGURE: list[tuple[str, date, float]] = [
    ("截至9月4日，今年某班列发运量突破50万标箱，达50.2万标箱。", D(2025, 9, 10), 502000),
    ("某班列累计运输货物突破300万标箱，达300.6万标箱。", D(2025, 11, 30), 3006000),
]


@pytest.mark.parametrize(("text", "pub", "value"), ONLY_ONE_FIGURE)
def test_threshold_passed_then_exact_figure_is_one_figure(
    text: str, pub: date, value: float
) -> None:
    assert [f.value for f in extract_figures(text, pub)] == [value]


def test_growth_over_years_is_not_a_yoy() -> None:
    text = "8年增长283倍。班列集装箱发送量2017年仅3382标箱，2024年已达96万标箱。"
    assert all(f.yoy_pct is None for f in extract_figures(text, date(2025, 9, 22)))


NOT_YOY: list[tuple[str, date]] = [
    ("某班列开行量从2017年的100列，到2022年的4000列，增长了39倍。", D(2023, 3, 1)),
    ("某班列年开行量从2018年的200列增长到2022年的6000列，年均增速超过130%。", D(2023, 3, 1)),
    ("开行量由2017年的150列到2023年突破8000列，增长52倍。", D(2024, 1, 1)),
    ("今年某班列开行600列，较开通首年增长30倍。", D(2024, 9, 1)),
]


@pytest.mark.parametrize(("text", "pub"), NOT_YOY)
def test_growth_across_years_is_not_yoy(text: str, pub: date) -> None:
    figures = extract_figures(text, pub)
    assert figures and all(f.yoy_pct is None for f in figures)


def test_rate_naming_another_quantity_is_not_the_yoy() -> None:
    (f,) = extract_figures("班列发送1.5万标箱，货值同比增长15%。", PUB)
    assert f.yoy_pct is None


# Held-out grammar: rates that are not year-on-year, stated zero change, port throughput.
RATES_AND_LEVELS = [
    (
        "9月，钦州港东站发送集装箱6.3万标箱，环比增长7.1%。",
        [("teu", 63000, None)],
    ),
    (
        "二季度，中老铁路发送跨境货物98万吨，比上季度增长12%。",
        [("cargo_tonnes", 980000, None)],
    ),
    (
        "一季度，贵州经通道开行班列88列，同比持平；发送4800标箱，同比增长5%。",
        [("train_runs", 88, 0.0), ("teu", 4800, 5.0)],
    ),
    (
        "1—5月，南宁国际铁路港开行班列260列，与去年同期基本持平。",
        [("train_runs", 260, 0.0)],
    ),
    (
        "1至7月，防城港完成货物吞吐量6100万吨，同比下降2.4%。",
        [("cargo_tonnes", 61000000, -2.4)],
    ),
    (
        "前三季度，港口货物吞吐量1.9亿吨，同比增长4%；集装箱吞吐量560万标箱，增幅超三成。",
        [("cargo_tonnes", 190000000, 4.0), ("teu", 5600000, 30.0)],
    ),
    (
        "钦州港新增航线5条，同比增长25%；集装箱吞吐量300万标箱。",
        [("teu", 3000000, None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), RATES_AND_LEVELS)
def test_rates_that_are_not_yoy_and_flat_rates(
    text: str, expected: list[tuple[str, float, float | None]]
) -> None:
    for variant in both_scripts(text):
        assert rows(variant, date(2024, 10, 20)) == [(m, float(v), y) for m, v, y in expected]


def test_a_saving_takes_no_growth_rate() -> None:
    for variant in both_scripts("班列运输时间较传统海运缩短10天以上，物流成本降低约30%。"):
        assert rows(variant) == [("days_saved", 10.0, None)]
