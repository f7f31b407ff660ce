"""Downloads of the filtered data: CSV with a BOM for Excel, XLSX, spreadsheet formulas disarmed."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.locales import Locale
from etl.contract.formulas import neutralise_frame as neutralise
from etl.contract.formulas import neutralise_text as neutralise_cell

__all__ = [
    "chart_columns",
    "chart_csv",
    "chart_frame",
    "chart_xlsx",
    "csv_bytes",
    "neutralise",
    "neutralise_cell",
    "xlsx_bytes",
]


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


def _reader_rows(frame: pd.DataFrame, metric: str, locale: Locale) -> pd.DataFrame:
    from etl.contract.qualifiers import label as qualifier_label

    unit = locale.axis_unit(metric)
    label = locale.metric(metric)
    periods = [
        locale.period(pd.Timestamp(s) if s else None, pd.Timestamp(e))
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
            locale.t("xl_metric"): label,
            locale.t("xl_value", unit=unit): [
                locale.scaled(float(v), metric) for v in frame["value"]
            ],
            # The number stays a number for sums and charts; beside it, how the source stated
            # it (超过 / over) and the value as a reader quotes it (超1万列 / over 10,000 trains).
            locale.t("xl_qualifier"): [qualifier_label(q, locale.lang) for q in quals],
            locale.t("xl_stated"): [
                locale.value(float(v), metric, qualifier=q)
                for v, q in zip(frame["value"], quals, strict=True)
            ],
            locale.t("xl_period"): periods,
            locale.t("xl_yoy"): yoy.to_numpy(),
            locale.t("xl_region"): [locale.region(str(r)) for r in frame["region"]],
            locale.t("xl_route"): [locale.route(str(r)) for r in frame["route"]],
            locale.t("xl_scope"): frame["scope"].to_numpy(),
            locale.t("xl_basis"): [locale.basis(str(b)) for b in frame["basis"]],
            locale.t("xl_source"): frame["title"].to_numpy(),
            locale.t("xl_publisher"): frame["publisher"].to_numpy(),
            locale.t("xl_published"): frame["published"].to_numpy(),
            locale.t("xl_link"): frame["url"].fillna("").to_numpy(),
            locale.t("xl_quote"): frame["quote"].to_numpy(),
        }
    )


def reader_sheets(export: pd.DataFrame, locale: Locale) -> dict[str, pd.DataFrame]:
    """Return the export as one sheet per metric, for people: labels, display units, periods."""

    sheets: dict[str, pd.DataFrame] = {}
    for metric, rows in export.groupby("metric", sort=False, observed=True):
        name = locale.metric(str(metric)).translate(_SHEET_BAD)[:31]
        sheets[name] = _reader_rows(rows, str(metric), locale)
    return sheets


def reader_xlsx_bytes(export: pd.DataFrame, locale: Locale) -> bytes:
    """Return the manager's workbook: a sheet per metric, headers in the page's language."""
    buffer = io.BytesIO()
    sheets = reader_sheets(export, locale) or {"-": pd.DataFrame()}
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for i, col in enumerate(frame.columns):
                width = 60 if i == len(frame.columns) - 1 else min(40, max(10, len(str(col)) * 2))
                sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = width
    return buffer.getvalue()


def chart_frame(records: Iterable[Mapping[str, object]], locale: Locale) -> pd.DataFrame:
    """Return a chart's points for people: period in words, value, how stated, unit, scope,
    series, source title, publisher, date, link and sentence, in the page's language."""
    from etl.contract.qualifiers import label as qualifier_label

    rows = []
    for r in records:
        metric = str(r.get("metric") or "")
        value = float(r.get("value") or 0.0)  # type: ignore[arg-type]
        qual = str(r.get("qualifier") or "")
        published = r.get("published")
        rows.append(
            {
                locale.t("xl_period"): str(r.get("period_label") or ""),
                locale.t("xl_metric"): locale.metric(metric),
                locale.t("col_value"): locale.scaled(value, metric),
                locale.t("xl_qualifier"): qualifier_label(qual, locale.lang),
                locale.t("xl_stated"): locale.value(value, metric, qualifier=qual),
                locale.t("chart_unit"): locale.axis_unit(metric),
                locale.t("xl_scope"): str(r.get("scope") or ""),
                locale.t("col_series"): locale.figure_label(r.get("scope"), r.get("series")),
                locale.t("xl_source"): str(r.get("title") or ""),
                locale.t("xl_publisher"): str(r.get("publisher") or ""),
                locale.t("xl_published"): _day(published),
                locale.t("xl_link"): str(r.get("url") or ""),
                locale.t("xl_quote"): str(r.get("quote") or ""),
            }
        )
    return pd.DataFrame(rows, columns=chart_columns(locale))


def _day(value: object) -> str:
    """Return a date as YYYY-MM-DD, or '' when there is none."""
    stamp = pd.Timestamp(value) if value is not None and str(value) else None  # type: ignore[arg-type]
    return "" if stamp is None or pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def chart_columns(locale: Locale) -> list[str]:
    """Return the column headers of a chart's download in the page's language."""
    return [
        locale.t("xl_period"),
        locale.t("xl_metric"),
        locale.t("col_value"),
        locale.t("xl_qualifier"),
        locale.t("xl_stated"),
        locale.t("chart_unit"),
        locale.t("xl_scope"),
        locale.t("col_series"),
        locale.t("xl_source"),
        locale.t("xl_publisher"),
        locale.t("xl_published"),
        locale.t("xl_link"),
        locale.t("xl_quote"),
    ]


def chart_csv(records: Iterable[Mapping[str, object]], locale: Locale) -> bytes:
    """Return a chart's points as CSV for Excel (BOM, formulas disarmed)."""
    return csv_bytes(chart_frame(records, locale))


def chart_xlsx(records: Iterable[Mapping[str, object]], locale: Locale) -> bytes:
    """Return a chart's points as an XLSX workbook (formulas disarmed)."""
    return xlsx_bytes(chart_frame(records, locale), sheet="data")
