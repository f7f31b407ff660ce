"""etl/contract/places.py: region and route rules from a scope's wording."""

from __future__ import annotations

import pytest

from etl.contract.places import resolve_region, resolve_route


@pytest.mark.parametrize(
    ("scope", "region", "route"),
    [
        ("重庆海关监管西部陆海新通道班列", "chongqing", "rail_sea"),
        ("西部陆海新通道", "corridor", ""),
        ("西部陸海新通道鐵海聯運班列", "corridor", "rail_sea"),
        ("中欧班列(成渝)", "chengdu_chongqing", "china_europe_rail"),
        ("重慶跨境公路班車", "chongqing", "cross_border_road"),
        ("重庆企业经国际铁路联运", "chongqing", "international_rail"),
        ("广西北部湾港", "guangxi", ""),
        ("中老铁路", "unspecified", "china_laos_rail"),
        ("某企业", "unspecified", ""),
    ],
)
def test_scope_wording_selects_region_and_route(scope: str, region: str, route: str) -> None:
    assert resolve_region(scope) == region
    assert resolve_route(scope) == route
