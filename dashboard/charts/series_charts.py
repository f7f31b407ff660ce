"""Which corridor series a metric page draws beside its headline: by province, body or route."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.series_years import series_year_records
from dashboard.views.index import FigureView, Record
from etl.contract.series import Series, load_series
from etl.contract.vocabulary import load_metrics

# A metric page draws at most this many charts: the headline series first, then more series.
# Three rows of two cards (~750 px each at 1366×768) keep a page within four screens (issue 23:
# at most eight charts, four screens); the rest is in the page's more-figures table.
MAX_PAGE_CHARTS = 6
# More corridor series after the headline ones: those that add a province, a body or a route.
MAX_MORE_SERIES = 4
# A series over time needs this many points to be a line rather than a figure for the table.
MIN_POINTS = 2
# A series of counts as of dates draws its latest this many dates: a line that reads on a phone.
MAX_SNAPSHOTS = 24

_CORRIDOR: tuple[Series, ...] = tuple(s for s in load_series() if s.context == "corridor")


def page_series(metrics: list[str], headline: bool) -> dict[str, Series]:
    """Return the corridor's series of the metrics, keyed: the headline ones or the others."""
    return {s.key: s for s in _CORRIDOR if s.metric in metrics and s.headline == headline}


def _series_rows(fv: FigureView, keys: dict[str, Series]) -> np.ndarray:
    if "series" not in fv.frame or not keys:
        return fv.rows[:0]
    return fv.rows[fv.column("series").astype("object").isin(list(keys)).to_numpy()]


def more_year_series(fv: FigureView, metrics: list[str]) -> dict[str, list[Record]]:
    """Return the corridor's other flow series with figures for two or more calendar years,
    the longest first (then by the page's metric order): one point a year, preferred values."""
    flows = [m for m in metrics if load_metrics()[m].kind == "flow"]
    keys = page_series(flows, headline=False)
    found = series_year_records(fv, _series_rows(fv, keys), flows)
    ranked = sorted(
        ((k, recs) for k, recs in found.items() if len(recs) >= MIN_POINTS),
        key=lambda kv: (-len(kv[1]), flows.index(keys[kv[0]].metric), kv[0]),
    )
    return dict(ranked)


def snapshot_series(fv: FigureView, metrics: list[str]) -> dict[str, list[Record]]:
    """Return the corridor's series of counts as of dates (ports reached), headline series
    first: reported figures with no start, one per date (the largest stated), latest dates."""
    snaps = [m for m in metrics if load_metrics()[m].kind == "snapshot"]
    keys = {**page_series(snaps, headline=True), **page_series(snaps, headline=False)}
    rows = _series_rows(fv, keys)
    if not len(rows):
        return {}
    cols = fv.frame.loc[:, ["period_start", "basis", "series", "period_end", "value"]]
    frame = cols.iloc[rows].reset_index(drop=True)
    keep = frame["period_start"].isna() & (frame["basis"].astype(str) == "reported")
    frame = frame.loc[keep].assign(row=rows[keep.to_numpy()])
    frame = frame.assign(value=pd.to_numeric(frame["value"]))
    # One point per series and date: the largest value stated for it (sources round down).
    frame = frame.sort_values(["series", "period_end", "value"], kind="stable")
    frame = frame.drop_duplicates(["series", "period_end"], keep="last")
    out: dict[str, list[Record]] = {}
    for key in keys:
        mine = frame.loc[frame["series"].astype(str) == key].tail(MAX_SNAPSHOTS)
        if len(mine) >= MIN_POINTS:
            out[key] = fv.records(mine["row"].to_numpy())
    return out


def quiet_snapshot(chart: go.Figure, points: list[Record]) -> None:
    """Make a series' counts as of dates read at every width: its latest value labelled (the
    rest on hover), a tick a year over long spans, the legend below the plot (where a phone's
    modebar never covers it)."""
    for trace in chart.data:
        text = list(trace.text) if trace.text is not None else []
        if len(text) > 1:
            trace.text = ["" for _ in text[:-1]] + [text[-1]]
    ends = [pd.Timestamp(p["period_end"]) for p in points]
    if ends and max(ends) - min(ends) > pd.Timedelta(days=730):
        chart.update_xaxes(dtick="M12", tickformat="%Y", tickangle=0)
    chart.update_layout(legend={"orientation": "h", "y": -0.18, "yanchor": "top"})
