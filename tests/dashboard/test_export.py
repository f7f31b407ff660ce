"""Downloads: CSV with a BOM, XLSX, and text cells that cannot run as formulas."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from dashboard_data import observations, sources
from references import figure_records, figures_frame

from dashboard.export import csv_bytes, neutralise_cell, xlsx_bytes
from dashboard.locales import locale_for
from dashboard.views.tables import export_frame


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 23", "'+86 23"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("重庆 = 1", "重庆 = 1"),
        (816.0, 816.0),
        (-3.2, -3.2),
    ],
)
def test_formula_starts_are_neutralised_and_numbers_kept(cell: object, expected: object) -> None:
    assert neutralise_cell(cell) == expected


def frame() -> pd.DataFrame:
    data = observations()
    data.loc[0, "quote"] = '=HYPERLINK("http://evil")'
    return export_frame(figures_frame(figure_records(data, sources())))


def test_csv_starts_with_a_bom_and_neutralises_formulas() -> None:
    raw = csv_bytes(frame())
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    back = pd.read_csv(io.StringIO(text))
    assert back["value"].dtype == float
    assert 816.0 in set(back["value"])


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame())))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    value_col = header.index("value")
    quote_col = header.index("quote")
    values = [row[value_col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, (int, float)) for v in values)
    quotes = [row[quote_col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(str(q).startswith("'=HYPERLINK") for q in quotes)
    assert not any(str(q).startswith("=") for q in quotes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_managers_workbook_has_labels_display_units_and_periods_in_words(lang: str) -> None:
    from dashboard.export import reader_xlsx_bytes
    from dashboard.format import axis_unit, scaled
    from dashboard.i18n import metric_label

    exported = frame()
    book = openpyxl.load_workbook(io.BytesIO(reader_xlsx_bytes(exported, locale_for(lang))))
    teu = metric_label("teu", lang)
    assert teu in book.sheetnames and "teu" not in book.sheetnames
    sheet = book[teu]
    header = [c.value for c in sheet[1]]
    unit = axis_unit("teu", lang)
    assert header[1] == (f"数值（{unit}）" if lang == "zh" else f"Value ({unit})")
    assert ("摘要句 / 原文" if lang == "zh" else "Sentence") in header and "metric" not in header
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    held = exported[exported["metric"] == "teu"]
    expected = sorted(round(scaled(float(v), "teu", lang), 6) for v in held["value"])
    assert sorted(round(float(r[1]), 6) for r in rows) == expected
    assert all(r[0] == teu for r in rows)
    period = header.index("期间" if lang == "zh" else "Period")
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(r[period])) for r in rows), "in words"
    cells = [c for r in rows for c in r if isinstance(c, str)]
    assert not any(c.startswith("=") for c in cells), "formulas stay neutralised"


@pytest.mark.parametrize(
    ("lang", "qualifier", "stated"),
    [("zh", "超过", "超1万列"), ("en", "over", "over 10,000 trains")],
)
def test_the_managers_workbook_and_csv_say_how_the_source_stated_a_value(
    lang: str, qualifier: str, stated: str
) -> None:
    from dashboard_data import BOUND_ROWS, ROWS

    from dashboard.export import reader_xlsx_bytes
    from dashboard.i18n import metric_label

    records = figure_records(observations([*ROWS, *BOUND_ROWS]), sources())
    exported = export_frame(figures_frame(records))
    book = openpyxl.load_workbook(io.BytesIO(reader_xlsx_bytes(exported, locale_for(lang))))
    sheet = book[metric_label("train_runs", lang)]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    q_col = "限定" if lang == "zh" else "Qualifier"
    s_col = "原文表述" if lang == "zh" else "As stated"
    assert header.index(q_col) == 2 and header.index(s_col) == 3  # right after the value
    bound = [r for r in rows if r[q_col] == qualifier]
    assert [r[s_col] for r in bound] == [stated]
    assert isinstance(bound[0][header[1]], (int, float))  # the number stays a number
    exact = next(r for r in rows if r[s_col] in ("816列", "816 trains"))
    assert not exact[q_col]
    # The contract CSV carries the key, right after the value.
    text = csv_bytes(exported).decode("utf-8-sig").splitlines()
    columns = text[0].split(",")
    assert columns[:3] == ["metric", "value", "qualifier"]
    assert any(line.startswith("train_runs,10000.0,over,") for line in text[1:])
