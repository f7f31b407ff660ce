"""A spreadsheet cell's value as the text the validator reads, percent formats included.

Every cell becomes text so that one set of rules validates CSV and XLSX alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from etl.contract.tables import format_number

# A number format's % outside quotes and escapes multiplies what Excel shows by 100.
PERCENT_FORMAT_RE = re.compile(r'"[^"]*"|\\.|(%)')


def is_percent_format(code: str) -> bool:
    """Return whether an Excel number format shows its number as a percent (0.0%, 0%…)."""
    return any(m.group(1) for m in PERCENT_FORMAT_RE.finditer(code))


def cell_text(value: object) -> str:
    """Return a cell's value as text: numbers in their shortest form, midnight dates as days."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number_text(text: str) -> str:
    """Return a stored number's XML text as cell_text shows the number it reads as."""
    # As openpyxl reads it: integers stay integers, anything with a point or exponent is a float.
    if "." in text or "E" in text or "e" in text:
        return format_number(float(text))
    return str(int(text))


def percent_text(value: float) -> str:
    """Return a percent-formatted cell's number as the text it shows: 0.123 → '12.3%'."""
    if isinstance(value, bool):
        return cell_text(value)
    # Rounded to 10 places: 0.123 * 100 is 12.300000000000001 in binary floating point.
    return format_number(round(float(value) * 100, 10)) + "%"
