"""What the dashboard calls a figure's line: its series label where it has one, else its scope."""

from __future__ import annotations

from dashboard.format import reads_source_words
from etl.contract.identity import normalise_scope
from etl.contract.series import scope_words_en, series_by_key
from etl.contract.vocabulary import load_metrics, load_regions

_SERIES = series_by_key()


def figure_label(
    scope: object, series: object, lang: str, *, metric: object = "", region: object = ""
) -> str:
    """Return the series label in the language, else the scope (Chinese) or metric and region."""
    found = _SERIES.get(str(series or ""))
    if found is not None:
        return found.label(lang)
    if reads_source_words(lang) or not metric:
        # A scope is the source's own Chinese words: shown in one script, in simplified.
        return normalise_scope(scope)
    # English names a figure outside every series by what and where it counts (the source's
    # Chinese scope stays in the hover and the table).
    return " – ".join(part for part in (_metric_en(metric), _region_en(region)) if part)


def scope_text(scope: object, lang: str, *, region: object = "") -> str:
    """Return a scope as a table cell: the source's words in simplified Chinese; in English
    led by its place and what it narrows to: "Chongqing · of which citrus (重庆农产品…)"."""
    words = normalise_scope(scope)
    if reads_source_words(lang) or not words:
        return words
    # The source's words stay, in brackets, as the name the English reading translates.
    english = " · ".join(part for part in (_region_en(region), scope_words_en(words)) if part)
    return f"{english} ({words})" if english else words


def _metric_en(metric: object) -> str:
    found = load_metrics().get(str(metric))
    return found.label_en if found else ""


def _region_en(region: object) -> str:
    return next((p.label_en for p in load_regions() if p.key == str(region or "")), "")


def series_label(series: object, lang: str) -> str:
    """Return a series key's label in the language, or '' for a figure outside every series."""
    found = _SERIES.get(str(series or ""))
    return "" if found is None else found.label(lang)
