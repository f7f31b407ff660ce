"""The record check on the upload page (AppTest) and behind it (etl/store/record_check.py): the
findings about the rows about to be merged, against the stored record, before a merge."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
from upload_page_support import PASSWORD, PASTED, log_in, open_page
from uploads_support import tree_digest

from etl.contract.paths import Layout
from etl.store.cache import load_cached_table
from etl.store.passwords import hash_password, write_password_hash
from etl.store.record_check import check_article_rows, check_rows
from etl.store.table import load_table

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
