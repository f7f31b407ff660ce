"""The headline series over the years: calendar years only, a tick per year, others marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
from dashboard_data import OLDER, ROWS, SEED, observations, sources

from dashboard.charts.milestones import MAX_EVENTS
from dashboard.charts.series_years import year_figure, year_points, year_records
from dashboard.i18n import t
from dashboard.views.index import figure_view

SCOPE = "西部陆海新通道铁海联运班列"


def _row(
    value: str, start: str, end: str, source: str = SEED, scope: str = SCOPE
) -> tuple[str, ...]:
    return ("train_runs", value, start, end, "corridor", "rail_sea", scope, "", "reported",
            source, f"开行{value}列")  # fmt: skip


def test_only_calendar_years_each_year_once_and_the_other_value_marked() -> None:
    rows = [
        *ROWS,
        _row("9000", "2023-01-01", "2023-12-31"),
        # Another body's count of the same year, worded differently (one figure per wording).
        _row("9300", "2023-01-01", "2023-12-31", OLDER, SCOPE + "年度"),
        _row("6000", "2021-01-01", "2021-12-31"),
        _row("5200", "2024-01-01", "2024-07-31"),  # a year to date: never on this axis
    ]
    frame = observations(rows)
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), "zh")
    records = year_records(view, ["train_runs"])["train_runs"]
    assert [(r["period_end"].year, r["value"]) for r in records] == [(2021, 6000), (2023, 9000)]
    assert [o["value"] for o in records[1]["others"]] == [9300]
    figure = year_figure(year_points(records, "zh"), "train_runs", "zh")
    assert list(figure.layout.xaxis.ticktext) == ["2021年", "2022年", "2023年"]
    # One slot a year: 2022 has no report, so the line holds None there and breaks.
    assert list(figure.data[0].text) == ["6000", "", "9000"]
    assert list(figure.data[0].y) == [6000, None, 9000]
    assert figure.data[0].connectgaps is False
    assert list(figure.data[1].y) == [9300]
    assert "另据" in figure.data[1].hovertext[0]
    # A lone year still gets a sensible axis: one tick, itself.
    lone = year_figure(year_points(records[:1], "en"), "train_runs", "en")
    assert list(lone.layout.xaxis.ticktext) == ["2021"]


def test_milestones_marked_on_the_year_axis_with_their_source() -> None:
    rows = [
        *ROWS,
        _row("6000", "2021-01-01", "2021-12-31"),
        _row("9000", "2023-01-01", "2023-12-31"),
    ]
    frame = observations(rows)
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), "en")
    records = year_records(view, ["train_runs"])["train_runs"]
    day = pd.Timestamp("2022-08-29")
    event = {"date": day, "title_zh": "第2万列", "title_en": "20,000th train", "kind": "milestone"}
    events = [
        {**event, "source_id": "a", "publisher": "Xinhua", "published": day},
        {**event, "source_id": "b", "publisher": "People's Daily", "published": None},
        # Outside the chart's years: not drawn.
        {**event, "date": pd.Timestamp("2010-01-01"), "source_id": "c", "publisher": "Old"},
        *(
            {**event, "date": pd.Timestamp(f"2022-{m:02d}-01"), "title_en": f"Line {m}",
             "kind": "line_opened", "source_id": "d", "publisher": "CCTV", "published": None}
            for m in range(1, 13)
        ),
    ]  # fmt: skip
    figure = year_figure(year_points(records, "en"), "train_runs", "en", events)
    marks = [d for d in figure.data if d.name == t("events_legend", "en")]
    assert len(marks) == 1
    hover = list(marks[0].hovertext)
    assert len(hover) <= MAX_EVENTS
    # The milestone comes first among the kinds kept; both of its sources are named.
    ours = [h for h in hover if "20,000th train" in h]
    assert len(ours) == 1 and "Xinhua" in ours[0] and "People&#x27;s Daily" in ours[0]
    assert not any("Old" in h for h in hover)
    assert all(2020.5 <= x <= 2023.5 for x in marks[0].x)
    zh = year_figure(year_points(records, "zh"), "train_runs", "zh", events)
    assert any("第2万列" in h for d in zh.data if d.hovertext is not None for h in d.hovertext)
    # No events: no marker row.
    plain = year_figure(year_points(records, "en"), "train_runs", "en")
    assert all(d.name != t("events_legend", "en") for d in plain.data)
