"""Vocabulary cells (metric, unit, region, route, basis, qualifier, series) read from their labels
and aliases as keys; an unknown value is refused with the closest allowed ones."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from etl.contract.qualifiers import BOUNDS, LABELS_EN, LABELS_ZH, parse_qualifier
from etl.contract.series import series_by_key
from etl.contract.vocabulary import (
    VOCABULARY_COLUMNS,
    alias_text,
    allowed_values,
    load_metrics,
    unit_aliases,
    value_aliases,
)
from etl.uploads.limits import MAX_LISTED_PROBLEMS
from etl.uploads.problem_list import ProblemList

# A refusal lists at most this many allowed values (the closest first).
MAX_ALLOWED_LISTED = 8


def allowed_hint(column: str, value: str) -> tuple[str, str]:
    """Return the allowed values to name in a refusal: the closest few, else the first few."""
    choices = allowed_values(column)
    by_alias = {alias_text(c.split(" (")[0]): c for c in choices}
    by_alias.update({alias_text(c.split(" (")[1].rstrip(")")): c for c in choices})
    near = difflib.get_close_matches(alias_text(value), list(by_alias), n=MAX_ALLOWED_LISTED)
    listed = list(dict.fromkeys(by_alias[n] for n in near)) or choices[:MAX_ALLOWED_LISTED]
    more = len(choices) - len(listed)
    tail_zh = f" 等共 {len(choices)} 个" if more > 0 else ""
    tail_en = f" ({len(choices)} in all)" if more > 0 else ""
    prefix_zh, prefix_en = ("最接近的：", "closest: ") if near else ("可用：", "allowed: ")
    return (
        prefix_zh + "、".join(listed) + tail_zh,
        prefix_en + ", ".join(listed) + tail_en,
    )


def translate_vocabulary(text: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """Return the frame with labels and aliases of vocabulary values replaced by their keys.

    An unknown value is recorded with the allowed values (the closest ones); a unit written as
    the metric's unit label (标箱, 列, 元 …) becomes the metric's unit key.
    """
    out = text.copy()
    for col in VOCABULARY_COLUMNS:
        if col not in out:
            continue
        aliases = value_aliases(col)
        # Each distinct cell is looked up once and the answer spread to the rows by code.
        codes, uniques = pd.factorize(out[col])
        found = [aliases.get(alias_text(str(u))) if u != "" else "" for u in uniques]
        missing = np.array([k is None for k in found], dtype=np.bool_)
        unknown = pd.Series(missing[codes], index=out.index, dtype=bool)
        for value in pd.unique(out.loc[unknown, col].to_numpy())[: MAX_LISTED_PROBLEMS + 1]:
            zh, en = allowed_hint(col, str(value))
            problems.add_mask(
                unknown & (out[col] == value),
                out[col],
                col,
                f"“{col}”不在词表中；{zh}",
                f"'{col}' is not in the vocabulary; {en}",
            )
        translated = np.array([k or u for k, u in zip(found, uniques, strict=True)], dtype=object)
        out[col] = pd.Series(translated[codes], index=out.index, dtype=object)
    metrics = load_metrics()
    if "unit" in out and "metric" in out:
        pairs = out[["metric", "unit"]].drop_duplicates()
        fixed = {}
        for metric, unit in pairs.itertuples(index=False):
            if metric in metrics and alias_text(str(unit)) in unit_aliases(metric):
                fixed[(metric, unit)] = metrics[metric].unit
        # Only the pairs written otherwise than as the key change (a few masks, not a row loop).
        changed = {pair: key for pair, key in fixed.items() if pair[1] != key}
        if changed:
            units = out["unit"].to_numpy(dtype=object, copy=True)
            for (metric, unit), key in changed.items():
                units[((out["metric"] == metric) & (out["unit"] == unit)).to_numpy()] = key
            out["unit"] = pd.Series(units, index=out.index, dtype=object)
        known = {m: metrics[m].unit for m in pd.unique(out["metric"].to_numpy()) if m in metrics}
        expected = out["metric"].map(known)
        wrong = expected.notna() & (out["unit"] != "") & (out["unit"] != expected)
        for metric in pd.unique(out.loc[wrong, "metric"].to_numpy()):
            m = metrics[str(metric)]
            problems.add_mask(
                wrong & (out["metric"] == metric),
                out["unit"],
                "unit",
                f"单位与指标不符：{m.label_zh}的单位应为 {m.unit_zh}（{m.unit}）",
                f"unit does not match the metric: {m.label_en} is in {m.unit_en} ({m.unit})",
            )
    if "yoy_pct" in out:
        # "12.3%" and "12.3％" are what a spreadsheet shows for a percentage.
        out["yoy_pct"] = each_distinct(out["yoy_pct"], lambda v: PERCENT_SIGN_RE.sub("", v))
    return out


# A percent sign at the end of a cell, and the blanks before it.
PERCENT_SIGN_RE = re.compile(r"\s*[%％]$")


def each_distinct(column: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Return the text column with func applied to each distinct cell once (missing cells kept)."""
    # A column of 200,000 cells holds a few hundred distinct ones: read once, spread by code.
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = np.array([func(str(u)) for u in uniques] + [np.nan], dtype=object)
    return pd.Series(mapped[codes], index=column.index, dtype=column.dtype)


# What a refusal of a qualifier cell lists: empty for exact, then the key and label of each bound.
QUALIFIER_ALLOWED_ZH = "留空或“准确”（按原文确切）、" + "、".join(
    f"{LABELS_ZH[k]}（{k}）" for k in BOUNDS
)


QUALIFIER_ALLOWED_EN = "empty or 'exact' (stated exactly), " + ", ".join(
    f"{LABELS_EN[k]} ({LABELS_ZH[k]})" for k in BOUNDS
)


def translate_qualifier(text: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """Return the frame with qualifier cells (超过, over, 约 …) as keys, refusing unknown ones."""
    if "qualifier" not in text:
        return text
    out = text.copy()
    # Each distinct cell is read once and the answer spread to the rows by code.
    codes, uniques = pd.factorize(
        out["qualifier"].astype(object).where(out["qualifier"].notna(), "")
    )
    keys = [parse_qualifier(u) for u in uniques]
    unknown = pd.Series(
        np.array([k is None for k in keys], dtype=bool)[codes], index=out.index, dtype=bool
    )
    problems.add_mask(
        unknown,
        out["qualifier"].astype(object),
        "qualifier",
        f"无法识别的限定词；可用：{QUALIFIER_ALLOWED_ZH}",
        f"unknown qualifier; allowed: {QUALIFIER_ALLOWED_EN}",
    )
    translated = np.array([k if k is not None else "" for k in keys], dtype=object)
    out["qualifier"] = pd.Series(translated[codes], index=out.index, dtype=object)
    return out


@cache
def _series_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, series in series_by_key().items():
        for word in (series.label_zh, series.label_en):
            out.setdefault(alias_text(word), key)
    out.update({alias_text(k): k for k in series_by_key()})
    return out


def translate_labels(text: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with series labels (the template's drop-downs) as keys."""
    out = text.copy()
    if "series" in out:
        aliases = _series_aliases()
        out["series"] = each_distinct(
            out["series"], lambda v: aliases.get(alias_text(v), v) if v else v
        )
    # Qualifier labels are read by translate_qualifier (each distinct cell once).
    return out
