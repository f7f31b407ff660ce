"""The reach map's stated totals: the corridor's latest countries and ports, as stated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.locales import EN, ZH, locale_for
from dashboard.views.index import Record, figure_view
from dashboard.views.reach import (
    stated_totals,
    totals_headline,
    totals_source_line,
    view_totals,
)
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.cache import load_cached_table


def rec(metric: str, value: float, end: str, source: str, **more: object) -> Record:
    return {
        "metric": metric,
        "series": f"corridor_{metric}",
        "value": value,
        "qualifier": "",
        "period_start": None,
        "period_end": pd.Timestamp(end),
        "basis": "reported",
        "source_id": source,
        "source": f"{source} pub",
        "published": pd.Timestamp(end),
        "url": "",
        "scope": "西部陆海新通道",
        "quote": "",
        **more,
    }


def test_the_latest_figure_of_each_series_is_stated_countries_first() -> None:
    records = [
        rec("ports_reached", 523, "2024-10-10", "a"),
        rec("countries_reached", 124, "2024-10-10", "a"),
        rec("countries_reached", 127, "2025-04-22", "b"),
        rec("ports_reached", 563, "2025-04-22", "b"),
    ]
    totals = stated_totals(records)
    assert [(x.metric, x.value, x.source_id) for x in totals] == [
        ("countries_reached", 127, "b"),
        ("ports_reached", 563, "b"),
    ]
    assert totals_headline(totals, ZH) == "截至2025年4月22日，通达127个国家和地区、563个港口"
    assert totals_headline(totals, EN) == "127 countries and 563 ports reached, as of 22 Apr 2025"
    assert totals_source_line(totals, ZH) == "来源：b pub"


def test_a_bound_keeps_its_qualifier() -> None:
    totals = stated_totals([rec("countries_reached", 100, "2021-08-20", "x", qualifier="over")])
    assert totals_headline(totals, ZH) == "截至2021年8月20日，通达超100个国家和地区"
    assert totals_headline(totals, EN) == "over 100 countries reached, as of 20 Aug 2021"


def test_totals_of_different_dates_each_carry_their_own() -> None:
    totals = stated_totals(
        [
            rec("countries_reached", 127, "2025-01-21", "a"),
            rec("ports_reached", 577, "2025-08-31", "b"),
        ]
    )
    assert totals_headline(totals, ZH) == (
        "通达127个国家和地区（截至2025年1月21日）、577个港口（截至2025年8月底）"
    )
    assert totals_source_line(totals, EN) == "Source: a pub, b pub"


def test_a_province_or_port_series_never_stands_in_for_the_corridor() -> None:
    port = rec(
        "countries_reached", 100, "2025-12-30", "p", series="beibu_gulf_port_countries_reached"
    )
    derived = rec("ports_reached", 999, "2026-01-01", "d", basis="derived")
    assert stated_totals([port, derived]) == []
    assert totals_headline([], EN).startswith("No stated totals")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shipped_data_states_its_latest_corridor_totals(lang: str) -> None:
    table = load_cached_table(Layout(DEFAULT_DATA_DIR), write=False)
    obs = table.observations
    view = figure_view(obs, table.sources, np.ones(len(obs), dtype=bool), locale_for(lang))
    totals = view_totals(view)
    assert [x.metric for x in totals] == ["countries_reached", "ports_reached"]
    latest = obs[obs["series"].astype(str) == "corridor_ports_reached"]["period_end"].max()
    assert totals[1].period_end == pd.Timestamp(latest)
    assert all(x.source for x in totals)
