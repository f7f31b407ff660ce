"""Downloads of the filtered data: CSV with a BOM for Excel, XLSX, spreadsheet formulas disarmed."""

from __future__ import annotations

import io

import pandas as pd

from etl.contract.formulas import neutralise_frame as neutralise
from etl.contract.formulas import neutralise_text as neutralise_cell

__all__ = ["csv_bytes", "neutralise", "neutralise_cell", "xlsx_bytes"]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV with a BOM, so Excel on Chinese Windows reads it."""
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "figures") -> bytes:
    """Return the frame as an XLSX workbook (openpyxl)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()


# Sheet names: Excel allows 31 characters and none of []:*?/\.
_SHEET_BAD = str.maketrans({c: "·" for c in "[]:*?/\\"})


def _reader_rows(frame: pd.DataFrame, metric: str, lang: str) -> pd.DataFrame:
    from dashboard.format import axis_unit, format_period, format_value, scaled
    from dashboard.i18n import basis_label, metric_label, region_label, route_label, t
    from etl.contract.qualifiers import label as qualifier_label

    unit = axis_unit(metric, lang)
    label = metric_label(metric, lang)
    periods = [
        format_period(pd.Timestamp(s) if s else None, pd.Timestamp(e), lang)
        for s, e in zip(frame["period_start"], frame["period_end"], strict=True)
    ]
    yoy = pd.to_numeric(frame["yoy_pct"], errors="coerce")
    # Files written before the qualifier column hold exact figures.
    quals = (
        frame["qualifier"].fillna("").astype(str)
        if "qualifier" in frame
        else pd.Series("", index=frame.index)
    )
    return pd.DataFrame(
        {
            t("xl_metric", lang): label,
            t("xl_value", lang, unit=unit): [
                scaled(float(v), metric, lang) for v in frame["value"]
            ],
            # The number stays a number for sums and charts; beside it, how the source stated
            # it (超过 / over) and the value as a reader quotes it (超1万列 / over 10,000 trains).
            t("xl_qualifier", lang): [qualifier_label(q, lang) for q in quals],
            t("xl_stated", lang): [
                format_value(float(v), metric, lang, qualifier=q)
                for v, q in zip(frame["value"], quals, strict=True)
            ],
            t("xl_period", lang): periods,
            t("xl_yoy", lang): yoy.to_numpy(),
            t("xl_region", lang): [region_label(str(r), lang) for r in frame["region"]],
            t("xl_route", lang): [route_label(str(r), lang) for r in frame["route"]],
            t("xl_scope", lang): frame["scope"].to_numpy(),
            t("xl_basis", lang): [basis_label(str(b), lang) for b in frame["basis"]],
            t("xl_source", lang): frame["title"].to_numpy(),
            t("xl_publisher", lang): frame["publisher"].to_numpy(),
            t("xl_published", lang): frame["published"].to_numpy(),
            t("xl_link", lang): frame["url"].fillna("").to_numpy(),
            t("xl_quote", lang): frame["quote"].to_numpy(),
        }
    )


def reader_sheets(export: pd.DataFrame, lang: str) -> dict[str, pd.DataFrame]:
    """Return the export as one sheet per metric, for people: labels, display units, periods."""
    from dashboard.i18n import metric_label

    sheets: dict[str, pd.DataFrame] = {}
    for metric, rows in export.groupby("metric", sort=False, observed=True):
        name = metric_label(str(metric), lang).translate(_SHEET_BAD)[:31]
        sheets[name] = _reader_rows(rows, str(metric), lang)
    return sheets


def reader_xlsx_bytes(export: pd.DataFrame, lang: str) -> bytes:
    """Return the manager's workbook: a sheet per metric, headers in the page's language."""
    buffer = io.BytesIO()
    sheets = reader_sheets(export, lang) or {"-": pd.DataFrame()}
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for i, col in enumerate(frame.columns):
                width = 60 if i == len(frame.columns) - 1 else min(40, max(10, len(str(col)) * 2))
                sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = width
    return buffer.getvalue()
