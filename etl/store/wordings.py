"""Wordings that map a scope to a series: the refusal of a series the catalogue does not hold
(the batch that records a wording: etl.store.db.operations)."""

from __future__ import annotations

from etl.contract.errors import CorridorError
from etl.contract.series import series_by_key


def series_refusal(key: str) -> CorridorError:
    """Return the refusal of a series key the catalogue does not hold, listing the valid ones."""
    valid = ", ".join(sorted(series_by_key()))
    return CorridorError.single(
        f"未知的系列编号；可用的系列：{valid}",
        f"unknown series key; valid series: {valid}",
        column="series",
        value=key,
    )
