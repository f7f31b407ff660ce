"""THE figure identity: which rows are the same figure, whoever wrote them and in which script.

Uploads (already present / contradicting), undo, dedupe and the charts all ask this module, so a
figure written in traditional characters is the same figure as its simplified twin everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    key: pd.Series | None = None
    for col in KEY_COLUMNS:
        part = _text(frame[col], col).astype(str)
        key = part if key is None else key + KEY_SEP + part
    assert key is not None
    return key


def figure_pairs(frame: pd.DataFrame) -> pd.MultiIndex:
    """Return (figure key, value) of each row, for matching rows by identity and value."""
    return pd.MultiIndex.from_arrays(
        [figure_keys(frame).to_numpy(), frame["value"].astype(float).to_numpy()],
        names=["key", "value"],
    )
