"""What the dashboard calls a figure's line: its series label where it has one, else its scope."""

from __future__ import annotations

from etl.contract.identity import normalise_scope
from etl.contract.series import series_by_key

_SERIES = series_by_key()


def figure_label(scope: object, series: object, lang: str) -> str:
    """Return the series label in the language, else the scope (simplified in Chinese mode)."""
    found = _SERIES.get(str(series or ""))
    if found is not None:
        return found.label(lang)
    text = "" if scope is None else str(scope)
    return normalise_scope(text) if lang == "zh" else text


def series_label(series: object, lang: str) -> str:
    """Return a series key's label in the language, or '' for a figure outside every series."""
    found = _SERIES.get(str(series or ""))
    return "" if found is None else found.label(lang)
