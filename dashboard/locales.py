"""The reader's language as one value: the catalogue lookup and the number and date formats.

Pages make one Locale from the language switch (or the URL's `lang`) and pass it wherever text
is made; the data path (filters, views and their caches) never sees it. Each method delegates to
the low-level lookups in dashboard.i18n and dashboard.format, which take the language string.
(Named `locales`, not `locale`: Streamlit puts dashboard/ on sys.path, where a `locale.py` would
shadow the standard library's module.)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import dashboard.format
import dashboard.series_labels
from dashboard import i18n


@dataclass(frozen=True)
class Locale:
    """One language's words and formats; frozen and hashable, so it can key a text cache."""

    lang: str = i18n.DEFAULT_LANG

    def __post_init__(self) -> None:
        if self.lang not in i18n.LANGS:
            raise ValueError(f"unknown language {self.lang!r}; expected one of {i18n.LANGS}")

    def t(self, key: str, **fields: object) -> str:
        """Return the catalogue's text for key, its {fields} filled in."""
        return i18n.t(key, self.lang, **fields)

    # Labels of the vocabulary, series and sources.
    def metric(self, metric: str) -> str:
        """Return a metric's label."""
        return i18n.metric_label(metric, self.lang)

    def region(self, region: str) -> str:
        """Return a region's label."""
        return i18n.region_label(region, self.lang)

    def route(self, route: str) -> str:
        """Return a route's label ('no route stated' for the empty route)."""
        return i18n.route_label(route, self.lang)

    def basis(self, basis: str) -> str:
        """Return 'reported' or 'derived' in words."""
        return i18n.basis_label(basis, self.lang)

    def publisher(self, publisher: str) -> str:
        """Return a publisher as readers know it in this language."""
        return i18n.publisher_label(publisher, self.lang)

    def sentence(self, kind: str) -> str:
        """Return what a figure's sentence is, by its source's kind."""
        return i18n.sentence_label(kind, self.lang)

    def figure_label(
        self, scope: object, series: object, *, metric: object = "", region: object = ""
    ) -> str:
        """Return a figure's line: its series label, else its scope (English: metric, region)."""
        return dashboard.series_labels.figure_label(
            scope, series, self.lang, metric=metric, region=region
        )

    def scope(self, scope: object, *, region: object = "") -> str:
        """Return a scope as a table shows it (English: its place and narrowing, then the words)."""
        return dashboard.series_labels.scope_text(scope, self.lang, region=region)

    def series(self, series: object) -> str:
        """Return a series key's label, '' outside every series."""
        return dashboard.series_labels.series_label(series, self.lang)

    # Numbers, dates and periods (dashboard.format).
    def value(
        self, value: float, metric: str, *, with_unit: bool = True, qualifier: object = ""
    ) -> str:
        """Return a figure as stated, in the display scale."""
        return dashboard.format.format_value(
            value, metric, self.lang, with_unit=with_unit, qualifier=qualifier
        )

    def yoy(self, yoy: float | None) -> str:
        """Return a year-on-year change as text."""
        return dashboard.format.format_yoy(yoy, self.lang)

    def growth_words(self, yoy: float) -> str:
        """Return a change in words (up 12.3% / 增长12.3%)."""
        return dashboard.format.growth_words(yoy, self.lang)

    def period(self, start: pd.Timestamp | None, end: pd.Timestamp) -> str:
        """Return a period in words."""
        return dashboard.format.format_period(start, end, self.lang)

    def as_of(self, end: pd.Timestamp) -> str:
        """Return 'as of' a period end."""
        return dashboard.format.format_as_of(end, self.lang)

    def date(self, day: pd.Timestamp) -> str:
        """Return a calendar date."""
        return dashboard.format.format_date(day, self.lang)

    def reads_source_words(self) -> bool:
        """Return whether the sources' own Chinese words (a scope) read in this language."""
        return dashboard.format.reads_source_words(self.lang)

    def zone(self, zone: object) -> str:
        """Return a time zone as a reader names it."""
        return dashboard.format.zone_label(zone, self.lang)

    def scaled(self, value: float, metric: str) -> float:
        """Return value in the metric's display scale."""
        return dashboard.format.scaled(value, metric, self.lang)

    def axis_unit(self, metric: str) -> str:
        """Return the unit as an axis shows it."""
        return dashboard.format.axis_unit(metric, self.lang)

    def label_number(self, value: float, decimals: int) -> str:
        """Return a number as a chart label prints it."""
        return dashboard.format.label_number(value, decimals, self.lang)

    def date_tick_format(self, span: pd.Timedelta) -> str:
        """Return plotly's date tick format for a time axis spanning `span`."""
        return dashboard.format.date_tick_format(span, self.lang)

    def month_key_label(self, month: str) -> str:
        """Return a YYYY-MM key as the period slider shows it."""
        return dashboard.format.month_key_label(month, self.lang)

    def excel_number_format(self, decimals: int) -> str:
        """Return the deck's number format."""
        return dashboard.format.excel_number_format(decimals, self.lang)

    def excel_date_format(self) -> str:
        """Return the deck's date-axis format."""
        return dashboard.format.excel_date_format(self.lang)

    def point_format(
        self, value: float, decimals: int, *, signed_pct: bool = False, qualifier: object = ""
    ) -> str:
        """Return one deck label's number format."""
        return dashboard.format.point_format(
            value, decimals, self.lang, signed_pct=signed_pct, qualifier=qualifier
        )

    def value_axis_numbers(self) -> dict[str, object]:
        """Return plotly value-axis number settings."""
        return dashboard.format.value_axis_numbers(self.lang)

    def point_label(self, value: float, metric: str, qualifier: object = "") -> str:
        """Return a chart point's label as stated."""
        return dashboard.format.point_label(value, metric, self.lang, qualifier)

    def label_prefix(self, qualifier: object) -> str:
        """Return the words a bounded label starts with."""
        return dashboard.format.label_prefix(qualifier, self.lang)


ZH = Locale("zh")
EN = Locale("en")
LOCALES = {loc.lang: loc for loc in (ZH, EN)}


def locale_for(code: object) -> Locale:
    """Return the Locale for a language code; anything unknown reads as the default language."""
    return LOCALES.get(str(code), LOCALES[i18n.DEFAULT_LANG])
