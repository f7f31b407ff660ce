"""The record check: what a careful analyst would question in the observations, rule by rule.

Pure functions over the observations and sources frames and the series catalogue. Each rule is
vectorised (sorts, group-bys and as-of joins, no loop over rows), so a million rows are checked
in seconds; each returns the rows it questions, and `check_record` keeps the first few findings
of each rule and counts them all.

Severity: an *error* is data that cannot be right as it stands (two figures that contradict each
other, a number the project computed from a bound, a growth rate its own sentence does not
support); a *warning* is a pattern that is often wrong but can be true (a dip, a lone period
kind, a scope word), for an analyst to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from etl.contract.conflicts import preference_rank
from etl.contract.identity import normalise_scope
from etl.contract.period_kinds import period_kinds
from etl.contract.qualifiers import ABOUT, BOUNDS, NEARLY, OVER, UNDER, qualify
from etl.contract.series import foreign_words, load_series, series_by_key
from etl.contract.tables import format_number

ERROR = "error"
WARNING = "warning"

# A derived value (or a dip) this many times away from its neighbours breaks its series: a yoy
# rate read from another quantity gives values off by a multiple, not by a few percent.
BREAK_FACTOR = 3.0
# A point that falls below this share of both neighbours "falls by more than half and recovers".
DIP_SHARE = 0.5
# A yoy above this many percent with no year-on-year wording is most likely a multiple over a
# span (增长近33倍) read as a rate.
MAX_PLAIN_YOY = 300.0
# How far a rounded report (约 / 近 4.5亿) may be from the true value: reports round to two or
# three significant figures, so a tenth covers them without excusing a real contradiction.
ROUNDING_SLACK = 0.1
# A list of at least three plain rates (增长…；增长…；增长…) in one quote is one period's rates.
MIN_RATE_LIST = 3
PLAIN_RATE = re.compile(r"增长(\d+(?:\.\d+)?)(%|倍)")
# Findings kept per rule (all are counted): the first screenful is what an analyst reads.
MAX_FINDINGS_PER_RULE = 50
# Period kinds whose figures a chart line joins; a span is neither a calendar period nor a
# cumulative total, so it has no neighbours to compare with.
LINE_KINDS = ("year", "ytd", "month", "quarter", "half", "since", "snapshot")
# Year-on-year wording in a quote (simplified; quotes are folded first) and in English notes.
YOY_WORDING = re.compile(
    r"同比|比上年|较上年|比去年|较去年|上年同期|去年同期|上一年|year[- ]on[- ]year|\byoy\b|y/y|"
    r"from a year (earlier|ago)|over the same period",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    """One check: its id, severity and what it questions in both languages."""

    id: str
    severity: str
    zh: str
    en: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        # Error: a value the project computed that its own series contradicts is a misread rate.
        Rule(
            "derived_breaks_series",
            ERROR,
            "推算值与同系列同类期间的报道值相差三倍以上",
            "a derived value is below a third or above three times its reported neighbours",
        ),
        # Error: the chart draws a bound although the same period has an exact figure.
        Rule(
            "bound_preferred",
            ERROR,
            "同一系列同一期间有确切值，却优先显示了约数/界限值",
            "a bound is preferred over an exact figure of the same series and period",
        ),
        # Error: a cumulative total cannot be smaller than a figure inside its span.
        Rule(
            "cumulative_below_part",
            ERROR,
            "累计值小于其时段内的某个数",
            "a cumulative total is smaller than a figure inside its span",
        ),
        # Error: a running total cannot exceed the full year it is part of.
        Rule(
            "ytd_above_year",
            ERROR,
            "年内累计值大于同年全年值",
            "a year-to-date total is above its full year",
        ),
        # Warning: a real collapse and recovery happens; a misread unit or period is likelier.
        Rule(
            "dip_recovers",
            WARNING,
            "某点比前后两点都低一半以上（骤降后回升）",
            "a point falls by more than half and recovers",
        ),
        # Error: the contract takes a yoy only where the wording is year-on-year for the figure.
        Rule(
            "yoy_without_wording",
            ERROR,
            "同比超过300%，但原文没有同比措辞",
            "a yoy above 300% without year-on-year wording in its quote",
        ),
        # Warning: a scope word is a cue, not proof (a body's seat may be named); the series
        # rules already keep such figures out, so a hit is a hand-placed or older figure.
        Rule(
            "scope_outside_series",
            WARNING,
            "口径含有系列名称没有的地名、产品、企业或其他运输方式",
            "the scope names a place, product, company or mode the series label lacks",
        ),
        # Warning: a lone kind is often a misread period, but a series may hold one on purpose.
        Rule(
            "period_kind_off_line",
            WARNING,
            "期间类型与同系列其他数据不同，无法连成线",
            "a period kind that differs from its series line",
        ),
        # Warning: a source may state a rate for a bound; nothing may be computed from it.
        Rule(
            "bound_with_yoy",
            WARNING,
            "约数/界限值带有同比（不能据此推算）",
            "a bound carries a yoy (nothing may be computed from it)",
        ),
        # Error: a value computed from a bound pretends to a precision the source never had.
        Rule(
            "derived_from_bound",
            ERROR,
            "推算值由约数/界限值算出",
            "a derived row is made from a bound",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One thing to question: the rule, the rows (index labels of observations) and a detail."""

    rule: str
    rows: tuple[Any, ...]
    detail_zh: str = ""
    detail_en: str = ""

    @property
    def severity(self) -> str:
        """Return the rule's severity."""
        return RULES[self.rule].severity


@dataclass(frozen=True)
class CheckReport:
    """The findings kept (the first few per rule) and how many each rule found in all."""

    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Return how many error findings there are in all."""
        return sum(n for rule, n in self.counts.items() if RULES[rule].severity == ERROR)

    @property
    def warnings(self) -> int:
        """Return how many warnings there are in all."""
        return sum(n for rule, n in self.counts.items() if RULES[rule].severity == WARNING)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), "").astype(str)


def _bounds(value: np.ndarray, qualifier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The range a stated figure allows: exact [v, v]; 超 [v, ∞); 不到 [0, v]; 约 v ± a tenth;
    # 近 just under v.
    low = value.copy()
    high = value.copy()
    low[qualifier == UNDER] = 0.0
    high[qualifier == OVER] = np.inf
    about = qualifier == ABOUT
    low[about] = value[about] * (1 - ROUNDING_SLACK)
    high[about] = value[about] * (1 + ROUNDING_SLACK)
    nearly = qualifier == NEARLY
    low[nearly] = value[nearly] * (1 - ROUNDING_SLACK)
    return low, high


def _codes(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(pd.factorize(values, use_na_sentinel=False)[0], dtype=np.int64)


def _combined(*columns: pd.Series | np.ndarray) -> np.ndarray:
    # One code per distinct combination of the columns, from each column's codes (no tuples).
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes = _codes(column)
        key = _codes(key * (int(codes.max(initial=0)) + 1) + codes)
    return key


def _category(values: pd.Series) -> pd.Categorical:
    # A text column as codes over its few distinct values ("" for missing): rules compare and
    # group codes, never a million strings.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = np.asarray(["" if u is None or u != u else str(u) for u in uniques] + [""], object)
    codes = np.where(codes < 0, len(names) - 1, codes)
    distinct, inverse = np.unique(names, return_inverse=True)
    return pd.Categorical.from_codes(
        np.asarray(inverse[codes], dtype=np.int64),
        categories=pd.Index(distinct),
    )


def _ranks(work: pd.DataFrame, frame: pd.DataFrame, sources: pd.DataFrame | None) -> np.ndarray:
    # conflicts.preference_rank where a series period holds several reported rows; a lone row
    # is its period's value (rank 0). -2: not ranked (derived, or in no series).
    ranked = ((work["series"] != "") & (work["basis"] == "reported")).to_numpy()
    out = np.full(len(work), -2, dtype=np.int64)
    out[ranked] = 0
    period = _combined(work["series"].cat.codes, work["start"], work["end"])
    shared = ranked & (np.bincount(period[ranked], minlength=period.max(initial=0) + 1)[period] > 1)
    if shared.any():
        columns = ["series", "basis", "period_start", "period_end", "value", "source_id"]
        if "qualifier" in frame:
            # The ranking puts an exact figure before a bound of the same period.
            columns.append("qualifier")
        rows = frame.loc[shared, [*columns, "scope", "quote"]]
        # Only a series naming a preferred body reads its rows' scope and quote (the body's
        # cues); other rows' text is left out, which halves the ranking of a million rows.
        cued = rows["series"].isin([s.key for s in load_series() if s.prefer])
        rows = rows.assign(scope=rows["scope"].where(cued, ""), quote=rows["quote"].where(cued, ""))
        out[shared] = preference_rank(rows, sources).to_numpy()
    return out


def prepare(observations: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the columns every rule reads: typed, with period kind, line, value range and the
    place of each reported value among its series and period (conflicts.preference_rank)."""
    frame = observations
    start = pd.to_datetime(frame["period_start"], errors="coerce")
    end = pd.to_datetime(frame["period_end"], errors="coerce")
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    qualifier = _category(
        frame["qualifier"] if "qualifier" in frame else pd.Series("", frame.index)
    )
    low, high = _bounds(value, np.asarray(qualifier.astype(object)))
    kind = _category(period_kinds(frame["period_start"], frame["period_end"], frame["metric"]))
    series = _category(frame["series"] if "series" in frame else pd.Series("", frame.index))
    # A chart line: one series and one kind; running totals and cumulative totals are only
    # comparable with those of the same cut-off month and the same start (codes, not text).
    is_ytd = np.asarray(kind == "ytd")
    is_since = np.asarray(kind == "since")
    sub = np.where(
        is_ytd,
        end.dt.month.fillna(0).to_numpy(dtype=np.int64),
        np.where(is_since, _codes(start) + 13, 0),
    )
    work = pd.DataFrame(
        {
            "series": series,
            "basis": _category(frame["basis"]),
            "qualifier": qualifier,
            "bound": np.asarray(qualifier.isin(BOUNDS)),
            "value": value,
            "low": low,
            "high": high,
            "yoy": pd.to_numeric(frame["yoy_pct"], errors="coerce").to_numpy(dtype=float),
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "kind": kind,
            "line": _combined(series.codes, kind.codes, sub),
        },
        index=frame.index,
    )
    work["rank"] = _ranks(work, frame, sources)
    return work


def _hits(*rows: Any, zh: Any = "", en: Any = "") -> pd.DataFrame:
    """Return hits as a frame: up to three row labels each (r0 the row questioned), details."""
    n = len(rows[0])
    columns = {f"r{i}": np.asarray(r, dtype=object) for i, r in enumerate(rows)}
    for i in range(len(rows), 3):
        columns[f"r{i}"] = np.full(n, None, dtype=object)
    # Object columns: a detail per row is one of a few strings, never converted a million times.
    for name, text in (("zh", zh), ("en", en)):
        columns[name] = np.full(n, text, dtype=object) if isinstance(text, str) else text
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


NO_HITS = _hits([])


def _neighbours(
    work: pd.DataFrame, rows: pd.DataFrame, direction: Literal["backward", "forward"]
) -> pd.DataFrame:
    # The nearest reported point of the same line by period end (as-of join: linear after a
    # sort). Positions, not labels: a missing neighbour turns the column to floats.
    left = rows.assign(_row=np.arange(len(rows))).sort_values("end", kind="stable")
    right = work.assign(_nb=np.arange(len(work))).sort_values("end", kind="stable")
    joined = pd.merge_asof(
        left[["_row", "end", "line"]],
        right[["_nb", "end", "line", "low", "high"]],
        on="end",
        by="line",
        direction=direction,
        allow_exact_matches=True,
    )
    return joined.sort_values("_row").set_index(rows.index)


def _labels(index: pd.Index, positions: pd.Series) -> np.ndarray:
    # Labels at positions, None where there is no position.
    found = positions.notna().to_numpy()
    out = np.full(len(positions), None, dtype=object)
    out[found] = index.to_numpy(dtype=object)[positions.to_numpy()[found].astype(np.int64)]
    return out


def derived_breaks_series(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return derived values below a third or above three times their reported neighbours."""
    usable = (work["series"] != "") & work["end"].notna() & work["kind"].isin(LINE_KINDS)
    derived = work.loc[usable & (work["basis"] == "derived")]
    reported = work.loc[usable & (work["basis"] == "reported")]
    if not len(derived) or not len(reported):
        return NO_HITS
    before = _neighbours(reported, derived, "backward")
    after = _neighbours(reported, derived, "forward")
    value = derived["value"]
    has_b, has_a = before["low"].notna(), after["low"].notna()
    below = (has_b | has_a) & (~has_b | (value * BREAK_FACTOR < before["low"]))
    below &= ~has_a | (value * BREAK_FACTOR < after["low"])
    above = (has_b | has_a) & (~has_b | (value > BREAK_FACTOR * before["high"]))
    above &= ~has_a | (value > BREAK_FACTOR * after["high"])
    bad = (below | above).to_numpy()
    prev = _labels(reported.index, before["_nb"][bad])
    nxt = _labels(reported.index, after["_nb"][bad])
    # One neighbour named once when it is both (the same period's reported value).
    nxt[nxt == prev] = None
    return _hits(derived.index[bad], prev, nxt)


def bound_preferred(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return series periods whose preferred value is a bound although an exact one exists."""
    sub = work.loc[work["rank"] >= -1]
    if not sub["bound"].any():
        return NO_HITS
    period = _combined(sub["series"].cat.codes, sub["start"], sub["end"])
    is_exact = ~sub["bound"].to_numpy()
    exact = np.bincount(period, weights=is_exact)[period] > 0
    first = (sub["rank"].to_numpy() == 0) & ~is_exact & exact
    if not first.any():
        return NO_HITS
    # Each period's first exact row, looked up by code.
    exact_periods, at = np.unique(period[is_exact], return_index=True)
    labels = np.full(int(period.max(initial=0)) + 1, None, dtype=object)
    labels[exact_periods] = sub.index[is_exact].to_numpy(dtype=object)[at]
    return _hits(sub.index[first], labels[period[first]])


def cumulative_below_part(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return cumulative totals smaller than a figure of the same series inside their span."""
    base = work.loc[(work["series"] != "") & (work["basis"] == "reported") & work["end"].notna()]
    totals = base.loc[base["kind"] == "since"]
    if not len(totals):
        return NO_HITS
    found_cum: list[Any] = []
    found_part: list[Any] = []
    parts_by_series = dict(list(base.groupby("series", sort=False, observed=True)))
    for series, cum in totals.groupby("series", sort=False, observed=True):
        parts = parts_by_series[series]
        # One candidate per distinct period: the largest part, the smallest total.
        part_best = parts.sort_values("low", ascending=False).drop_duplicates(["start", "end"])
        cum_best = cum.sort_values("high").drop_duplicates(["start", "end"])
        p_start = part_best["start"].to_numpy(dtype="datetime64[ns]")
        p_end = part_best["end"].to_numpy(dtype="datetime64[ns]")
        p_low = part_best["low"].to_numpy()
        c_start = cum_best["start"].to_numpy(dtype="datetime64[ns]")
        c_end = cum_best["end"].to_numpy(dtype="datetime64[ns]")
        c_high = cum_best["high"].to_numpy()
        # Totals × parts in blocks, so the comparison stays in bounded memory.
        for at in range(0, len(cum_best), max(1, 2_000_000 // max(1, len(part_best)))):
            block = slice(at, at + max(1, 2_000_000 // max(1, len(part_best))))
            cs, ce, ch = c_start[block, None], c_end[block, None], c_high[block, None]
            open_start = np.isnat(cs)
            inside = (p_end <= ce) & (open_start | (~np.isnat(p_start) & (p_start >= cs)))
            same = (p_end == ce) & ((open_start & np.isnat(p_start)) | (p_start == cs))
            bad = inside & ~same & (p_low > ch)
            rows = np.flatnonzero(bad.any(axis=1))
            if not len(rows):
                continue
            worst = np.argmax(np.where(bad[rows], p_low, -np.inf), axis=1)
            found_cum += list(cum_best.index[at + rows])
            found_part += list(part_best.index[worst])
    return _hits(found_cum, found_part)


def ytd_above_year(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return year-to-date totals above the full year of the same series."""
    base = work.loc[(work["series"] != "") & (work["basis"] == "reported")]
    ytd = base.loc[base["kind"] == "ytd"].assign(_year=lambda f: f["end"].dt.year)
    year = base.loc[base["kind"] == "year"].assign(_year=lambda f: f["end"].dt.year)
    if not len(ytd) or not len(year):
        return NO_HITS
    top = ytd.sort_values("low", ascending=False).reset_index(names="_ytd")
    top = top.drop_duplicates(["series", "_year"])
    least = year.sort_values("high").reset_index(names="_full")
    least = least.drop_duplicates(["series", "_year"])
    pairs = top.merge(least, on=["series", "_year"], suffixes=("", "_y"))
    bad = pairs.loc[pairs["low"] > pairs["high_y"]]
    return _hits(bad["_ytd"], bad["_full"])


def dip_recovers(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return line points below half of both neighbours (each period's preferred value)."""
    mask = (work["rank"] == 0) & work["end"].notna() & work["kind"].isin(LINE_KINDS)
    points = work.loc[mask].sort_values(["line", "end"], kind="stable")
    if len(points) < 3:
        return NO_HITS
    line = points["line"].to_numpy()
    low, high = points["low"].to_numpy(), points["high"].to_numpy()
    mid = np.arange(1, len(points) - 1)
    dip = (
        (line[mid] == line[mid - 1])
        & (line[mid] == line[mid + 1])
        & (high[mid] < DIP_SHARE * low[mid - 1])
        & (high[mid] < DIP_SHARE * low[mid + 1])
    )
    at = mid[dip]
    labels = points.index.to_numpy(dtype=object)
    return _hits(labels[at], labels[at - 1], labels[at + 1])


def yoy_without_wording(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return yoy rates above 300% whose quote has no year-on-year wording."""
    big = work.index[(work["yoy"] > MAX_PLAIN_YOY).to_numpy()]
    if not len(big):
        return NO_HITS
    quotes = _text(frame.loc[big, "quote"]).map(normalise_scope)
    return _hits(
        [row for row, q in quotes.items() if not YOY_WORDING.search(q) and not _rate_list(q)]
    )


def _rate_list(quote: str) -> bool:
    """Return whether a quote lists one period's rates the same way, most of them ordinary
    (…6.8亿元,增长5.1倍;…30.5亿元,增长70.4%;…19.2亿元,增长48.1%): the report's 增长 is its
    year-on-year, as for every other rate in the list; a multiple over years stands alone."""
    rates = [float(n) * (100 if unit == "倍" else 1) for n, unit in PLAIN_RATE.findall(quote)]
    ordinary = [r for r in rates if r <= MAX_PLAIN_YOY]
    return len(rates) >= MIN_RATE_LIST and len(ordinary) >= len(rates) - 1


def scope_outside_series(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return figures whose scope names a narrower place, product, firm or mode than the series."""
    catalogue = series_by_key()
    has = work["series"].isin(list(catalogue)).to_numpy()
    if not has.any():
        return NO_HITS
    scope_codes, scope_names = pd.factorize(frame["scope"], use_na_sentinel=False)
    row_series = np.asarray(work["series"].cat.codes)[has]
    row_scopes = np.asarray(scope_codes)[has]
    series_names = np.asarray(work["series"].cat.categories, dtype=object)
    scope_texts = np.asarray(scope_names, dtype=object)
    # Each distinct (series, scope) is judged once; a million rows share a few thousand.
    codes = _combined(row_series, row_scopes)
    first = np.unique(codes, return_index=True)[1]
    words = np.full(int(codes.max(initial=0)) + 1, "", dtype=object)
    zh = words.copy()
    en = words.copy()
    for at in first:
        key = str(series_names[row_series[at]])
        found = foreign_words(catalogue[key], normalise_scope(scope_texts[row_scopes[at]]))
        if found:
            words[codes[at]] = "、".join(found)
            zh[codes[at]] = "口径词：" + words[codes[at]]
            en[codes[at]] = "scope words: " + words[codes[at]]
    bad = words[codes] != ""
    return _hits(work.index[has][bad], zh=zh[codes][bad], en=en[codes][bad])


def period_kind_off_line(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return figures of a kind alone in a series whose other figures share one kind."""
    base = work.loc[(work["series"] != "") & (work["basis"] == "reported") & (work["kind"] != "")]
    if not len(base):
        return NO_HITS
    pair = _combined(base["series"].cat.codes, base["kind"].cat.codes)
    n = pd.Series(np.bincount(pair)[pair], index=base.index)
    # Each series' line: its most common kind (the first such pair in the table on a tie).
    order = pd.DataFrame({"s": base["series"].cat.codes.to_numpy(), "p": pair, "n": n.to_numpy()})
    top = order.sort_values(["s", "n"], ascending=[True, False], kind="stable")
    top = top.drop_duplicates("s").set_index("s")
    series_code = order["s"].to_numpy()
    main_pair = top["p"].reindex(series_code).to_numpy()
    line_n = pd.Series(top["n"].reindex(series_code).to_numpy(), index=base.index)
    kind_of = pd.Series(base["kind"].astype(object).to_numpy(), index=pair)
    kind_of = kind_of.groupby(level=0).first()
    line_kind = pd.Series(kind_of.reindex(main_pair).to_numpy(), index=base.index)
    # Alone: the only figure of its kind in a series whose line holds at least three of another;
    # a span is neither a calendar period nor a cumulative total, so no line can join it.
    kind = base["kind"].astype(object)
    lone = ((n == 1) & (line_n >= 3)) | (kind == "span")
    lone &= kind != line_kind
    kinds, lines = kind[lone].to_numpy(), line_kind[lone].to_numpy()
    return _hits(
        base.index[lone.to_numpy()],
        zh=[f"期间类型 {k}，系列多为 {m}" for k, m in zip(kinds, lines, strict=True)],
        en=[f"kind {k}, series line {m}" for k, m in zip(kinds, lines, strict=True)],
    )


def bound_with_yoy(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return reported bounds that carry a yoy."""
    mask = work["bound"] & work["yoy"].notna() & (work["basis"] == "reported")
    return _hits(work.index[mask.to_numpy()])


def derived_from_bound(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return derived rows that carry a bound or were computed from a reported bound."""
    derived = (work["basis"] == "derived").to_numpy()
    bound = work["bound"].to_numpy()
    carried = _hits(work.index[derived & bound])
    parents = bound & (work["basis"] == "reported").to_numpy() & work["yoy"].notna().to_numpy()
    kids = derived & ~bound
    if not kids.any() or not parents.any():
        return carried
    # A derived row's parent: the same figure and source, the same span a year later, and the
    # value the parent's rate gives.
    keys = ["metric", "region", "route", "scope", "source_id"]
    young = frame.loc[kids, keys].astype("object").fillna("").astype(str)
    young = young.assign(
        _kid=work.index[kids],
        _start=work.loc[kids, "start"] + pd.DateOffset(years=1),
        _month=work.loc[kids, "end"].dt.to_period("M") + 12,
        _value=work.loc[kids, "value"],
    )
    old = frame.loc[parents, keys].astype("object").fillna("").astype(str)
    old = old.assign(
        _mom=work.index[parents],
        _start=work.loc[parents, "start"],
        _month=work.loc[parents, "end"].dt.to_period("M"),
        _prior=work.loc[parents, "value"] / (1 + work.loc[parents, "yoy"] / 100),
    )
    joined = young.merge(old, on=[*keys, "_start", "_month"])
    close = (joined["_value"] - joined["_prior"]).abs() <= 0.05 + 1e-6 * joined["_prior"].abs()
    made = _hits(joined.loc[close, "_kid"], joined.loc[close, "_mom"])
    return pd.concat([carried, made], ignore_index=True)


_RULES: dict[str, Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]] = {
    "derived_breaks_series": derived_breaks_series,
    "bound_preferred": bound_preferred,
    "cumulative_below_part": cumulative_below_part,
    "ytd_above_year": ytd_above_year,
    "dip_recovers": dip_recovers,
    "yoy_without_wording": yoy_without_wording,
    "scope_outside_series": scope_outside_series,
    "period_kind_off_line": period_kind_off_line,
    "bound_with_yoy": bound_with_yoy,
    "derived_from_bound": derived_from_bound,
}


def check_record(
    observations: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    *,
    only_rows: pd.Index | None = None,
    limit: int = MAX_FINDINGS_PER_RULE,
) -> CheckReport:
    """Return what every rule questions in the observations (the first `limit` per rule).

    only_rows: keep only findings that involve at least one of these index labels (the rows an
    upload is about to add, checked against the stored record).
    """
    if not len(observations):
        return CheckReport([], {})
    frame = observations
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    work = prepare(frame, sources)
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for rule, find in _RULES.items():
        hits = find(work, frame)
        if only_rows is not None and len(hits):
            involved = hits[["r0", "r1", "r2"]].isin(list(only_rows)).any(axis=1)
            hits = hits.loc[involved.to_numpy()]
        if len(hits):
            counts[rule] = len(hits)
        for r0, r1, r2, zh, en in hits.head(limit).itertuples(index=False):
            rows = tuple(r for r in (r0, r1, r2) if r is not None and not pd.isna(r))
            findings.append(Finding(rule, rows, str(zh), str(en)))
    order = list(RULES)
    findings.sort(key=lambda f: (f.severity != ERROR, order.index(f.rule)))
    return CheckReport(findings, counts)


def _source_info(sources: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    if sources is None or not len(sources):
        return {}
    cols = [c for c in ("title", "publisher", "published", "url") if c in sources]
    frame = sources.drop_duplicates("source_id").set_index("source_id")[cols]
    return {
        str(k): {
            str(c): ("" if pd.isna(v) else str(v)[:10] if c == "published" else str(v))
            for c, v in row.items()
        }
        for k, row in frame.iterrows()
    }


def _date(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def finding_records(
    report: CheckReport,
    observations: pd.DataFrame,
    sources: pd.DataFrame | None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Return each kept finding as plain data: rule, severity, message and its rows with source."""
    frame = observations if observations.index.is_unique else observations.reset_index(drop=True)
    info = _source_info(sources)
    out = []
    for finding in report.findings:
        rule = RULES[finding.rule]
        rows = []
        for label in finding.rows:
            row = frame.loc[label]
            source = str(row.get("source_id", ""))
            qualifier = str(row.get("qualifier", "") or "")
            value = float(row["value"])
            yoy = row.get("yoy_pct")
            rows.append(
                {
                    "metric": str(row["metric"]),
                    "value": value,
                    "qualifier": qualifier,
                    "stated": qualify(format_number(value), qualifier, lang),
                    "period_start": _date(row.get("period_start")),
                    "period_end": _date(row.get("period_end")),
                    "series": str(row.get("series", "") or ""),
                    "basis": str(row.get("basis", "")),
                    "yoy_pct": None if yoy is None or pd.isna(yoy) else float(yoy),
                    "scope": str(row.get("scope", "")),
                    "quote": str(row.get("quote", "")),
                    "source_id": source,
                    "source": info.get(source, {}),
                }
            )
        out.append(
            {
                "rule": rule.id,
                "severity": rule.severity,
                "message": rule.zh if lang == "zh" else rule.en,
                "detail": finding.detail_zh if lang == "zh" else finding.detail_en,
                "rows": rows,
            }
        )
    return out


# A quote in the text listing is cut here: the sentence's start says which it is.
QUOTE_SHOWN = 160


def render_report(
    report: CheckReport,
    observations: pd.DataFrame,
    sources: pd.DataFrame | None,
    lang: str = "en",
) -> str:
    """Return the findings as readable text in the language, errors first, with a summary."""
    zh = lang == "zh"
    lines = []
    for record in finding_records(report, observations, sources, lang):
        tag = (
            ("错误" if zh else "ERROR")
            if record["severity"] == ERROR
            else ("警告" if zh else "warning")
        )
        detail = (
            f"（{record['detail']}）"
            if zh and record["detail"]
            else (f" ({record['detail']})" if record["detail"] else "")
        )
        lines.append(f"{tag} [{record['rule']}] {record['message']}{detail}")
        for row in record["rows"]:
            period = f"{row['period_start'] or '…'}—{row['period_end']}"
            series = row["series"] or ("（无系列）" if zh else "(no series)")
            lines.append(
                f"  - {row['metric']} {row['stated']} {period} {series} {row['basis']}"
                + (f" yoy {format_number(row['yoy_pct'])}%" if row["yoy_pct"] is not None else "")
            )
            src = row["source"]
            named = " ".join(x for x in (src.get("publisher", ""), src.get("published", "")) if x)
            title = src.get("title", "")
            lines.append(
                f"    {'来源' if zh else 'source'}: {row['source_id']}"
                + (f" {title}" if title else "")
                + (f" ({named})" if named else "")
            )
            quote = row["quote"].replace("\n", " ")
            if len(quote) > QUOTE_SHOWN:
                quote = quote[: QUOTE_SHOWN - 1] + "…"
            lines.append(f"    {'原文' if zh else 'quote'}: {quote}")
    lines.append(summary(report, lang))
    return "\n".join(lines) + "\n"


def summary(report: CheckReport, lang: str = "en") -> str:
    """Return one line: how many errors and warnings, per rule."""
    per_rule = ", ".join(f"{rule} {n}" for rule, n in report.counts.items())
    shown = len(report.findings)
    total = sum(report.counts.values())
    more = total - shown
    if lang == "zh":
        text = f"共 {report.errors} 个错误，{report.warnings} 个警告"
        text += f"（{per_rule}）" if per_rule else "：没有需要核对的数据"
        return text + (f"；每条规则只列出前几项，另有 {more} 项未列出" if more else "")
    text = f"{report.errors} errors, {report.warnings} warnings"
    text += f" ({per_rule})" if per_rule else ": nothing to question"
    return text + (f"; the first few per rule are listed, {more} more not shown" if more else "")
