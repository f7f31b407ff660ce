"""etl/uploads/template.py and `corridor template --out`: an Excel template with the language's
headers, drop-downs of labels, formatted date and percent cells and an explanation sheet, which
reads back through the upload path."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from uploads_support import SOURCE

from corridor.cli import main
from etl.contract.paths import Layout
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.store.commands import validate_upload
from etl.uploads.template import HELP_SHEET, LISTS_SHEET, dropdown_lists, template_xlsx

DROPDOWN_COLUMNS = ("metric", "unit", "region", "route", "series", "qualifier", "basis")


def dropdowns(sheet: openpyxl.worksheet.worksheet.Worksheet, book: openpyxl.Workbook) -> dict:
    """Return each validated column's header → the labels its drop-down list offers."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for check in sheet.data_validations.dataValidation:
        assert check.type == "list"
        target = str(check.sqref).split(":")[0].rstrip("0123456789")
        sheet_name, cells = check.formula1.rsplit("!", 1)
        source = book[sheet_name.strip("'")]
        first, last = cells.replace("$", "").split(":")
        found[headers[target]] = [c.value for row in source[first:last] for c in row]
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_has_headers_drop_downs_of_labels_and_an_explanation_sheet(lang: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(lang)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert len(headers) == len(OBSERVATION_COLUMNS)
    assert ("数值" in headers) == (lang == "zh") and ("value" in headers) == (lang == "en")
    lists = dropdowns(sheet, book)
    assert len(lists) == len(DROPDOWN_COLUMNS)
    expected = dropdown_lists(lang)
    metric_header = "指标" if lang == "zh" else "metric"
    assert lists[metric_header] == expected["metric"]
    if lang == "zh":
        assert "班列开行" in lists["指标"] and "train_runs" not in lists["指标"], "labels, not keys"
        assert {"重庆", "铁海联运", "万标箱", "亿元", "超过", "报道值"} <= {
            v for values in lists.values() for v in values
        }
    else:
        assert "Train runs" in lists["metric"]
    # Dates and percents are formatted; the explanation sheet names every column.
    letter = {h: c.column_letter for h, c in zip(headers, sheet[1], strict=True)}
    start = "起始日期" if lang == "zh" else "period_start"
    yoy = "同比（%）" if lang == "zh" else "yoy_pct"
    assert sheet[f"{letter[start]}2"].is_date
    assert sheet.column_dimensions[letter[start]].number_format == "yyyy-mm-dd"
    assert sheet[f"{letter[yoy]}2"].number_format == "0.0%"
    about = book[HELP_SHEET[lang]]
    explained = [row[0].value for row in about.iter_rows(min_row=2)]
    assert explained == headers
    assert LISTS_SHEET[lang] in book.sheetnames


def fill(lang: str, rows: list[dict[str, object]]) -> bytes:
    """Return the template with its example row replaced by rows typed as an analyst would."""
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(lang)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2)
    for r, values in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            if header in values:
                sheet.cell(r, c, values[header])
        # Typed into the formatted column, a percent keeps the column's format.
        sheet.cell(r, headers.index("同比（%）") + 1).number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_filled_in_template_with_drop_down_labels_reads_back(layout: Layout) -> None:
    data = fill(
        "zh",
        [
            {
                "指标": "班列开行",
                "数值": 1.2,
                "限定": "超过",
                "单位": "万列",
                "起始日期": "2025年1月",
                "截止日期": "2025年11月",
                "地区": "重庆",
                "线路": "铁海联运",
                "口径": "重庆西部陆海新通道铁海联运班列",
                "同比（%）": 0.123,
                "类型": "报道值",
                "来源编号": SOURCE,
            }
        ],
    )
    upload, preview = validate_upload(layout, data, "filled.xlsx")
    (row,) = upload.rows.to_dict(orient="records")
    assert row["metric"] == "train_runs" and row["value"] == 12000.0 and row["unit"] == "trains"
    assert row["qualifier"] == "over" and row["yoy_pct"] == 12.3
    assert row["period_start"] == pd.Timestamp("2025-01-01")
    assert row["period_end"] == pd.Timestamp("2025-11-30")
    assert (row["region"], row["route"], row["basis"]) == ("chongqing", "rail_sea", "reported")
    assert len(preview.new) == 1


def test_corridor_template_writes_xlsx_or_csv_and_refuses_other_names(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    assert main(["template", "--lang", "zh", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).worksheets[0]["B1"].value == "数值"
    assert main(["template", "--lang", "en", "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_bytes().startswith("\ufeffmetric,value".encode())
    assert main(["template", "--out", str(tmp_path / "t.txt")]) == 2
