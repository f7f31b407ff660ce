"""Excel as analysts type it (etl/uploads/reading.py and validating.py): percent-formatted cells,
dates in the forms people write, months, values in display units; read, previewed and merged
from real openpyxl workbooks."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from uploads_support import ANALYST_ACTOR, SOURCE

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.commands import merge_upload, validate_upload
from etl.store.table import load_table
from etl.uploads.cell_texts import is_percent_format

# Workbooks read here as the limited child reads them (conftest.read_in_this_process): these
# tests check what cells become; tests/etl/store/test_ingest.py reads a workbook through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

HEADER_ZH = ["指标", "数值", "单位", "起始日期", "截止日期", "口径", "同比（%）", "来源编号"]


def workbook(rows: list[list[object]], formats: dict[str, str] | None = None) -> bytes:
    """Return an XLSX of the Chinese header and rows; formats maps a column letter to a format."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER_ZH)
    for row in rows:
        sheet.append(row)
    for letter, code in (formats or {}).items():
        for cell in sheet[letter][1:]:
            cell.number_format = code
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(i: int, **cells: object) -> list[object]:
    base: dict[str, object] = {
        "指标": "集装箱",
        "数值": 1000 + i,
        "单位": "标箱",
        "起始日期": f"2025-{1 + i % 12:02d}-01",
        "截止日期": f"2025-{1 + i % 12:02d}-28",
        "口径": f"重庆西部陆海新通道铁海联运班列{i}",
        "同比（%）": None,
        "来源编号": SOURCE,
    }
    base.update({k.replace("_", "（%）") if k == "同比_" else k: v for k, v in cells.items()})
    return [base[h] for h in HEADER_ZH]


def stored(layout: Layout) -> pd.DataFrame:
    return load_table(layout).observations.sort_values("value").reset_index(drop=True)


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0.0%", True), ("0%", True), ("0.00%;[Red]-0.00%", True), ("0.0", False),
     ('0.0"%"', False), ("0\\%", False), ("yyyy-mm-dd", False)],
)  # fmt: skip
def test_a_percent_format_is_told_from_a_literal_percent_sign(code: str, percent: bool) -> None:
    assert is_percent_format(code) is percent


def test_percent_formatted_yoy_cells_are_read_as_the_percent_they_show(layout: Layout) -> None:
    data = workbook(
        [row(0, **{"同比（%）": 0.123}), row(1, **{"同比（%）": -0.032})], {"G": "0.0%"}
    )
    upload, _ = validate_upload(layout, data, "percent.xlsx")
    assert upload.rows["yoy_pct"].tolist() == [12.3, -3.2]
    assert not upload.notes, "a percent cell is no bare fraction"
    merge_upload(layout, upload, ANALYST_ACTOR)
    assert sorted(stored(layout)["yoy_pct"].tolist()) == [-3.2, 12.3]


def test_a_bare_fraction_in_yoy_with_no_percent_anywhere_is_warned_about(layout: Layout) -> None:
    data = workbook([row(0, **{"同比（%）": 0.123}), row(1, **{"同比（%）": 5.5})])
    upload, _ = validate_upload(layout, data, "fraction.xlsx")
    assert upload.rows["yoy_pct"].tolist() == [0.123, 5.5], "nothing is changed silently"
    (note,) = upload.notes
    assert note.row == 2 and note.column == "同比（%）"
    assert "12.3%" in note.en and "12.3%" in note.zh
    typed = workbook([row(0, **{"同比（%）": "0.5%"}), row(1, **{"同比（%）": 0.2})])
    assert not validate_upload(layout, typed, "typed.xlsx")[0].notes, "a % elsewhere: no warning"


@pytest.mark.parametrize(
    "typed",
    ["2025-11-01", "2025/11/1", "2025.11.1", "2025年11月1日", "2025-11-1", "2025/11/01 00:00:00"],
)
def test_dates_as_excel_users_type_them(layout: Layout, typed: str) -> None:
    data = workbook([row(0, 起始日期=typed, 截止日期="2025年11月30日")])
    upload, _ = validate_upload(layout, data, "dates.xlsx")
    assert upload.rows["period_start"].tolist() == [pd.Timestamp("2025-11-01")]
    assert upload.rows["period_end"].tolist() == [pd.Timestamp("2025-11-30")]


def test_real_excel_dates_are_dates(layout: Layout) -> None:
    data = workbook(
        [row(0, 起始日期=datetime(2025, 11, 1), 截止日期=datetime(2025, 11, 30))],
        {"D": "yyyy/m/d", "E": 'yyyy"年"m"月"d"日"'},
    )
    upload, _ = validate_upload(layout, data, "real-dates.xlsx")
    assert upload.rows["period_start"].tolist() == [pd.Timestamp("2025-11-01")]
    assert upload.rows["period_end"].tolist() == [pd.Timestamp("2025-11-30")]


@pytest.mark.parametrize(("start", "end"), [("2025年11月", "2025年11月"), ("2025-11", "2025-11")])
def test_a_month_means_its_first_day_as_start_and_last_day_as_end(
    layout: Layout, start: str, end: str
) -> None:
    data = workbook(
        [row(0, 起始日期=start, 截止日期=end), row(1, 起始日期="2024-02", 截止日期="2024-02")]
    )
    upload, _ = validate_upload(layout, data, "months.xlsx")
    assert upload.rows["period_start"].tolist() == [
        pd.Timestamp("2025-11-01"),
        pd.Timestamp("2024-02-01"),
    ]
    assert upload.rows["period_end"].tolist() == [
        pd.Timestamp("2025-11-30"),
        pd.Timestamp("2024-02-29"),
    ]
    assert {n.column for n in upload.notes} == {"起始日期", "截止日期"}
    assert any("2025-11-30" in n.en for n in upload.notes)


def test_values_in_display_units_are_stored_in_base_units_and_the_preview_says_so(
    layout: Layout,
) -> None:
    data = workbook(
        [
            row(0, 数值=1.2, 单位="万标箱"),
            [
                "进出口值",
                8.8,
                "亿元",
                "2025-01-01",
                "2025-06-30",
                "重庆铁海联运进出口",
                None,
                SOURCE,
            ],
            row(2, 数值=350, 单位="TEU"),
        ]
    )
    upload, preview = validate_upload(layout, data, "units.xlsx")
    rows = upload.rows.sort_index()
    assert rows["value"].tolist() == [12000.0, 880000000.0, 350.0]
    assert rows["unit"].tolist() == ["TEU", "CNY", "TEU"]
    shown = " ".join(n.zh + n.en for n in upload.notes)
    assert "1.2 → 12000" in shown and "8.8 → 880000000" in shown
    assert len(preview.new) == 3
    merge_upload(layout, upload, ANALYST_ACTOR)
    assert sorted(stored(layout)["value"].tolist()) == [350.0, 12000.0, 880000000.0]


def test_a_unit_of_another_metric_is_still_refused(layout: Layout) -> None:
    with pytest.raises(CorridorError, match="unit does not match"):
        validate_upload(layout, workbook([row(0, 单位="万吨")]), "wrong-unit.xlsx")


def test_a_word_is_not_a_number_and_the_column_is_named_as_the_header_spells_it(
    layout: Layout,
) -> None:
    with pytest.raises(CorridorError) as info:
        validate_upload(
            layout, workbook([row(0, 数值="abc"), row(1, 起始日期="11/1/2025")]), "bad.xlsx"
        )
    problems = {(p.row, p.column): p for p in info.value.problems}
    assert problems[(2, "数值")].zh == "不是数字" and problems[(2, "数值")].en == "not a number"
    assert problems[(2, "数值")].value == "abc"
    assert "not a date" in problems[(3, "起始日期")].en
