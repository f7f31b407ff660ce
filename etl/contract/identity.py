"""THE figure identity: which rows are the same figure, whoever wrote them and in which script.

Uploads (already present / contradicting), undo, dedupe and the charts all ask this module, so a
figure written in traditional characters is the same figure as its simplified twin everywhere.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from etl.contract.places import to_simplified

KEY_COLUMNS = ("metric", "region", "route", "scope", "period_start", "period_end", "basis")
# The unit separator never occurs in a cell (uploads refuse control characters), so joined keys
# cannot collide.
KEY_SEP = "\x1f"
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    return _SPACE_RE.sub(" ", to_simplified(text)).strip()


def normalise_scope(scope: object) -> str:
    """Return a scope's identity text: simplified characters, whitespace collapsed, trimmed."""
    if scope is None or (isinstance(scope, float) and scope != scope):
        return ""
    return _normalise(str(scope))


def _text(series: pd.Series, col: str) -> pd.Series:
    if col in ("period_start", "period_end"):
        if pd.api.types.is_datetime64_any_dtype(series):
            return series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), "")
        return series.astype(object).where(series.notna(), "").astype(str).str[:10]
    text = series.astype(object).where(series.notna(), "").astype(str)
    if col == "scope":
        # Each distinct scope is folded once: a million rows share a few hundred scopes.
        uniques = pd.unique(text.to_numpy())
        return text.map(dict(zip(uniques, map(normalise_scope, uniques), strict=True)))
    return text


def figure_keys(frame: pd.DataFrame) -> pd.Series:
    """Return each row's figure identity (metric, region, route, scope, period, basis) as text."""
    parts = []
    for col in KEY_COLUMNS:
        # Each distinct cell's text is made once and spread to its rows by code (a missing
        # cell, code -1, takes the last: ""): a table holds far fewer distinct cells than rows.
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        texts = _text(pd.Series(uniques), col).astype(str).tolist()
        parts.append(np.asarray([*texts, ""], dtype=object)[codes])
    keys = [KEY_SEP.join(row) for row in zip(*parts, strict=True)]
    return pd.Series(keys, index=frame.index, dtype=object)


# Hex digits of a key's sha256 the store keeps (128 bits): no two of the figures a store will
# ever hold share them (a clash needs some 2^64 of them), and each of the two identity indexes
# of a million figures is half the size it is at 64, so a merge rewrites half the pages.
DIGEST_HEX = 32


def figure_digests(frame: pd.DataFrame) -> list[str]:
    """Return each row's figure key as the store's database indexes it (the first DIGEST_HEX
    hex digits of its sha256; etl.store.db.rows.figure_identities)."""
    return [
        hashlib.sha256(k.encode("utf-8")).hexdigest()[:DIGEST_HEX]
        for k in figure_keys(frame).tolist()
    ]


def figure_pairs(frame: pd.DataFrame) -> pd.MultiIndex:
    """Return (figure key, value) of each row, for matching rows by identity and value."""
    return pd.MultiIndex.from_arrays(
        [figure_keys(frame).to_numpy(), frame["value"].astype(float).to_numpy()],
        names=["key", "value"],
    )


# Mixes one column's hash into a row's (64-bit FNV prime; uint64 arithmetic wraps).
_MIX = np.uint64(0x100000001B3)


def _column_hashes(series: pd.Series, col: str) -> np.ndarray:
    # Each distinct cell is turned into its identity text and hashed once, then spread to the
    # rows by code: an upload or a table holds far fewer distinct cells than rows.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = _text(pd.Series(uniques), col).astype(str).to_numpy(dtype=object)
    hashed = pd.util.hash_array(np.append(texts, ""), categorize=False)  # last: a missing cell
    return np.asarray(hashed, dtype=np.uint64)[codes]


def _value_texts(values: pd.Series) -> pd.Series:
    # The shortest text that reads back as the same float (12.0 → "12"), NaN as "".
    out = []
    for x in values.astype(float).tolist():
        text = "" if x != x else repr(x)
        out.append(text[:-2] if text.endswith(".0") else text)
    return pd.Series(out, dtype=object)


def figure_hashes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the uint64 hash of each row's figure key and of its (key, value) pair.

    Equal keys (as figure_keys compares them) hash equal; a shared hash is only a candidate for
    the exact comparison, never proof of the same figure.
    """
    keys = np.zeros(len(frame), dtype=np.uint64)
    if not len(frame):
        return keys, keys.copy()
    for col in KEY_COLUMNS:
        keys = (keys * _MIX) ^ _column_hashes(frame[col], col)
    codes, uniques = pd.factorize(frame["value"].astype(float), use_na_sentinel=True)
    texts = _value_texts(pd.Series(uniques)).to_numpy(dtype=object)
    values = np.asarray(pd.util.hash_array(np.append(texts, ""), categorize=False), np.uint64)
    return keys, (keys * _MIX) ^ values[codes]
