"""Scoring rules on small synthetic truth and extraction cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.extraction.evaluate import TruthRow, evaluate, places_agree, render_report, score
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


def test_render_ends_with_three_overall_lines() -> None:
    text = render_report(score([truth(1000)], {"a": [fig(1000)]}))
    last = text.splitlines()[-3:]
    assert all(line.startswith("overall") for line in last)


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
    assert render_report(report).splitlines()[-1].startswith("overall: yoy accuracy")


def test_places_agree_compares_region_and_route() -> None:
    assert places_agree("重庆经西部陆海新通道铁海联运班列", "重庆海关监管铁海联运班列")
    assert not places_agree("重庆跨境公路班车", "重庆经铁海联运班列")
