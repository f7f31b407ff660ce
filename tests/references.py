"""Reference implementations the tests check the fast paths against: plain, slow and obvious."""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import pandas as pd

from dashboard.filters import NO_ROUTE, Filters, is_related_record
from dashboard.locales import locale_for
from dashboard.views.index import (
    FIGURE_COLUMNS,
    NO_DATE,
    SOURCE_FIELDS,
    FigureView,
    Record,
    as_records,
    citation,
    clean,
    date_code,
    date_codes,
    in_headline_series,
    source_name,
)
from etl.contract.formulas import FORMULA_RE
from etl.contract.identity import KEY_COLUMNS, normalise_scope
from etl.contract.paths import Layout
from etl.contract.period_kinds import period_kinds
from etl.contract.vocabulary import load_metrics
from etl.store.actors import ANALYST, Actor
from etl.store.passwords import FAILURE_DELAY_S, HASH_KEY, verify_password


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
        and (filters.related or not is_related_record(r))
    ]


def kpi_candidates_scan(view: FigureView) -> list[Record]:
    """Return kpi_candidates' records by a pass over the whole view (no index needed).

    Vectorised latest_record: the same ordering (period, stated exactly, source date, has a yoy,
    corridor-wide, value), keeping every row tied with the best so kpi_cards breaks ties as it
    always has.
    """
    metrics = view.column("metric")
    reported = (view.column("basis") == "reported").to_numpy()
    ends = date_codes(view.column("period_end"))
    codes, ids = pd.factorize(view.column("source_id"))
    by_id = [date_code(citation(view.citations, str(i))["published"]) for i in ids]
    published = np.array(by_id or [0], dtype=np.int64)[np.asarray(codes)]
    has_yoy = view.column("yoy_pct").notna().to_numpy()
    corridor = (view.column("region") == "corridor").to_numpy()
    values = view.column("value").to_numpy(dtype=float)
    exact = (view.column("qualifier").astype(str).fillna("") == "").to_numpy()
    regions, _ = pd.factorize(view.column("region"))
    firms = (metrics == "beneficiary_firms").to_numpy() & reported
    headline = in_headline_series(pd.DataFrame({"series": view.column("series")}))
    chosen = np.zeros(len(view), dtype=bool)
    for key, metric in load_metrics().items():
        if not metric.headline:
            continue
        mine = (metrics == key).to_numpy()
        pool = mine & reported
        if not pool.any():
            pool = mine
        if not pool.any():
            continue
        at = np.flatnonzero(pool)
        keys = (
            values[at],
            corridor[at],
            has_yoy[at],
            published[at],
            exact[at],
            ends[at],
            headline[at],
        )
        j = np.lexsort(keys)[-1]
        best = at[np.logical_and.reduce([k == k[j] for k in keys])]
        chosen[best] = True
        if key == "freight_deduction_cny":
            chosen |= firms & (ends == ends[at[j]]) & np.isin(regions, regions[best])
    return view.records(view.rows[chosen])


def source_joined(frame: pd.DataFrame, sources: pd.DataFrame, lang: str = "zh") -> list[Record]:
    """Return one record per observation with its source's fields and citation (not deduped)."""
    by_id: dict[str, Record] = {str(r["source_id"]): r for r in as_records(sources)}
    rows: list[Record] = []
    for rec in as_records(frame):
        src = by_id.get(str(rec["source_id"]), {})
        row: Record = {k: clean(v) for k, v in rec.items()}
        for fld in SOURCE_FIELDS:
            row[fld] = clean(src.get(fld))
        for fld in ("title", "publisher", "url", "kind"):
            row[fld] = "" if row[fld] is None else str(row[fld])
        row["publisher"] = row["publisher"] or str(rec["source_id"])
        row["source"] = source_name(row["publisher"], row["published"], locale_for(lang))
        rows.append(row)
    return rows


def dedupe_records(rows: list[Record]) -> list[Record]:
    """Return one record per figure, stated exactly before a bound, then from its
    latest-published source, naming the others."""
    ordered = sorted(rows, key=lambda r: r["source_id"])
    ordered.sort(key=lambda r: r["published"] or NO_DATE, reverse=True)
    ordered.sort(key=lambda r: str(r.get("qualifier") or "") != "")
    kept: dict[tuple[object, ...], Record] = {}
    others: dict[tuple[object, ...], list[str]] = {}
    for row in ordered:
        key = tuple(normalise_scope(row[k]) if k == "scope" else row[k] for k in KEY_COLUMNS)
        if key in kept:
            if row["source"] not in others[key] and row["source"] != kept[key]["source"]:
                others[key].append(row["source"])
        else:
            kept[key] = row
            others[key] = []
    out = [{**row, "also_reported_by": "；".join(others[key])} for key, row in kept.items()]
    out.sort(key=lambda r: (r["metric"], r["period_end"], r["region"], r["route"], r["scope"]))
    return out


def figure_records(frame: pd.DataFrame, sources: pd.DataFrame, lang: str = "zh") -> list[Record]:
    """Return one record per figure with its source's fields, from its latest-published source."""
    return dedupe_records(source_joined(frame, sources, lang))


def figures_frame(records: list[Record]) -> pd.DataFrame:
    """Return figure records as a frame with typed date and number columns."""
    out = pd.DataFrame(records, columns=list(FIGURE_COLUMNS))
    for col in ("period_start", "period_end", "published"):
        out[col] = pd.to_datetime(out[col])
    for col in ("value", "yoy_pct"):
        out[col] = pd.to_numeric(out[col]).astype(float)
    return out


def period_kind(start: object, end: object, metric: str | None = None) -> str:
    """Return the period kind of one figure, one row at a time (period_kinds is the fast path)."""
    frame = pd.DataFrame({"start": [start], "end": [end], "metric": [metric or ""]})
    return str(period_kinds(frame["start"], frame["end"], frame["metric"]).iloc[0])


def is_formula(text: str) -> bool:
    """Return whether a spreadsheet could read the text as a formula, blanks before it ignored."""
    return bool(re.match(FORMULA_RE, text))


def read_audit(layout: Layout) -> list[dict[str, Any]]:
    """Return the audit trail's events as the old log's records (when, event, who, details),
    oldest first."""
    import sqlalchemy as sa

    from etl.store.db import tables as t
    from etl.store.db.opening import store_engine

    a = t.audit
    with store_engine(layout).connect() as connection:
        rows = connection.execute(
            sa.select(a.c.at, a.c.event, a.c.person, a.c.details).order_by(a.c.id)
        )
        return [{"when": w, "event": e, "who": p, **dict(d)} for w, e, p, d in rows]


def login_with_password(
    password: str, section: dict[str, Any], name: str = "analyst", delay: float = FAILURE_DELAY_S
) -> Actor | None:
    """Return an analyst Actor when the password matches the configured hash, else None (slowly)."""
    stored = str(section.get(HASH_KEY, ""))
    if stored and password and verify_password(password, stored):
        return Actor(f"{name}@password", ANALYST)
    time.sleep(delay)
    return None
