"""Reading figures out of sentences: each grammar rule and each must-not rule, in both scripts."""

from __future__ import annotations

from datetime import date

import opencc
import pytest

from etl.extraction.extract import extract_figures, infer_published, split_sentences
from etl.extraction.figures import Figure

PUB = date(2024, 9, 11)
_S2T = opencc.OpenCC("s2t")


def rows(text: str, pub: date = PUB) -> list[tuple[str, float, float | None]]:
    return [(f.metric, round(f.value, 2), f.yoy_pct) for f in extract_figures(text, pub)]


def both_scripts(text: str) -> list[str]:
    return [text, _S2T.convert(text)]


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


def test_growth_over_years_is_not_a_yoy() -> None:
    text = "8年增长283倍。班列集装箱发送量2017年仅3382标箱，2024年已达96万标箱。"
    assert all(f.yoy_pct is None for f in extract_figures(text, date(2025, 9, 22)))


def _figure(text: str, pub: date = PUB) -> Figure:
    (figure,) = extract_figures(text, pub)
    return figure


def test_period_carries_to_following_sentences() -> None:
    text = "把时间轴拉长来看，累计运量截至2021年底已超27万标箱。其中与东盟国家之间的箱量9万标箱。"
    figures = extract_figures(text, date(2022, 4, 27))
    assert [(f.period_start, f.period_end) for f in figures] == [(None, date(2021, 12, 31))] * 2


def test_period_carries_into_the_next_paragraph() -> None:
    text = (
        "前三季度数据显示外贸向好。\n通道方面，中欧班列(重庆)产生的进出口额为330.3亿元，增长48.9%。"
    )
    f = _figure(text, date(2019, 10, 21))
    assert (f.period_start, f.period_end) == (date(2019, 1, 1), date(2019, 9, 30))


def test_stated_start_then_cutoff() -> None:
    f = _figure("自2016年4月开行以来，截至2023年1月31日，班车共发车12161车次。", date(2023, 2, 10))
    assert (f.period_start, f.period_end) == (date(2016, 4, 1), date(2023, 1, 31))
    assert f.scope.endswith("(累计)")


def test_cumulative_without_dates_ends_at_publication() -> None:
    f = _figure("五年来，这一品牌的班列累计开行超2.6万列。", date(2026, 1, 25))
    assert (f.period_start, f.period_end) == (None, date(2026, 1, 25))


def test_this_year_cutoff_is_a_year_to_date_total() -> None:
    f = _figure("截至7月20日，中欧班列(渝新欧)今年开行1600列。")
    assert (f.period_start, f.period_end) == (date(2024, 1, 1), date(2024, 7, 20))


def test_snapshot_ends_at_cutoff_or_publication() -> None:
    f = _figure("截至2025年8月底，铁海联运班列承运的货物已有1316种。", date(2025, 9, 22))
    assert (f.period_start, f.period_end) == (None, date(2025, 8, 31))
    f = _figure("如今，西部陆海新通道已通达全球523个港口。")
    assert (f.period_start, f.period_end) == (None, PUB)


def test_quote_keeps_original_characters() -> None:
    text = "重慶跨境公路班車今年前三個季度累計開行2595車次。"
    f = _figure(text, date(2021, 10, 20))
    assert f.quote == text
    assert f.scope == "重慶跨境公路班車"


def test_scope_is_the_subject_phrase() -> None:
    f = _figure("1—3月，广西经西部陆海新通道铁海联运班列发送货物18.6万标箱。")
    assert f.scope == "广西经西部陆海新通道铁海联运班列"


def test_split_sentences_keeps_punctuation() -> None:
    assert split_sentences("甲。乙！\n丙") == ["甲。", "乙！", "丙"]


def test_infer_published_reads_anniversary_and_this_year() -> None:
    body = "2023年9月11日，总书记回信。一年来，重庆海关持续改革。今年4月22日，总书记视察。"
    assert infer_published(body) == date(2024, 9, 11)


def test_infer_published_follows_the_latest_dated_period() -> None:
    body = "2022年一季度重庆经这条通道的运量为2.6万标箱。截至2021年底已超27万标箱。4月26日发布。"
    assert infer_published(body) == date(2022, 4, 1)


def test_infer_published_after_a_whole_year_total() -> None:
    assert infer_published("中欧班列(成渝)2023年共开行超5300列。") == date(2024, 1, 1)


def test_infer_published_ignores_a_year_with_dated_months() -> None:
    body = "2023年开局，班车1月份开行488车次。截至2023年1月31日，班车共发车12161车次。"
    assert infer_published(body) == date(2023, 2, 1)


def test_infer_published_needs_a_year() -> None:
    assert infer_published("今年前7个月，班列开行816列。") is None


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


def test_span_with_its_own_years() -> None:
    f = _figure("2023年10月至今年7月，重庆海关为企业扣减运费2021.84万元。")
    assert (f.period_start, f.period_end) == (date(2023, 10, 1), date(2024, 7, 31))


def test_rate_naming_another_quantity_is_not_the_yoy() -> None:
    (f,) = extract_figures("班列发送1.5万标箱，货值同比增长15%。", PUB)
    assert f.yoy_pct is None


def test_dated_first_term_of_a_rise_is_its_own_figure() -> None:
    text = "班列集装箱发送量从2017年的3382标箱增长到2024年的96万标箱。"
    got = [(f.value, f.period_end) for f in extract_figures(text, date(2025, 9, 22))]
    assert got == [(3382, date(2017, 12, 31)), (960000, date(2024, 12, 31))]


def test_record_wording_does_not_replace_the_carried_period() -> None:
    text = "今年前7个月，班列开行816列。货值达50亿元，创2019年以来新高。"
    ends = [f.period_end for f in extract_figures(text, PUB)]
    assert ends == [date(2024, 7, 31), date(2024, 7, 31)]


def test_quoted_we_is_the_speaking_organisation() -> None:
    text = "“今年前7个月，我们监管西部陆海新通道班列开行816列。”重庆海关所属渝州海关副关长介绍道。"
    assert _figure(text).scope == "重庆海关监管西部陆海新通道班列"


def test_scope_named_after_the_figure_when_none_before() -> None:
    f = _figure(
        "2025年开行量超5000列——中欧班列(成渝)由此连续第五年位居全国首位。", date(2026, 1, 25)
    )
    assert f.scope == "中欧班列(成渝)"


def test_scope_is_never_empty() -> None:
    assert _figure("开行816列。").scope


def test_range_is_read_at_its_first_bound() -> None:
    f = _figure("与传统运输方式相比，铁海联运可节省运输时间10至15天。")
    assert (f.metric, f.value) == ("days_saved", 10)


def test_cutoff_dates_snapshots_only_in_its_paragraph() -> None:
    body = "截至2024年底，中老铁路累计发送货物超5000万吨。\n每标箱可节约成本约1200元。"
    figures = extract_figures(body, date(2025, 3, 10))
    assert [f.period_end for f in figures] == [date(2024, 12, 31), date(2025, 3, 10)]


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


def test_fastest_travel_time_is_not_days_saved() -> None:
    for text in ("班列最快3天可抵达万象。", "货车最快2天即可到达河内。", "力争尽快5天内完成。"):
        for variant in both_scripts(text):
            assert rows(variant) == [], variant


def test_port_handling_capacity_is_not_cargo() -> None:
    assert rows("新建码头年吞吐能力达1200万吨，货物运输更加便捷。") == []


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
    f = _figure("上半年，班列开行320列，比去年同期增加40列。", date(2024, 7, 10))
    assert (f.period_start, f.period_end) == (date(2024, 1, 1), date(2024, 6, 30))


def _scopes(text: str, pub: date = PUB) -> list[str]:
    return [f.scope for f in extract_figures(text, pub)]


def test_bare_trains_take_the_name_in_context() -> None:
    text = "这是西部陆海新通道铁海联运交出的成绩。统计显示，班列集装箱发送量2023年达86万标箱。"
    assert _scopes(text) == ["西部陆海新通道铁海联运班列"]
    traditional = _S2T.convert(text)
    assert _scopes(traditional) == [_S2T.convert("西部陆海新通道铁海联运班列")]


def test_this_brand_and_this_corridor_stand_for_the_named_one() -> None:
    text = "中欧班列（成渝）由两地共同创立。五年来，这一品牌的班列累计开行超2.6万列。"
    assert _scopes(text, date(2026, 1, 25)) == ["中欧班列（成渝）(累计)"]
    text = "广西经西部陆海新通道出海更便捷。一季度，广西经这条通道运输货物3万标箱。"
    assert _scopes(text) == ["广西经西部陆海新通道"]


def test_shortened_corridor_is_the_corridor() -> None:
    text = "西部陆海新通道铁海联运班列开行平稳。目前，通道已通达全球120个国家和地区。"
    assert _scopes(text) == ["西部陆海新通道"]


def test_route_after_the_verb_belongs_to_the_subject() -> None:
    text = "一季度，成都国际铁路港累计开行西部陆海新通道班列220列，同比增长8%。"
    assert _scopes(text) == ["成都国际铁路港西部陆海新通道班列"]


def test_part_keeps_the_route_of_the_whole() -> None:
    text = "中欧班列(重庆)带动进出口330.3亿元，增长48.9%；这当中，重庆本地企业贡献了183.8亿元。"
    assert _scopes(text, date(2019, 10, 21)) == ["中欧班列(重庆)", "中欧班列(重庆)重庆本地企业"]


def test_subject_by_another_route_keeps_its_subject() -> None:
    text = "重庆企业经国际铁路联运实现进出口6.8亿元；经东盟公路班车实现30.5亿元。"
    assert _scopes(text) == ["重庆企业经国际铁路联运", "重庆企业经东盟公路班车"]


def test_time_words_and_unnamed_parts_fall_back_to_the_paragraph_subject() -> None:
    text = (
        "1—9月，钦州港东站发送集装箱60万标箱，同比增长9%。"
        "其中9月当月发送7万标箱，环比增长3%。冷链是一大亮点：冷链货物发送量达2万标箱。"
    )
    assert _scopes(text, date(2024, 10, 10)) == ["钦州港东站", "钦州港东站", "钦州港东站(冷链)"]


def test_subject_stops_before_its_verb() -> None:
    text = "上半年，重庆海关落实运费扣减政策，为企业扣减运费300万元，惠及企业20家。"
    assert _scopes(text) == ["重庆海关", "重庆海关"]
    assert _scopes(
        "如今，西部陆海新通道已通达全球523个港口，更好联通了两个市场，货物品类达1100种。"
    ) == [
        "西部陆海新通道",
        "西部陆海新通道",
    ]


def test_a_saving_takes_no_growth_rate() -> None:
    for variant in both_scripts("班列运输时间较传统海运缩短10天以上，物流成本降低约30%。"):
        assert rows(variant) == [("days_saved", 10.0, None)]


def test_subject_stops_before_containers() -> None:
    assert _scopes("10月份，钦州港东站集装箱发送量达9.2万标箱，同比减少2.5%。") == ["钦州港东站"]


def test_listed_periods_pair_with_figures_listed_after_respectively() -> None:
    text = "2023年和2024年，西部陆海新通道铁海联运班列分别开行9580列和11000列。"
    for variant in both_scripts(text):
        got = [(f.value, f.period_end) for f in extract_figures(variant, date(2025, 3, 1))]
        assert got == [(9580, date(2023, 12, 31)), (11000, date(2024, 12, 31))]
    text = "1月、2月，班列分别开行300列、280列。"
    got = [f.period_end for f in extract_figures(text, date(2025, 3, 10))]
    assert got == [date(2025, 1, 31), date(2025, 2, 28)]
