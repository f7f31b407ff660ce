"""An upload merged part by part while its limited child checks the next part: one batch in one
write transaction, its row written first, each part's new figures inserted as the part comes,
its counts, audit entry and version after the last; committed only then, so a refusal at any
point (a problem in the file, a contradiction, a child over its limits) leaves nothing.

For a merge nobody confirms after its preview (`corridor ingest --yes`): the preview is shown
once the figures are in, before the commit.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from etl.contract.identity import figure_digests
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.store.batches import Change
from etl.store.db.changes import (
    add_batch_figures,
    close_batch,
    count_batch,
    open_batch,
    pause_if_asked,
)
from etl.store.db.engine import writing
from etl.store.db.operations import (
    NO_HASH,
    active_source_ids,
    identities_at,
    preview_against,
    store_received,
)
from etl.store.db.writes import refuse_identity_clash
from etl.store.outcomes import MergeResult
from etl.store.preview import (
    Preview,
    all_new,
    contradiction_error,
    refuse_unknown_sources,
    replacement_records,
)
from etl.uploads.upload import stream_upload

Hashes = tuple[np.ndarray, np.ndarray]


class _NothingToMerge(Exception):
    """Every row is held already: the transaction rolls back (no batch number used)."""

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview


class _Batch:
    """The batch being merged in the caller's write transaction, fed part by part."""

    def __init__(self, connection: Connection, who: str, name: str, data: bytes, kind: str):
        self.connection, self.who, self.name = connection, who, name
        self.known = active_source_ids(connection)
        sha256 = hashlib.sha256(data).hexdigest()
        self.info: dict[str, Any] = {"file_name": name, "file_sha256": sha256, "file_kind": kind}
        self.info["stored_as"] = store_received(connection, data, sha256, kind)
        # Counted when the last part is in; empty frames, not the contract's empty table (whose
        # schema would import pandera into a process that checks nothing itself).
        nothing = pd.DataFrame()
        opening = Change(kind="upload", who=who, added=nothing, removed=nothing, info=self.info)
        self.batch_id, self.opened = open_batch(connection, opening)
        self.parts: list[Preview] = []
        self.contradicted = False
        self.inserted = False

    def add(self, rows: pd.DataFrame) -> None:
        """Insert the part's new rows (none once any row contradicts a held figure)."""
        # The child checked the sources read before it started; one removed since is refused.
        refuse_unknown_sources(rows, self.known, self.name)
        identities = figure_digests(rows)
        preview = preview_against(self.connection, rows, identities)
        self.parts.append(preview)
        self.contradicted = self.contradicted or bool(len(preview.contradicting))
        if self.contradicted or not len(preview.new):
            return
        new_identities = identities_at(rows, identities, preview.new.index)
        added = preview.new.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
        # The preview, read in this transaction, found no active figure with these identities;
        # earlier parts hold none either (the child refuses a figure repeated in the file).
        unheld = frozenset(new_identities or ())
        add_batch_figures(self.connection, added, self.batch_id, new_identities, unheld)
        if not self.inserted:
            self.inserted = True
            pause_if_asked()  # a crash test's moment: figures in, the batch not yet counted

    def finish(self, shown: Callable[[Preview], None]) -> MergeResult:
        """Show the whole preview, then write the batch's counts, audit entry and version; refuse
        contradictions, and roll back when nothing changes."""
        preview = _joined(self.parts)
        shown(preview)
        if not preview.changes:
            raise _NothingToMerge(preview)
        if self.contradicted:
            raise contradiction_error(preview, self.name)
        added = preview.new.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
        info = self.info | {"replaced": replacement_records(preview)}
        change = Change(kind="upload", who=self.who, added=added, removed=added.iloc[:0], info=info)
        count_batch(self.connection, change, self.batch_id, self.opened)
        close_batch(self.connection, change, self.batch_id)
        return MergeResult(self.batch_id, preview, NO_HASH, NO_HASH)


def merge_streamed(
    engine: Engine,
    who: str,
    data: bytes,
    name: str,
    shown: Callable[[Preview], None],
    *,
    max_bytes: int | None = None,
) -> MergeResult:
    """Return the merge of an upload's bytes as one batch, checked in its limited child part by
    part while this process inserts the parts passed; shown(preview) is called once the rows
    are in and before the commit. Raises what parse_upload and merge_rows would, with nothing
    written."""
    with engine.connect() as connection:
        known = active_source_ids(connection)
    try:
        with contextlib.ExitStack() as stack:
            batch: list[_Batch] = []

            def start(kind: str) -> _Batch:
                # Opened at the first part, so other writers wait only while rows go in.
                if not batch:
                    connection = stack.enter_context(writing(engine))
                    batch.append(_Batch(connection, who, name, data, kind))
                return batch[0]

            def on_rows(kind: str, rows: pd.DataFrame, _hashes: Hashes) -> None:
                start(kind).add(rows)

            kind, _notes = stream_upload(data, name, known, on_rows, max_bytes=max_bytes)
            return start(kind).finish(shown)
    except _NothingToMerge as nothing:
        return MergeResult(None, nothing.preview, NO_HASH, NO_HASH)
    except IntegrityError as exc:
        refuse_identity_clash(exc)
        raise


def _joined(parts: list[Preview]) -> Preview:
    """Return the preview of all parts' rows (each part's rows in file order, parts in order)."""
    if not parts:
        return all_new(pd.DataFrame(columns=list(OBSERVATION_COLUMNS)))
    if len(parts) == 1:
        return parts[0]
    return Preview(
        new=pd.concat([p.new for p in parts]),
        present=pd.concat([p.present for p in parts]),
        contradicting=pd.concat([p.contradicting for p in parts]),
        replaced=pd.concat([p.replaced for p in parts]),
    )
