"""etl/uploads/typed_cells.py: a date the table cannot hold (before 1677-09-21 or after
2262-04-11, pandas' nanosecond bounds) is refused with a message naming the column and the
value, in a CSV, in a workbook (typed as text or a real Excel date) and in rows edited on screen,
never a vague OutOfBoundsDatetime; dates just inside the bounds still read."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from uploads_support import HEADER, SOURCE, csv_line, with_rows

from etl.contract.errors import CorridorError
from etl.uploads.columns import HEADERS_ZH
from etl.uploads.problem_list import ProblemList
from etl.uploads.typed_cells import parse_date_column, parse_number_column
from etl.uploads.validating import parse_upload, validate_rows

# Uploads read here as the limited child reads them (conftest.read_in_this_process): these
# tests check what cells become; tests/etl/store/test_ingest.py reads through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")


def workbook(cells: dict[str, object]) -> bytes:
    """Return a one-row upload workbook whose cells are the CSV row's, with cells replaced."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(HEADER.split(","))
    row: dict[str, object] = dict(zip(HEADER.split(","), csv_line(0).split(","), strict=True))
    row.update(cells)
    sheet.append(list(row.values()))
    for cell in sheet[2]:
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BEYOND = [
    ("period_end", "2300-01-01", "2300-01-01"),
    ("period_start", "1600/1/1", "1600/1/1"),
    ("period_end", "2262年4月", "2262年4月"),  # a month's last day, 2262-04-30, is beyond
]


@pytest.mark.parametrize(
    ("kind", "column", "typed", "shown"),
    [("csv", *case) for case in BEYOND]
    + [("xlsx", *case) for case in BEYOND]
    + [("xlsx", "period_end", datetime(2300, 1, 1), "2300-01-01")],  # a real Excel date
)
def test_a_date_beyond_the_tables_range_is_named(
    kind: str, column: str, typed: object, shown: str
) -> None:
    if kind == "csv":
        data, name = with_rows(csv_line(0, **{column: str(typed)})), "d.csv"
    else:
        data, name = workbook({column: typed}), "d.xlsx"
    with pytest.raises(CorridorError) as caught:
        parse_upload(data, name, {SOURCE})
    problems = caught.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.zh.startswith("日期超出范围（1677–2262）")
    assert problem.en.startswith("date out of range (1677–2262)")
    assert (problem.file, problem.row, problem.column, problem.value) == (name, 2, column, shown)


def test_dates_at_the_bounds_still_read_and_only_those_beyond_are_named() -> None:
    problems = ProblemList("b.csv")
    text = pd.Series(["1677-09-22", "2262-04-11", "2262-04-12", "1677-09-20", ""])
    parsed = parse_date_column(text, "period_start", problems)
    assert list(parsed[:2]) == [pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")]
    assert parsed[2:].isna().all() and parsed.dtype == "datetime64[ns]"
    with pytest.raises(CorridorError) as caught:
        problems.raise_if_any()
    assert [p.value for p in caught.value.problems] == ["2262-04-12", "1677-09-20"]


def typed_rows() -> pd.DataFrame:
    """Two valid rows with their types, as an article's proposal reaches the on-screen editor."""
    upload = parse_upload(with_rows(csv_line(0), csv_line(1)), "x.csv", {SOURCE})
    return upload.rows.reset_index(drop=True).astype({"period_end": object})


@pytest.mark.parametrize(
    "cell",
    [datetime(2300, 1, 1), "2300-01-01", pd.Timestamp("2300-01-01").date(), datetime(1600, 6, 30)],
)
def test_rows_edited_on_screen_name_a_date_the_table_cannot_hold(cell: object) -> None:
    rows = typed_rows()
    rows.loc[1, "period_end"] = cell
    with pytest.raises(CorridorError) as caught:
        validate_rows(rows, "article.txt", {SOURCE})
    [problem] = caught.value.problems
    assert problem.zh.startswith("日期超出范围") and problem.en.startswith("date out of range")
    assert (problem.row, problem.column) == (2, "period_end")
    assert problem.value == str(cell)[:10]
    assert "日期超出范围" in caught.value.render()


def test_rows_edited_on_screen_under_chinese_headers_are_named_by_them() -> None:
    rows = typed_rows()
    rows.loc[0, "period_end"] = "9999-12-31"
    rows = rows.rename(columns={"period_end": HEADERS_ZH["period_end"][0]})
    with pytest.raises(CorridorError) as caught:
        validate_rows(rows, "article.txt", {SOURCE})
    [problem] = caught.value.problems
    assert (problem.column, problem.value) == ("截止日期", "9999-12-31")


def test_rows_edited_on_screen_read_dates_inside_the_bounds_as_dates() -> None:
    rows = typed_rows()
    rows.loc[0, "period_end"] = datetime(2024, 7, 31)
    rows.loc[1, "period_end"] = "2024-07-31 00:00:00"
    checked = validate_rows(rows, "article.txt", {SOURCE})
    assert checked["period_end"].tolist() == [pd.Timestamp("2024-07-31")] * 2
    assert checked["period_end"].dtype == "datetime64[ns]"


def test_number_cells_that_are_not_numbers_are_named_on_their_own_rows_among_good_ones() -> None:
    text = pd.Series(["12", "1.5万", "", "nan", "3", "-4", "1,23", "abc", "7"], index=range(5, 14))
    problems = ProblemList("n.csv")
    read = parse_number_column(text.astype("str"), "value", problems)
    assert read.index.tolist() == list(range(5, 14))
    assert read.tolist()[:1] + read.tolist()[4:5] + read.tolist()[8:] == [12.0, 3.0, 7.0]
    assert read.isna().tolist() == [False, True, True, True, False, True, True, True, False]
    found = sorted((p.row, p.value, p.en.split(" (")[0]) for p in problems.items)
    assert found == [
        (8, "1.5万", "numbers must be in base units, without 万/亿"),
        (10, "nan", "value must be a finite number"),
        (12, "-4", "value must not be negative"),
        (13, "1,23", "not a valid number"),
        (14, "abc", "not a number"),
    ]


def test_a_file_of_plain_numbers_records_no_problem() -> None:
    problems = ProblemList("n.csv")
    read = parse_number_column(
        pd.Series(["1", "2,500", "", "-3.5"], dtype="str"), "yoy_pct", problems
    )
    assert read.tolist()[:2] + read.tolist()[3:] == [1.0, 2500.0, -3.5]
    assert problems.total == 0


def test_iso_dates_and_dates_as_typed_mixed_in_one_column_each_read_on_their_own_row() -> None:
    text = pd.Series(["2025-01-31", "2025/2/3", "", "2025年11月", "2025-03-04", "x"], dtype="str")
    problems = ProblemList("d.csv")
    notes: list = []
    read = parse_date_column(text, "period_end", problems, notes)
    shown = [None if pd.isna(d) else d.date().isoformat() for d in read]
    assert shown == ["2025-01-31", "2025-02-03", None, "2025-11-30", "2025-03-04", None]
    assert [(p.row, p.value) for p in problems.items] == [(7, "x")]
    assert [(n.row, n.value) for n in notes] == [(5, "2025年11月")]
