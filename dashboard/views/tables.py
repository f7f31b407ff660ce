"""Tables for the reader: figures in reading order, the download frame, the metric dictionary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.format import axis_unit, format_period, format_value, format_yoy
from dashboard.i18n import (
    basis_label,
    metric_label,
    region_label,
    route_label,
    sentence_label,
    t,
)
from dashboard.series_labels import series_label
from dashboard.views.index import FigureView, Record, date_codes, ranked_codes
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.vocabulary import load_metrics


def _reading_order(r: Record) -> tuple[int, int, str, str]:
    order = list(load_metrics())
    rank = order.index(r["metric"]) if r["metric"] in order else len(order)
    return (rank, -r["period_end"].value, r["region"], r["scope"])


def display_table(records: list[Record], lang: str) -> pd.DataFrame:
    """Return figures as a reader's table: words for keys, values in display scale, sources."""
    rows = [
        {
            t("metric", lang): metric_label(r["metric"], lang),
            t("col_value", lang): format_value(
                float(r["value"]), r["metric"], lang, qualifier=r.get("qualifier") or ""
            ),
            t("col_period", lang): format_period(r["period_start"], r["period_end"], lang),
            t("col_yoy", lang): format_yoy(r["yoy_pct"], lang),
            t("region", lang): region_label(r["region"], lang),
            t("route", lang): route_label(r["route"], lang),
            t("scope", lang): r["scope"],
            t("col_series", lang): series_label(r.get("series"), lang),
            t("basis", lang): basis_label(r["basis"], lang),
            t("source", lang): r["source"],
            t("col_link", lang): r["url"] or None,
            t("also_reported_by", lang): r["also_reported_by"],
            t("col_sentence_kind", lang): sentence_label(str(r.get("kind") or ""), lang),
            t("col_quote", lang): r["quote"],
        }
        for r in sorted(records, key=_reading_order)
    ]
    return pd.DataFrame(rows)


def export_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """Return the deduped figures in the contract's columns plus source fields, for download."""
    cols = [
        *OBSERVATION_COLUMNS[:-1],
        "publisher",
        "published",
        "title",
        "url",
        "quote",
        "also_reported_by",
    ]
    out = figures.loc[:, cols].copy()
    for col in ("period_start", "period_end", "published"):
        out[col] = out[col].map(lambda d: "" if pd.isna(d) else d.strftime("%Y-%m-%d"))
    return out.reset_index(drop=True)


def metric_dictionary(lang: str) -> pd.DataFrame:
    """Return the metric vocabulary as a table: key, labels, unit, display unit, kind."""
    return pd.DataFrame(
        [
            {
                t("dict_key", lang): m.key,
                t("dict_label_zh", lang): m.label_zh,
                t("dict_label_en", lang): m.label_en,
                t("dict_unit", lang): m.unit,
                t("dict_shown_in", lang): axis_unit(m.key, lang),
                t("dict_kind", lang): t("dict_flow" if m.kind == "flow" else "dict_snapshot", lang),
            }
            for m in load_metrics().values()
        ]
    )


def reading_order(view: FigureView, limit: int) -> list[Record]:
    """Return the first `limit` figures in display_table's reading order, as records."""
    order = {k: i for i, k in enumerate(load_metrics())}
    metrics = view.column("metric")
    rank = np.full(len(view), len(order))
    for key, i in order.items():
        rank[(metrics == key).to_numpy()] = i
    ends = date_codes(view.column("period_end"))
    region = ranked_codes(view.column("region"))
    scope = ranked_codes(view.column("scope"))
    first = np.lexsort((scope, region, -ends, rank))[:limit]
    return view.records(view.rows[first])
