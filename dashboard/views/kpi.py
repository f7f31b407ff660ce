"""KPI cards: each headline metric's latest figure, picked from the figure index in a short scan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.briefing import Briefing, CitedFigure, Sentence
from dashboard.locales import Locale
from dashboard.views.index import HEADLINE_SERIES, NO_DATE, FigureView, Record, date_codes
from etl.contract.qualifiers import is_bound
from etl.contract.vocabulary import load_metrics


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
    """Return the latest reported record (derived if none): latest period, a figure stated
    exactly before a bound of it (10218列 over 超1万列), then the latest source."""
    reported = [r for r in records if r["basis"] == "reported"]
    pool = reported or list(records)
    if not pool:
        return None
    return max(
        pool,
        key=lambda r: (
            str(r.get("series") or "") in HEADLINE_SERIES,
            r["period_end"],
            not is_bound(r.get("qualifier")),
            r["published"] or NO_DATE,
            r["yoy_pct"] is not None,
            r["region"] == "corridor",
            r["value"],
        ),
    )


def kpi_cards(records: list[Record], locale: Locale) -> list[KpiCard]:
    """Return a card for each headline metric: its latest figure within the given figures."""
    cards: list[KpiCard] = []
    for key, metric in load_metrics().items():
        if not metric.headline:
            continue
        row = latest_record([r for r in records if r["metric"] == key])
        if row is None:
            continue
        yoy = row["yoy_pct"]
        note = _firms_note(records, row, locale) if key == "freight_deduction_cny" else ""
        if row["basis"] == "derived":
            note = f"{note} {locale.t('derived')}".strip()
        cards.append(
            KpiCard(
                metric=key,
                label=metric.label(locale.lang),
                value=locale.value(float(row["value"]), key, qualifier=row.get("qualifier") or ""),
                delta=locale.yoy(yoy) or None,
                period=locale.period(row["period_start"], row["period_end"]),
                scope=locale.figure_label(
                    row["scope"], row.get("series"), metric=key, region=row.get("region")
                ),
                source=row["source"],
                note=note,
                record=row,
            )
        )
    return cards


def _firms_note(records: list[Record], row: Record, locale: Locale) -> str:
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
    count = locale.value(
        float(firms[0]["value"]), "beneficiary_firms", qualifier=firms[0].get("qualifier")
    )
    return locale.t("firms_note", count=count)


def _first_kept(kept: np.ndarray, order: np.ndarray, also: np.ndarray | None) -> int:
    """Return the first place in order whose row is kept (and `also` there), else -1."""
    start, step = 0, 256
    while start < len(order):
        hit = kept[order[start : start + step]]
        if also is not None:
            hit &= also[start : start + step]
        if hit.any():
            return start + int(hit.argmax())
        start += step
        step *= 4
    return -1


def kpi_candidates(view: FigureView) -> list[Record]:
    """Return the only records kpi_cards can pick: each headline metric's latest, firms beside.

    latest_record over the view, from the table's KPI index: each metric's rows are pre-ordered
    best first (period, source date, has a yoy, corridor-wide, value), so its pick is the first
    row the view kept, with every kept row tied with it, so kpi_cards breaks ties as it always
    has. The work is a short scan per metric, whatever the size of the view.
    """
    kpi = view.index.kpi
    kept = np.zeros(len(view.frame), dtype=bool)
    kept[view.rows] = True
    chosen: list[np.ndarray] = []
    for key, (lo, hi) in kpi.spans.items():
        order, reported = kpi.order[lo:hi], kpi.reported[lo:hi]
        only_reported = True
        first = _first_kept(kept, order, reported)
        if first < 0:
            only_reported = False
            first = _first_kept(kept, order, None)
        if first < 0:
            continue
        tie = kpi.tie[lo:hi]
        a, b = np.searchsorted(tie, tie[first]), np.searchsorted(tie, tie[first], side="right")
        tied = kept[order[a:b]] & (reported[a:b] if only_reported else True)
        best = order[a:b][tied]
        chosen.append(best)
        if key == "freight_deduction_cny":
            # The firms reported for the same period and regions, for the card's note.
            end = date_codes(view.frame["period_end"].iloc[best[:1]])[0]
            f_lo, f_hi = (
                np.searchsorted(kpi.firms_end, end),
                np.searchsorted(kpi.firms_end, end, side="right"),
            )
            firms = kpi.firms[f_lo:f_hi]
            firms = firms[kept[firms]]
            regions = view.frame["region"].iloc[best].unique()
            chosen.append(firms[view.frame["region"].iloc[firms].isin(regions).to_numpy()])
    if not chosen:
        return []
    rows = np.unique(np.concatenate(chosen))
    return view.records(rows[np.argsort(kpi.rank[rows])])


@dataclass(frozen=True)
class SeriesCard:
    """A headline series as its card shows it: the latest year (or latest figure) and the ytd."""

    metric: str
    label: str
    series: str
    value: str
    delta: str | None
    period: str
    ytd: str
    source: str
    url: str


def _change_text(sentence: Sentence, figure: CitedFigure, locale: Locale) -> str:
    change = sentence.change(figure)
    return locale.yoy(change.change_pct) if change is not None else ""


def series_cards(brief: Briefing, locale: Locale) -> list[SeriesCard]:
    """Return one card per briefed headline series: never a figure of another series."""
    cards = []
    for sentence in brief.sentences:
        stated = sentence.stated
        if not stated:
            continue
        main = stated[0]
        ytd = ""
        if len(stated) > 1:
            extra = stated[1]
            change = _change_text(sentence, extra, locale)
            ytd = locale.t("card_ytd", period=extra.period, value=extra.text)
            ytd += f" {change}" if change else ""
        src = main.source
        cards.append(
            SeriesCard(
                metric=main.metric,
                label=load_metrics()[main.metric].label(locale.lang),
                series=locale.series(main.series),
                value=main.text,
                delta=_change_text(sentence, main, locale) or None,
                period=main.period,
                ytd=ytd,
                source=src.cited,
                url=src.url,
            )
        )
    return cards


def briefing_cards(brief: Briefing, locale: Locale) -> list[KpiCard]:
    """Return the overview's series cards as the deck's KPI cards: the same headline series and
    figures, never a figure of another series (the record holds what the deck cites)."""
    cards = []
    stated = [s.stated[0] for s in brief.sentences if s.stated]
    for card, figure in zip(series_cards(brief, locale), stated, strict=True):
        record: Record = {
            "metric": figure.metric,
            "series": figure.series,
            "value": figure.value,
            "period_start": figure.period_start,
            "period_end": figure.period_end,
            "yoy_pct": figure.yoy_pct,
            "source_id": figure.source.source_id,
            "basis": "reported",
        }
        cards.append(
            KpiCard(
                metric=card.metric,
                label=card.label,
                value=card.value,
                delta=card.delta,
                period=card.period,
                scope=card.series,
                source=card.source,
                note=card.ytd,
                record=record,
            )
        )
    return cards
