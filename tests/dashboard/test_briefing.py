"""The written briefing: only reported figures, only like periods compared, every number sourced."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.briefing import (
    briefing_for_view,
    build_briefing,
    escape_markdown,
    preferred_rows,
    safe_url,
)
from dashboard.format import format_value
from dashboard.locales import EN, ZH, locale_for
from etl.contract.paths import Layout

SERIES = "corridor_rail_sea_trains"


def _row(value: float, start: str | None, end: str, *, yoy: float | None = None, **kw: object):
    row = {
        "metric": "train_runs",
        "value": value,
        "unit": "trains",
        "period_start": None if start is None else pd.Timestamp(start),
        "period_end": pd.Timestamp(end),
        "region": "corridor",
        "route": "rail_sea",
        "scope": "西部陆海新通道铁海联运班列",
        "series": SERIES,
        "yoy_pct": yoy,
        "basis": "reported",
        "source_id": f"src-{value:g}",
        "quote": "开行列",
        "publisher": f"报社{value:g}",
        "published": pd.Timestamp(end) + pd.Timedelta(days=5),
        "url": f"https://example.org/{value:g}",
        "title": "t",
    }
    row.update(kw)
    return row


def test_ytd_and_a_full_year_of_one_series_are_never_compared() -> None:
    rows = [_row(9000, "2024-01-01", "2024-12-31"), _row(5200, "2025-01-01", "2025-07-31")]
    for lang in ("zh", "en"):
        brief = build_briefing(rows, locale_for(lang))
        (sentence,) = brief.sentences
        assert sentence.comparisons == ()
        assert "%" not in brief.text
        assert [f.value for f in sentence.figures] == [9000, 5200]
        assert [f.kind for f in sentence.figures] == ["year", "ytd"]


def test_like_periods_are_compared_and_each_number_equals_the_data() -> None:
    rows = [
        _row(9000, "2024-01-01", "2024-12-31", yoy=12.5),
        _row(4000, "2024-01-01", "2024-07-31"),
        _row(5200, "2025-01-01", "2025-07-31"),
        _row(3000, "2024-01-01", "2024-06-30"),  # other months: never the base
    ]
    brief = build_briefing(rows, ZH)
    (sentence,) = brief.sentences
    year, ytd = sentence.comparisons
    assert (year.current.value, year.change_pct, year.computed) == (9000, 12.5, False)
    assert (ytd.current.value, ytd.previous.value, ytd.computed) == (5200, 4000, True)
    assert ytd.change_pct == round((5200 / 4000 - 1) * 100, 1) == 30.0
    assert brief.text == (
        "2024年，西部陆海新通道铁海联运班列开行9000列，同比增长12.5%；"
        "2025年1—7月为5200列，同比增长30%（上年同期4000列）。"
    )
    for fig in sentence.figures:
        assert fig.text == format_value(fig.value, "train_runs", "zh")
        assert fig.text in brief.text
        assert fig.source.url == f"https://example.org/{fig.value:g}"


def test_a_stale_ytd_derived_rows_and_bounds_are_left_out() -> None:
    rows = [
        _row(9000, "2024-01-01", "2024-12-31", quote="开行超9000列"),
        _row(8000, "2023-01-01", "2023-12-31"),
        _row(5000, "2024-01-01", "2024-07-31"),  # older than the full year 2024
        _row(7777, "2025-01-01", "2025-07-31", basis="derived"),
    ]
    brief = build_briefing(rows, EN)
    (sentence,) = brief.sentences
    assert [f.value for f in sentence.figures] == [9000]
    assert sentence.comparisons == ()  # 超9000 is a bound: no computed change
    assert "7,777" not in brief.text and "5,000" not in brief.text


def test_other_series_and_metrics_never_enter() -> None:
    rows = [
        _row(26000, "2024-01-01", "2024-12-31", series="china_europe_rail_trains"),
        _row(300, "2024-01-01", "2024-12-31", series=""),
    ]
    assert build_briefing(rows, ZH).sentences == ()
    rows = [_row(9000, "2024-01-01", "2024-12-31")]
    assert build_briefing(rows, ZH, metrics=["teu"]).sentences == ()


def test_markdown_escapes_data_and_links_only_web_addresses() -> None:
    evil = "[click](javascript:alert(1)) *x* :smile: $x$"
    rows = [_row(9000, "2024-01-01", "2024-12-31", publisher=evil, url="javascript:alert(1)")]
    brief = build_briefing(rows, ZH)
    md = brief.markdown()
    assert "javascript" not in md and "](" not in md
    assert escape_markdown(evil).count("\\[") == 1 and "\\*x\\*" in escape_markdown(evil)
    assert safe_url("https://a.org/x(1)") == "https://a.org/x%281%29"
    assert safe_url("https://a.org/x y") == ""
    assert safe_url("ftp://a.org") == ""
    rows = [_row(9000, "2024-01-01", "2024-12-31")]
    assert "[9000列](https://example.org/9000 " in build_briefing(rows, ZH).markdown()


def test_a_table_with_thousands_of_reports_of_one_year_briefs_as_the_unbounded_rows_do(
    shipped_layout: Layout,
) -> None:
    # The briefing and the year charts turn only a few rows per series and period into records
    # (briefing.headline_rows, briefed_rows): the preferred value and some others. With every
    # headline figure reported again forty times by other sources, in other values, what they
    # write is what the whole set of rows gives.
    from dashboard.briefing import headline_rows
    from dashboard.charts.series_years import year_records
    from dashboard.filters import Filters, filter_mask
    from dashboard.views.index import HEADLINE_SERIES, figure_view
    from etl.store.table import load_table

    table = load_table(shipped_layout)
    obs = table.observations
    head = obs.loc[obs["series"].astype(str).isin(HEADLINE_SERIES)]
    copies = [
        head.assign(
            value=head["value"] * (1 + k / 100),
            scope=head["scope"].astype(str) + f"（转载{k}）",
            source_id=f"copy-{k}",
            quote=f"第{k}份",
        )
        for k in range(1, 41)
    ]
    big = pd.concat([obs, *copies], ignore_index=True)
    view = figure_view(big, table.sources, filter_mask(big, Filters()), ZH)
    every = view.rows[view.column("series").astype(str).isin(HEADLINE_SERIES).to_numpy()]
    assert len(headline_rows(view)) < len(every) / 5
    unbounded = build_briefing(view.records(every), ZH)
    assert briefing_for_view(view, ZH).text == unbounded.text
    years = year_records(view, ["train_runs", "teu"])
    assert years and all(len(r["others"]) <= 3 for recs in years.values() for r in recs)


def test_a_series_with_years_states_its_growth_since_the_first_year_as_a_bound() -> None:
    # 178列 in 2017 to 超1万列 in 2024: more than 56-fold, never an exact 56.2.
    rows = [
        _row(178, "2017-01-01", "2017-12-31"),
        _row(8820, "2022-01-01", "2022-12-31"),
        _row(10000, "2024-01-01", "2024-12-31", qualifier="over", quote="超1万列"),
    ]
    zh = build_briefing(rows, ZH).text
    assert "为2017年的超56倍（年均增长超" in zh
    en = build_briefing(rows, EN).text
    assert "more than 56-fold its 2017 level (more than " in en
    # One year only: no growth over a span to state.
    assert "倍" not in build_briefing(rows[2:], ZH).text


def test_a_remembered_preference_returns_the_callers_own_rows_and_follows_every_field() -> None:
    def reports() -> list[dict[str, object]]:
        # Two reports of one year: the later-published source wins while both are exact.
        return [
            _row(14000, "2024-01-01", "2024-12-31", published=pd.Timestamp("2025-01-05")),
            _row(15000, "2024-01-01", "2024-12-31", published=pd.Timestamp("2025-02-05")),
        ]

    first = reports()
    assert [r["value"] for r in preferred_rows(first)] == [15000]
    again = reports()
    chosen = preferred_rows(again)
    # Remembered: the same choice, as the second caller's own records, not the first's.
    assert chosen == [again[1]] and chosen[0] is again[1]
    # A bound on the later report changes the choice (an exact figure first): a field the
    # choice reads is part of what is remembered.
    bound = reports()
    bound[1]["qualifier"] = "over"
    assert [r["value"] for r in preferred_rows(bound)] == [14000]
    later = reports()
    later[0]["published"] = pd.Timestamp("2025-03-05")
    assert [r["value"] for r in preferred_rows(later)] == [14000]


def test_record_kinds_are_period_kinds_worked_out_once_per_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard import briefing as module
    from etl.contract.period_kinds import period_kinds

    ts = pd.Timestamp
    rows = [
        {"period_start": ts("2031-01-01"), "period_end": ts("2031-12-31"), "metric": "teu"},
        {"period_start": ts("2031-01-01"), "period_end": ts("2031-07-31"), "metric": "teu"},
        {"period_start": ts("2031-07-01"), "period_end": ts("2031-07-31"), "metric": "teu"},
        {"period_start": None, "period_end": ts("2031-07-31"), "metric": "teu"},
        {"period_start": ts("2031-01-01"), "period_end": ts("2031-12-31"), "metric": "teu"},
    ]
    frame = pd.DataFrame(rows)
    expected = period_kinds(frame["period_start"], frame["period_end"], frame["metric"]).tolist()
    assert expected == ["year", "ytd", "month", "since", "year"]
    calls: list[int] = []

    def counted(start: pd.Series, end: pd.Series, metric: pd.Series) -> pd.Series:
        calls.append(len(end))
        return period_kinds(start, end, metric)

    monkeypatch.setattr(module, "period_kinds", counted)
    assert module.record_kinds(rows) == expected
    assert calls == [4], "one call for the four distinct periods"
    assert module.record_kinds(rows[1:3]) == expected[1:3]
    assert calls == [4], "remembered"


def test_a_preference_is_remembered_per_period_so_a_new_period_chooses_only_for_its_new_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard import briefing as module

    def reports(year: int, later_wins: bool = True) -> list[dict[str, object]]:
        # Two reports of one year: the later-published one wins while both are exact; the
        # derived row of the same value and source is never the reported choice.
        first, second = pd.Timestamp(f"{year + 1}-01-05"), pd.Timestamp(f"{year + 1}-02-05")
        return [
            _row(year, f"{year}-01-01", f"{year}-12-31", published=first),
            _row(year + 0.5, f"{year}-01-01", f"{year}-12-31", published=second),
            _row(year + 0.5, f"{year}-01-01", f"{year}-12-31", published=second, basis="derived"),
            # A year to date of the same end, another period of the same series.
            _row(year - 1, f"{year}-07-01", f"{year}-12-31", published=first),
        ]

    def everything(years: range) -> list[dict[str, object]]:
        return [row for year in years for row in reports(year)]

    def whole(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        # The choice over every row at once, as it was made before it was remembered per period.
        return [rows[i] for i in choose(rows)]

    passes: list[int] = []
    choose = module._preferred_positions

    def counted(rows: list[dict[str, object]]) -> tuple[int, ...]:
        passes.append(len(rows))
        return choose(rows)

    monkeypatch.setattr(module, "_preferred_memo", module.BoundedMemo(module.PREFERRED_MEMO))
    monkeypatch.setattr(module, "_preferred_positions", counted)
    early = everything(range(2001, 2004))
    assert preferred_rows(early) == whole(early)
    assert [r["value"] for r in preferred_rows(early)] == [2001.5, 2000, 2002.5, 2001, 2003.5, 2002]
    assert passes == [12], "one pass for every period not chosen before"
    # A wider period: the three years chosen before are looked up, the two new ones chosen in one
    # pass of their own rows; the answer is the whole list's choice, in the caller's order.
    wider = everything(range(2001, 2006))
    passes.clear()
    chosen = preferred_rows(wider)
    assert passes == [8]
    assert chosen == whole(wider) and all(any(r is w for w in wider) for r in chosen), (
        "the caller's own records"
    )
    # The same rows again: nothing chosen.
    passes.clear()
    assert preferred_rows(everything(range(2002, 2005))) == whole(everything(range(2002, 2005)))
    assert passes == []
