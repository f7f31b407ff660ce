"""The series catalogue: its integrity, and which series a figure joins (a table of cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.contract.identity import normalise_scope
from etl.contract.places import resolve_region, resolve_route
from etl.contract.series import (
    OWN_MODE,
    assign_series,
    fill_series,
    foreign_words,
    headline_series,
    load_scope_words,
    load_series,
    parse_catalogue,
    parse_scope_words,
    resolve_series,
    scope_belongs,
    scope_words_en,
    series_by_key,
)
from etl.contract.vocabulary import load_metrics

# metric, scope as a report words it → the series it joins ('' = other figures).
CASES = [
    ("train_runs", "西部陆海新通道铁海联运班列", "corridor_rail_sea_trains"),
    ("train_runs", "西部陸海新通道鐵海聯運班列", "corridor_rail_sea_trains"),  # traditional
    ("train_runs", "西部陆海新通道海铁联运班列", "corridor_rail_sea_trains"),
    ("train_runs", "渝桂新铁海联运班列(钦州港—重庆)测试", "corridor_rail_sea_trains"),
    ("train_runs", "重庆海关监管西部陆海新通道班列", "chongqing_customs_corridor_trains"),
    ("train_runs", "从重庆始发的铁海联运班列", "chongqing_rail_sea_trains"),
    ("train_runs", "中欧班列(成渝)", "china_europe_rail_trains"),
    ("train_runs", "中老铁路(全线)(累计)", "china_laos_rail_trains"),
    ("train_runs", "西部陆海新通道江津班列", "jiangjin_corridor_trains"),
    ("train_runs", "果园港西部陆海新通道班列", "guoyuan_port_corridor_trains"),
    ("train_runs", "日均发出班列超过", ""),
    ("teu", "西部陆海新通道铁海联运班列", "corridor_rail_sea_teu"),
    ("teu", "西部陸海新通道鐵海聯運班列", "corridor_rail_sea_teu"),
    ("teu", "北部湾港", "beibu_gulf_port_teu"),
    ("teu", "廣西北部灣港", "beibu_gulf_port_teu"),
    ("teu", "北部湾港铁海联运", "beibu_gulf_rail_sea_teu"),
    ("teu", "重庆经西部陆海新通道", "chongqing_corridor_teu"),
    ("teu", "重慶經陸海新通道", "chongqing_corridor_teu"),
    ("teu", "中欧班列(成渝)", "china_europe_rail_teu"),
    ("teu", "洋浦港吞吐量", "yangpu_port_teu"),
    ("teu", "以来新通道班列日均", ""),
    ("ports_reached", "西部陆海新通道", "corridor_ports_reached"),
    ("ports_reached", "陆海新通道国际铁海联运班列", "corridor_ports_reached"),
    ("ports_reached", "重庆经西部陆海新通道三种主要", "chongqing_ports_reached"),
    ("ports_reached", "北部湾港", "beibu_gulf_port_ports_reached"),
    ("countries_reached", "西部陆海新通道物流网络", "corridor_countries_reached"),
    ("countries_reached", "中老铁路(跨境)", "china_laos_rail_countries_reached"),
    ("cargo_categories", "西部陆海新通道", "corridor_cargo_categories"),
    ("cargo_categories", "中欧班列(成渝)", "china_europe_rail_cargo_categories"),
    ("vehicles", "西部陆海新通道跨境公路班车", "cross_border_road_trips"),
    ("trade_value_cny", "重庆外贸", "chongqing_total_trade"),
    ("trade_value_cny", "西部陆海新通道沿线省份经广西口岸", "corridor_trade_via_guangxi"),
    ("freight_deduction_cny", "重庆海关", "chongqing_customs_freight_deductions"),
    # Scopes that belong: narrower places, products, firms and other modes stay out.
    ("train_runs", "西部陆海新通道铁海联运(酒泉)", ""),
    ("train_runs", "经西部陆海新通道从广西发出的班列", ""),
    ("agri_export_value_cny", "重庆经西部陆海新通道", "chongqing_agri_exports"),
    ("agri_export_value_cny", "重庆", "chongqing_agri_exports_all_routes"),
    ("agri_export_value_cny", "重庆农产品(柑橘)", ""),
    ("days_saved", "重庆小康集团的汽车零部件经西部陆海新通道运往印尼", ""),
    ("ports_reached", "跨境公路班车", ""),
    ("ports_reached", "393个港口", ""),
    ("teu", "昆明中欧班列", ""),
    (
        "teu",
        "重庆经西部陆海新通道铁海联运、跨境公路、国际铁路联运三种主要",
        "chongqing_corridor_teu",
    ),
    ("cargo_value_cny", "经西部陆海新通道从重庆出发的跨境公路", ""),
    ("trade_value_cny", "西部陆海新通道沿线经广西钦州港口岸", "corridor_trade_via_qinzhou"),
    ("ports_reached", "广西北部湾国际港务集团有限公司", "beibu_gulf_port_ports_reached"),
]


@pytest.mark.parametrize(("metric", "scope", "expected"), CASES)
def test_a_figure_joins_the_series_its_wording_names(
    metric: str, scope: str, expected: str
) -> None:
    got = resolve_series(metric, resolve_region(scope), resolve_route(scope), scope)
    assert got == expected


def test_assign_series_is_resolve_series_for_every_row() -> None:
    frame = pd.DataFrame(
        [
            {"metric": m, "region": resolve_region(s), "route": resolve_route(s), "scope": s}
            for m, s, _ in CASES * 3
        ]
    )
    assert assign_series(frame).tolist() == [e for _, _, e in CASES * 3]


def test_fill_series_keeps_named_series_and_fills_empty_ones() -> None:
    frame = pd.DataFrame(
        {
            "metric": ["teu", "teu"],
            "region": ["guangxi", "guangxi"],
            "route": ["", ""],
            "scope": ["北部湾港", "北部湾港"],
            "series": ["beibu_gulf_rail_sea_teu", ""],
        }
    )
    assert fill_series(frame)["series"].tolist() == [
        "beibu_gulf_rail_sea_teu",
        "beibu_gulf_port_teu",
    ]


def test_a_wording_places_a_figure_no_rule_places() -> None:
    assert resolve_series("teu", "unspecified", "", "该集团") == ""
    mapped = (("beibu_gulf_port_teu", "该集团"),)
    assert resolve_series("teu", "unspecified", "", "该集团", mapped) == "beibu_gulf_port_teu"
    # A wording only places figures of its series' metric.
    assert resolve_series("train_runs", "unspecified", "", "该集团", mapped) == ""


def test_every_series_has_labels_a_known_metric_and_simplified_chinese() -> None:
    catalogue = load_series()
    assert len(catalogue) >= 20
    for series in catalogue:
        assert series.label_en.strip() and series.label_zh.strip() and series.body.strip()
        assert normalise_scope(series.label_zh) == series.label_zh, series.key
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in series.label_en), series.key
        assert series.metric in load_metrics()
        assert series.context in ("corridor", "related")


def test_each_metric_with_series_has_exactly_one_headline() -> None:
    metrics = {s.metric for s in load_series()}
    for metric in metrics:
        heads = [s for s in load_series() if s.metric == metric and s.headline]
        assert len(heads) == 1, metric
    assert headline_series("train_runs").key == "corridor_rail_sea_trains"  # type: ignore[union-attr]
    assert headline_series("teu").key == "corridor_rail_sea_teu"  # type: ignore[union-attr]
    assert headline_series("ports_reached").key == "corridor_ports_reached"  # type: ignore[union-attr]


BASE = {
    "key": "x_series",
    "metric": "teu",
    "label_zh": "某系列",
    "label_en": "Some series",
    "region": "corridor",
    "route": "",
    "body": "某机构",
    "context": "corridor",
    "headline": True,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "Bad Key"}, "bad key"),
        ({"metric": "nope"}, "unknown metric"),
        ({"label_en": ""}, "label_en is required"),
        ({"label_zh": "西部陸海新通道"}, "simplified"),
        ({"context": "elsewhere"}, "context"),
        ({"regions": ["atlantis"]}, "unknown region"),
        ({"any": ["(unclosed"]}, "bad pattern"),
        ({"headline": False}, "exactly one headline"),
    ],
)
def test_an_inconsistent_catalogue_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_catalogue([{**BASE, **change}])


def test_a_repeated_key_is_refused() -> None:
    with pytest.raises(ValueError, match="repeated"):
        parse_catalogue([BASE, {**BASE, "headline": False}])


def test_a_narrower_scope_never_joins_a_wider_series() -> None:
    corridor = series_by_key()["corridor_rail_sea_trains"]
    assert foreign_words(corridor, "西部陆海新通道铁海联运(酒泉)") == ("酒泉",)
    assert foreign_words(corridor, "某物流集团铁海联运班列") == ("集团",)
    # The two ends of a line in brackets are not a narrower place.
    assert foreign_words(corridor, "渝桂新铁海联运班列(钦州港—重庆)测试") == ()
    assert foreign_words(corridor, "跨境公路班车") == ("跨境公路",)
    assert scope_belongs(corridor, "西部陆海新通道铁海联运班列")
    assert not scope_belongs(corridor, "西部陆海新通道铁海联运(酒泉)")


def test_a_series_by_region_alone_takes_only_scopes_that_name_the_corridor_its_label_names() -> (
    None
):
    agri = series_by_key()["chongqing_agri_exports"]
    assert agri.names_corridor and not agri.any
    assert not scope_belongs(agri, "重庆")
    assert scope_belongs(agri, "重庆经西部陆海新通道")
    # A series with its own cues decides by them: its label naming the corridor adds nothing.
    road = series_by_key()["cross_border_road_trips"]
    assert scope_belongs(road, "跨境公路班车")


def test_scope_words_are_read_from_the_catalogue() -> None:
    words = parse_scope_words(
        {"corridor": ["陸海新通道"], "places": ["酒泉"], "modes": {"road": ["跨境公路"]}}
    )
    assert words.corridor == ("陆海新通道",)
    assert words.narrower == {"酒泉": "place"}
    assert words.modes == {"road": ("跨境公路",)}


def test_the_national_railway_as_counting_body_narrows_nothing() -> None:
    # 国铁集团 counts every line; another group (某物流集团) is still a narrower company.
    assert resolve_series("teu", "corridor", "rail_sea", "国铁集团组织的西部陆海新通道班列") == (
        "corridor_rail_sea_teu"
    )
    assert resolve_series("teu", "corridor", "rail_sea", "某物流集团西部陆海新通道班列") == ""


def test_a_part_of_a_whole_never_joins_the_whole_line() -> None:
    assert (
        resolve_series("teu", "chongqing", "", "重庆经西部陆海新通道") == "chongqing_corridor_teu"
    )
    assert resolve_series("teu", "chongqing", "", "重庆经西部陆海新通道(其中市外)") == ""


def test_cross_border_road_trips_are_the_shuttle_service_only() -> None:
    # 跨境公路运输120.27万辆次 counts every vehicle; the series counts the shuttle (班车) trips.
    road = ("vehicles", "corridor", "cross_border_road")
    assert resolve_series(*road, "西部陆海新通道跨境公路班车") == "cross_border_road_trips"
    assert resolve_series(*road, "跨境公路") == ""


def test_every_word_an_english_heading_tells_apart_by_has_its_english() -> None:
    words = load_scope_words()
    kinds = {"product", "company", "part"}
    telling = [w for w, kind in words.narrower.items() if kind in kinds]
    telling += [w for family, ws in words.modes.items() if family != OWN_MODE for w in ws]
    assert [w for w in telling if not words.english.get(w)] == []


def test_a_scope_says_in_english_what_it_narrows_to() -> None:
    assert scope_words_en("重庆农产品(其中柑橘)") == "of which citrus"
    assert scope_words_en("汽车零部件") == "cars, parts and components"
    assert scope_words_en("重庆经西部陆海新通道(其中市外)") == "part of a total"
    assert scope_words_en("重庆经西部陆海新通道") == ""


def test_rules_file_parsed_once_for_catalogue_and_scope_words(monkeypatch):
    """load_series_rules parses series.toml once: the catalogue and scope words share it."""
    import tomllib

    import etl.contract.series as series

    calls = []
    parse = tomllib.loads

    def counted(text: str) -> dict:
        calls.append(len(text))
        return parse(text)

    caches = (series._series_toml, series.load_series, series.load_scope_words)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(series.tomllib, "loads", counted)
    try:
        series.load_series_rules()
        assert len(calls) == 1
        assert series.load_series() and series.load_scope_words().corridor
    finally:
        for cached in caches:
            cached.cache_clear()
