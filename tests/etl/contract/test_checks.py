"""The record check (etl/contract/checks.py): one case of every rule, and the silence of a clean
record; `corridor check`'s exit codes, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corridor.cli import main
from etl.contract import check_frame
from etl.contract.check_frame import prepare
from etl.contract.checks import (
    ERROR,
    RULES,
    WARNING,
    check_record,
    finding_records,
    render_report,
)
from etl.contract.conflicts import preference_rank
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import write_observations, write_sources

TRAINS = "corridor_rail_sea_trains"
SCOPE = "西部陆海新通道铁海联运班列"


def row(**given: Any) -> dict[str, Any]:
    """Return one observation: a corridor rail–sea train figure unless told otherwise."""
    base: dict[str, Any] = {
        "metric": "train_runs",
        "value": 1000.0,
        "qualifier": "",
        "unit": "trains",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "region": "corridor",
        "route": "rail_sea",
        "scope": SCOPE,
        "series": TRAINS,
        "yoy_pct": float("nan"),
        "basis": "reported",
        "source_id": "src-a",
        "quote": "2024年，西部陆海新通道铁海联运班列开行1000列。",
    }
    return {**base, **given}


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Return typed observations from rows."""
    out = pd.DataFrame(list(rows), columns=list(OBSERVATION_COLUMNS))
    for col in ("period_start", "period_end"):
        out[col] = pd.to_datetime(out[col].replace("", None)).astype("datetime64[ns]")
    for col in ("value", "yoy_pct"):
        out[col] = out[col].astype(float)
    return out


def years(*values: float, first: int = 2020) -> list[dict[str, Any]]:
    """Return one reported full-year figure per value, from the first year on."""
    return [
        row(value=v, period_start=f"{first + i}-01-01", period_end=f"{first + i}-12-31")
        for i, v in enumerate(values)
    ]


def rules_found(observations: pd.DataFrame, sources: pd.DataFrame | None = None) -> set[str]:
    return set(check_record(observations, sources).counts)


SOURCES = pd.DataFrame(
    {
        "source_id": ["src-a", "src-b"],
        "title": ["甲", "乙"],
        "publisher": ["新华社", "人民日报"],
        "published": pd.to_datetime(["2025-01-10", "2025-02-10"]),
        "url": ["", ""],
    }
)


def test_a_steady_record_has_nothing_to_question() -> None:
    assert check_record(frame(*years(1000, 1100, 1200, 1300))).counts == {}


def test_a_derived_value_far_below_its_neighbours_breaks_its_series() -> None:
    derived = row(
        value=30.0,
        period_start="2021-01-01",
        period_end="2021-12-31",
        basis="derived",
        quote="推算 derived",
    )
    report = check_record(frame(*years(1000, first=2020), derived, *years(1200, first=2022)))
    assert set(report.counts) == {"derived_breaks_series"}
    (finding,) = report.findings
    assert finding.severity == ERROR
    assert finding.rows == (1, 0, 2)  # the derived row, then its neighbours before and after


def test_a_derived_value_near_its_neighbours_is_fine() -> None:
    derived = row(value=1050.0, period_start="2021-01-01", period_end="2021-12-31", basis="derived")
    assert rules_found(frame(*years(1000, first=2020), derived, *years(1200, first=2022))) == set()


def test_an_exact_figure_is_preferred_to_a_later_bound_so_nothing_is_questioned() -> None:
    # The later source states a bound, the earlier an exact value: the exact one is preferred.
    exact = row(value=10218.0, source_id="src-a")
    bound = row(value=10000.0, qualifier="over", source_id="src-b", quote="南宁局：超1万列")
    report = check_record(frame(exact, bound), SOURCES)
    assert "bound_preferred" not in report.counts
    ranks = prepare(frame(exact, bound), SOURCES)["rank"].tolist()
    assert ranks == [0, 1]


def _qualifier_blind(rows: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.Series:
    # A preference that ignores how a figure is stated (the defect the rule guards against).
    return preference_rank(rows.drop(columns="qualifier"), sources)


@pytest.mark.parametrize(
    ("first", "second", "rows"),
    [
        # The later source is preferred (no body cue): it states a bound.
        (
            {"value": 10218.0, "source_id": "src-a"},
            {"qualifier": "over", "source_id": "src-b"},
            (1, 0),
        ),
        # The earlier source names the preferred body (南宁局): its bound would win.
        (
            {"qualifier": "over", "source_id": "src-a", "quote": "南宁局：超1万列"},
            {"value": 10218.0, "source_id": "src-b"},
            (0, 1),
        ),
    ],
)
def test_a_bound_preferred_over_an_exact_figure_of_the_same_period_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
    first: dict[str, object],
    second: dict[str, object],
    rows: tuple[int, int],
) -> None:
    monkeypatch.setattr(check_frame, "preference_rank", _qualifier_blind)
    report = check_record(
        frame(row(**{"value": 10000.0, **first}), row(**{"value": 10000.0, **second})), SOURCES
    )
    assert set(report.counts) == {"bound_preferred"}
    assert report.findings[0].rows == rows


def test_a_cumulative_total_below_a_figure_inside_its_span_is_an_error() -> None:
    total = row(value=500.0, period_start="2018-05-01", period_end="2024-12-31", quote="累计504列")
    assert rules_found(frame(total, *years(3000, first=2020))) == {"cumulative_below_part"}
    # Stated as a lower bound (超500列), the total does not contradict the part.
    over = {**total, "qualifier": "over"}
    assert rules_found(frame(over, *years(3000, first=2020))) == set()


def test_a_year_to_date_total_above_its_full_year_is_an_error() -> None:
    ytd = row(value=1500.0, period_end="2024-07-31")
    assert rules_found(frame(ytd, *years(1200, first=2024))) == {"ytd_above_year"}
    # Against 超1000列 for the year, 1500 by July is possible.
    full = row(value=1000.0, qualifier="over")
    assert rules_found(frame(ytd, full)) == set()


def test_a_point_that_falls_by_more_than_half_and_recovers_is_a_warning() -> None:
    report = check_record(frame(*years(1000, 1100, 400, 1300)))
    assert set(report.counts) == {"dip_recovers"}
    assert report.findings[0].severity == WARNING
    assert report.findings[0].rows == (2, 1, 3)
    # A fall that does not recover is a trend, not a question.
    assert rules_found(frame(*years(1000, 1100, 400, 380))) == set()


def test_a_yoy_above_300_percent_without_year_on_year_wording_is_an_error() -> None:
    multiple = row(yoy_pct=3300.0, quote="年内突破6000列，增长近33倍")
    assert rules_found(frame(multiple)) == {"yoy_without_wording"}
    stated = row(yoy_pct=838.0, quote="1月份开行488车次，同比上升838%")
    assert rules_found(frame(stated)) == set()
    traditional = row(yoy_pct=400.0, quote="班列開行，同比增長400%")
    assert rules_found(frame(traditional)) == set()
    # One period's list of rates stated the same way: the big one is read like the others.
    listed = (
        "国际铁路联运6.8亿元,增长5.1倍;东盟公路班车30.5亿元,增长70.4%;铁海联运19.2亿元,增长48.1%"
    )
    assert rules_found(frame(row(yoy_pct=510.0, quote=listed))) == set()
    # Two multiples in the list are not ordinary: still questioned.
    doubled = "增长5.1倍;增长4.2倍;增长48.1%"
    assert rules_found(frame(row(yoy_pct=510.0, quote=doubled))) == {"yoy_without_wording"}


def test_a_scope_word_the_series_label_lacks_is_a_warning() -> None:
    report = check_record(frame(row(scope="西部陆海新通道铁海联运(酒泉)")))
    assert set(report.counts) == {"scope_outside_series"}
    assert report.findings[0].detail_zh == "口径词：酒泉"
    assert report.findings[0].detail_en == "scope words: 酒泉"


def test_a_lone_period_kind_in_a_series_line_is_a_warning() -> None:
    lone = row(value=20000.0, period_start="", period_end="2024-12-31", quote="累计开行2万列")
    report = check_record(frame(*years(1000, 1100, 1200), lone))
    assert set(report.counts) == {"period_kind_off_line"}
    assert report.findings[0].detail_en == "kind since, series line year"


def test_a_bound_carrying_a_yoy_is_a_warning() -> None:
    report = check_record(frame(row(qualifier="over", yoy_pct=12.0, quote="超1000列，同比增长12%")))
    assert set(report.counts) == {"bound_with_yoy"}
    assert report.findings[0].severity == WARNING


def test_a_derived_row_made_from_a_bound_is_an_error() -> None:
    parent = row(
        value=10000.0,
        qualifier="over",
        yoy_pct=25.0,
        period_end="2024-12-31",
        quote="突破1万列，同比增长25%",
    )
    child = row(
        value=8000.0,
        period_start="2023-01-01",
        period_end="2023-12-31",
        basis="derived",
        quote="推算 derived: 10000 ÷ (1 + 25%) = 8000",
    )
    report = check_record(frame(parent, child))
    assert set(report.counts) == {"bound_with_yoy", "derived_from_bound"}
    made = next(f for f in report.findings if f.rule == "derived_from_bound")
    assert made.rows == (1, 0)
    # A derived row that itself carries a bound is refused as well.
    assert "derived_from_bound" in rules_found(frame({**child, "qualifier": "about"}))


def test_every_rule_has_a_case_in_this_file_and_a_severity() -> None:
    # A rule added without a case here fails: each case asserts its rule id as a set member.
    text = Path(__file__).read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f'{{"{rule}"' not in text and f'"{rule}"}}' not in text]
    assert not missing, missing
    assert all(r.severity in (ERROR, WARNING) for r in RULES.values())


def test_only_rows_keeps_the_findings_that_involve_them() -> None:
    rows = frame(*years(1000, 1100, 400, 1300), row(scope="西部陆海新通道铁海联运(酒泉)"))
    assert set(check_record(rows, only_rows=pd.Index([4])).counts) == {"scope_outside_series"}
    assert set(check_record(rows, only_rows=pd.Index([3])).counts) == {"dip_recovers"}


def test_findings_are_capped_per_rule_and_counted_in_full() -> None:
    many = frame(*[row(scope="西部陆海新通道铁海联运(酒泉)", source_id=f"s{i}") for i in range(80)])
    report = check_record(many, limit=5)
    assert report.counts == {"scope_outside_series": 80}
    assert len(report.findings) == 5
    assert report.warnings == 80 and report.errors == 0


def test_a_finding_names_its_rows_quote_source_and_the_value_as_stated() -> None:
    bound = row(value=10000.0, qualifier="over", yoy_pct=12.0, quote="超1万列，同比增长12%")
    observations = frame(bound)
    report = check_record(observations, SOURCES)
    (record,) = finding_records(report, observations, SOURCES, "zh")
    assert record["rule"] == "bound_with_yoy" and record["severity"] == WARNING
    (shown,) = record["rows"]
    assert shown["stated"] == "超10000" and shown["qualifier"] == "over"
    assert shown["period_start"] == "2024-01-01" and shown["series"] == TRAINS
    assert shown["quote"] == "超1万列，同比增长12%"
    assert shown["source"]["publisher"] == "新华社"
    text = render_report(report, observations, SOURCES, "en")
    assert "warning [bound_with_yoy]" in text and "over 10000" in text and "新华社" in text
    assert text.rstrip().endswith("0 errors, 1 warnings (bound_with_yoy 1)")


def _data_dir(tmp_path: Path, observations: pd.DataFrame) -> Path:
    where = Layout(tmp_path / "data")
    where.tidy.mkdir(parents=True)
    write_observations(observations, where.observations_csv)
    sources = pd.DataFrame(
        {
            "source_id": ["src-a"],
            "title": ["甲"],
            "publisher": ["新华社"],
            "published": ["2025-01-10"],
            "published_inferred": ["false"],
            "url": [""],
            "kind": ["brief"],
            "file_name": [""],
            "sha256": [""],
            "added_by": [""],
            "added_at": [""],
            "note": [""],
        }
    )
    write_sources(sources, where.sources_csv)
    return where.root


def test_corridor_check_exits_1_on_errors_and_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ytd = row(value=1500.0, period_end="2024-07-31")
    root = _data_dir(tmp_path, frame(ytd, *years(1200, first=2024)))
    assert main(["check", "--data-dir", str(root), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "ERROR [ytd_above_year]" in out and "1 errors, 0 warnings" in out


def test_corridor_check_exits_0_on_warnings_alone_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data_dir(tmp_path, frame(*years(1000, 1100, 400, 1300)))
    assert main(["check", "--data-dir", str(root), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == 0 and document["counts"] == {"dip_recovers": 1}
    assert document["findings"][0]["rows"][0]["value"] == 400.0


def test_corridor_check_on_an_empty_data_dir_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--data-dir", str(tmp_path / "new"), "--lang", "zh"]) == 0
    assert "没有需要核对的数据" in capsys.readouterr().out


def test_corridor_validate_prints_what_the_check_would_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data_dir(tmp_path, frame(row(value=1500.0, period_end="2024-07-31")))
    upload = tmp_path / "year.csv"
    upload.write_text(
        "metric,value,unit,period_start,period_end,scope,series,source_id,quote\n"
        f"train_runs,1200,trains,2024-01-01,2024-12-31,{SCOPE},{TRAINS},src-a,全年1200列\n",
        encoding="utf-8",
    )
    assert main(["validate", str(upload), "--data-dir", str(root), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "ERROR [ytd_above_year]" in out and "1 errors, 0 warnings" in out
