"""Frames shaped for display: one row per figure (deduplicated), headline cards, the table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import pandas as pd

from dashboard.format import axis_unit, format_date, format_period, format_value, format_yoy
from dashboard.i18n import basis_label, metric_label, region_label, route_label, t
from etl.places import to_simplified
from etl.vocabulary import load_metrics

# The figure's identity: two rows with the same key are the same figure told by two sources.
FIGURE_KEY = ("metric", "region", "route", "scope", "period_start", "period_end", "basis")
SOURCE_FIELDS = ("title", "publisher", "published", "url", "kind")


Record = dict[str, Any]
# Sorting needs a date for sources without one: they rank as the oldest.
NO_DATE = pd.Timestamp("1900-01-01")


def _clean(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


@lru_cache(maxsize=4096)
def fold_scope(scope: str) -> str:
    """Return a scope in simplified characters, so 鐵海聯運 and 铁海联运 name the same scope."""
    return to_simplified(scope)


def _records(frame: pd.DataFrame) -> list[Record]:
    return cast(list[Record], frame.to_dict("records"))


def source_records(sources: pd.DataFrame) -> list[Record]:
    """Return the sources table as records (source_id, publisher, published, …)."""
    return _records(sources)


def source_name(publisher: str, published: pd.Timestamp | None, lang: str) -> str:
    """Return a source as a reader cites it: publisher, date."""
    if published is None or pd.isna(published):
        return publisher
    sep = "，" if lang == "zh" else ", "
    return f"{publisher}{sep}{format_date(published, lang)}"


def source_joined(frame: pd.DataFrame, sources: pd.DataFrame, lang: str = "zh") -> list[Record]:
    """Return one record per observation with its source's fields and citation (not deduped)."""
    by_id: dict[str, Record] = {str(r["source_id"]): r for r in _records(sources)}
    rows: list[Record] = []
    for rec in _records(frame):
        src = by_id.get(str(rec["source_id"]), {})
        row: Record = {k: _clean(v) for k, v in rec.items()}
        for fld in SOURCE_FIELDS:
            row[fld] = _clean(src.get(fld))
        for fld in ("title", "publisher", "url", "kind"):
            row[fld] = "" if row[fld] is None else str(row[fld])
        row["publisher"] = row["publisher"] or str(rec["source_id"])
        row["source"] = source_name(row["publisher"], row["published"], lang)
        rows.append(row)
    return rows


def dedupe_records(rows: list[Record]) -> list[Record]:
    """Return one record per figure, from its latest-published source, naming the others."""
    ordered = sorted(rows, key=lambda r: r["source_id"])
    ordered.sort(key=lambda r: r["published"] or NO_DATE, reverse=True)
    kept: dict[tuple[object, ...], Record] = {}
    others: dict[tuple[object, ...], list[str]] = {}
    for row in ordered:
        key = tuple(fold_scope(row[k]) if k == "scope" else row[k] for k in FIGURE_KEY)
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


FIGURE_COLUMNS = (
    *(
        "metric",
        "value",
        "unit",
        "period_start",
        "period_end",
        "region",
        "route",
        "scope",
        "yoy_pct",
        "basis",
        "source_id",
        "quote",
    ),
    *SOURCE_FIELDS,
    "source",
    "also_reported_by",
)


def figures_frame(records: list[Record]) -> pd.DataFrame:
    """Return figure records as a frame with typed date and number columns."""
    out = pd.DataFrame(records, columns=list(FIGURE_COLUMNS))
    for col in ("period_start", "period_end", "published"):
        out[col] = pd.to_datetime(out[col])
    for col in ("value", "yoy_pct"):
        out[col] = pd.to_numeric(out[col]).astype(float)
    return out


def dedupe_figures(frame: pd.DataFrame, sources: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Return one row per figure, from its most recently published source, naming the others."""
    return figures_frame(figure_records(frame, sources, lang))


@dataclass(frozen=True)
class KpiCard:
    """One headline figure as a card shows it."""

    metric: str
    label: str
    value: str
    delta: str | None
    period: str
    scope: str
    source: str
    note: str
    record: Record


def latest_record(records: list[Record]) -> Record | None:
    """Return the latest reported record (derived if none): latest period, then latest source."""
    reported = [r for r in records if r["basis"] == "reported"]
    pool = reported or list(records)
    if not pool:
        return None
    return max(
        pool,
        key=lambda r: (
            r["period_end"],
            r["published"] or NO_DATE,
            r["yoy_pct"] is not None,
            r["region"] == "corridor",
            r["value"],
        ),
    )


def kpi_cards(records: list[Record], lang: str) -> list[KpiCard]:
    """Return a card for each headline metric: its latest figure within the given figures."""
    cards: list[KpiCard] = []
    for key, metric in load_metrics().items():
        if not metric.headline:
            continue
        row = latest_record([r for r in records if r["metric"] == key])
        if row is None:
            continue
        yoy = row["yoy_pct"]
        note = _firms_note(records, row, lang) if key == "freight_deduction_cny" else ""
        if row["basis"] == "derived":
            note = f"{note} {t('derived', lang)}".strip()
        cards.append(
            KpiCard(
                metric=key,
                label=metric.label(lang),
                value=format_value(float(row["value"]), key, lang),
                delta=format_yoy(yoy, lang) or None,
                period=format_period(row["period_start"], row["period_end"], lang),
                scope=str(row["scope"]),
                source=row["source"],
                note=note,
                record=row,
            )
        )
    return cards


def _firms_note(records: list[Record], row: Record, lang: str) -> str:
    firms = [
        r
        for r in records
        if r["metric"] == "beneficiary_firms"
        and r["period_end"] == row["period_end"]
        and r["region"] == row["region"]
        and r["basis"] == "reported"
    ]
    if not firms:
        return ""
    count = format_value(float(firms[0]["value"]), "beneficiary_firms", lang)
    return f"惠及企业{count}" if lang == "zh" else f"{count} benefiting"


def data_as_of(figures: pd.DataFrame) -> pd.Timestamp | None:
    """Return the latest period_end among the figures, or None when there are none."""
    ends = figures["period_end"].dropna()
    return None if ends.empty else ends.max()


def _reading_order(r: Record) -> tuple[int, int, str, str]:
    order = list(load_metrics())
    rank = order.index(r["metric"]) if r["metric"] in order else len(order)
    return (rank, -r["period_end"].value, r["region"], r["scope"])


def display_table(records: list[Record], lang: str) -> pd.DataFrame:
    """Return figures as a reader's table: words for keys, values in display scale, sources."""
    zh = lang == "zh"
    rows = [
        {
            t("metric", lang): metric_label(r["metric"], lang),
            ("数值" if zh else "Value"): format_value(float(r["value"]), r["metric"], lang),
            ("期间" if zh else "Period"): format_period(r["period_start"], r["period_end"], lang),
            ("同比" if zh else "YoY"): format_yoy(r["yoy_pct"], lang),
            t("region", lang): region_label(r["region"], lang),
            t("route", lang): route_label(r["route"], lang),
            t("scope", lang): r["scope"],
            t("basis", lang): basis_label(r["basis"], lang),
            t("source", lang): r["source"],
            ("链接" if zh else "Link"): r["url"] or None,
            t("also_reported_by", lang): r["also_reported_by"],
            ("原文" if zh else "Quote"): r["quote"],
        }
        for r in sorted(records, key=_reading_order)
    ]
    return pd.DataFrame(rows)


def export_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """Return the deduped figures in the contract's columns plus source fields, for download."""
    cols = [
        "metric",
        "value",
        "unit",
        "period_start",
        "period_end",
        "region",
        "route",
        "scope",
        "yoy_pct",
        "basis",
        "source_id",
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

    zh = lang == "zh"
    return pd.DataFrame(
        [
            {
                ("指标代码" if zh else "Key"): m.key,
                ("中文名称" if zh else "Chinese label"): m.label_zh,
                ("英文名称" if zh else "English label"): m.label_en,
                ("基本单位" if zh else "Base unit"): m.unit,
                ("显示单位" if zh else "Shown in"): axis_unit(m.key, lang),
                ("类型" if zh else "Kind"): (
                    ("期间流量" if zh else "flow over a period")
                    if m.kind == "flow"
                    else ("时点存量" if zh else "snapshot at a date")
                ),
            }
            for m in load_metrics().values()
        ]
    )
