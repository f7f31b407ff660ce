"""Selecting what a chart draws: the largest scopes by latest figure, latest periods, bounded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.filters import related_rows
from dashboard.locales import Locale
from dashboard.views.index import FigureView, Record, folded_codes, ranked_codes
from etl.contract.vocabulary import load_metrics

# Series (region, route, scope) a chart draws by default: the largest by their latest figure.
# Eight keeps Okabe–Ito's seven hues nearly unrepeated and a phone-width legend short.
DEFAULT_TOP = 8
# Choices for the reader's "scopes shown" control.
TOP_CHOICES = (8, 15, 30, 60)
# Bars in one flow chart: BAR_HEIGHT px each, so 120 bars is a ~3,700 px chart, the most a page
# should scroll through; older periods are left to the period filter.
MAX_BARS = 120
# Markers in one time chart: each carries its hover text (up to ~450 bytes of JSON), so 1,000
# keeps a chart under ~450 KB, inside the 500 KB budget a phone on a slow link can take.
MAX_MARKERS = 1000


@dataclass(frozen=True)
class Selection:
    """What a chart left out: series and periods beyond its bounds."""

    series: int
    series_shown: int
    figures: int
    figures_shown: int


def select_figures(frame: pd.DataFrame, top: int, max_points: int) -> tuple[np.ndarray, Selection]:
    """Return positions of the figures to draw: the `top` series by latest value, latest periods.

    A series is a region, route and scope (folded to simplified). The largest scope of each
    catalogued series (a `series` key, where the frame has the column) comes first, then the
    others by the value of their latest figure (largest first); within the chosen series the
    oldest periods are left out until at most `max_points` remain. Nothing is summed: figures
    are chosen, never merged.
    """
    n = len(frame)
    if n == 0:
        return np.arange(0), Selection(0, 0, 0, 0)
    # Arrays, not pandas groupbys: a chart's few hundred figures cost a groupby's fixed overhead
    # several times over, and every filter a reader clicks chooses again for every chart.
    codes = np.stack(
        [
            ranked_codes(frame["region"]).astype(np.int64),
            ranked_codes(frame["route"]).astype(np.int64),
            folded_codes(frame["scope"]).astype(np.int64),
        ],
        axis=1,
    )
    # Series numbered in the sorted order of their codes (as a sorted groupby numbers them).
    _, series = np.unique(codes, axis=0, return_inverse=True)
    series = series.reshape(-1)
    count = int(series.max()) + 1
    ends = pd.to_datetime(frame["period_end"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    values = pd.to_numeric(frame["value"]).to_numpy(dtype=float)
    key = (
        frame["series"].astype(str).to_numpy(dtype=object)
        if "series" in frame
        else np.full(n, "", dtype=object)
    )
    latest_end = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest_end, series, ends)
    at_latest = np.flatnonzero(ends == latest_end[series])
    # Each series' largest value at its latest end (NaN only when all are), and the catalogue
    # key of its first figure there.
    latest_v = np.full(count, np.nan)
    valued = at_latest[~np.isnan(values[at_latest])]
    np.fmax.at(latest_v, series[valued], values[valued])
    first_at = np.full(count, n, dtype=np.int64)
    np.minimum.at(first_at, series[at_latest], at_latest)
    latest_key = key[first_at]
    # Largest first, ties in series order, a series without a value last.
    missing = np.isnan(latest_v)
    by_value = np.lexsort((np.arange(count), -np.where(missing, 0.0, latest_v), missing))
    # Each catalogued series' largest scope first (the seed's 重庆海关 1.5万标箱 beside the city's
    # larger totals), then the rest by their latest value: no series of the catalogue is crowded
    # out by another series' many wordings, and unplaced fragments come only where room is left.
    ordered_keys = latest_key[by_value]
    lead = (ordered_keys != "") & ~pd.Series(ordered_keys).duplicated().to_numpy()
    ranked = np.concatenate([by_value[lead], by_value[~lead]])
    keep_series = ranked[:top]
    chosen = np.isin(series, keep_series)
    shown = len(keep_series)
    if chosen.sum() > max_points:
        # Per series, keep its latest periods: the same number for each, so no series is cut short.
        per_series = max(1, max_points // max(shown, 1))
        at = np.flatnonzero(chosen)
        # Each figure's dense rank by end within its series, latest first.
        pairs, where = np.unique(
            np.stack([series[at], ~ends[at]], axis=1), axis=0, return_inverse=True
        )
        block_start = np.searchsorted(pairs[:, 0], pairs[:, 0], side="left")
        recency = np.arange(len(pairs)) - block_start + 1
        inside = np.zeros(n, dtype=bool)
        inside[at] = recency[where.reshape(-1)] <= per_series
        chosen = inside
        if chosen.sum() > max_points:
            chosen[np.flatnonzero(chosen)[max_points:]] = False
    positions = np.flatnonzero(chosen)
    return positions, Selection(count, shown, n, len(positions))


def selection_note(selection: Selection, locale: Locale) -> str:
    """Return the line saying what a chart left out, or "" when it draws everything."""
    if selection.figures_shown == selection.figures:
        return ""
    parts = []
    if selection.series_shown < selection.series:
        parts.append(locale.t("note_series", shown=selection.series_shown, total=selection.series))
    parts.append(locale.t("note_figures", shown=selection.figures_shown, total=selection.figures))
    parts.append(locale.t("note_more"))
    # capitalize() leaves Chinese as it is and starts the English sentence with a capital.
    return locale.t("clause_sep").join(parts).capitalize() + locale.t("full_stop")


SELECT_COLUMNS = ("region", "route", "scope", "series", "period_end", "value")
# A chart of related corridors' series: its id is its metric chart's with this suffix.
RELATED_SUFFIX = "_related"


def metric_records(
    fv: FigureView, metric: str, top: int = DEFAULT_TOP
) -> tuple[list[Record], dict[str, Selection]]:
    """Return the records a metric's charts draw from a view, and what each chart left out.

    The bounded choice every page makes: period figures and running totals
    apart, each the `top` scopes by latest value and at most MAX_BARS / MAX_MARKERS points.
    Records are built only for the chosen rows, so a million-row view costs a few array passes.
    """
    mine = fv.rows[fv.index.holds(fv.frame, "metric", (metric,), fv.rows)]
    if not len(mine):
        return [], {}
    flow = load_metrics()[metric].kind == "flow"
    starts = fv.frame["period_start"].iloc[mine].isna().to_numpy()
    # A related corridor's figures are chosen apart: the related switch never changes which of
    # this corridor's scopes a chart draws.
    related = related_rows(fv, mine)
    chosen: list[np.ndarray] = []
    selections: dict[str, Selection] = {}
    total_id = f"{metric}_cumulative" if flow else metric
    for part, limit, spec_id in (
        (mine[~starts & ~related], MAX_BARS, metric),
        (mine[starts & ~related], MAX_MARKERS, total_id),
        (mine[~starts & related], MAX_BARS, f"{metric}{RELATED_SUFFIX}"),
        (mine[starts & related], MAX_MARKERS, f"{total_id}{RELATED_SUFFIX}"),
    ):
        if len(part):
            cols = pd.DataFrame(
                {
                    c: fv.frame[c].iloc[part].reset_index(drop=True)
                    for c in SELECT_COLUMNS
                    if c in fv.frame
                }
            )
            picked, selections[spec_id] = select_figures(cols, top, limit)
            chosen.append(part[picked])
    return fv.records(np.sort(np.concatenate(chosen))), selections
