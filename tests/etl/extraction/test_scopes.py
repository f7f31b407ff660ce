"""Scope naming: whose figure it is, from the subject, the context and the names in force."""

from __future__ import annotations

from datetime import date

from extraction_support import S2T, one_figure, scopes_of


def test_scope_is_the_subject_phrase() -> None:
    f = one_figure("1—3月，广西经西部陆海新通道铁海联运班列发送货物18.6万标箱。")
    assert f.scope == "广西经西部陆海新通道铁海联运班列"


def test_quoted_we_is_the_speaking_organisation() -> None:
    text = "“今年前7个月，我们监管西部陆海新通道班列开行816列。”重庆海关所属渝州海关副关长介绍道。"
    assert one_figure(text).scope == "重庆海关监管西部陆海新通道班列"


def test_scope_named_after_the_figure_when_none_before() -> None:
    f = one_figure(
        "2025年开行量超5000列——中欧班列(成渝)由此连续第五年位居全国首位。", date(2026, 1, 25)
    )
    assert f.scope == "中欧班列(成渝)"


def test_scope_is_never_empty() -> None:
    assert one_figure("开行816列。").scope


def test_bare_trains_take_the_name_in_context() -> None:
    text = "这是西部陆海新通道铁海联运交出的成绩。统计显示，班列集装箱发送量2023年达86万标箱。"
    assert scopes_of(text) == ["西部陆海新通道铁海联运班列"]
    traditional = S2T.convert(text)
    assert scopes_of(traditional) == [S2T.convert("西部陆海新通道铁海联运班列")]


def test_this_brand_and_this_corridor_stand_for_the_named_one() -> None:
    text = "中欧班列（成渝）由两地共同创立。五年来，这一品牌的班列累计开行超2.6万列。"
    assert scopes_of(text, date(2026, 1, 25)) == ["中欧班列（成渝）(累计)"]
    text = "广西经西部陆海新通道出海更便捷。一季度，广西经这条通道运输货物3万标箱。"
    assert scopes_of(text) == ["广西经西部陆海新通道"]


def test_shortened_corridor_is_the_corridor() -> None:
    text = "西部陆海新通道铁海联运班列开行平稳。目前，通道已通达全球120个国家和地区。"
    assert scopes_of(text) == ["西部陆海新通道"]


def test_route_after_the_verb_belongs_to_the_subject() -> None:
    text = "一季度，成都国际铁路港累计开行西部陆海新通道班列220列，同比增长8%。"
    assert scopes_of(text) == ["成都国际铁路港西部陆海新通道班列"]


def test_part_keeps_the_route_of_the_whole() -> None:
    text = "中欧班列(重庆)带动进出口330.3亿元，增长48.9%；这当中，重庆本地企业贡献了183.8亿元。"
    assert scopes_of(text, date(2019, 10, 21)) == ["中欧班列(重庆)", "中欧班列(重庆)重庆本地企业"]


def test_subject_by_another_route_keeps_its_subject() -> None:
    text = "重庆企业经国际铁路联运实现进出口6.8亿元；经东盟公路班车实现30.5亿元。"
    assert scopes_of(text) == ["重庆企业经国际铁路联运", "重庆企业经东盟公路班车"]


def test_time_words_and_unnamed_parts_fall_back_to_the_paragraph_subject() -> None:
    text = (
        "1—9月，钦州港东站发送集装箱60万标箱，同比增长9%。"
        "其中9月当月发送7万标箱，环比增长3%。冷链是一大亮点：冷链货物发送量达2万标箱。"
    )
    assert scopes_of(text, date(2024, 10, 10)) == ["钦州港东站", "钦州港东站", "钦州港东站(冷链)"]


def test_subject_stops_before_its_verb() -> None:
    text = "上半年，重庆海关落实运费扣减政策，为企业扣减运费300万元，惠及企业20家。"
    assert scopes_of(text) == ["重庆海关", "重庆海关"]
    assert scopes_of(
        "如今，西部陆海新通道已通达全球523个港口，更好联通了两个市场，货物品类达1100种。"
    ) == [
        "西部陆海新通道",
        "西部陆海新通道",
    ]


def test_subject_stops_before_containers() -> None:
    assert scopes_of("10月份，钦州港东站集装箱发送量达9.2万标箱，同比减少2.5%。") == ["钦州港东站"]
