"""Scoring rules on small synthetic truth and extraction cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.contract.errors import CorridorError
from etl.extraction.evaluate import (
    TruthRow,
    evaluate,
    places_agree,
    read_truth,
    render_report,
    score,
)
from etl.extraction.figures import Figure

END = date(2024, 7, 31)


def truth(value: float, end: date | None = END, yoy: float | None = None) -> TruthRow:
    return TruthRow("a", "teu", value, end, yoy)


def fig(value: float, end: date = END, yoy: float | None = None, metric: str = "teu") -> Figure:
    return Figure(metric, value, None, end, "", yoy, "")


def test_value_within_half_a_percent_matches() -> None:
    assert score([truth(1000)], {"a": [fig(1004)]}).overall.found == 1


def test_value_beyond_half_a_percent_does_not_match() -> None:
    assert score([truth(1000)], {"a": [fig(1006)]}).overall.found == 0


def test_one_extracted_row_finds_one_truth_row_at_most() -> None:
    report = score([truth(1000), truth(1000)], {"a": [fig(1000)]})
    o = report.overall
    assert (o.found, o.precision, o.recall) == (1, 1.0, 0.5)


def test_closest_value_wins_the_pairing() -> None:
    report = score([truth(1000), truth(1003)], {"a": [fig(1003), fig(999)]})
    assert report.overall.found == 2


def test_wrong_month_does_not_match() -> None:
    assert score([truth(1000)], {"a": [fig(1000, end=date(2024, 6, 30))]}).overall.found == 0


def test_same_month_other_day_matches() -> None:
    assert score([truth(1000)], {"a": [fig(1000, end=date(2024, 7, 1))]}).overall.found == 1


def test_truth_without_period_end_matches_any_end() -> None:
    assert score([truth(1000, end=None)], {"a": [fig(1000, end=date(2020, 1, 1))]}).overall.found


def test_other_metric_does_not_match() -> None:
    assert score([truth(1000)], {"a": [fig(1000, metric="train_runs")]}).overall.found == 0


def test_other_article_does_not_match() -> None:
    report = score([truth(1000)], {"b": [fig(1000)]})
    assert (report.overall.found, report.overall.truth, report.overall.extracted) == (0, 1, 1)


def test_yoy_scored_on_found_rows_with_tolerance() -> None:
    report = score(
        [truth(1, yoy=17.8), truth(2, yoy=None), truth(3, yoy=5.0), truth(4, yoy=None)],
        {"a": [fig(1, yoy=17.84), fig(2), fig(3, yoy=5.2), fig(4, yoy=1.0)]},
    )
    assert (report.overall.found, report.overall.yoy_correct) == (4, 2)


def test_f1_is_harmonic_mean() -> None:
    report = score([truth(1), truth(2)], {"a": [fig(1), fig(5), fig(6), fig(7)]})
    o = report.overall
    assert (o.precision, o.recall) == (0.25, 0.5)
    assert abs(o.f1 - 1 / 3) < 1e-9


def test_missing_article_file_counts_as_misses(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    csv = tmp_path / "truth.csv"
    csv.write_text(
        "article,metric,value,unit,period_start,period_end,scope,yoy_pct\n"
        "zzz,teu,100,TEU,,2024-01-31,x,\n",
        encoding="utf-8",
    )
    report = evaluate(articles, csv)
    assert (report.overall.truth, report.overall.found, report.overall.recall) == (1, 0, 0.0)


def test_render_ends_with_four_overall_lines() -> None:
    text = render_report(score([truth(1000)], {"a": [fig(1000)]}))
    last = text.splitlines()[-4:]
    assert all(line.startswith("overall") for line in last)
    assert last[-1].startswith("overall: strict 1.000")


def test_scope_agreement_counts_found_rows_with_a_labelled_scope() -> None:
    labelled = TruthRow("a", "teu", 1000, None, None, "重庆经西部陆海新通道")
    other = TruthRow("a", "teu", 2000, None, None, "中欧班列(成渝)")
    figures = [
        Figure("teu", 1000, None, date(2024, 1, 31), "重庆经这条通道的班列", None, "q"),
        Figure("teu", 2000, None, date(2024, 1, 31), "广西", None, "q"),
    ]
    report = score([labelled, other], {"a": figures})
    assert (report.places_agreed, report.places_checked) == (1, 2)
    assert "agree with the truth's on 1/2" in render_report(report)
    assert render_report(report).splitlines()[-2].startswith("overall: yoy accuracy")


def test_places_agree_compares_region_and_route() -> None:
    assert places_agree("重庆经西部陆海新通道铁海联运班列", "重庆海关监管铁海联运班列")
    assert not places_agree("重庆跨境公路班车", "重庆经铁海联运班列")


START = date(2024, 1, 1)
HEADER = "article,metric,value,qualifier,unit,period_start,period_end,scope,yoy_pct,series\n"


def strict_truth(**fields: object) -> TruthRow:
    base: dict[str, object] = {
        "article": "a",
        "metric": "train_runs",
        "value": 10000.0,
        "period_end": END,
        "yoy_pct": None,
        "scope": "西部陆海新通道铁海联运班列",
        "period_start": START,
        "qualifier": "over",
        "series": "corridor_rail_sea_trains",
    }
    return TruthRow(**{**base, **fields})  # type: ignore[arg-type]


def strict_fig(**fields: object) -> Figure:
    base: dict[str, object] = {
        "metric": "train_runs",
        "value": 10000.0,
        "period_start": START,
        "period_end": END,
        "scope": "西部陆海新通道铁海联运班列",
        "yoy_pct": None,
        "quote": "q",
        "qualifier": "over",
    }
    return Figure(**{**base, **fields})  # type: ignore[arg-type]


def test_strict_scoring_agrees_on_every_field_of_an_identical_row() -> None:
    report = score([strict_truth()], {"a": [strict_fig()]})
    assert report.mismatches == []
    assert report.strict_accuracy == 1.0
    assert report.field_checked["series"] == report.field_checked["qualifier"] == 1


@pytest.mark.parametrize(
    ("field", "figure_change", "expected", "got"),
    [
        ("qualifier", {"qualifier": ""}, "over", ""),
        ("period_start", {"period_start": None}, "2024-01-01", ""),
        ("period_end", {"period_end": date(2024, 7, 30)}, "2024-07-31", "2024-07-30"),
        ("yoy", {"yoy_pct": 12.0}, "", "12"),
        ("value", {"value": 10030.0}, "10000", "10030"),
        (
            "series",
            {"scope": "中欧班列(成渝)"},
            "corridor_rail_sea_trains",
            "china_europe_rail_trains",
        ),
    ],
)
def test_strict_scoring_reports_each_differing_field(
    field: str, figure_change: dict[str, object], expected: str, got: str
) -> None:
    report = score([strict_truth()], {"a": [strict_fig(**figure_change)]})
    assert report.overall.found == 1
    assert [(m.field, m.expected, m.got) for m in report.mismatches] == [(field, expected, got)]
    assert report.strict_accuracy == 0.0
    assert report.field_accuracy(field) == 0.0
    line = f"a train_runs 10000: {field} {expected or '(empty)'} → {got or '(empty)'}"
    assert line in render_report(report)


def test_truth_without_qualifier_or_series_columns_does_not_score_them(tmp_path: Path) -> None:
    csv = tmp_path / "truth.csv"
    csv.write_text(
        "article,metric,value,unit,period_start,period_end,scope,yoy_pct\n"
        "a,train_runs,10000,trains,2024-01-01,2024-07-31,x,\n",
        encoding="utf-8",
    )
    row = read_truth(csv)[0]
    assert (row.qualifier, row.series, row.period_start) == (None, None, START)
    report = score([row], {"a": [strict_fig(qualifier="nearly", scope="别处")]})
    assert report.mismatches == []
    assert "qualifier" not in report.field_checked and "series" not in report.field_checked


def test_truth_with_qualifier_and_series_columns_reads_them(tmp_path: Path) -> None:
    csv = tmp_path / "truth.csv"
    csv.write_text(HEADER + "a,teu,270000,over,TEU,,2021-12-31,x,,\n", encoding="utf-8")
    row = read_truth(csv)[0]
    assert (row.qualifier, row.series, row.period_start) == ("over", "", None)


def test_truth_file_lacking_a_column_is_refused_in_both_languages(tmp_path: Path) -> None:
    csv = tmp_path / "truth.csv"
    csv.write_text("article,metric,period_end\na,teu,2024-01-31\n", encoding="utf-8")
    with pytest.raises(CorridorError) as caught:
        read_truth(csv)
    text = caught.value.render()
    assert "缺少列" in text and "lacks columns: value" in text


def test_truth_file_with_a_bad_cell_names_its_row(tmp_path: Path) -> None:
    csv = tmp_path / "truth.csv"
    csv.write_text(HEADER + "a,teu,lots,,TEU,,2021-12-31,x,,\n", encoding="utf-8")
    with pytest.raises(CorridorError) as caught:
        read_truth(csv)
    assert "第 2 行" in caught.value.render() and "row 2" in caught.value.render()
