"""Milestones from article text: a dated day plus a milestone phrase → one events row.

The Chinese title is the source's own clause; the English title is filled from a template of the
phrase that matched (numbers and place names only from the text and the place vocabulary), so
nothing is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.contract.events import EVENT_COLUMNS, events_schema
from etl.contract.places import resolve_region, to_simplified
from etl.contract.schema import validate
from etl.contract.vocabulary import load_regions
from etl.extraction.numbers import normalize_digits, parse_number

SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
CLAUSE_RE = re.compile(r"[^，,；;。！？!?]+")
# A dated day: (2021年)4月28日, or 28日 alone (this month, as reports write it).
DAY_RE = re.compile(
    r"(?:(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>1[0-2]|0?[1-9])月|(?<![\d月]))(?P<d>3[01]|[12]\d|0?[1-9])日"
)
NUM = r"(?P<n>\d+(?:\.\d+)?)(?P<wan>万)?"
NTH_TRAIN_RE = re.compile(rf"第{NUM}列")
THIS_YEAR_RE = re.compile(r"今年|年内|当年|年度")
CUMULATIVE_TRAINS_RE = re.compile(
    rf"累计(?:开行|完成|发送|到发)?(?:量)?(?:突破|达到|超过|超|达)?{NUM}列"
)
YEAR_TRAINS_RE = re.compile(
    rf"(?:今年|年内|年度)[^，,；;。]{{0,16}}?(?:突破|达到|超过|完成){NUM}列"
)
YEAR_TEU_RE = re.compile(
    rf"(?:今年|年内|年)[^，,；;。]{{0,24}}?(?:突破|达到|迈入|超过){NUM}(?:标箱|标准箱|TEU)"
)
TRUTH_COLUMNS = ("article", "date")
FIRST_RE = re.compile(r"首列|首趟|首班|首发|首航|首次开行")
OPENED_RE = re.compile(r"(?:正式)?开通(?:运营)?")
LINE_WORD_RE = re.compile(r"班列|航线|线路|班车|铁路|通道")
PLAN_RE = re.compile(r"(?:印发|出台|发布|批复)[^，,；;。]{0,12}(?:总体规划|规划)")
FORECAST_RE = re.compile(r"有望|预计|预估|力争|计划|目标|即将|将(?:于|在)?(?:开行|开通|首发|发出)")
MAX_TITLE = 80


@dataclass(frozen=True)
class Event:
    """One dated milestone found in a sentence."""

    date: date
    title_zh: str
    title_en: str
    kind: str
    quote: str


def _day(match: re.Match[str], published: date) -> date | None:
    day = int(match["d"])
    year = int(match["y"]) if match["y"] else published.year
    if match["m"] is None:  # 截至29日: this month, or last month when the day is still to come
        month = published.month
        if day > published.day:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    else:
        month = int(match["m"])
        if not match["y"] and (month, day) > (published.month, published.day):
            year -= 1  # a day later in the year than the report is last year's
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _count(match: re.Match[str]) -> int:
    value = parse_number(match["n"]) * (10_000 if match["wan"] else 1)
    return round(value)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _mode_en(text: str) -> str:
    if "航线" in text or "首航" in text:
        return "shipping route"
    if "公路" in text or "班车" in text:
        return "road shuttle"
    if "铁海联运" in text or "海铁联运" in text:
        return "rail–sea train"
    return "train"


def _place_en(text: str) -> str:
    key = resolve_region(text)
    labels = {r.key: r.label_en for r in load_regions()}
    return "" if key in ("unspecified", "corridor") else f" ({labels[key]})"


def _title(clause: str) -> str:
    return clause.strip(" “”\"'「」")[:MAX_TITLE]


def _classify(clause: str, sentence: str, on: date) -> tuple[str, str] | None:
    """Return (kind, English title) of a clause's milestone phrase, else None."""
    mode = _mode_en(sentence)
    if m := NTH_TRAIN_RE.search(clause):
        n = _count(m)
        of_year = f" of {on.year}" if THIS_YEAR_RE.search(clause[: m.start()]) else ""
        return "milestone", f"{_ordinal(n)} {mode}{of_year}{_place_en(clause)}"
    if m := CUMULATIVE_TRAINS_RE.search(clause):
        return "milestone", f"{_count(m):,} {mode}s in total{_place_en(clause)}"
    if m := YEAR_TRAINS_RE.search(clause):
        return "milestone", f"{_count(m):,} {mode}s in {on.year}{_place_en(clause)}"
    if m := YEAR_TEU_RE.search(clause):
        what = "Beibu Gulf Port's container throughput" if "北部湾" in clause else "Volume"
        verb = "reaches" if "达到" in m.group() else "passes"
        return "milestone", f"{what} {verb} {_count(m):,} TEU in {on.year}"
    if PLAN_RE.search(clause):
        plan = "Master plan" if "总体规划" in clause else "Plan"
        return "policy", f"{plan} issued{_place_en(clause)}"
    if FIRST_RE.search(clause) and LINE_WORD_RE.search(sentence):
        return "line_opened", f"First {mode} service{_place_en(clause)}"
    if OPENED_RE.search(clause) and LINE_WORD_RE.search(clause):
        return "line_opened", f"New {mode} opened{_place_en(clause)}"
    return None


def extract_events(text: str, published: date) -> list[Event]:
    """Return the dated milestones of an article, one per (date, English title)."""
    events: list[Event] = []
    seen: set[tuple[date, str]] = set()
    for sentence_match in SENTENCE_RE.finditer(to_simplified(normalize_digits(text))):
        sentence = sentence_match.group().strip()
        days = list(DAY_RE.finditer(sentence))
        if not days:
            continue
        for clause_match in CLAUSE_RE.finditer(sentence):
            clause = clause_match.group()
            if FORECAST_RE.search(clause):
                continue  # a target or a forecast is not an event
            # The clause's own date, else the nearest date stated before it in the sentence.
            before = [d for d in days if d.start() < clause_match.end()]
            if not before:
                continue
            on = _day(before[-1], published)
            if on is None or on > published:
                continue
            found = _classify(clause, sentence, on)
            if found is None:
                continue
            kind, title_en = found
            if (on, title_en) in seen:
                continue
            seen.add((on, title_en))
            events.append(Event(on, _title(clause), title_en, kind, sentence[:1000]))
    return events


def events_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Return events rows as a frame sorted by date, then source."""
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    return frame.sort_values(["date", "source_id", "title_en"], kind="stable").reset_index(
        drop=True
    )


def render_events_csv(frame: pd.DataFrame) -> str:
    """Return the events table as CSV text (ISO dates), refusing rows the contract forbids."""
    out = frame.loc[:, list(EVENT_COLUMNS)].copy()
    out["date"] = out["date"].map(lambda d: d.isoformat() if isinstance(d, date) else str(d))
    validate(out, events_schema(), "events.csv")
    return out.to_csv(index=False, lineterminator="\n")


def score_events(found: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Return precision and recall of found events against truth, matched by source and date."""
    truth_keys = list(zip(truth["source_id"].astype(str), truth["date"].astype(str), strict=True))
    found_keys = list(zip(found["source_id"].astype(str), found["date"].astype(str), strict=True))
    found_set, truth_set = set(found_keys), set(truth_keys)
    matched = found_set & truth_set
    precision = len(matched) / len(found_set) if found_set else 0.0
    recall = len(matched) / len(truth_set) if truth_set else 0.0
    return {
        "found": float(len(found_set)),
        "truth": float(len(truth_set)),
        "matched": float(len(matched)),
        "precision": precision,
        "recall": recall,
    }


def truth_frame(truth: pd.DataFrame, source_ids: dict[str, str]) -> pd.DataFrame:
    """Return labelled events with source_id from their article id (file name without .txt)."""
    missing = [c for c in TRUTH_COLUMNS if c not in truth]
    if missing:
        raise ValueError(f"events truth lacks columns {missing}")
    out = truth.copy()
    out["source_id"] = out["article"].astype(str).map(lambda a: source_ids.get(a, a))
    return out
