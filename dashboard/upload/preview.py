"""The upload preview in the analyst's words: labels in the page's language, dates as dates,
values in display units, headers as the template spells them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import LANGS
from dashboard.locales import Locale
from etl.contract.qualifiers import qualify
from etl.contract.vocabulary import BASIS_LABELS, load_metrics, load_regions, load_routes

# A preview shows the first rows; the counts above it cover every row. Formatting a few
# hundred rows costs milliseconds, a 200,000-row file's every row would cost seconds.
MAX_PREVIEW_ROWS = 500

STATUS = {
    "new 新增": ("新增", "new"),
    "present 已有": ("已有", "already held"),
    "contradicts 矛盾": ("矛盾", "contradicts"),
}
HEADERS = {
    "status": ("状态", "Status"),
    "row": ("行", "Row"),
    "metric": ("指标", "Metric"),
    "value": ("数值", "Value"),
    "period_start": ("起始日期", "Start"),
    "period_end": ("截止日期", "End"),
    "region": ("地区", "Region"),
    "route": ("线路", "Route"),
    "scope": ("口径", "Scope"),
    "series": ("系列", "Series"),
    "yoy_pct": ("同比", "YoY"),
    "basis": ("类型", "Basis"),
    "source_id": ("来源编号", "Source"),
    "old_value": ("现有数值", "Held now"),
}


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _value(value: Any, qualifier: object, metric: str, locale: Locale) -> str:
    if metric not in load_metrics() or value is None or pd.isna(value):
        return "" if value is None else str(value)
    return qualify(locale.value(float(value), metric), qualifier, locale.lang)


def preview_table(frame: pd.DataFrame, locale: Locale) -> pd.DataFrame:
    """Return the first MAX_PREVIEW_ROWS preview rows as text in the locale's language."""
    i = LANGS.index(locale.lang)
    head = frame.head(MAX_PREVIEW_ROWS)
    # The vocabulary's labels once per table, not once per row.
    regions = {p.key: p.label(locale.lang) for p in load_regions()}
    routes = {p.key: p.label(locale.lang) for p in load_routes()}
    out = pd.DataFrame(index=head.index)
    out["status"] = [STATUS.get(str(s), (str(s), str(s)))[i] for s in head["status"]]
    out["row"] = head["row"].astype(int)
    out["metric"] = [locale.metric(str(m)) for m in head["metric"]]
    out["value"] = [
        _value(v, q, str(m), locale)
        for v, q, m in zip(head["value"], head["qualifier"], head["metric"], strict=True)
    ]
    out["period_start"] = [_date(d) for d in head["period_start"]]
    out["period_end"] = [_date(d) for d in head["period_end"]]
    out["region"] = [regions.get(str(r), str(r)) for r in head["region"]]
    out["route"] = [routes.get(str(r), str(r)) for r in head["route"]]
    out["scope"] = head["scope"].astype(str)
    out["series"] = [locale.series(s) for s in head["series"]]
    out["yoy_pct"] = [locale.yoy(None if pd.isna(y) else float(y)) for y in head["yoy_pct"]]
    out["basis"] = [BASIS_LABELS.get(str(b), (str(b), str(b)))[i] for b in head["basis"]]
    out["source_id"] = head["source_id"].astype(str)
    olds = head["old_value"] if "old_value" in head else pd.Series("", index=head.index)
    out["old_value"] = [
        ""
        if str(o) == ""
        else " / ".join(_value(float(x), "", str(m), locale) for x in str(o).split(" / "))
        for o, m in zip(olds, head["metric"], strict=True)
    ]
    return out.rename(columns={k: v[i] for k, v in HEADERS.items()}).reset_index(drop=True)
