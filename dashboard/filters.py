"""Filter state: parsed from and written to the URL's query parameters, applied to a frame."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Declared apart (the command line lists them without importing pandas), still named from here.
from dashboard.filter_params import FILTER_PARAMS as FILTER_PARAMS
from dashboard.filter_params import FilterParam as FilterParam
from dashboard.i18n import DEFAULT_LANG, LANGS, pair
from dashboard.locales import ZH, Locale, locale_for
from dashboard.views.index import FigureView, among
from etl.contract.errors import Problem
from etl.contract.schema import BASES
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics, load_regions, load_routes

# The URL parameter names are part of the dashboard's contract: a copied link opens the same view.
PARAMS = ("from", "to", "region", "route", "metric", "basis", "source", "lang", "related")


# Series of another corridor or a wider total (中欧班列, a province's total trade): shown only when
# the reader turns on 相关通道 (related=1), never among this corridor's figures by default.
RELATED_SERIES = frozenset(s.key for s in load_series() if s.context == "related")
# Routes that only related series run on (中欧班列, 中老铁路): a figure on one of them that no
# series takes (its scope names one city's share, say) is still another corridor's figure.
RELATED_ROUTES = frozenset(
    {s.route for s in load_series() if s.context == "related"}
    - {s.route for s in load_series() if s.context == "corridor"}
)
# How a link may turn the related switch on or off.
RELATED_ON = ("1", "true", "yes", "on")
RELATED_OFF = ("0", "false", "no", "off")
# The empty route (no transport stated) needs a visible name in a URL.
NO_ROUTE = "none"
MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see; empty tuples mean 'all'.

    Frozen and hashable: the value itself is the key of every view cached for it. The page's
    language is not a filter (it changes the words, not the figures): Parsed.locale carries it.
    """

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    regions: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    related: bool = False


# What a parameter's value can be wrong by, and its words in the catalogue.
PROBLEM_KEYS = {
    "unknown": "filter_unknown",
    "bad_month": "filter_bad_month",
    "swapped": "filter_swapped",
}


@dataclass(frozen=True)
class FilterProblem:
    """A value the parser could not use as asked: unknown, not a month, or a reversed period.

    The page goes ahead without it and says so (notice); the command line refuses (problem).
    """

    kind: str
    param: str = ""
    value: str = ""

    def _words(self) -> tuple[str, str]:
        return pair(PROBLEM_KEYS[self.kind], param=self.param, value=self.value)

    def notice(self) -> str:
        """Return the bilingual line the page shows: what was wrong and what it did instead."""
        done = "filter_swapped_done" if self.kind == "swapped" else "filter_ignored"
        (zh, en), (zh_done, en_done) = self._words(), pair(done)
        return f"{zh}{zh_done} / {en}{en_done}"

    def problem(self) -> Problem:
        """Return the problem the command line refuses the value with."""
        (zh, en), (zh_stop, en_stop) = self._words(), pair("full_stop")
        return Problem(zh + zh_stop, en + en_stop)


@dataclass(frozen=True)
class Parsed:
    """Filters read from a URL, with a typed problem for every value that could not be used."""

    filters: Filters
    problems: tuple[FilterProblem, ...] = ()
    # The URL's `lang`, read beside the filters: the language of the words, not of the data.
    locale: Locale = ZH

    @property
    def messages(self) -> tuple[str, ...]:
        """Return the page's bilingual notice for each problem."""
        return tuple(p.notice() for p in self.problems)


@dataclass(frozen=True)
class Choices:
    """The values each filter accepts."""

    regions: tuple[str, ...]
    routes: tuple[str, ...]
    metrics: tuple[str, ...]
    sources: tuple[str, ...]


def vocabulary_choices(sources: Iterable[str]) -> Choices:
    """Return the accepted values: the vocabulary's keys and the given source ids."""
    return Choices(
        regions=tuple(p.key for p in load_regions()),
        routes=(NO_ROUTE, *(p.key for p in load_routes())),
        metrics=tuple(load_metrics()),
        sources=tuple(sources),
    )


# A link names a few values per filter; anything longer is cut before it is split or looked up,
# so a crafted URL costs no more than a real one. Unknown values are summarised, cut short.
MAX_VALUES = 50
MAX_PARAM_CHARS = 2000
LISTED_UNKNOWN = 3
UNKNOWN_CHARS = 24


def _bounded(raw: str | Sequence[str] | None) -> tuple[list[str], bool]:
    """Return the parameter's first values and whether anything beyond the caps was dropped."""
    if raw is None:
        return [], False
    items = [raw] if isinstance(raw, str) else list(raw[:MAX_VALUES])
    cut = not isinstance(raw, str) and len(raw) > MAX_VALUES
    values: list[str] = []
    for item in items:
        text = str(item)
        if len(text) > MAX_PARAM_CHARS:
            text, cut = text[:MAX_PARAM_CHARS], True
        parts = text.split(",", MAX_VALUES)
        if len(parts) > MAX_VALUES:
            parts, cut = parts[:MAX_VALUES], True
        values += [v.strip() for v in parts if v.strip()]
        if len(values) > MAX_VALUES:
            return values[:MAX_VALUES], True
    return values, cut


def _values(raw: str | Sequence[str] | None) -> list[str]:
    return _bounded(raw)[0]


def _short(value: str) -> str:
    return value if len(value) <= UNKNOWN_CHARS else value[: UNKNOWN_CHARS - 1] + "…"


def _summary(unknown: list[str], cut: bool) -> str:
    """Return the ignored values of one parameter as one short text: the first few and a count."""
    shown = ", ".join(_short(v) for v in unknown[:LISTED_UNKNOWN])
    rest = len(unknown) - LISTED_UNKNOWN
    if rest > 0 or cut:
        shown += f" … (+{max(rest, 0)}{'+' if cut else ''})"
    return shown


def parse_month(text: str, *, end: bool) -> pd.Timestamp | None:
    """Return the first (or last) day of the month in YYYY, YYYY-MM or YYYY-MM-DD, else None."""
    text = text.strip()
    year_only = YEAR.match(text)
    match = MONTH.match(text)
    try:
        if year_only:
            year, month = int(year_only.group(1)), 12 if end else 1
        elif match:
            year, month = int(match.group(1)), int(match.group(2))
        else:
            return None
        first = pd.Timestamp(year=year, month=month, day=1)
    except ValueError:
        return None
    if not 1990 <= year <= 2100:
        return None
    return first + pd.offsets.MonthEnd(0) if end else first


def parse_query_params(params: Mapping[str, str | Sequence[str]], choices: Choices) -> Parsed:
    """Return the filters a URL's query parameters ask for; unusable values become problems."""
    problems: list[FilterProblem] = []

    def pick(param: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        kept: list[str] = []
        unknown: list[str] = []
        values, cut = _bounded(params.get(param))
        known = set(allowed)
        for value in values:
            if value in known:
                if value not in kept:
                    kept.append(value)
            else:
                unknown.append(value)
        if unknown or cut:
            # One notice per parameter, however many values it names.
            problems.append(FilterProblem("unknown", param, _summary(unknown, cut)))
        return tuple(kept)

    bounds: dict[str, pd.Timestamp | None] = {}
    for param in ("from", "to"):
        values = _values(params.get(param))
        bounds[param] = None
        if values:
            parsed = parse_month(values[0], end=param == "to")
            if parsed is None:
                problems.append(FilterProblem("bad_month", param, _short(values[0])))
            bounds[param] = parsed
    start, end = bounds["from"], bounds["to"]
    if start is not None and end is not None and start > end:
        problems.append(FilterProblem("swapped"))
        start, end = end.replace(day=1), start + pd.offsets.MonthEnd(0)
    langs = pick("lang", LANGS)
    related = [v.lower() for v in _values(params.get("related"))]
    if related and related[0] not in (*RELATED_ON, *RELATED_OFF):
        problems.append(FilterProblem("unknown", "related", _short(related[0])))
    return Parsed(
        Filters(
            start=start,
            end=end,
            regions=pick("region", choices.regions),
            routes=pick("route", choices.routes),
            metrics=pick("metric", choices.metrics),
            bases=pick("basis", BASES),
            sources=pick("source", choices.sources),
            related=bool(related) and related[0] in RELATED_ON,
        ),
        tuple(problems),
        locale_for(langs[0]) if langs else locale_for(DEFAULT_LANG),
    )


def to_query_params(filters: Filters, locale: Locale = ZH) -> dict[str, str]:
    """Return the query parameters that reproduce the filters and the language; defaults are
    left out."""
    params: dict[str, str] = {}
    if filters.start is not None:
        params["from"] = filters.start.strftime("%Y-%m")
    if filters.end is not None:
        params["to"] = filters.end.strftime("%Y-%m")
    for param, values in (
        ("region", filters.regions),
        ("route", filters.routes),
        ("metric", filters.metrics),
        ("basis", filters.bases),
        ("source", filters.sources),
    ):
        if values:
            params[param] = ",".join(values)
    if locale.lang != DEFAULT_LANG:
        params["lang"] = locale.lang
    if filters.related:
        params["related"] = "1"
    return params


def filter_mask(frame: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Return which rows of an observations frame the filters keep."""
    keep = np.ones(len(frame), dtype=bool)
    if filters.start is not None:
        keep &= (frame["period_end"] >= filters.start).to_numpy()
    if filters.end is not None:
        keep &= (frame["period_end"] <= filters.end + pd.Timedelta(hours=23, minutes=59)).to_numpy()
    if filters.regions:
        keep &= frame["region"].isin(filters.regions).to_numpy()
    if filters.routes:
        routes = ["" if r == NO_ROUTE else r for r in filters.routes]
        keep &= frame["route"].isin(routes).to_numpy()
    if filters.metrics:
        keep &= frame["metric"].isin(filters.metrics).to_numpy()
    if filters.bases:
        keep &= frame["basis"].isin(filters.bases).to_numpy()
    if filters.sources:
        keep &= frame["source_id"].isin(filters.sources).to_numpy()
    if not filters.related and "series" in frame:
        keep &= ~related_mask(frame)
    return keep


def related_mask(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows are another corridor's: a related series, or a related-only route."""
    mask = among(frame["route"], RELATED_ROUTES)
    if "series" in frame:
        mask = mask | among(frame["series"], RELATED_SERIES)
    return mask


def related_rows(view: FigureView, rows: np.ndarray) -> np.ndarray:
    """Return which of a view's rows (positions) are another corridor's, as related_mask
    decides, from the table's column codes (read once per table, not a copy of the rows)."""
    mask = view.index.holds(view.frame, "route", RELATED_ROUTES, rows)
    if "series" in view.frame:
        mask = mask | view.index.holds(view.frame, "series", RELATED_SERIES, rows)
    return mask


def is_related_record(record: Mapping[str, object]) -> bool:
    """Return whether one record is another corridor's figure (as related_mask decides)."""
    return (
        str(record.get("series") or "") in RELATED_SERIES
        or str(record.get("route") or "") in RELATED_ROUTES
    )


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Return the rows of an observations frame that the filters keep."""
    return frame.loc[filter_mask(frame, filters)]


def month_options(frame: pd.DataFrame) -> list[pd.Timestamp]:
    """Return every month from the earliest to the latest period_end in the frame."""
    ends = frame["period_end"].dropna()
    if ends.empty:
        return []
    first = ends.min().to_period("M").to_timestamp()
    last = ends.max().to_period("M").to_timestamp()
    return list(pd.date_range(first, last, freq="MS"))
