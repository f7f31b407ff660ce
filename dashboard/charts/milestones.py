"""Milestones on a metric's time axis: only those that concern the metric, spaced, capped.

The events table (data/tidy/events.csv) has a kind (milestone, line_opened, policy) and an
English title filled from a template by the extraction (etl/extraction/events.py: "20,000th
rail–sea train", "Volume passes 1,000,000 TEU in 2025", "New shipping route opened"), so the
kind and the template's words say what an event is about. CONCERNS maps them to metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import pandas as pd

from dashboard.locales import Locale
from dashboard.safe_text import clean
from dashboard.views.index import Record, source_name
from etl.contract.vocabulary import load_metrics

# Milestones drawn on one axis at most, the most important kinds first.
MAX_EVENTS = 8
EVENT_KIND_ORDER = ("milestone", "policy", "line_opened")
# Drawn markers stay this far apart on a year axis (in years: about a quarter, a marker's width
# and more at a half-page chart of ten years); the others are named in a drawn one's hover.
MIN_GAP_YEARS = 0.3
# Events named in one marker's hover besides its own, then "and N more".
MAX_HIDDEN_LISTED = 3
REACH = ("ports_reached", "countries_reached")


@dataclass(frozen=True)
class Concern:
    """Events of a kind whose English title matches concern these metrics (None: every one)."""

    kind: str
    title: re.Pattern[str]
    metrics: tuple[str, ...] | None


# First match wins. A port's throughput is the port's story (reach), not the corridor trains';
# a new train line adds runs and boxes; a new shipping route extends the reach; a plan concerns
# the whole corridor.
CONCERNS = (
    Concern("milestone", re.compile(r"container throughput|\bport\b", re.I), REACH),
    Concern("milestone", re.compile(r"\bTEU\b"), ("teu",)),
    Concern("milestone", re.compile(r"\btrains?\b|\bshuttles?\b", re.I), ("train_runs",)),
    Concern("line_opened", re.compile(r"shipping route", re.I), REACH),
    Concern("line_opened", re.compile(r"\btrain\b|\bshuttle\b", re.I), ("train_runs", "teu")),
    Concern("policy", re.compile(r""), None),
)


# Related context (series.toml's "related": China–Europe rail, the China–Laos railway) is never
# on the corridor's axes: an event in its words concerns none of the corridor's metrics unless
# it names the corridor too (西部陆海新通道中老泰冷链班列 is the corridor's).
RELATED = re.compile(r"中欧|中老铁路")
CORRIDOR = re.compile(r"陆海|南向通道")


def event_metrics(event: Record) -> tuple[str, ...]:
    """Return the metrics an event concerns (none when no rule says so)."""
    kind, title = str(event.get("kind") or ""), str(event.get("title_en") or "")
    words = f"{event.get('title_zh') or ''} {event.get('quote') or ''}"
    if RELATED.search(words) and not CORRIDOR.search(words):
        return ()
    for rule in CONCERNS:
        if rule.kind == kind and rule.title.search(title):
            return tuple(load_metrics()) if rule.metrics is None else rule.metrics
    return ()


def events_for(events: list[Record], metric: str) -> list[Record]:
    """Return the events that concern a metric."""
    return [e for e in events if metric in event_metrics(e)]


def _rank(kind: str) -> int:
    return EVENT_KIND_ORDER.index(kind) if kind in EVENT_KIND_ORDER else len(EVENT_KIND_ORDER)


def event_x(day: pd.Timestamp) -> float:
    """Return a day's place on a year axis: a year's tick is the middle of that year."""
    return day.year - 0.5 + (day.day_of_year - 0.5) / (366 if day.is_leap_year else 365)


def chosen_events(events: list[Record], first: int, last: int) -> list[Record]:
    """Return the events to draw within the years first..last, oldest first.

    Each event once per date and title with all its sources; at most MAX_EVENTS, at least
    MIN_GAP_YEARS apart, the most important kinds and the most recent first, spread over the
    years. Each drawn event carries in "hidden" the events left out nearest to it.
    """
    merged: dict[tuple[pd.Timestamp, str], Record] = {}
    for e in events:
        day = pd.Timestamp(e["date"])
        if pd.isna(day) or not first <= day.year <= last:
            continue
        key = (day, str(e.get("title_en", "")))
        if key in merged:
            merged[key]["sources"].append(e)
        else:
            merged[key] = {**e, "date": day, "sources": [e]}
    # Spread over the years: every year's first choice (its most important kind, its latest)
    # before any year's second.
    ordered = sorted(merged.values(), key=lambda e: (_rank(str(e["kind"])), -e["date"].value))
    nth: dict[int, int] = {}
    keyed = []
    for e in ordered:
        year = e["date"].year
        nth[year] = nth.get(year, 0) + 1
        keyed.append(((nth[year], _rank(str(e["kind"])), -e["date"].value), e))
    drawn: list[Record] = []
    left: list[Record] = []
    for _, e in sorted(keyed, key=lambda k: k[0]):
        x = event_x(e["date"])
        if len(drawn) < MAX_EVENTS and all(
            abs(x - event_x(d["date"])) >= MIN_GAP_YEARS for d in drawn
        ):
            drawn.append({**e, "hidden": []})
        else:
            left.append(e)
    for e in sorted(left, key=lambda e: e["date"]):
        x = event_x(e["date"])
        nearest = min(drawn, key=lambda d: abs(x - event_x(d["date"])))
        nearest["hidden"].append(e)
    return sorted(drawn, key=lambda e: e["date"])


def event_title(event: Record, locale: Locale) -> str:
    """Return an event's title in the language (the English one where the other is missing)."""
    return clean(event.get(f"title_{locale.lang}") or event.get("title_en") or "")


def event_hover(event: Record, locale: Locale) -> str:
    """Return an event's hover text: its title, date, sources, and the events near it not drawn."""
    names = []
    for s in event["sources"]:
        publisher = str(s.get("publisher") or s.get("source_id") or "")
        name = source_name(publisher, s.get("published"), locale)
        if name not in names:
            names.append(name)
    lines = [
        escape(event_title(event, locale)),
        locale.date(event["date"]),
        *(locale.t("event_source", source=escape(n)) for n in names),
    ]
    hidden = event.get("hidden") or []
    if hidden:
        lines.append(locale.t("events_hidden", count=len(hidden)))
        lines += [
            escape(f"{locale.date(h['date'])} {event_title(h, locale)}")
            for h in hidden[:MAX_HIDDEN_LISTED]
        ]
        if len(hidden) > MAX_HIDDEN_LISTED:
            lines.append(locale.t("events_more", count=len(hidden) - MAX_HIDDEN_LISTED))
    return "<br>".join(lines)


def hidden_count(shown: list[Record]) -> int:
    """Return how many events the drawn ones stand for besides themselves."""
    return sum(len(e.get("hidden") or ()) for e in shown)
