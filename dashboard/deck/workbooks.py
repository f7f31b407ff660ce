"""Chart data whose embedded workbooks hold text as text: never a formula, never a link.

PowerPoint keeps each native chart's data in an embedded Excel workbook that opens on "Edit
data". python-pptx writes it with XlsxWriter, which by default turns a string starting with "="
into a formula and one that looks like a URL into a hyperlink; category labels and series names
come from the data (scopes, publishers), so a label "=HYPERLINK(…)" would become a live formula
(CWE-1236). These chart-data classes write every string as a string.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from xlsxwriter import Workbook

WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


class _TextCells:
    """Opens the worksheet with every string written as text."""

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _TextCategoryWriter(_TextCells, CategoryWorkbookWriter):
    pass


class _TextXyWriter(_TextCells, XyWorkbookWriter):
    pass


class TextCategoryChartData(CategoryChartData):
    """CategoryChartData whose workbook holds labels and names as text."""

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _TextCategoryWriter(self)


class TextXyChartData(XyChartData):
    """XyChartData whose workbook holds series names as text."""

    @property
    def _workbook_writer(self) -> XyWorkbookWriter:
        return _TextXyWriter(self)
