"""Filter state: URL query parameters in and out, validation, and applying filters to a frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dashboard_data import OLDER, SEED, observations, sources
from references import filter_records, source_joined

from dashboard.filters import (
    PARAMS,
    FilterProblem,
    Filters,
    apply_filters,
    parse_month,
    parse_query_params,
    related_mask,
    related_rows,
    to_query_params,
    vocabulary_choices,
)
from dashboard.locales import EN, ZH
from dashboard.views.index import figure_view
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.cache import load_cached_table

CHOICES = vocabulary_choices([SEED, OLDER])


def test_url_parameter_names_are_the_contract() -> None:
    assert PARAMS == (
        "from",
        "to",
        "region",
        "route",
        "metric",
        "basis",
        "source",
        "lang",
        "related",
    )


def test_default_filters_make_an_empty_query() -> None:
    assert to_query_params(Filters()) == {}


def test_filters_round_trip_through_the_url() -> None:
    filters = Filters(
        start=pd.Timestamp("2024-01-01"),
        end=pd.Timestamp("2024-07-31"),
        regions=("chongqing", "guangxi"),
        routes=("rail_sea", "none"),
        metrics=("train_runs",),
        bases=("reported",),
        sources=(SEED,),
    )
    params = to_query_params(filters, EN)
    assert params == {
        "from": "2024-01",
        "to": "2024-07",
        "region": "chongqing,guangxi",
        "route": "rail_sea,none",
        "metric": "train_runs",
        "basis": "reported",
        "source": SEED,
        "lang": "en",
    }
    parsed = parse_query_params(params, CHOICES)
    assert parsed.filters == filters
    assert parsed.locale == EN
    assert parsed.messages == ()


def test_the_language_is_read_beside_the_filters_not_inside_them() -> None:
    zh = parse_query_params({"region": "chongqing"}, CHOICES)
    en = parse_query_params({"region": "chongqing", "lang": "en"}, CHOICES)
    # One view of the figures serves both languages: the filters are equal, the locales differ.
    assert zh.filters == en.filters and hash(zh.filters) == hash(en.filters)
    assert (zh.locale, en.locale) == (ZH, EN)
    assert not hasattr(en.filters, "lang")
    assert to_query_params(en.filters, en.locale)["lang"] == "en"
    assert "lang" not in to_query_params(zh.filters, zh.locale)


def test_repeated_parameters_are_read_like_commas() -> None:
    parsed = parse_query_params({"region": ["chongqing", "guangxi"]}, CHOICES)
    assert parsed.filters.regions == ("chongqing", "guangxi")


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"region": "atlantis"}, "region=atlantis"),
        ({"metric": "bananas"}, "metric=bananas"),
        ({"source": "nobody"}, "source=nobody"),
        ({"basis": "guessed"}, "basis=guessed"),
        ({"lang": "fr"}, "lang=fr"),
        ({"from": "2024-13"}, "from=2024-13"),
        ({"to": "yesterday"}, "to=yesterday"),
    ],
)
def test_a_wrong_value_is_ignored_with_a_bilingual_message(
    params: dict[str, str], needle: str
) -> None:
    parsed = parse_query_params(params, CHOICES)
    assert parsed.filters == Filters()
    assert len(parsed.messages) == 1
    message = parsed.messages[0]
    assert needle in message
    assert "已忽略" in message and "ignored" in message


def test_a_reversed_period_is_swapped_with_a_message() -> None:
    parsed = parse_query_params({"from": "2024-07", "to": "2024-01"}, CHOICES)
    assert parsed.filters.start == pd.Timestamp("2024-01-01")
    assert parsed.filters.end == pd.Timestamp("2024-07-31")
    assert parsed.messages


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2024-07", False, "2024-07-01"),
        ("2024-07", True, "2024-07-31"),
        ("2024-2", True, "2024-02-29"),
        ("2024", False, "2024-01-01"),
        ("2024", True, "2024-12-31"),
        ("2024-07-15", True, "2024-07-31"),
    ],
)
def test_months_parse_to_their_first_or_last_day(text: str, end: bool, expected: str) -> None:
    assert parse_month(text, end=end) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["", "July", "2024-00", "2024-13", "1800-01", "2024/07"])
def test_bad_months_parse_to_none(text: str) -> None:
    assert parse_month(text, end=False) is None


def test_apply_filters_keeps_what_each_filter_names() -> None:
    frame = observations()
    assert len(apply_filters(frame, Filters(related=True))) == len(frame)
    july = apply_filters(
        frame, Filters(start=pd.Timestamp("2024-07-01"), end=pd.Timestamp("2024-07-31"))
    )
    assert set(july["period_end"]) == {pd.Timestamp("2024-07-31")}
    derived = apply_filters(frame, Filters(bases=("derived",)))
    assert set(derived["basis"]) == {"derived"}
    no_route = apply_filters(frame, Filters(routes=("none",)))
    assert set(no_route["route"]) == {""}
    older = apply_filters(frame, Filters(sources=(OLDER,), metrics=("train_runs",)))
    assert set(older["source_id"]) == {OLDER}
    assert set(older["metric"]) == {"train_runs"}


def test_apply_filters_does_not_change_its_input() -> None:
    frame = observations()
    before = frame.copy()
    apply_filters(frame, Filters(regions=("corridor",)))
    pd.testing.assert_frame_equal(frame, before)


def test_a_filter_that_matches_nothing_gives_an_empty_frame() -> None:
    assert apply_filters(observations(), Filters(regions=("yunnan",))).empty


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(start=pd.Timestamp("2024-07-01"), end=pd.Timestamp("2024-07-31")),
        Filters(routes=("none", "rail_sea"), bases=("reported",)),
        Filters(regions=("corridor",), metrics=("ports_reached", "cargo_categories")),
        Filters(sources=(OLDER,)),
        Filters(sources=(OLDER,), related=True),
    ],
)
def test_filter_records_keeps_the_same_rows_as_apply_filters(filters: Filters) -> None:
    frame = observations()
    records = source_joined(frame, sources())
    kept = filter_records(records, filters)
    expected = apply_filters(frame, filters)
    assert [(r["metric"], r["value"], r["source_id"]) for r in kept] == list(
        zip(expected["metric"], expected["value"], expected["source_id"], strict=True)
    )


def test_problems_are_typed_and_the_page_and_the_command_line_word_them() -> None:
    parsed = parse_query_params({"region": "atlantis", "from": "2024-13", "to": "2023-01"}, CHOICES)
    assert set(parsed.problems) == {
        FilterProblem("unknown", "region", "atlantis"),
        FilterProblem("bad_month", "from", "2024-13"),
    }
    unknown = next(p for p in parsed.problems if p.kind == "unknown")
    assert unknown.notice() == (
        "筛选条件 region=atlantis 无法识别，已忽略。 / Filter region=atlantis is not recognised; "
        "ignored."
    )
    refusal = unknown.problem()
    assert (refusal.zh, refusal.en) == (
        "筛选条件 region=atlantis 无法识别。",
        "Filter region=atlantis is not recognised.",
    )
    swapped = parse_query_params({"from": "2024-07", "to": "2024-01"}, CHOICES).problems
    assert swapped == (FilterProblem("swapped"),)
    assert (
        swapped[0].notice().endswith("已对调。 / The start month was after the end month; swapped.")
    )
    assert swapped[0].problem().en == "The start month was after the end month."


def test_filters_are_frozen_hashable_values() -> None:
    a = Filters(regions=("chongqing",), start=pd.Timestamp("2024-01-01"), related=True)
    b = Filters(regions=("chongqing",), start=pd.Timestamp("2024-01-01"), related=True)
    assert a == b and hash(a) == hash(b)
    assert len({a, b, Filters()}) == 2
    with pytest.raises(AttributeError):
        a.related = False  # type: ignore[misc]


def test_thousands_of_unknown_values_make_one_short_message() -> None:
    many = ",".join(f"[x{i}](http://evil.example/{i})" for i in range(10_000))
    parsed = parse_query_params({"region": many, "metric": "teu," + "y" * 100_000}, CHOICES)
    assert len(parsed.messages) == 2
    assert all(len(m) < 400 for m in parsed.messages)
    assert "(+47+)" in parsed.messages[0]
    assert parsed.filters.metrics == ("teu",)


def test_values_beyond_the_cap_are_not_looked_at() -> None:
    values = ["chongqing"] + ["nowhere"] * 60 + ["guangxi"]
    parsed = parse_query_params({"region": values}, CHOICES)
    assert parsed.filters.regions == ("chongqing",), "the 62nd value is past the cap"
    assert len(parsed.messages) == 1


def test_related_series_are_left_out_unless_the_switch_is_on() -> None:
    frame = observations()
    # 中欧班列(重庆)累计开行超3000列: on China–Europe rail, though its city's share joins no series.
    related = frame["route"].astype(str) == "china_europe_rail"
    assert related.sum() == 1
    off = apply_filters(frame, Filters())
    assert "china_europe_rail" not in set(off["route"].astype(str))
    assert len(off) == len(frame) - 1
    on = apply_filters(frame, Filters(related=True))
    assert "china_europe_rail" in set(on["route"].astype(str))
    # A figure of a related series is left out by its series, whatever its route.
    tagged = frame.assign(series=frame["series"].astype(str))
    tagged.loc[0, "series"] = "china_europe_rail_trains"
    assert len(apply_filters(tagged, Filters())) == len(frame) - 2


def test_the_related_switch_lives_in_the_url() -> None:
    assert to_query_params(Filters(related=True)) == {"related": "1"}
    assert "related" not in to_query_params(Filters())
    assert parse_query_params({"related": "1"}, CHOICES).filters.related
    assert not parse_query_params({"related": "0"}, CHOICES).filters.related
    assert not parse_query_params({}, CHOICES).filters.related
    odd = parse_query_params({"related": "maybe"}, CHOICES)
    assert not odd.filters.related
    assert [(p.kind, p.param) for p in odd.problems] == [("unknown", "related")]


def test_a_views_related_rows_are_what_related_mask_says_of_its_rows() -> None:
    layout = Layout(DEFAULT_DATA_DIR)
    table = load_cached_table(layout)
    obs = table.observations
    fv = figure_view(obs, table.sources, np.ones(len(obs), dtype=bool), ZH)
    expected = related_mask(obs.iloc[fv.rows])
    assert expected.any() and not expected.all()
    assert (related_rows(fv, fv.rows) == expected).all()
    some = fv.rows[::3]
    assert (related_rows(fv, some) == related_mask(obs.iloc[some])).all()
