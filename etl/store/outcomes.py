"""What a write command returns: the batch written, or with approval on the pending item stored."""

from __future__ import annotations

from dataclasses import dataclass

from etl.store.preview import Preview


@dataclass(frozen=True)
class MergeResult:
    """What a merge did: the batch written (None when nothing changed) and its preview."""

    batch_id: str | None
    preview: Preview
    hash_before: str
    hash_after: str
    pending_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A figure change: the batch written, or with approval on the pending item stored instead."""

    batch_id: str | None
    pending_id: str | None = None
