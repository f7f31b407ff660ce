"""Milestones on a metric's axis: only the events that concern it, spaced and capped."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from dashboard.charts.milestones import (
    MAX_EVENTS,
    MIN_GAP_YEARS,
    chosen_events,
    event_hover,
    event_metrics,
    event_x,
    events_for,
    hidden_count,
)
from dashboard.charts.specs import page_specs
from dashboard.filters import Filters, filter_mask
from dashboard.locales import EN, ZH
from dashboard.views.index import figure_view
from etl.contract.paths import REPO_ROOT, Layout
from etl.store.table import load_table


def _event(day: str, title: str, kind: str = "milestone", zh: str = "", quote: str = "") -> dict:
    return {"date": pd.Timestamp(day), "title_en": title, "title_zh": zh or title, "kind": kind,
            "source_id": "s", "publisher": "Xinhua", "published": None, "quote": quote}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "title", "quote", "metrics"),
    [
        ("milestone", "20,000th rail–sea train", "", ("train_runs",)),
        ("milestone", "10,000 rail–sea trains in 2024", "", ("train_runs",)),
        ("milestone", "Volume passes 1,000,000 TEU in 2025", "", ("teu",)),
        (
            "milestone",
            "Beibu Gulf Port's container throughput passes 10,000,000 TEU in 2025",
            "",
            ("ports_reached", "countries_reached"),
        ),
        ("line_opened", "New shipping route opened", "", ("ports_reached", "countries_reached")),
        ("line_opened", "First rail–sea train service (Chongqing)", "", ("train_runs", "teu")),
        # China–Europe rail is related context: never on the corridor's axes.
        ("line_opened", "First train service", "中欧班列跨省域共商共建共享机制", ()),
        (
            "line_opened",
            "New train opened",
            "西部陆海新通道中老泰冷链出口班列开通",
            ("train_runs", "teu"),
        ),
        ("something_else", "Anything", "", ()),
    ],
)
def test_each_kind_of_event_concerns_its_metrics(
    kind: str, title: str, quote: str, metrics: tuple[str, ...]
) -> None:
    assert event_metrics(_event("2024-01-01", title, kind, quote=quote)) == metrics


def test_a_plan_concerns_every_metric() -> None:
    metrics = event_metrics(_event("2019-08-15", "Master plan issued", "policy"))
    assert {"train_runs", "teu", "ports_reached"} <= set(metrics)


def test_crowded_events_are_capped_spaced_and_the_rest_named_in_a_drawn_ones_hover() -> None:
    events = [_event(f"2025-{m:02d}-{d:02d}", f"Volume {m}-{d}") for m in range(1, 13)
              for d in (5, 20)]  # fmt: skip
    events += [_event("2022-06-01", "20,000th train"), _event("2022-06-01", "20,000th train")]
    shown = chosen_events(events, 2021, 2025)
    assert 2 <= len(shown) <= MAX_EVENTS
    xs = [event_x(e["date"]) for e in shown]
    assert all(b - a >= MIN_GAP_YEARS for a, b in pairwise(xs))
    # Every event is drawn or named near a drawn one; the repeated one is drawn once.
    assert len(shown) + hidden_count(shown) == 25
    assert sum(e["title_en"] == "20,000th train" for e in shown) == 1
    # The most recent of the crowded year is kept.
    assert shown[-1]["date"] == pd.Timestamp("2025-12-20")
    crowded = max(shown, key=lambda e: len(e["hidden"]))
    hover = event_hover(crowded, EN)
    assert f"{len(crowded['hidden'])} more near here" in hover
    zh = event_hover(crowded, ZH)
    assert f"附近另有{len(crowded['hidden'])}条" in zh


def test_every_year_gets_its_first_choice_before_any_gets_a_second() -> None:
    events = [_event(f"{y}-0{m}-01", f"{y} train {m}") for y in range(2017, 2026)
              for m in (3, 9)]  # fmt: skip
    shown = chosen_events(events, 2017, 2025)
    assert len(shown) == MAX_EVENTS
    assert len({e["date"].year for e in shown}) == MAX_EVENTS


def test_pages_show_only_the_events_that_concern_their_charts_metrics() -> None:
    table = load_table(Layout(REPO_ROOT / "data"))
    frame = pd.read_csv(REPO_ROOT / "data" / "tidy" / "events.csv", dtype=str)
    frame["date"] = pd.to_datetime(frame["date"])
    events = frame.to_dict("records")
    filters = Filters()
    view = figure_view(
        table.observations, table.sources, filter_mask(table.observations, filters), EN
    )
    specs = {s.id: s for s in page_specs(view, [], EN, "trains", events=events)}
    trains, teu = specs["train_runs_years"], specs["teu_years"]
    assert trains.events and teu.events
    assert all("train_runs" in event_metrics(e) for e in trains.events)
    assert all("teu" in event_metrics(e) for e in teu.events)
    assert not any("TEU" in e["title_en"] for e in trains.events)
    assert not any("throughput" in e["title_en"] for e in (*trains.events, *teu.events))
    # What the chart draws is what the spec carries.
    marks = [d for d in trains.chart.data if d.mode == "markers" and d.marker.symbol == "diamond"]
    assert len(marks) == 1 and len(marks[0].x) == len(trains.events)
    assert len(events_for(events, "train_runs")) > len(trains.events) >= 1
    assert np.all(np.diff(marks[0].x) >= MIN_GAP_YEARS)
