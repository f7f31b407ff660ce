"""The upload template as an Excel workbook: headers, drop-down lists of labels, formatted date
and percent cells, and a sheet explaining each column."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from etl.contract.qualifiers import LABELS_EN, LABELS_ZH, QUALIFIERS
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import series_by_key
from etl.contract.vocabulary import BASIS_LABELS, load_metrics, load_regions, load_routes

# The data sheet comes first (the reader reads it); the other two are the template's own and are
# recognised by name when a filled-in template comes back.
DATA_SHEET = {"zh": "数据", "en": "data"}
HELP_SHEET = {"zh": "说明", "en": "about"}
LISTS_SHEET = {"zh": "选项", "en": "lists"}
TEMPLATE_SHEETS = frozenset({*HELP_SHEET.values(), *LISTS_SHEET.values()})

# Drop-downs cover this many rows: more than any hand-typed file, few enough to keep it small.
VALIDATED_ROWS = 5000

# (Chinese meaning, English meaning, example) per column; the headers are the reader's own.
EXPLAINED: dict[str, tuple[str, str, str]] = {
    "metric": (
        "指标（下拉选择）",
        "what is counted (choose from the list)",
        "班列开行",
    ),
    "value": (
        "数值：按“单位”列的单位填写",
        "the number, in the unit of the unit column",
        "1.2",
    ),
    "qualifier": (
        "限定：空 = 准确；超过、不到、约、近",
        "empty = exact; over, under, about, nearly",
        "超过",
    ),
    "unit": (
        "单位（下拉选择）；可用万标箱、亿元等，自动换算",
        "unit; 万标箱, 亿元 … are converted",
        "万标箱",
    ),
    "period_start": (
        "起始日期：2025-11-01、2025/11/1 或月份 2025-11；快照可空",
        "first day, or a month; empty for snapshots",
        "2025-01-01",
    ),
    "period_end": (
        "截止日期（必填）；月份表示该月最后一天",
        "last day (required); a month means its last day",
        "2025-11-30",
    ),
    "region": (
        "地区（下拉选择；空则按口径判断）",
        "region (empty: decided from the scope)",
        "重庆",
    ),
    "route": (
        "线路（下拉选择；空则按口径判断）",
        "route (empty: decided from the scope)",
        "铁海联运",
    ),
    "scope": (
        "口径：来源的原话（必填）",
        "whose figure, in the source's words (required)",
        "重庆西部陆海新通道铁海联运班列",
    ),
    "series": (
        "系列（下拉选择；空则按规则归入）",
        "series (empty: the rules assign one)",
        "",
    ),
    "yoy_pct": (
        "同比：12.3% 或 12.3（百分数）",
        "year-on-year change in percent: 12.3% or 12.3",
        "12.3%",
    ),
    "basis": (
        "类型：报道值（推算值由系统计算）",
        "reported (derived figures are computed)",
        "报道值",
    ),
    "source_id": (
        "来源编号（须先登记，或在上传页登记）",
        "source id (register it first, or on the page)",
        "my-source-id",
    ),
    "quote": (
        "原文或备注（可空）",
        "the sentence or a note (optional)",
        "",
    ),
}


def _header(column: str, lang: str) -> str:
    from etl.uploads.validating import HEADERS_ZH

    return HEADERS_ZH[column][0] if lang == "zh" else column


def dropdown_lists(lang: str) -> dict[str, list[str]]:
    """Return the labels each drop-down column offers, in the language."""
    zh = lang == "zh"
    metrics = load_metrics().values()
    units: list[str] = []
    for m in metrics:
        base = m.unit_zh if zh else m.unit_en
        scale = m.scale_zh if zh else m.scale_en
        shown = [base, f"{scale}{base}" if zh else f"{scale} {base}"] if scale else [base]
        units += [u for u in shown if u not in units]
    return {
        "metric": [m.label(lang) for m in metrics],
        "unit": units,
        "region": [p.label(lang) for p in load_regions()],
        "route": [p.label(lang) for p in load_routes()],
        "series": [s.label(lang) for s in series_by_key().values()],
        "qualifier": [(LABELS_ZH if zh else LABELS_EN)[q] for q in QUALIFIERS],
        "basis": [labels[0 if zh else 1] for labels in BASIS_LABELS.values()],
    }


def template_xlsx(lang: str = "zh") -> bytes:
    """Return the upload template workbook in 'zh' or 'en', with one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet: Any = book.active  # a new workbook's first sheet is always a worksheet
    sheet.title = DATA_SHEET[lang]
    columns = list(OBSERVATION_COLUMNS)
    sheet.append([_header(c, lang) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    zh = lang == "zh"
    trains = load_metrics()["train_runs"]
    example: dict[str, object] = {c: "" for c in columns}
    example.update(
        metric=trains.label(lang),
        value=1200,
        unit=trains.unit_zh if zh else trains.unit_en,
        period_start=datetime(2025, 1, 1),
        period_end=datetime(2025, 11, 30),
        region=next(p.label(lang) for p in load_regions() if p.key == "chongqing"),
        route=next(p.label(lang) for p in load_routes() if p.key == "rail_sea"),
        scope="重庆西部陆海新通道铁海联运班列",
        yoy_pct=0.123,  # shown as 12.3% by the percent format, and read back as 12.3
        basis=BASIS_LABELS["reported"][0 if zh else 1],
        source_id="my-source-id",
        quote="示例行，请替换 / example row: replace it",
    )
    sheet.append([example[c] for c in columns])
    last = VALIDATED_ROWS + 1
    # Column styles format what the analyst types; the example row's cells carry them too.
    for name, code in (
        ("period_start", "yyyy-mm-dd"),
        ("period_end", "yyyy-mm-dd"),
        ("yoy_pct", "0.0%"),
    ):
        letter = get_column_letter(columns.index(name) + 1)
        sheet.column_dimensions[letter].number_format = code
        sheet[f"{letter}2"].number_format = code
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 28 if column == "scope" else 14
    sheet.freeze_panes = "A2"

    lists = book.create_sheet(LISTS_SHEET[lang])
    for j, (column, labels) in enumerate(dropdown_lists(lang).items(), start=1):
        col = get_column_letter(j)
        lists[f"{col}1"] = _header(column, lang)
        for k, label in enumerate(labels, start=2):
            lists[f"{col}{k}"] = label
        source = f"{quote_sheetname(lists.title)}!${col}$2:${col}${len(labels) + 1}"
        # A warning, not a stop: keys and other aliases the reader accepts may still be typed.
        check = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="warning",
            error="不在列表中 / not in the list",
            errorTitle=_header(column, lang),
        )
        target = get_column_letter(columns.index(column) + 1)
        check.add(f"{target}2:{target}{last}")
        sheet.add_data_validation(check)

    about = book.create_sheet(HELP_SHEET[lang])
    about.append(["列 column", "说明" if lang == "zh" else "meaning", "示例 example"])
    for column in columns:
        zh_text, en_text, sample = EXPLAINED[column]
        about.append([_header(column, lang), zh_text if lang == "zh" else en_text, sample])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 60
    about.column_dimensions["C"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
