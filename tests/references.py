"""Reference implementations the tests check the fast paths against: plain, slow and obvious."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.filters import NO_ROUTE, Filters
from dashboard.views.index import FigureView, Record, citation, date_code, date_codes
from etl.contract.vocabulary import load_metrics


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


def kpi_candidates_scan(view: FigureView) -> list[Record]:
    """Return kpi_candidates' records by a pass over the whole view (no index needed).

    Vectorised latest_record: the same ordering (period, source date, has a yoy, corridor-wide,
    value), keeping every row tied with the best so kpi_cards breaks ties as it always has.
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
    regions, _ = pd.factorize(view.column("region"))
    firms = (metrics == "beneficiary_firms").to_numpy() & reported
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
        keys = (values[at], corridor[at], has_yoy[at], published[at], ends[at])
        j = np.lexsort(keys)[-1]
        best = at[np.logical_and.reduce([k == k[j] for k in keys])]
        chosen[best] = True
        if key == "freight_deduction_cny":
            chosen |= firms & (ends == ends[at[j]]) & np.isin(regions, regions[best])
    return view.records(view.rows[chosen])
