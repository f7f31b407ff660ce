"""Filter state: parsed from and written to the URL's query parameters, applied to a frame."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.i18n import DEFAULT_LANG, LANGS
from etl.contract.schema import BASES
from etl.contract.vocabulary import load_metrics, load_regions, load_routes

# The URL parameter names are part of the dashboard's contract: a copied link opens the same view.
PARAMS = ("from", "to", "region", "route", "metric", "basis", "source", "lang")
# The empty route (no transport stated) needs a visible name in a URL.
NO_ROUTE = "none"
MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see; empty tuples mean 'all'."""

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    regions: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Parsed:
    """Filters read from a URL, with a bilingual message for every value that was ignored."""

    filters: Filters
    messages: tuple[str, ...] = field(default_factory=tuple)


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
# so a crafted URL costs no more than a real one (each filter has at most ~40 known values).
MAX_VALUES = 50
MAX_PARAM_CHARS = 2000
# Unknown values are summarised: a count, and the first few, each cut short.
LISTED_UNKNOWN = 3
UNKNOWN_CHARS = 24
NOUNS = {
    "region": ("地区", "regions"),
    "route": ("线路", "routes"),
    "metric": ("指标", "metrics"),
    "basis": ("口径类型", "bases"),
    "source": ("来源", "sources"),
    "lang": ("语言", "languages"),
}


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


def _message(param: str, value: str, zh_why: str, en_why: str) -> str:
    return (
        f"筛选条件 {param}={value} {zh_why}，已忽略。 / Filter {param}={value} {en_why}; ignored."
    )


def _unknown_message(param: str, unknown: list[str], cut: bool) -> str:
    """Return one bilingual line for a parameter's ignored values: a count and the first few."""
    zh_noun, en_noun = NOUNS.get(param, (param, f"{param} values"))
    shown = ", ".join(
        v if len(v) <= UNKNOWN_CHARS else v[: UNKNOWN_CHARS - 1] + "…"
        for v in unknown[:LISTED_UNKNOWN]
    )
    more = "…" if len(unknown) > LISTED_UNKNOWN else ""
    zh = f"{len(unknown)} 个未知{zh_noun}已忽略" + (f"（{shown}{more}）" if shown else "")
    en = f"{len(unknown)} unknown {en_noun} ignored" + (f" ({shown}{more})" if shown else "")
    if cut:
        zh += f"；{param} 过长，只读取了前 {MAX_VALUES} 个值"
        en += f"; {param} too long, only its first {MAX_VALUES} values read"
    return f"{zh}。 / {en}."


def parse_query_params(params: Mapping[str, str | Sequence[str]], choices: Choices) -> Parsed:
    """Return the filters a URL's query parameters ask for; unknown values become messages."""
    messages: list[str] = []

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
            messages.append(_unknown_message(param, unknown, cut))
        return tuple(kept)

    bounds: dict[str, pd.Timestamp | None] = {}
    for param in ("from", "to"):
        values = _values(params.get(param))
        bounds[param] = None
        if values:
            parsed = parse_month(values[0][:UNKNOWN_CHARS], end=param == "to")
            if parsed is None:
                messages.append(
                    _message(
                        param,
                        values[0][:UNKNOWN_CHARS],
                        "不是有效的年月（应为 2024-07）",
                        "is not a month like 2024-07",
                    )
                )
            bounds[param] = parsed
    start, end = bounds["from"], bounds["to"]
    if start is not None and end is not None and start > end:
        messages.append(
            "起始月份晚于截止月份，已对调。 / The start month was after the end month; swapped."
        )
        start, end = end.replace(day=1), start + pd.offsets.MonthEnd(0)
    langs = pick("lang", LANGS)
    return Parsed(
        Filters(
            start=start,
            end=end,
            regions=pick("region", choices.regions),
            routes=pick("route", choices.routes),
            metrics=pick("metric", choices.metrics),
            bases=pick("basis", BASES),
            sources=pick("source", choices.sources),
            lang=langs[0] if langs else DEFAULT_LANG,
        ),
        tuple(messages),
    )


def to_query_params(filters: Filters) -> dict[str, str]:
    """Return the query parameters that reproduce the filters; defaults are left out."""
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
    if filters.lang != DEFAULT_LANG:
        params["lang"] = filters.lang
    return params


def filter_mask(frame: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Return which rows of an observations frame the filters keep (language aside)."""
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
    return keep


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Return the rows of an observations frame that the filters keep (language aside)."""
    return frame.loc[filter_mask(frame, filters)]


def filter_records(records: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """Return the observation records the filters keep: apply_filters for records."""
    end = None if filters.end is None else filters.end + pd.Timedelta(hours=23, minutes=59)
    routes = {"" if r == NO_ROUTE else r for r in filters.routes}
    return [
        r
        for r in records
        if (filters.start is None or r["period_end"] >= filters.start)
        and (end is None or r["period_end"] <= end)
        and (not filters.regions or r["region"] in filters.regions)
        and (not routes or r["route"] in routes)
        and (not filters.metrics or r["metric"] in filters.metrics)
        and (not filters.bases or r["basis"] in filters.bases)
        and (not filters.sources or r["source_id"] in filters.sources)
    ]


def month_options(frame: pd.DataFrame) -> list[pd.Timestamp]:
    """Return every month from the earliest to the latest period_end in the frame."""
    ends = frame["period_end"].dropna()
    if ends.empty:
        return []
    first = ends.min().to_period("M").to_timestamp()
    last = ends.max().to_period("M").to_timestamp()
    return list(pd.date_range(first, last, freq="MS"))
