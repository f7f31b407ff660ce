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
