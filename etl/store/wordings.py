"""Wordings that map a scope to a series: the check and the batch that records one."""

from __future__ import annotations

from typing import Any

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.contract.series import series_by_key
from etl.store.batches import (
    Batch,
    Change,
    commit_batch,
    empty_sources,
    no_rows,
    read_active_wordings,
    read_batches,
    table_hash,
)
from etl.store.table import load_built, state_after


def series_refusal(key: str) -> CorridorError:
    """Return the refusal of a series key the catalogue does not hold, listing the valid ones."""
    valid = ", ".join(sorted(series_by_key()))
    return CorridorError.single(
        f"未知的系列编号；可用的系列：{valid}",
        f"unknown series key; valid series: {valid}",
        column="series",
        value=key,
    )


def check_new_wording(layout: Layout, key: str, text: str) -> None:
    """Refuse a wording already mapped to the series."""
    if (key, text) in read_active_wordings(layout):
        raise CorridorError.single(
            "该措辞已映射到这个系列",
            "this wording already maps to this series",
            column="wording",
            value=text,
        )


def commit_wording(
    layout: Layout, who: str, key: str, text: str, info: dict[str, Any] | None = None
) -> str:
    """Commit a wording mapping as `who`'s batch (the caller holds the lock); return its id."""
    check_new_wording(layout, key, text)
    built_obs, built_src = load_built(layout)
    batches = read_batches(layout)
    current, _ = state_after(built_obs, built_src, batches)
    record = {"series": key, "wording": text}
    pending = Batch(
        id="999999-ffffffff",
        seq=10**6,
        path=layout.batches,
        record={"kind": "wording", **record},
        added=no_rows(),
        removed=no_rows(),
        sources=empty_sources(),
        removed_sources=empty_sources(),
    )
    after, _ = state_after(built_obs, built_src, [*batches, pending])
    joined = int(((after["series"] == key) & (current["series"] != key)).sum())
    change = Change(kind="wording", who=who, info={**record, "rows_joined": joined, **(info or {})})
    return commit_batch(layout, change, table_hash(current), table_hash(after))
