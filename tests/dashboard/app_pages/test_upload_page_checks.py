"""The record check on the upload page (AppTest) and behind it (etl/store/record_check.py): the
findings about the rows about to be merged, against the stored record, before a merge."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from upload_page_support import PASSWORD, PASTED, log_in, open_page
from uploads_support import tree_digest

from etl.contract.checks import check_record, finding_records
from etl.contract.paths import Layout
from etl.contract.series import fill_series
from etl.store.cache import load_cached_table
from etl.store.db.opening import store_engine
from etl.store.db.reading import active_wordings
from etl.store.passwords import hash_password, write_password_hash
from etl.store.record_check import FIGURE_KEYS, check_article_rows, check_rows, related_figures
from etl.store.table import Table, load_table

# A full year of the seed's Chongqing Customs trains below the stored Jan–Jul 2024 total (816).
YEAR_BELOW_YTD = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    "train_runs,500,trains,2024-01-01,2024-12-31,重庆海关监管西部陆海新通道班列,,"
    "cqcustoms-20240911,analyst upload\n"
)


def test_the_upload_preview_shows_the_findings_before_a_merge(
    data_dir: Path,
    secrets: Path,
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    before = tree_digest(data_dir)
    at.get("file_uploader")[0].upload("y.csv", YEAR_BELOW_YTD.encode(), "text/csv").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    heads = [e.value for e in at.error]
    assert any("合并前请核对" in h or "To question before merging" in h for h in heads), heads
    table = next(d.value for d in at.dataframe if "ytd_above_year" in d.value.to_string())
    assert set(table.iloc[:, 1]) == {"ytd_above_year"}
    assert {"500", "816"} <= set(table.iloc[:, 4])  # both figures, as stated
    assert tree_digest(data_dir) == before, "a preview writes nothing"


def test_the_article_tab_says_when_there_is_nothing_to_question(
    data_dir: Path,
    secrets: Path,
) -> None:
    write_password_hash(hash_password(PASSWORD), secrets)
    at = open_page()
    log_in(at, "analyst", PASSWORD)
    at.text_area(key="art_text").input(PASTED).run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "nothing to question" in captions or "没有需要核对之处" in captions


def test_check_rows_keeps_only_findings_about_the_incoming_rows(data_dir: Path) -> None:
    where = Layout(data_dir)
    held = load_table(where).observations
    row = held.loc[held["scope"] == "重庆海关监管西部陆海新通道班列"].head(1).copy()
    row["value"] = 500.0
    row["period_end"] = pd.Timestamp("2024-12-31")
    row["series"] = ""  # placed by the rules, as an upload that names none
    found = check_rows(where, row)
    assert found.report.counts == {"ytd_above_year": 1}
    (record,) = found.records("en")
    assert [r["value"] for r in record["rows"]] == [816.0, 500.0]
    assert record["rows"][1]["series"] == "chongqing_customs_corridor_trains"
    # The same year at 900 questions nothing.
    row["value"] = 900.0
    assert check_rows(where, row).report.counts == {}


def test_check_rows_checks_against_the_table_the_caller_holds(data_dir: Path) -> None:
    """The page passes the table its server holds at the current version (read once, not on
    each of the tab's runs): that table is the record the rows are checked against."""
    where = Layout(data_dir)
    table = load_cached_table(where)
    held = table.observations
    scope = held["scope"] == "重庆海关监管西部陆海新通道班列"
    rows = load_table(where).observations
    row = rows.loc[rows["scope"] == "重庆海关监管西部陆海新通道班列"].head(1)
    row = row.assign(value=500.0, period_end=pd.Timestamp("2024-12-31"), series="")
    assert check_rows(where, row, table=table).report.counts == {"ytd_above_year": 1}
    without = dataclasses.replace(table, observations=held.loc[~scope])
    assert check_rows(where, row, table=without).report.counts == {}


def _checked_against_every_figure_of_the_metric(
    where: Layout, table: Table, rows: pd.DataFrame
) -> tuple[dict[str, int], list[dict[str, object]]]:
    """The counts and findings as check_rows made them before it narrowed the stored figures to
    related ones: every stored figure of the rows' metrics."""
    held = table.observations
    held = held.loc[held["metric"].isin(pd.unique(rows["metric"]))].reset_index(drop=True)
    with store_engine(where).connect() as connection:
        incoming = fill_series(rows, active_wordings(connection)).reset_index(drop=True)
    incoming.index = incoming.index + len(held)
    combined = pd.concat([held, incoming])
    report = check_record(combined, table.sources, only_rows=incoming.index)
    return report.counts, finding_records(report, combined, table.sources, "en")


def test_check_rows_finds_what_every_figure_of_the_metric_would_show(data_dir: Path) -> None:
    """Narrowed to the figures a rule can compare (the rows' series, a derived figure's parent),
    the findings are those the whole metric gives, for rows that break each kind of rule."""
    where = Layout(data_dir)
    table = load_cached_table(where)
    held = load_table(where).observations
    rows = held.groupby("metric").head(30).iloc[::3]
    probes = [
        rows.assign(value=rows["value"] * 0.1, quote="a dip"),  # dips, breaks in a series
        rows.assign(period_end=pd.Timestamp("2024-12-31"), value=1.0),  # a year below its ytd
        rows.assign(basis="derived", value=rows["value"] * 0.2),  # derived from a bound
        rows.assign(series="", yoy_pct=900.0),  # placed by the rules, a yoy to question
    ]
    for probe in probes:
        found = check_rows(where, probe, table=table)
        expected = _checked_against_every_figure_of_the_metric(where, table, probe)
        assert (found.report.counts, found.records("en")) == expected
        assert found.report.counts, "each probe breaks a rule: the comparison is not empty"


def test_check_rows_finds_a_derived_figures_bound_parent_outside_its_series(
    data_dir: Path,
) -> None:
    """derived_from_bound joins a derived figure to the reported bound it was computed from by
    metric, place, route, scope and source, whatever series each is in."""
    where = Layout(data_dir)
    table = load_cached_table(where)
    held = load_table(where).observations
    first = held.loc[(held["metric"] == "train_runs") & (held["basis"] == "reported")].head(1)
    parent = first.assign(
        value=1100.0,
        qualifier="over",
        yoy_pct=10.0,
        period_start=pd.Timestamp("2030-01-01"),
        period_end=pd.Timestamp("2030-12-31"),
    )
    stored = dataclasses.replace(table, observations=pd.concat([table.observations, parent]))
    kid = parent.assign(
        value=1000.0,
        qualifier="",
        yoy_pct=float("nan"),
        basis="derived",
        series="another_series",
        period_start=pd.Timestamp("2029-01-01"),
        period_end=pd.Timestamp("2029-12-31"),
    )
    found = check_rows(where, kid, table=stored)
    assert found.report.counts.get("derived_from_bound") == 1
    expected = _checked_against_every_figure_of_the_metric(where, stored, kid)
    assert (found.report.counts, found.records("en")) == expected


def test_check_article_rows_waits_for_valid_rows_and_names_the_new_source(data_dir: Path) -> None:
    where = Layout(data_dir)
    held = load_table(where).observations
    rows = held.loc[held["scope"] == "重庆海关监管西部陆海新通道班列"].head(1).copy()
    rows = rows.assign(value=500.0, period_end=pd.Timestamp("2024-12-31"), source_id="art-1")
    args = {"source_id": "art-new", "proposed_id": "art-1", "title": "T", "publisher": "新华社"}
    found = check_article_rows(where, rows, "a.txt", published=date(2025, 1, 2), **args)
    assert found is not None and found.report.counts == {"ytd_above_year": 1}
    (record,) = found.records("zh")
    assert record["rows"][1]["source"]["publisher"] == "新华社"
    assert record["rows"][1]["source_id"] == "art-new"
    rows["value"] = -1.0  # not valid yet: accepting shows the problem
    assert check_article_rows(where, rows, "a.txt", published=date(2025, 1, 2), **args) is None


def _related_by_scanning(held: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """related_figures as it scanned every stored figure before its index (stop 27's form)."""

    def keys(frame: pd.DataFrame) -> pd.Series:
        cells = frame[list(FIGURE_KEYS)].astype("object").fillna("").astype(str)
        return cells.agg("\x1f".join, axis=1) if len(cells) else pd.Series([], dtype=object)

    metrics = held["metric"].isin(pd.unique(rows["metric"])).to_numpy()
    series = set(rows["series"].astype("object").fillna("").astype(str)) - {""}
    keep = metrics & held["series"].isin(series).to_numpy()
    near = np.flatnonzero(metrics & ~keep & held["scope"].isin(pd.unique(rows["scope"])).to_numpy())
    keep[near] = keys(held.iloc[near]).isin(set(keys(rows))).to_numpy()
    return keep


def test_related_figures_from_the_index_are_those_a_scan_finds(data_dir: Path) -> None:
    """Looked up in the table's index, the stored figures taking part are exactly those a scan of
    every figure picks, for compact and plain tables and rows of every kind."""
    where = Layout(data_dir)
    for held in (load_cached_table(where).observations, load_table(where).observations):
        rows = held.groupby("metric").head(20).iloc[::4]
        with store_engine(where).connect() as connection:
            wordings = active_wordings(connection)
        probes = [
            rows,  # in their own series
            rows.assign(series=""),  # placed by the rules
            rows.assign(series="a_series_nobody_has"),  # their keys alone
            rows.assign(region=None, route=None),  # missing cells read as ''
            rows.assign(scope="一个没有的口径", series="nobody_has_it"),  # nothing shares them
        ]
        counts = []
        for probe in probes:
            filled = fill_series(probe, wordings).reset_index(drop=True)
            found = related_figures(held, filled)
            assert found.tolist() == _related_by_scanning(held, filled).tolist()
            counts.append(int(found.sum()))
        assert all(counts[:4]) and counts[4] == 0, counts
