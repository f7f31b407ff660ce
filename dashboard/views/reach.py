"""The reach map's stated totals: the corridor's latest countries and ports reached, as stated."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.briefing import briefed_rows, preferred_rows
from dashboard.locales import Locale
from dashboard.views.index import FigureView, Record
from etl.contract.qualifiers import qualify

# The corridor-wide series the map states (countries first, as the reports word it: N个国家和地区
# 的M个港口). A province's or a port's own reach is another series and never stands in.
REACH_SERIES = {
    "countries_reached": "corridor_countries_reached",
    "ports_reached": "corridor_ports_reached",
}


@dataclass(frozen=True)
class StatedTotal:
    """A corridor-wide reach figure as a source states it: value, bound, cut-off and source."""

    metric: str
    value: float
    qualifier: str
    period_end: pd.Timestamp
    source_id: str
    source: str
    url: str

    def text(self, locale: Locale) -> str:
        """Return the figure as stated, its bound kept: 127个, over 100 countries."""
        return qualify(locale.value(self.value, self.metric), self.qualifier, locale.lang)


def stated_totals(records: list[Record]) -> list[StatedTotal]:
    """Return the latest reported figure of each reach series (countries, then ports).

    The figure the briefing states: per series and date the preferred source's value, then the
    latest date. None for a series the records lack.
    """
    wanted = set(REACH_SERIES.values())
    rows = [
        r
        for r in records
        if str(r.get("series") or "") in wanted
        and r.get("basis") == "reported"
        and r.get("period_start") is None
    ]
    chosen = preferred_rows(rows) if rows else []
    out = []
    for metric, series in REACH_SERIES.items():
        mine = [r for r in chosen if r["series"] == series]
        if not mine:
            continue
        row = max(mine, key=lambda r: pd.Timestamp(r["period_end"]))
        out.append(
            StatedTotal(
                metric=metric,
                value=float(row["value"]),
                qualifier=str(row.get("qualifier") or ""),
                period_end=pd.Timestamp(row["period_end"]),
                source_id=str(row["source_id"]),
                source=str(row.get("source") or row["source_id"]),
                url=str(row.get("url") or ""),
            )
        )
    return out


def view_totals(view: FigureView) -> list[StatedTotal]:
    """Return the stated totals among a view's figures (from the few rows a briefing cites)."""
    return stated_totals(view.records(briefed_rows(view)))


def totals_headline(totals: list[StatedTotal], locale: Locale) -> str:
    """Return the totals in one line, each with its cut-off (one date said once when shared)."""
    if not totals:
        return locale.t("map_no_totals")
    dates = {x.period_end for x in totals}
    by_metric = {x.metric: x for x in totals}
    # 127个国家和地区 / 127 countries: the noun is the unit's in English, added in Chinese.
    words = {m: locale.t(f"map_{m}", figure=x.text(locale)) for m, x in by_metric.items()}
    as_of = locale.as_of(totals[0].period_end) if len(dates) == 1 else ""
    if not as_of:
        words = {
            m: locale.t("map_dated", figure=w, as_of=locale.as_of(by_metric[m].period_end))
            for m, w in words.items()
        }
    if len(words) == 2:
        reach = locale.t(
            "map_reach_both", countries=words["countries_reached"], ports=words["ports_reached"]
        )
    else:
        reach = locale.t("map_reach_one", figure=next(iter(words.values())))
    return locale.t("map_headline", as_of=as_of, reach=reach) if as_of else reach


def totals_source_line(totals: list[StatedTotal], locale: Locale) -> str:
    """Return the sources of the totals: 来源：publisher, date (each once)."""
    names = list(dict.fromkeys(x.source for x in totals))
    if not names:
        return ""
    return locale.t("source") + locale.t("sep") + locale.t("list_sep").join(names)
