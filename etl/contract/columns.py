"""The contract's tables by their columns, in order: what the store's tables and every reader name.

Apart from the schemas (etl.contract.schema, pandas and pandera): a process that only opens the
store and sends an upload to its limited child needs the names, not pandas.
"""

from __future__ import annotations

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "metric",
    "value",
    "qualifier",
    "unit",
    "period_start",
    "period_end",
    "region",
    "route",
    "scope",
    "series",
    "yoy_pct",
    "basis",
    "source_id",
    "quote",
)
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_id",
    "title",
    "publisher",
    "published",
    "published_inferred",
    "url",
    "kind",
    "file_name",
    "sha256",
    "added_by",
    "added_at",
    "note",
)
