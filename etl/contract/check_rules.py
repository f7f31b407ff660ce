"""The record check's rules: each takes the working frame (check_frame.prepare) and the
observations and returns the rows it questions, vectorised (sorts, group-bys, as-of joins)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.check_frame import (
    NO_HITS,
    combined_codes,
    hit_frame,
    labels_at,
    nearest_on_line,
    text_values,
)
from etl.contract.identity import normalise_scope
from etl.contract.series import foreign_words, series_by_key

# A derived value (or a dip) this many times away from its neighbours breaks its series: a yoy
# rate read from another quantity gives values off by a multiple, not by a few percent.
BREAK_FACTOR = 3.0
# A point that falls below this share of both neighbours "falls by more than half and recovers".
DIP_SHARE = 0.5
# A yoy above this many percent with no year-on-year wording is most likely a multiple over a
# span (增长近33倍) read as a rate.
MAX_PLAIN_YOY = 300.0
# A list of at least three plain rates (增长…；增长…；增长…) in one quote is one period's rates.
MIN_RATE_LIST = 3
PLAIN_RATE = re.compile(r"增长(\d+(?:\.\d+)?)(%|倍)")
# Period kinds whose figures a chart line joins; a span is neither a calendar period nor a
# cumulative total, so it has no neighbours to compare with.
LINE_KINDS = ("year", "ytd", "month", "quarter", "half", "since", "snapshot")
# Year-on-year wording in a quote (simplified; quotes are folded first) and in English notes.
YOY_WORDING = re.compile(
    r"同比|比上年|较上年|比去年|较去年|上年同期|去年同期|上一年|year[- ]on[- ]year|\byoy\b|y/y|"
    r"from a year (earlier|ago)|over the same period",
    re.IGNORECASE,
)


def derived_breaks_series(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return derived values below a third or above three times their reported neighbours."""
    usable = (work["series"] != "") & work["end"].notna() & work["kind"].isin(LINE_KINDS)
    derived = work.loc[usable & (work["basis"] == "derived")]
    reported = work.loc[usable & (work["basis"] == "reported")]
    if not len(derived) or not len(reported):
        return NO_HITS
    before = nearest_on_line(reported, derived, "backward")
    after = nearest_on_line(reported, derived, "forward")
    value = derived["value"]
    has_b, has_a = before["low"].notna(), after["low"].notna()
    below = (has_b | has_a) & (~has_b | (value * BREAK_FACTOR < before["low"]))
    below &= ~has_a | (value * BREAK_FACTOR < after["low"])
    above = (has_b | has_a) & (~has_b | (value > BREAK_FACTOR * before["high"]))
    above &= ~has_a | (value > BREAK_FACTOR * after["high"])
    bad = (below | above).to_numpy()
    prev = labels_at(reported.index, before["_nb"][bad])
    nxt = labels_at(reported.index, after["_nb"][bad])
    # One neighbour named once when it is both (the same period's reported value).
    nxt[nxt == prev] = None
    return hit_frame(derived.index[bad], prev, nxt)


def bound_preferred(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return series periods whose preferred value is a bound although an exact one exists."""
    sub = work.loc[work["rank"] >= -1]
    if not sub["bound"].any():
        return NO_HITS
    period = combined_codes(sub["series"].cat.codes, sub["start"], sub["end"])
    is_exact = ~sub["bound"].to_numpy()
    exact = np.bincount(period, weights=is_exact)[period] > 0
    first = (sub["rank"].to_numpy() == 0) & ~is_exact & exact
    if not first.any():
        return NO_HITS
    # Each period's first exact row, looked up by code.
    exact_periods, at = np.unique(period[is_exact], return_index=True)
    labels = np.full(int(period.max(initial=0)) + 1, None, dtype=object)
    labels[exact_periods] = sub.index[is_exact].to_numpy(dtype=object)[at]
    return hit_frame(sub.index[first], labels[period[first]])


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
    return hit_frame(found_cum, found_part)


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
    return hit_frame(bad["_ytd"], bad["_full"])


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
    return hit_frame(labels[at], labels[at - 1], labels[at + 1])


def yoy_without_wording(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return yoy rates above 300% whose quote has no year-on-year wording."""
    big = work.index[(work["yoy"] > MAX_PLAIN_YOY).to_numpy()]
    if not len(big):
        return NO_HITS
    quotes = text_values(frame.loc[big, "quote"]).map(normalise_scope)
    return hit_frame(
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
    codes = combined_codes(row_series, row_scopes)
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
    return hit_frame(work.index[has][bad], zh=zh[codes][bad], en=en[codes][bad])


def period_kind_off_line(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return figures of a kind alone in a series whose other figures share one kind."""
    base = work.loc[(work["series"] != "") & (work["basis"] == "reported") & (work["kind"] != "")]
    if not len(base):
        return NO_HITS
    pair = combined_codes(base["series"].cat.codes, base["kind"].cat.codes)
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
    return hit_frame(
        base.index[lone.to_numpy()],
        zh=[f"期间类型 {k}，系列多为 {m}" for k, m in zip(kinds, lines, strict=True)],
        en=[f"kind {k}, series line {m}" for k, m in zip(kinds, lines, strict=True)],
    )


def bound_with_yoy(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return reported bounds that carry a yoy."""
    mask = work["bound"] & work["yoy"].notna() & (work["basis"] == "reported")
    return hit_frame(work.index[mask.to_numpy()])


def derived_from_bound(work: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return derived rows that carry a bound or were computed from a reported bound."""
    derived = (work["basis"] == "derived").to_numpy()
    bound = work["bound"].to_numpy()
    carried = hit_frame(work.index[derived & bound])
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
    made = hit_frame(joined.loc[close, "_kid"], joined.loc[close, "_mom"])
    return pd.concat([carried, made], ignore_index=True)


RULE_FUNCTIONS: dict[str, Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]] = {
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
