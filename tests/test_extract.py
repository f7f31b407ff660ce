"""Reading figures out of sentences: each grammar rule and each must-not rule, in both scripts."""

from __future__ import annotations

from datetime import date

import opencc
import pytest

from etl.extraction.articles import infer_published
from etl.extraction.extract import extract_figures
from etl.extraction.figures import Figure
from etl.extraction.sentences import split_sentences

PUB = date(2024, 9, 11)
D = date
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
ONLY_ONE_FIGURE: list[tuple[str, date, float]] = [
    ("截至9月4日，今年某班列发运量突破50万标箱，达50.2万标箱。", D(2025, 9, 10), 502000),
    ("某班列累计运输货物突破300万标箱，达300.6万标箱。", D(2025, 11, 30), 3006000),
]
NOT_YOY: list[tuple[str, date]] = [
    ("某班列开行量从2017年的100列，到2022年的4000列，增长了39倍。", D(2023, 3, 1)),
    ("某班列年开行量从2018年的200列增长到2022年的6000列，年均增速超过130%。", D(2023, 3, 1)),
    ("开行量由2017年的150列到2023年突破8000列，增长52倍。", D(2024, 1, 1)),
    ("今年某班列开行600列，较开通首年增长30倍。", D(2024, 9, 1)),
]


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


@pytest.mark.parametrize(
    ("cls", "text", "pub"),
    [(cls, text, pub) for cls, cases in NOT_FIGURES_BY_CLASS.items() for text, pub in cases],
)
def test_not_figures_by_class(cls: str, text: str, pub: date) -> None:
    assert extract_figures(text, pub) == [], cls


@pytest.mark.parametrize(("text", "pub", "value"), ONLY_ONE_FIGURE)
def test_threshold_passed_then_exact_figure_is_one_figure(
    text: str, pub: date, value: float
) -> None:
    assert [f.value for f in extract_figures(text, pub)] == [value]


@pytest.mark.parametrize(("text", "pub"), NOT_YOY)
def test_growth_across_years_is_not_yoy(text: str, pub: date) -> None:
    figures = extract_figures(text, pub)
    assert figures and all(f.yoy_pct is None for f in figures)


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
