"""Spreadsheet formulas (CWE-1236): which text a spreadsheet would run, and how to disarm it."""

from __future__ import annotations

import re

import pandas as pd

# Spreadsheets skip leading blanks of every kind before deciding a cell is a formula, so the
# check looks past them: Unicode whitespace (NBSP U+00A0, U+3000, line breaks) and the
# zero-width characters a copy from a web page carries along.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_LEAD = rf"[\s{INVISIBLE}]*"
# Full-width signs are included: an IME may type them, and disarming them costs nothing.
_STARTS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
# Tab and CR at the very start are OWASP's other two formula prefixes.
FORMULA_RE = rf"^(?:[\t\r]|{_LEAD}[{_STARTS}])"
# In a number column a leading minus is a sign, not a formula; its legality is checked there.
FORMULA_NUMBER_RE = rf"^(?:[\t\r]|{_LEAD}(?:[=+@\uff1d\uff0b\uff0d\uff20]|-$|-[^0-9]))"

_FORMULA = re.compile(FORMULA_RE)


def neutralise_text(value: object) -> object:
    """Return a text cell prefixed with ' when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot run as formulas; numbers and dates stay as they are."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        # A categorical column maps each distinct value once, not every row.
        if (
            isinstance(series.dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(series)
            or pd.api.types.is_string_dtype(series)
        ):
            out[col] = series.map(neutralise_text)
    return out
