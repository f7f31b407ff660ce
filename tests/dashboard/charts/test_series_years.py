"""The headline series over the years: calendar years only, a tick per year, others marked."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from dashboard_data import BOUND_ROWS, BOUND_SCOPE, OLDER, ROWS, SEED, observations, sources

from dashboard.charts.milestones import MAX_EVENTS
from dashboard.charts.series_years import year_chart, year_note, year_points, year_records
from dashboard.charts.specs import page_specs
from dashboard.i18n import t
from dashboard.locales import EN, ZH, locale_for
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
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH)
    records = year_records(view, ["train_runs"])["train_runs"]
    assert [(r["period_end"].year, r["value"]) for r in records] == [(2021, 6000), (2023, 9000)]
    assert [o["value"] for o in records[1]["others"]] == [9300]
    figure = year_chart(year_points(records, ZH), "train_runs", ZH)
    # Issue 23 item 6: bare years, level (they fit a phone's width in both languages).
    assert list(figure.layout.xaxis.ticktext) == ["2021", "2022", "2023"]
    assert figure.layout.xaxis.tickangle == 0
    # One slot a year: 2022 has no report, so the line holds None there and breaks.
    assert list(figure.data[0].text) == ["6000", "", "9000"]
    assert list(figure.data[0].y) == [6000, None, 9000]
    assert figure.data[0].connectgaps is False
    assert list(figure.data[1].y) == [9300]
    assert "另据" in figure.data[1].hovertext[0]
    # A lone year still gets a sensible axis: one tick, itself.
    lone = year_chart(year_points(records[:1], EN), "train_runs", EN)
    assert list(lone.layout.xaxis.ticktext) == ["2021"]


def test_milestones_marked_on_the_year_axis_with_their_source() -> None:
    rows = [
        *ROWS,
        _row("6000", "2021-01-01", "2021-12-31"),
        _row("9000", "2023-01-01", "2023-12-31"),
    ]
    frame = observations(rows)
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), EN)
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
    figure = year_chart(year_points(records, EN), "train_runs", EN, events)
    marks = [d for d in figure.data if d.name == t("events_legend", "en")]
    assert len(marks) == 1
    hover = list(marks[0].hovertext)
    assert len(hover) <= MAX_EVENTS
    # The milestone comes first among the kinds kept; both of its sources are named.
    ours = [h for h in hover if "20,000th train" in h]
    assert len(ours) == 1 and "Xinhua" in ours[0] and "People&#x27;s Daily" in ours[0]
    assert not any("Old" in h for h in hover)
    assert all(2020.5 <= x <= 2023.5 for x in marks[0].x)
    zh = year_chart(year_points(records, ZH), "train_runs", ZH, events)
    assert any("第2万列" in h for d in zh.data if d.hovertext is not None for h in d.hovertext)
    # No events: no marker row.
    plain = year_chart(year_points(records, EN), "train_runs", EN)
    assert all(d.name != t("events_legend", "en") for d in plain.data)


def _bound_years(lang: str) -> tuple[list, object]:
    frame = observations([*ROWS, *BOUND_ROWS])
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), locale_for(lang))
    records = year_records(view, ["train_runs"])["train_runs"]
    points = year_points(records, locale_for(lang))
    return points, year_chart(points, "train_runs", locale_for(lang))


def test_an_earlier_exact_year_is_preferred_to_a_later_bound_of_the_same_year() -> None:
    # The same figure (same wording): the earlier exact one is drawn, the later bound is not.
    points, _ = _bound_years("zh")
    by_year = {p["period_end"].year: p for p in points}
    assert by_year[2018]["value"] == 1154 and by_year[2018]["qualifier"] == ""
    # Worded differently, the bound stays beside the exact figure as another report's value.
    other = ("train_runs", "1000", "2018-01-01", "2018-12-31", "corridor", "rail_sea",
             BOUND_SCOPE + "年度", "", "reported", SEED, "首次突破1000列", "over")  # fmt: skip
    frame = observations([*ROWS, *BOUND_ROWS, other])
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH)
    records = year_records(view, ["train_runs"])["train_runs"]
    first = records[0]
    assert (first["value"], first["qualifier"]) == (1154, "")
    assert [(o["value"], o["qualifier"]) for o in first["others"]] == [(1000, "over")]


# Issue 23 item 6: a label in the axis' own scale (列 in zh), never 超1万 beside 9000.
@pytest.mark.parametrize(
    ("lang", "stated", "hover"),
    [("zh", "超10000", "超1万列"), ("en", "over 10,000", "over 10,000")],
)
def test_a_bound_year_is_its_own_open_mark_never_on_the_line(
    lang: str, stated: str, hover: str
) -> None:
    points, figure = _bound_years(lang)
    line, bound = figure.data[0], figure.data[1]  # type: ignore[attr-defined]
    assert list(line.x) == list(range(2018, 2025))
    # 2020 has no report and 2024 only a bound: both None on the line, which breaks there.
    assert [line.y[i] is None for i in range(len(line.y))] == [
        False, False, True, False, False, False, True,
    ]  # fmt: skip
    assert line.connectgaps is False
    assert list(bound.x) == [2024] and list(bound.y) == [10000]
    assert bound.marker.symbol == ("triangle-up-open",)
    assert bound.text == (stated,)
    assert hover in bound.hovertext[0]
    assert bound.name == t("bound_legend", lang)
    note = year_note(points, locale_for(lang))
    assert "2020" in note and t("bound_note", lang) in note


def test_the_years_chart_notes_its_gaps_and_bounds_and_its_headline_states_the_bound() -> None:
    frame = observations([*ROWS, *BOUND_ROWS])
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH)
    spec = next(s for s in page_specs(view, [], ZH, "trains") if s.id == "train_runs_years")
    assert spec.headline == "2024年 班列开行超1万列"
    assert t("gap_note", "zh", years="2020") in spec.note
    assert t("bound_note", "zh") in spec.note


def test_a_year_with_only_a_running_total_to_december_is_drawn_from_it_and_says_so() -> None:
    from dashboard.charts.series_years import one_per_year, year_note

    # 超万列 for the year (a bound) and the 10218th train on 30 December (exact): the exact
    # running total is the year's point, the bound stays beside it; a full year wins otherwise.
    points = one_per_year(
        [
            year_rec(10000, "2025-12-31", "over"),
            year_rec(10218, "2025-12-30"),
            year_rec(9000, "2023-12-31"),
            year_rec(8900, "2023-12-20"),
        ]
    )
    assert [(p["value"], str(p["period_end"].date())) for p in points] == [
        (9000, "2023-12-31"),
        (10218, "2025-12-30"),
    ]
    assert [(o["value"], o["qualifier"]) for o in points[1]["others"]] == [(10000, "over")]
    assert "2025年的点为截至2025年12月30日的累计数" in year_note(points, ZH)
    assert "running total as of 30 Dec 2025" in year_note(points, EN)
    assert "2023" not in year_note(points, EN).split("running total")[0]


def test_a_year_stated_as_over_the_running_total_reads_as_stated() -> None:
    from dashboard.charts.series_years import one_per_year

    # 2024: the 10,000th train on 30 December and 超1万列 for the year: the year's point is the
    # report's 超1万列 (a manager must not quote 1万列), the running total stays beside it.
    # 2025: 10218 to 30 December passes the year's 超1万列, so it stays the point.
    points = one_per_year(
        [
            year_rec(10000, "2024-12-30"),
            year_rec(10000, "2024-12-31", "over"),
            year_rec(10218, "2025-12-30"),
            year_rec(10000, "2025-12-31", "over"),
        ]
    )
    assert [(p["value"], p["qualifier"], str(p["period_end"].date())) for p in points] == [
        (10000, "over", "2024-12-31"),
        (10218, "", "2025-12-30"),
    ]
    assert [(o["value"], o["qualifier"]) for o in points[0]["others"]] == [(10000, "")]


def year_rec(value: float, end: str, qualifier: str = "") -> dict[str, object]:
    """Return a trains year record as one_per_year receives it."""
    return {
        "series": "corridor_rail_sea_trains",
        "value": value,
        "qualifier": qualifier,
        "period_end": pd.Timestamp(end),
        "others": [],
    }


def test_a_click_on_an_also_reported_circle_opens_its_own_report() -> None:
    from types import SimpleNamespace

    from dashboard.downloads import selected_records

    rows = [
        *ROWS,
        _row("9000", "2023-01-01", "2023-12-31"),
        _row("9300", "2023-01-01", "2023-12-31", OLDER, SCOPE + "年度"),
    ]
    frame = observations(rows)
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), EN)
    points = year_points(year_records(view, ["train_runs"])["train_runs"], EN)
    figure = year_chart(points, "train_runs", EN)
    circles = next(d for d in figure.data if d.name == t("also_reported_legend", "en"))
    [custom] = circles.customdata
    # The other source's own report and period, as every point carries them.
    assert custom[8] == "http://district.ce.cn/zg/201907/05/t20190705_32539028.shtml"
    assert custom[1] == "2023" and custom[0] == "9,300 trains"
    spec = SimpleNamespace(point_records=tuple(points))
    [picked] = selected_records(spec, {"points": [{"customdata": list(custom)}]})  # type: ignore[arg-type]
    assert (picked["value"], picked["url"]) == (9300, custom[8])


def _bound_years_chart(height: int) -> object:
    # The shipped trains' shape: exact years, then two bound years side by side (超9000, 超1万).
    recs = [
        {**year_rec(v, f"{y}-12-31", q), "period_start": pd.Timestamp(f"{y}-01-01")}
        for y, v, q in (
            (2021, 6117, ""), (2022, 8820, ""), (2023, 9000, "over"), (2024, 10000, "over"),
            (2025, 10218, ""),
        )
    ]  # fmt: skip
    words = {"metric": "train_runs", "region": "corridor", "route": "rail_sea", "scope": SCOPE}
    words |= {"basis": "reported", "yoy_pct": None, "source": "S", "quote": "q", "url": ""}
    for r in recs:
        r.update(words)
    return year_chart(year_points(recs, EN), "train_runs", EN, height=height)


@pytest.mark.parametrize("height", [310, 270])
def test_neighbouring_years_labels_sit_on_opposite_sides(height: int) -> None:
    from dashboard.charts.series_years import label_sides

    # Issue 23: at 390 px a year is about 30 px wide: 超9000 and 超10000 (and 8,820) touched.
    figure = _bound_years_chart(height)
    line, bounds = figure.data[0], figure.data[1]
    sides = dict(zip(line.x, line.textposition, strict=True))
    sides.update(zip(bounds.x, bounds.textposition, strict=True))
    labelled = sorted(sides)
    assert all(sides[a] != sides[b] for a, b in pairwise(labelled))
    # A point low on the axis keeps its label over it, off the year ticks.
    assert label_sides([2017, 2018], [178, 1154], 10218) == ["top center", "top center"]


@pytest.mark.parametrize("height", [310, 270])
def test_the_legend_starts_under_the_year_ticks_at_every_height(height: int) -> None:
    from dashboard.charts.theme import TICK_ROOM, TIME_MARGIN

    # A fixed share (y = -0.12) put a short chart's legend over its year ticks at 1366 px.
    figure = _bound_years_chart(height)
    plot = height - TIME_MARGIN["t"] - TIME_MARGIN["b"]
    assert -figure.layout.legend.y * plot >= TICK_ROOM
