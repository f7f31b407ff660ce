"""The latest year to date beside the same months a year before: reported, derived, or none."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from dashboard_data import OLDER, SEED, observations, sources

from dashboard.charts.specs import every_page_specs, page_specs
from dashboard.charts.ytd import round_like, ytd_chart, ytd_pair, ytd_points
from dashboard.i18n import t
from dashboard.locales import ZH, locale_for
from dashboard.views.index import FigureView, figure_view
from etl.contract.period_kinds import a_year_before, same_span_a_year_before

SCOPE = "西部陆海新通道铁海联运班列"


def _row(
    value: str, start: str, end: str, yoy: str = "", source: str = SEED, metric: str = "train_runs"
) -> tuple[str, ...]:
    return (metric, value, start, end, "corridor", "rail_sea", SCOPE, yoy, "reported", source,
            f"开行{value}列")  # fmt: skip


def _view(rows: list[tuple[str, ...]], lang: str = "zh") -> FigureView:
    frame = observations(rows)
    return figure_view(frame, sources(), np.ones(len(frame), dtype=bool), locale_for(lang))


def _pair(rows: list[tuple[str, ...]]) -> tuple[dict, dict] | None:
    view = _view(rows)
    return ytd_pair(view.records(view.rows))


def _ytd_spec(rows: list[tuple[str, ...]], lang: str = "zh") -> object | None:
    specs = page_specs(_view(rows, locale_for(lang)), [], locale_for(lang), "trains")
    return next((s for s in specs if s.id == "train_runs_ytd"), None)


def test_a_reported_figure_of_the_same_months_a_year_before_is_the_earlier_bar() -> None:
    rows = [
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2025-01-01", "2025-10-31", yoy="12.0"),
        _row("7400", "2024-01-01", "2024-10-31", yoy="5.0", source=OLDER),
        _row("6500", "2024-01-01", "2024-09-30"),  # another span: never the comparison
    ]
    pair = _pair(rows)
    assert pair is not None
    before, current = pair
    assert (current["value"], current["period_end"]) == (8200, pd.Timestamp("2025-10-31"))
    assert (before["value"], before["basis"]) == (7400, "reported")
    spec = _ytd_spec(rows)
    assert spec is not None
    bars = [(d.x[0], d.y[0]) for d in spec.chart.data]
    assert bars == [("2024年1—10月", 7400), ("2025年1—10月", 8200)]
    # Only the latest bar prints a yoy (the earlier one's own would read as the change between).
    assert [d.text[0] for d in spec.chart.data] == ["7400", "8200  +12%"]
    assert all(d.marker.pattern.shape == "" for d in spec.chart.data)
    assert "（上年同期7400列）" in spec.headline and "推算" not in spec.headline


def test_without_a_reported_earlier_figure_the_yoy_gives_a_derived_bar_rounded_like_the_value() -> (
    None
):
    rows = [
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2025-01-01", "2025-10-31", yoy="12.0"),
    ]
    before, current = _pair(rows)  # type: ignore[misc]
    assert (before["basis"], current["basis"]) == ("derived", "reported")
    # 8200 ÷ 1.12 = 7321.43…, written as whole trains like 8200.
    assert before["value"] == 7321
    assert (before["period_start"], before["period_end"]) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-10-31"),
    )
    for lang in ("zh", "en"):
        spec = _ytd_spec(rows, lang)
        assert spec is not None
        earlier, latest = spec.chart.data
        assert earlier.marker.pattern.shape and not latest.marker.pattern.shape
        assert earlier.name == t("derived_legend", lang)
        assert (
            t("ytd_derived_label", lang, value="7321" if lang == "zh" else "7,321")
            in (earlier.text[0])
        )
        # The hover says how it is computed and cites the reported figure's source.
        hover = earlier.hovertext[0]
        assert "12%" in hover and ("倒推" in hover or "computed" in hover)
        assert "重庆海关" in hover or "Chongqing Customs" in hover
        assert spec.source_line.endswith(t("source_derived", lang))
    # The Chinese scale rounds a derived value like its reported one: 121.4万 → 0.1万.
    assert round_like(1214000 / 1.632, 1214000, "teu") == 744000
    assert round_like(1200000 / 1.5, 1200000, "teu") == 800000


def test_unlike_spans_are_never_compared_and_without_a_yoy_there_is_no_chart() -> None:
    rows = [
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2025-01-01", "2025-10-31"),  # no yoy
        _row("6500", "2024-01-01", "2024-09-30"),  # 1—9月 is not 1—10月
        _row("7000", "2024-02-01", "2024-10-31"),  # another start
        _row("7200", "2024-01-01", "2024-10-15"),  # a stated day is not the month's end
    ]
    assert _pair(rows) is None
    assert _ytd_spec(rows) is None
    assert not same_span_a_year_before(
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-10-31"), "2024-01-01", "2024-09-30"
    )
    # Month-ends match across a leap year; a stated day moves back a year.
    assert a_year_before(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-28")) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-02-29"),
    )
    assert same_span_a_year_before(
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-28"), "2024-01-01", "2024-02-29"
    )


def test_no_year_to_date_newer_than_the_latest_year_no_chart() -> None:
    # A year to date of a year already finished says nothing its full year does not.
    rows = [
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2024-01-01", "2024-10-31", yoy="12.0"),
    ]
    assert _pair(rows) is None
    assert _pair([_row("9000", "2024-01-01", "2024-12-31")]) is None
    assert ytd_pair([]) is None


def test_the_chart_follows_the_years_chart_and_reaches_the_deck_and_present_mode() -> None:
    rows = [
        _row("6000", "2023-01-01", "2023-12-31"),
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2025-01-01", "2025-10-31", yoy="12.0"),
    ]
    view = _view(rows)
    ids = [s.id for s in page_specs(view, [], ZH, "trains")]
    assert ids.index("train_runs_ytd") == ids.index("train_runs_years") + 1
    every = [s.id for s in every_page_specs(view, [], ZH)]
    assert "train_runs_ytd" in every


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_draws_earlier_then_latest_with_headroom(lang: str) -> None:
    rows = [
        _row("9000", "2024-01-01", "2024-12-31"),
        _row("8200", "2025-01-01", "2025-10-31", yoy="12.0"),
    ]
    view = _view(rows, locale_for(lang))
    pair = ytd_pair(view.records(view.rows))
    assert pair is not None
    figure = ytd_chart(ytd_points(pair, locale_for(lang)), "train_runs", locale_for(lang))
    spec = json.loads(figure.to_json())
    assert spec["layout"]["xaxis"]["categoryarray"] == [d["x"][0] for d in spec["data"]]
    assert spec["layout"]["yaxis"]["range"][1] > 8200


def test_no_prior_year_value_is_derived_from_a_bound() -> None:
    # 1—7月超5000列，同比增长25%: 超5000 ÷ 1.25 is no figure of the year before.
    bound = (*_row("5000", "2025-01-01", "2025-07-31", "25"), "over")
    assert _pair([bound]) is None
    exact = _row("5000", "2025-01-01", "2025-07-31", "25")
    assert _pair([exact]) is not None


@pytest.mark.parametrize(("lang", "stated"), [("zh", "超5000"), ("en", "over 5,000")])
def test_a_bounded_year_to_date_is_an_outline_labelled_as_stated(lang: str, stated: str) -> None:
    rows = [
        _row("4000", "2024-01-01", "2024-07-31"),
        (*_row("5000", "2025-01-01", "2025-07-31"), "over"),
    ]
    spec = _ytd_spec(rows, lang)
    assert spec is not None
    latest = spec.chart.data[-1]  # type: ignore[attr-defined]
    assert latest.text[0].startswith(stated)
    assert latest.marker.color == "#FFFFFF"
    assert latest.name == t("bound_legend", lang)
    assert stated in spec.headline  # type: ignore[attr-defined]
