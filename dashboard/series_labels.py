"""What the dashboard calls a figure's line: its series label where it has one, else its scope."""

from __future__ import annotations

from etl.contract.identity import normalise_scope
from etl.contract.series import series_by_key

_SERIES = series_by_key()


def figure_label(scope: object, series: object, lang: str) -> str:
    """Return the series label in the language, else the scope in simplified characters."""
    found = _SERIES.get(str(series or ""))
    if found is not None:
        return found.label(lang)
    # A scope is the source's own Chinese words in either language: shown in one script.
    return normalise_scope(scope)


def series_label(series: object, lang: str) -> str:
    """Return a series key's label in the language, or '' for a figure outside every series."""
    found = _SERIES.get(str(series or ""))
    return "" if found is None else found.label(lang)
