"""Conflicts: one series and period, different values — the preferred body's value first, the
others kept beside it with their sources."""

from __future__ import annotations

import pandas as pd

from etl.contract.conflicts import also_reported, preference_rank, preferred_values


def _row(value: float, source: str, quote: str, series: str = "corridor_rail_sea_teu") -> dict:
    return {
        "metric": "teu",
        "value": value,
        "period_start": pd.Timestamp("2021-01-01"),
        "period_end": pd.Timestamp("2021-12-31"),
        "scope": "西部陆海新通道铁海联运班列",
        "series": series,
        "basis": "reported",
        "source_id": source,
        "quote": quote,
    }


SOURCES = pd.DataFrame(
    {
        "source_id": ["a", "b", "c"],
        "published": pd.to_datetime(["2022-01-05", "2022-12-12", "2023-01-01"]),
    }
)


def test_the_preferred_body_wins_and_the_other_value_stays_with_its_source() -> None:
    frame = pd.DataFrame(
        [
            _row(570000, "c", "国铁集团：全年发送57万标箱"),  # the latest source, not preferred
            _row(630000, "b", "国铁南宁局：2021年运输63万标箱"),
        ]
    )
    out = preferred_values(frame, SOURCES)
    assert len(out) == 1
    best = out.iloc[0]
    assert best["value"] == 630000 and best["source_id"] == "b"
    assert best["others"] == ((570000.0, "c"),) and bool(best["conflict"])
    assert also_reported(best["others"], "zh") == "另据：570000.0（c）"
    assert (
        also_reported(best["others"], "en", lambda v: f"{v:,.0f}") == "Also reported: 570,000 (c)"
    )


def test_without_a_preferred_body_the_latest_source_wins() -> None:
    frame = pd.DataFrame([_row(100, "a", "x"), _row(200, "c", "y"), _row(100, "b", "z")])
    best = preferred_values(frame, SOURCES).iloc[0]
    assert best["value"] == 200 and best["source_id"] == "c"
    assert best["others"] == ((100.0, "b"),)  # one value once, never summed or averaged


def test_agreeing_sources_are_no_conflict_and_other_figures_are_left_out() -> None:
    frame = pd.DataFrame(
        [
            _row(630000, "a", "x"),
            _row(630000, "b", "y"),
            _row(5, "c", "z", series=""),  # other figures: no series, no line
            {**_row(1, "c", "d"), "basis": "derived"},
        ]
    )
    out = preferred_values(frame, SOURCES)
    assert len(out) == 1 and not bool(out.iloc[0]["conflict"]) and out.iloc[0]["others"] == ()


def test_periods_are_kept_apart() -> None:
    later = {**_row(700, "a", "x"), "period_end": pd.Timestamp("2021-06-30")}
    out = preferred_values(pd.DataFrame([_row(900, "b", "y"), later]), SOURCES)
    assert sorted(out["value"]) == [700, 900] and not out["conflict"].any()


def test_rank_zero_is_the_value_preferred_values_chooses_and_repeats_rank_minus_one() -> None:
    import random

    from etl.contract.conflicts import preference_rank

    rng = random.Random(3)
    quotes = ["国铁南宁局：运输{}标箱", "国铁集团：发送{}标箱", "据报道{}标箱"]
    rows = [
        _row(float(rng.choice([570000, 630000, 600000, 610000])), rng.choice("abc"),
             rng.choice(quotes).format(i))
        for i in range(300)
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    rank = preference_rank(frame, SOURCES)
    best = preferred_values(frame, SOURCES).iloc[0]
    chosen = frame.loc[rank == 0].iloc[0]
    assert (chosen["value"], chosen["source_id"]) == (best["value"], best["source_id"])
    ranked = frame.loc[rank >= 0]
    assert sorted(ranked["value"]) == sorted(set(frame["value"]))  # each distinct value once
    assert set(rank) <= {-1, 0, 1, 2, 3}
    others = [v for v, _ in best["others"]]
    assert others == [ranked.loc[rank == k, "value"].iloc[0] for k in range(1, 4)]


def test_an_earlier_exact_figure_is_preferred_to_a_later_round_bound() -> None:
    # 505万 (published first) against a later report's 首次超500万 of the same year.
    exact = {**_row(5050000, "a", "全年完成505万标箱"), "qualifier": ""}
    bound = {**_row(5000000, "c", "全年首次超500万标箱"), "qualifier": "over"}
    best = preferred_values(pd.DataFrame([bound, exact]), SOURCES).iloc[0]
    assert best["value"] == 5050000 and best["source_id"] == "a"
    assert best["others"] == ((5000000.0, "c"),)
    rank = preference_rank(pd.DataFrame([bound, exact]), SOURCES)
    assert list(rank) == [1, 0]


def test_an_exact_figure_outranks_a_bound_even_from_the_preferred_body() -> None:
    bound = {**_row(600000, "b", "国铁南宁局：2021年运输超60万标箱"), "qualifier": "over"}
    exact = {**_row(570000, "a", "全年发送57万标箱"), "qualifier": ""}
    best = preferred_values(pd.DataFrame([bound, exact]), SOURCES).iloc[0]
    assert best["value"] == 570000


def test_a_table_from_before_the_qualifier_column_ranks_as_it_did() -> None:
    frame = pd.DataFrame([_row(100, "a", "x"), _row(200, "c", "y")])
    assert preferred_values(frame, SOURCES).iloc[0]["value"] == 200
