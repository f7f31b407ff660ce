"""Tables for the reader: figures in reading order, the download frame, the metric dictionary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.locales import Locale
from dashboard.views.index import FigureView, Record, date_codes, ranked_codes
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.vocabulary import load_metrics


def _reading_order(r: Record) -> tuple[int, int, str, str]:
    order = list(load_metrics())
    rank = order.index(r["metric"]) if r["metric"] in order else len(order)
    return (rank, -r["period_end"].value, r["region"], r["scope"])


def display_table(records: list[Record], locale: Locale) -> pd.DataFrame:
    """Return figures as a reader's table: words for keys, values in display scale, sources."""
    rows = [
        {
            locale.t("metric"): locale.metric(r["metric"]),
            locale.t("col_value"): locale.value(
                float(r["value"]), r["metric"], qualifier=r.get("qualifier") or ""
            ),
            locale.t("col_period"): locale.period(r["period_start"], r["period_end"]),
            locale.t("col_yoy"): locale.yoy(r["yoy_pct"]),
            locale.t("region"): locale.region(r["region"]),
            locale.t("route"): locale.route(r["route"]),
            locale.t("scope"): locale.scope(r["scope"], region=r["region"]),
            locale.t("col_series"): locale.series(r.get("series")),
            locale.t("basis"): locale.basis(r["basis"]),
            locale.t("source"): r["source"],
            locale.t("col_link"): r["url"] or None,
            locale.t("also_reported_by"): r["also_reported_by"],
            locale.t("col_sentence_kind"): locale.sentence(str(r.get("kind") or "")),
            locale.t("col_quote"): r["quote"],
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


def metric_dictionary(locale: Locale) -> pd.DataFrame:
    """Return the metric vocabulary as a table: key, labels, unit, display unit, kind."""
    return pd.DataFrame(
        [
            {
                locale.t("dict_key"): m.key,
                locale.t("dict_label_zh"): m.label_zh,
                locale.t("dict_label_en"): m.label_en,
                locale.t("dict_unit"): m.unit,
                locale.t("dict_shown_in"): locale.axis_unit(m.key),
                locale.t("dict_kind"): locale.t(
                    "dict_flow" if m.kind == "flow" else "dict_snapshot"
                ),
            }
            for m in load_metrics().values()
        ]
    )


def reading_order(
    view: FigureView, limit: int, only: tuple[str, ...] | None = None
) -> list[Record]:
    """Return the first `limit` figures in display_table's reading order, as records.

    only: the metrics kept (a metric page's more-figures table), else every metric.
    """
    order = {k: i for i, k in enumerate(load_metrics())}
    metrics = view.column("metric")
    rank = np.full(len(view), len(order))
    for key, i in order.items():
        rank[(metrics == key).to_numpy()] = i
    ends = date_codes(view.column("period_end"))
    region = ranked_codes(view.column("region"))
    scope = ranked_codes(view.column("scope"))
    first = np.lexsort((scope, region, -ends, rank))
    if only is not None:
        first = first[metrics.isin(only).to_numpy()[first]]
    return view.records(view.rows[first[:limit]])
