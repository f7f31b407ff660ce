"""Frames shaped for display: one row per figure (deduplicated), headline cards, the table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.format import axis_unit, format_date, format_period, format_value, format_yoy
from dashboard.i18n import basis_label, metric_label, region_label, route_label, t
from dashboard.series_labels import figure_label, series_label
from etl.contract.identity import KEY_COLUMNS, normalise_scope
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import load_series
from etl.contract.vocabulary import load_metrics

SOURCE_FIELDS = ("title", "publisher", "published", "url", "kind")


Record = dict[str, Any]
# Sorting needs a date for sources without one: they rank as the oldest.
NO_DATE = pd.Timestamp("1900-01-01")


def _clean(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


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
        key = tuple(normalise_scope(row[k]) if k == "scope" else row[k] for k in KEY_COLUMNS)
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
    *OBSERVATION_COLUMNS,
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


HEADLINE_SERIES = frozenset(s.key for s in load_series() if s.headline)


def in_headline_series(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows belong to their metric's headline series (the card's line)."""
    if "series" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame["series"].astype("object").isin(HEADLINE_SERIES).to_numpy()


def latest_record(records: list[Record]) -> Record | None:
    """Return the latest reported record (derived if none): latest period, then latest source."""
    reported = [r for r in records if r["basis"] == "reported"]
    pool = reported or list(records)
    if not pool:
        return None
    return max(
        pool,
        key=lambda r: (
            str(r.get("series") or "") in HEADLINE_SERIES,
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
                scope=figure_label(row["scope"], row.get("series"), lang),
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
            ("系列" if zh else "Series"): series_label(r.get("series"), lang),
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


def ranked_codes(series: pd.Series) -> np.ndarray:
    """Return integer codes ordered as the values' text sorts (as sorting records by it does)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = pd.Index(series.cat.categories.astype(str))
        rank = np.argsort(np.argsort(cats.to_numpy(), kind="stable"), kind="stable")
        codes = series.cat.codes.to_numpy()
        return np.where(codes < 0, -1, rank[codes])
    codes, _ = pd.factorize(series.astype(object).where(series.notna(), "").astype(str), sort=True)
    return np.asarray(codes)


def folded_codes(scope: pd.Series) -> np.ndarray:
    """Return codes equal for scopes that fold to the same simplified text."""
    if isinstance(scope.dtype, pd.CategoricalDtype):
        folded = pd.Index([normalise_scope(str(c)) for c in scope.cat.categories])
        fcodes, _ = pd.factorize(folded)
        return np.asarray(fcodes)[scope.cat.codes.to_numpy()]
    codes, _ = pd.factorize(scope.astype(str).map(normalise_scope))
    return np.asarray(codes)


def _dates(series: pd.Series) -> np.ndarray:
    # NaT (no stated start) sorts as the smallest value, like any other value of the key.
    return series.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def source_citations(sources: pd.DataFrame, lang: str) -> dict[str, Record]:
    """Return each source's fields and citation (publisher, date) by source_id."""
    out: dict[str, Record] = {}
    for src in _records(sources):
        row: Record = {fld: _clean(src.get(fld)) for fld in SOURCE_FIELDS}
        for fld in ("title", "publisher", "url", "kind"):
            row[fld] = "" if row[fld] is None else str(row[fld])
        row["publisher"] = row["publisher"] or str(src["source_id"])
        row["source"] = source_name(row["publisher"], row["published"], lang)
        out[str(src["source_id"])] = row
    return out


def _citation(citations: dict[str, Record], source_id: str) -> Record:
    known = citations.get(source_id)
    if known is not None:
        return known
    return {
        "title": "",
        "publisher": source_id,
        "published": None,
        "url": "",
        "kind": "",
        "source": source_id,
    }


def _chunked_text(series: pd.Series) -> pa.ChunkedArray | None:
    """Return a text column's Arrow chunks when it has several (its take would join them)."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        return None
    chunks = series.array.__arrow_array__()
    return chunks if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1 else None


def take_rows(frame: pd.DataFrame, pos: np.ndarray) -> pd.DataFrame:
    """Return frame.iloc[pos], taking multi-chunk Arrow text columns chunk by chunk.

    Arrow's take on a chunked column first joins its chunks, a copy of the whole column (12 ms
    for a hundred rows of a million quotes); taking from each chunk costs only the rows taken.
    """
    chunked = {c: ch for c in frame.columns if (ch := _chunked_text(frame[c])) is not None}
    if not chunked:
        return frame.iloc[pos]
    out = frame.drop(columns=list(chunked)).iloc[pos]
    for col, chunks in chunked.items():
        ends = np.cumsum([len(c) for c in chunks.chunks])
        which = np.searchsorted(ends, pos, side="right")
        values: list[Any] = [None] * len(pos)
        for i in np.unique(which).tolist():
            at = np.flatnonzero(which == i)
            start = int(ends[i - 1]) if i else 0
            taken = chunks.chunk(i).take(pa.array(pos[at] - start)).to_pylist()
            for j, value in zip(at.tolist(), taken, strict=True):
                values[j] = value
        out[col] = pd.Series(values, index=out.index, dtype=frame[col].dtype)
    return out.loc[:, list(frame.columns)]


@dataclass(frozen=True)
class FigureView:
    """The figures a filter keeps, one per figure: row positions into the shared frame.

    Nothing is copied: records are built only for the rows a page shows.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    also: dict[int, str]
    citations: dict[str, Record]
    index: FigureIndex | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def records(self, positions: np.ndarray | None = None) -> list[Record]:
        """Return figure records (as figure_records gives them) for positions, all by default."""
        pos = self.rows if positions is None else positions
        out: list[Record] = []
        for p, rec in zip(pos.tolist(), _records(take_rows(self.frame, pos)), strict=True):
            row: Record = {k: _clean(v) for k, v in rec.items()}
            row.update(_citation(self.citations, str(rec["source_id"])))
            row["also_reported_by"] = self.also.get(p, "")
            out.append(row)
        return out

    def column(self, name: str) -> pd.Series:
        """Return one column of the kept rows (a small copy of that column only)."""
        return self.frame[name].iloc[self.rows]

    def figures_frame(self) -> pd.DataFrame:
        """Return the kept figures as figures_frame would, built column-wise for big views."""
        out = self.frame.iloc[self.rows].reset_index(drop=True)
        ids = out["source_id"].astype(str)
        cites = {sid: _citation(self.citations, sid) for sid in ids.unique()}
        for fld in (*SOURCE_FIELDS, "source"):
            out[fld] = ids.map({sid: c[fld] for sid, c in cites.items()})
        out["published"] = pd.to_datetime(out["published"])
        out["also_reported_by"] = [self.also.get(p, "") for p in self.rows.tolist()]
        return out.loc[:, list(FIGURE_COLUMNS)]


@dataclass(frozen=True)
class FigureIndex:
    """Per table: each row's figure identity, which source wins, and the reading order.

    Built once per data version, so a new filter costs a few passes over arrays, not a sort.
    """

    key: np.ndarray
    priority: np.ndarray
    reading: np.ndarray
    shared: np.ndarray
    kpi: KpiIndex


@dataclass(frozen=True)
class KpiIndex:
    """Per table: the headline metrics' rows, each metric's best KPI figure first.

    `order` holds the rows of every headline metric, grouped by metric (`spans`), each group
    ordered as latest_record ranks figures, best first: in the headline series, period end,
    source date, has a yoy, corridor-wide, value. `tie` numbers runs of rows equal on all six
    (ascending along `order`),
    `reported` says which are reported. The firms beside the freight card: `firms` (reported
    beneficiary_firms rows) ordered by `firms_end`. `rank` is each row's place in reading order.
    """

    order: np.ndarray
    tie: np.ndarray
    reported: np.ndarray
    spans: dict[str, tuple[int, int]]
    firms: np.ndarray
    firms_end: np.ndarray
    rank: np.ndarray


def kpi_index(frame: pd.DataFrame, sources: pd.DataFrame, reading: np.ndarray) -> KpiIndex:
    """Return the table's KPI index (see KpiIndex), built once per data version."""
    published = dict(zip(sources["source_id"].astype(str), sources["published"], strict=True))
    codes, uniques = pd.factorize(frame["source_id"])
    by_id = [_date_value(published.get(str(u))) for u in uniques]
    src_published = np.array(by_id or [0], dtype=np.int64)[np.asarray(codes)]
    # Compared through the metric's codes: one pass per distinct metric, not per row.
    m_codes, m_names = pd.factorize(frame["metric"])
    m_codes = np.asarray(m_codes)
    reported = (frame["basis"] == "reported").to_numpy()
    ends = _dates(frame["period_end"])
    headline = [k for k, m in load_metrics().items() if m.headline]
    slot_of = np.array([headline.index(m) if m in headline else -1 for m in map(str, m_names)])
    slot = np.append(slot_of, -1)[m_codes].astype(np.int64)
    firms_code = [i for i, m in enumerate(map(str, m_names)) if m == "beneficiary_firms"]
    at = np.flatnonzero(slot >= 0)
    keys = (
        frame["value"].to_numpy(dtype=float)[at],
        (frame["region"] == "corridor").to_numpy()[at],
        frame["yoy_pct"].notna().to_numpy()[at],
        src_published[at],
        ends[at],
        in_headline_series(frame)[at],
    )
    # Ascending on the keys within a descending slot, reversed: each metric best first.
    by = np.lexsort((*keys, -slot[at]))[::-1]
    order = at[by]
    sorted_keys = [k[by] for k in keys]
    new = np.ones(len(order), dtype=bool)
    if len(order):
        same = np.logical_and.reduce([k[1:] == k[:-1] for k in sorted_keys])
        same &= slot[order][1:] == slot[order][:-1]
        new[1:] = ~same
    tie = np.cumsum(new) - 1
    slots = slot[order]
    spans = {
        key: (int(np.searchsorted(slots, i)), int(np.searchsorted(slots, i, side="right")))
        for i, key in enumerate(headline)
    }
    firms = np.flatnonzero(np.isin(m_codes, firms_code) & reported)
    firms = firms[np.argsort(ends[firms], kind="stable")]
    rank = np.empty(len(frame), dtype=np.int32)
    rank[reading] = np.arange(len(frame), dtype=np.int32)
    return KpiIndex(
        order.astype(np.int32),
        tie.astype(np.int32),
        reported[order],
        spans,
        firms.astype(np.int32),
        ends[firms],
        rank,
    )


def figure_index(frame: pd.DataFrame, sources: pd.DataFrame) -> FigureIndex:
    """Return the table's figure index: keys, source precedence and reading order of its rows."""
    n = len(frame)
    published = dict(zip(sources["source_id"].astype(str), sources["published"], strict=True))
    codes, uniques = pd.factorize(frame["source_id"])
    ids = [str(u) for u in uniques]
    src_published = np.array(
        [_date_value(published.get(i)) for i in ids] or [0],
        dtype=np.int64,
    )
    src_rank = np.argsort(np.argsort(np.array(ids or [""], dtype=object), kind="stable"))
    codes = np.asarray(codes)
    # Latest-published source first; ties by source id, then the table's own order.
    priority = np.lexsort((np.arange(n), src_rank[codes], -src_published[codes]))
    key = (
        pd.DataFrame(
            {
                "metric": ranked_codes(frame["metric"]),
                "region": ranked_codes(frame["region"]),
                "route": ranked_codes(frame["route"]),
                "scope": folded_codes(frame["scope"]),
                "period_start": _dates(frame["period_start"]),
                "period_end": _dates(frame["period_end"]),
                "basis": ranked_codes(frame["basis"]),
            }
        )
        .groupby(["metric", "region", "route", "scope", "period_start", "period_end", "basis"])
        .ngroup()
        .to_numpy()
    )
    shared = pd.Series(key).duplicated(keep=False).to_numpy()
    prio_rank = np.empty(n, dtype=np.int64)
    prio_rank[priority] = np.arange(n)
    reading = np.lexsort(
        (
            prio_rank,
            ranked_codes(frame["scope"]),
            ranked_codes(frame["route"]),
            ranked_codes(frame["region"]),
            _dates(frame["period_end"]),
            ranked_codes(frame["metric"]),
        )
    )
    # Row positions fit in 32 bits up to two billion rows: half the memory of the defaults.
    return FigureIndex(
        key.astype(np.int32),
        priority.astype(np.int32),
        reading.astype(np.int32),
        shared,
        kpi_index(frame, sources, reading),
    )


def _date_value(value: Any) -> int:
    return NO_DATE.value if value is None or pd.isna(value) else pd.Timestamp(value).value


def figure_view(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    keep: np.ndarray,
    lang: str,
    index: FigureIndex | None = None,
) -> FigureView:
    """Return the view of the kept rows deduplicated as dedupe_records does, vectorised."""
    index = figure_index(frame, sources) if index is None else index
    citations = source_citations(sources, lang)
    kept = index.priority[keep[index.priority]]
    best = ~pd.Series(index.key[kept]).duplicated().to_numpy()
    winner = np.zeros(len(frame), dtype=bool)
    winner[kept[best]] = True
    rows = index.reading[winner[index.reading]]
    also: dict[int, str] = {}
    several = kept[index.shared[kept]]
    if len(several):
        ids = frame["source_id"].iloc[several].astype(str).tolist()
        names = [_citation(citations, i)["source"] for i in ids]
        first: dict[int, tuple[int, str]] = {}
        others: dict[int, list[str]] = {}
        for row, k, name in zip(several.tolist(), index.key[several].tolist(), names, strict=True):
            if k not in first:
                first[k] = (row, name)
                others[k] = []
            elif name not in others[k] and name != first[k][1]:
                others[k].append(name)
        also = {first[k][0]: "；".join(v) for k, v in others.items() if v}
    return FigureView(frame, rows, also, citations, index)


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
    best first (headline series, period, source date, has a yoy, corridor-wide, value), so its
    pick is the first
    row the view kept, with every kept row tied with it, so kpi_cards breaks ties as it always
    has. The work is a short scan per metric, whatever the size of the view.
    """
    if view.index is None:
        return kpi_candidates_scan(view)
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
            end = _dates(view.frame["period_end"].iloc[best[:1]])[0]
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


def kpi_candidates_scan(view: FigureView) -> list[Record]:
    """Return kpi_candidates' records by a pass over the whole view (no index needed).

    Vectorised latest_record: the same ordering (period, source date, has a yoy, corridor-wide,
    value), keeping every row tied with the best so kpi_cards breaks ties as it always has.
    """
    metrics = view.column("metric")
    reported = (view.column("basis") == "reported").to_numpy()
    ends = _dates(view.column("period_end"))
    codes, ids = pd.factorize(view.column("source_id"))
    by_id = [_date_value(_citation(view.citations, str(i))["published"]) for i in ids]
    published = np.array(by_id or [0], dtype=np.int64)[np.asarray(codes)]
    has_yoy = view.column("yoy_pct").notna().to_numpy()
    corridor = (view.column("region") == "corridor").to_numpy()
    values = view.column("value").to_numpy(dtype=float)
    regions, _ = pd.factorize(view.column("region"))
    firms = (metrics == "beneficiary_firms").to_numpy() & reported
    headline = in_headline_series(pd.DataFrame({"series": view.column("series")}))
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
        keys = (values[at], corridor[at], has_yoy[at], published[at], ends[at], headline[at])
        j = np.lexsort(keys)[-1]
        best = at[np.logical_and.reduce([k == k[j] for k in keys])]
        chosen[best] = True
        if key == "freight_deduction_cny":
            chosen |= firms & (ends == ends[at[j]]) & np.isin(regions, regions[best])
    return view.records(view.rows[chosen])


def reading_order(view: FigureView, limit: int) -> list[Record]:
    """Return the first `limit` figures in display_table's reading order, as records."""
    order = {k: i for i, k in enumerate(load_metrics())}
    metrics = view.column("metric")
    rank = np.full(len(view), len(order))
    for key, i in order.items():
        rank[(metrics == key).to_numpy()] = i
    ends = _dates(view.column("period_end"))
    region = ranked_codes(view.column("region"))
    scope = ranked_codes(view.column("scope"))
    first = np.lexsort((scope, region, -ends, rank))[:limit]
    return view.records(view.rows[first])
