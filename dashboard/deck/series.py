"""The series a native chart holds: bars in the page's order, XY markers by date, their names."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.charts.theme import OKABE_ITO, REPORTED_COLOUR
from dashboard.deck.labels import MAX_LABEL_WIDTH, category_labels, unique_labels
from dashboard.locales import Locale
from dashboard.views.index import NO_DATE
from etl.contract.qualifiers import is_bound

# Excel's day zero: XY charts take dates as serial day numbers.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class NativeSeries:
    """One series of a native chart, as written into the deck."""

    name: str
    basis: str
    colour: str
    values: list[float | None]
    dates: list[pd.Timestamp]
    # Each value's qualifier ('' exact): a bound's label starts with it (超10000).
    qualifiers: list[str] | None = None

    def qualifier(self, i: int) -> str:
        """Return the i-th value's qualifier ('' when exact or not recorded)."""
        return self.qualifiers[i] if self.qualifiers else ""


def excel_serial(day: pd.Timestamp) -> float:
    """Return a date as Excel's serial day number (what XY charts plot)."""
    return float((pd.Timestamp(day) - EXCEL_EPOCH) / pd.Timedelta(days=1))


def _ordered(points: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = points.copy()
    out["_start"] = out["period_start"].fillna(NO_DATE)
    return out.sort_values([*by, "_start"], kind="stable")


def bar_rows(points: pd.DataFrame) -> pd.DataFrame:
    """Return a bar chart's points in the page's order: latest series first, then by period."""
    out = points.copy()
    out["_latest"] = out.groupby("series")["period_end"].transform("max")
    out["_start"] = out["period_start"].fillna(NO_DATE)
    out = out.sort_values(
        ["_latest", "series", "period_end", "_start"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return out.drop(columns=["_latest", "_start"]).reset_index(drop=True)


def category_series(
    points: pd.DataFrame, width: int = MAX_LABEL_WIDTH
) -> tuple[list[str], list[NativeSeries]]:
    """Return single-level category labels bottom-up and a reported and a derived series.

    One bar per figure, as on the page, labelled with its series (region, route, scope) and
    period; each figure has a value in one of the two series and a gap (None) in the other.
    PowerPoint draws the first category at the bottom, so the page's top-down order is reversed.
    """
    rows = bar_rows(points).iloc[::-1]
    if rows["series"].nunique() == 1:
        # One series (a year to date beside the year before): the slide names it; bars by period.
        labels = unique_labels([str(p) for p in rows["period_label"]], width)
        return labels, _by_basis([r for _, r in rows.iterrows()])
    pairs = [(str(r["series"]), str(r["period_label"])) for _, r in rows.iterrows()]
    return category_labels(pairs, width), _by_basis([r for _, r in rows.iterrows()])


def row_qualifier(row: pd.Series) -> str:
    """Return a point row's qualifier ('' for exact and for points from before the column)."""
    value = row.get("qualifier")
    return value if isinstance(value, str) else ""


def _kind(row: pd.Series) -> str:
    # A reported figure stated as a bound is its own series (an outline, not a measured bar).
    if row["basis"] == "derived":
        return "derived"
    return "bound" if is_bound(row_qualifier(row)) else "reported"


def _by_basis(rows: list[pd.Series | None]) -> list[NativeSeries]:
    # One slot per row: its value in the series of its kind (reported, bound, derived), a gap
    # (None) in the others, and a gap in all for an empty slot; only series holding a value are
    # kept.
    values: dict[str, list[float | None]] = {"reported": [], "bound": [], "derived": []}
    quals: dict[str, list[str]] = {k: [] for k in values}
    for row in rows:
        for kind, column in values.items():
            shown = row is not None and _kind(row) == kind
            column.append(float(row["display_value"]) if shown else None)  # type: ignore[index]
            quals[kind].append(row_qualifier(row) if shown else "")  # type: ignore[arg-type]
    return [
        NativeSeries(kind, kind, REPORTED_COLOUR, column, [], quals[kind])
        for kind, column in values.items()
        if any(v is not None for v in column)
    ]


def year_series(points: pd.DataFrame) -> tuple[list[str], list[NativeSeries]]:
    """Return a series' years left to right (oldest first) and a reported and a derived series."""
    rows = points.sort_values("period_end", kind="stable")
    by_year = {int(row["period_end"].year): row for _, row in rows.iterrows()}
    if not by_year:
        return [], []
    # A year no report covers keeps its place, empty, as on the page's one-tick-per-year axis.
    first, last = min(by_year), max(by_year)
    # Every column is named by its year as a full year's label reads (2017年 / 2017): a year
    # drawn from a running total to a December day says its cut-off in the slide's note.
    full = [(y, r) for y, r in by_year.items() if r["period_end"].strftime("%m-%d") == "12-31"]
    template_year, template = full[0] if full else (first, None)
    slots = [by_year.get(year) for year in range(first, last + 1)]
    labels = [
        str(template["period_label"]).replace(str(template_year), str(y))
        if template is not None
        else str(y)
        for y in range(first, last + 1)
    ]
    return labels, _by_basis(slots)


def xy_series(points: pd.DataFrame) -> list[NativeSeries]:
    """Return one XY series (dates, values) per drawn series and kind (reported, bound, derived)."""
    recs = _ordered(points, ["period_end"])
    kinds = pd.Series([_kind(r) for _, r in recs.iterrows()], index=recs.index, dtype=object)
    names = list(dict.fromkeys(recs["series"]))
    out: list[NativeSeries] = []
    for i, name in enumerate(names):
        for basis in ("reported", "bound", "derived"):
            sel = recs[(recs["series"] == name) & (kinds == basis)]
            if len(sel):
                out.append(
                    NativeSeries(
                        name,
                        basis,
                        OKABE_ITO[i % len(OKABE_ITO)],
                        [float(v) for v in sel["display_value"]],
                        list(sel["period_end"]),
                        [row_qualifier(r) for _, r in sel.iterrows()],
                    )
                )
    return out


def series_name(series: NativeSeries, locale: Locale) -> str:
    """Return a series' legend name; derived series say so."""
    if series.name == series.basis:
        names = {"derived": "derived_legend", "bound": "bound_legend"}
        return locale.t(names.get(series.basis, "reported"))
    if series.basis == "derived":
        return f"{series.name} · {locale.basis('derived')}"
    if series.basis == "bound":
        return f"{series.name} · {locale.t('bound_short')}"
    return series.name
