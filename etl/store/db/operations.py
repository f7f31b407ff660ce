"""The store's changes on the database, each in one transaction: merging rows, registering a
source, correcting or retracting a figure, mapping a wording and undoing a batch.

Each works out its change from what the transaction reads and records it (etl.store.db.changes)
before committing, so what it checked is what it changed: two writers queue at BEGIN on SQLite
and at the batch lock on PostgreSQL, and the identity index refuses a figure added twice.
Roles are checked by the callers (etl.store.commands).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as with_fields
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from etl.contract.errors import CorridorError
from etl.contract.identity import figure_keys, figure_pairs
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.series import fill_series, series_by_key
from etl.store.batches import Change
from etl.store.db import tables as t
from etl.store.db.changes import (
    active_figures,
    batch_figures,
    batch_sources,
    figures_frame,
    record_change,
    unindexed,
    with_identities_anywhere,
)
from etl.store.db.engine import writing
from etl.store.db.reading import active_wordings, read_observations_arrow
from etl.store.db.rows import figure_identities, observations_frame
from etl.store.db.writes import refuse_identity_clash
from etl.store.figure_changes import FigureChange, FigureEdit, figure_change
from etl.store.outcomes import MergeResult
from etl.store.preview import (
    Checked,
    Preview,
    all_new,
    contradiction_error,
    preview_rows,
    refuse_unknown_sources,
    replacement_records,
)

# Sorts after every batch id: a figure never removed stands after every batch.
LATEST = "~"
# The table hash of the batch format is gone: results carry this in its place.
NO_HASH = ""


def active_source_ids(connection: Connection) -> set[str]:
    """Return the ids of the sources registered now."""
    s = t.sources
    return set(
        connection.execute(sa.select(s.c.source_id).where(s.c.removed_batch.is_(None))).scalars()
    )


def preview_against(
    connection: Connection, rows: pd.DataFrame, identities: Sequence[str] | None = None
) -> Preview:
    """Return the preview of rows against the figures held now, reading only those that share an
    identity with a row; identities: the rows' figure_identities, when the caller has them."""
    if identities is None or len(identities) != len(rows):
        identities = figure_identities(rows) if len(rows) else []
    held = active_figures(connection, identities) if len(rows) else []
    if not held:
        return all_new(rows)
    return preview_rows(figures_frame(held, "database: figures"), rows)


def store_state(connection: Connection) -> tuple[int, str]:
    """Return the store's state as two reads can compare it: the data version, which every
    change raises, and the last batch's id (another history after a restore has other ids)."""
    b = t.batches
    version = connection.execute(sa.select(t.data_version.c.version)).scalar_one()
    last = connection.execute(sa.select(b.c.id).order_by(b.c.seq.desc()).limit(1)).scalar()
    return int(version), str(last or "")


def check_against(
    connection: Connection, rows: pd.DataFrame, identities: Sequence[str] | None = None
) -> Preview:
    """Return the preview of rows against the figures held now, carrying itself as checked at
    the store's state."""
    # Read first: on PostgreSQL each statement sees the latest commit, and a commit after this
    # read raises the version, so a merge that still finds this state knows what was read.
    state = store_state(connection)
    preview = preview_against(connection, rows, identities)
    return with_fields(preview, checked=Checked(preview, rows, state))


def store_received(connection: Connection, data: bytes, sha256: str, ext: str) -> str:
    """Keep a received file, named by its sha256, once; return its name (uploads/<sha>.<ext>)."""
    name = f"uploads/{sha256}.{ext}"
    f = t.received_files
    if connection.execute(sa.select(f.c.name).where(f.c.name == name)).first() is None:
        digest = hashlib.sha256(data).hexdigest()
        connection.execute(sa.insert(f), [{"name": name, "sha256": digest, "content": data}])
    return name


@dataclass(frozen=True)
class MergeRequest:
    """Validated rows to merge as one batch, and what the batch records with them."""

    rows: pd.DataFrame
    kind: str
    name: str
    # Contradictions replace the figures held instead of refusing the merge.
    replace: bool = False
    info: dict[str, Any] | None = None
    # Sources registered with the rows (an article's); an id held already keeps its row.
    sources: pd.DataFrame | None = None
    # The file as received (data, sha256, extension), kept once under its sha256.
    received: tuple[bytes, str, str] | None = None
    # Kept beside the received file as <sha256>.source.json.
    sidecar: dict[str, Any] | None = None
    # The rows' figure_identities, when the caller computed them already.
    identities: Sequence[str] | None = None
    # The rows' preview as check_against read it, reused while the store stays in that state.
    checked: Checked | None = None


def merge_rows(engine: Engine, who: str, request: MergeRequest) -> MergeResult:
    """Merge validated rows as one batch in one transaction; refuse contradictions unless
    replace."""
    try:
        with writing(engine) as connection:
            return merge_in(connection, who, request)
    except IntegrityError as exc:
        refuse_identity_clash(exc)
        raise


def check_merge(
    connection: Connection, request: MergeRequest
) -> tuple[Preview, pd.DataFrame | None]:
    """Return the rows' preview in the caller's transaction and the request's sources not held
    yet; refuse rows citing an unknown source, and contradictions unless replace."""
    sources = request.sources
    known = active_source_ids(connection)
    if sources is not None:
        sources = sources.loc[~sources["source_id"].isin(known)]
        known |= set(sources["source_id"])
    refuse_unknown_sources(request.rows, known, request.name)
    preview = _still_checked(connection, request)
    if preview is None:
        preview = preview_against(connection, request.rows, request.identities)
    if len(preview.contradicting) and not request.replace:
        raise contradiction_error(preview, request.name)
    return preview, sources


def merge_in(connection: Connection, who: str, request: MergeRequest) -> MergeResult:
    """Merge rows in the caller's write transaction (see merge_rows)."""
    rows, identities = request.rows, request.identities
    if identities is None or len(identities) != len(rows):
        identities = figure_identities(rows)  # once: the preview and the inserts share them
    preview, sources = check_merge(connection, with_fields(request, identities=identities))
    if not preview.changes and not (sources is not None and len(sources)):
        return MergeResult(None, preview, NO_HASH, NO_HASH)
    added = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    ).sort_index(kind="stable")
    added_identities = identities_at(rows, identities, added.index)
    # The preview, read in this transaction or at the state it holds, found no active figure
    # with a new row's identity.
    new_identities = identities_at(rows, identities, preview.new.index)
    unheld = frozenset(new_identities or ())
    added = added.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    removed = preview.replaced.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    record = dict(request.info or {})
    if request.received is not None:
        data, sha256, ext = request.received
        record["stored_as"] = store_received(connection, data, sha256, ext)
        if request.sidecar is not None:
            text = json.dumps(request.sidecar, ensure_ascii=False, indent=2) + "\n"
            store_received(connection, text.encode("utf-8"), sha256, "source.json")
    record["replaced"] = replacement_records(preview)
    change = Change(
        kind=request.kind, who=who, added=added, removed=removed, sources=sources, info=record
    )
    batch_id = record_change(connection, change, added_identities=added_identities, unheld=unheld)
    return MergeResult(batch_id, preview, NO_HASH, NO_HASH)


def _still_checked(connection: Connection, request: MergeRequest) -> Preview | None:
    """Return the preview checked for the request's rows when the store is still in the state
    it was read at (this write transaction holds it there), else None."""
    checked = request.checked
    if checked is None or checked.rows is not request.rows:
        return None
    return checked.preview if store_state(connection) == checked.state else None


def identities_at(
    rows: pd.DataFrame, identities: Sequence[str], index: pd.Index
) -> list[str] | None:
    """Return the identities of the rows at the index labels (None when labels repeat)."""
    if not rows.index.is_unique:
        return None
    by_label = pd.Series(list(identities), index=rows.index, dtype=object)
    return by_label.loc[index].tolist()


def add_source(engine: Engine, who: str, source: pd.DataFrame) -> str:
    """Register a source (one checked sources row) as a batch; return the batch id."""
    source_id = str(source["source_id"].iloc[0])
    with writing(engine) as connection:
        if source_id in active_source_ids(connection):
            raise CorridorError.single(
                "来源编号已存在",
                "a source with this id already exists",
                column="source_id",
                value=source_id,
            )
        return record_change(connection, Change(kind="source", who=who, sources=source, info={}))


def apply_figure_change(
    connection: Connection, who: str, change: FigureChange, info: dict[str, Any] | None = None
) -> str:
    """Record a correction or retraction in the caller's transaction; refuse it when the figure
    it replaces is no longer held as it was read."""
    batch = Change(
        kind=change.kind,
        who=who,
        added=change.added,
        removed=change.old,
        info={**change.info, **(info or {})},
    )
    return record_change(connection, batch, strict=True)


def change_figure(engine: Engine, who: str, edit: FigureEdit) -> str:
    """Correct or retract the one figure the edit picks out, in one transaction; return the
    batch id."""
    with writing(engine) as connection:
        change = figure_change(read_observations_arrow(engine), edit)
        return apply_figure_change(connection, who, change)


def _metric_rows(connection: Connection, metric: str) -> pd.DataFrame:
    f = t.figures
    rows = connection.execute(
        sa.select(*(f.c[c] for c in OBSERVATION_COLUMNS))
        .where(f.c.removed_batch.is_(None), f.c.metric == metric)
        .order_by(f.c.id)
    ).all()
    return observations_frame(rows, "database: figures")


def check_new_wording(connection: Connection, key: str, text: str) -> None:
    """Refuse a wording already mapped to the series."""
    if (key, text) in active_wordings(connection):
        raise CorridorError.single(
            "该措辞已映射到这个系列",
            "this wording already maps to this series",
            column="wording",
            value=text,
        )


def wording_in(
    connection: Connection, who: str, key: str, text: str, info: dict[str, Any] | None = None
) -> str:
    """Record a wording mapping in the caller's transaction; return the batch id."""
    check_new_wording(connection, key, text)
    wordings = active_wordings(connection)
    held = _metric_rows(connection, series_by_key()[key].metric)
    before = fill_series(held, wordings)["series"]
    after = fill_series(held, (*wordings, (key, text)))["series"]
    joined = int(((after == key) & (before != key)).sum())
    record = {"series": key, "wording": text}
    change = Change(kind="wording", who=who, info={**record, "rows_joined": joined, **(info or {})})
    return record_change(connection, change)


def add_wording(engine: Engine, who: str, key: str, text: str) -> str:
    """Map a scope wording to a series as a batch in one transaction; return the batch id."""
    with writing(engine) as connection:
        return wording_in(connection, who, key, text)


def find_batch(connection: Connection, ref: str) -> dict[str, Any]:
    """Return the batch a reference names (full id or sequence number) as a mapping."""
    b = t.batches
    ref = ref.strip()
    condition = b.c.id == ref
    if ref.isdigit():
        condition = sa.or_(condition, b.c.seq == int(ref))
    row = connection.execute(sa.select(b).where(condition)).mappings().first()
    if row is None:
        raise CorridorError.single("找不到该批次", "no such batch", value=ref)
    return dict(row)


def _pairs(frame: pd.DataFrame, keys: pd.Index) -> list[str]:
    return sorted(figure_pairs(frame.loc[figure_keys(frame).isin(keys).to_numpy()]).tolist())


def _held_after(connection: Connection, identities: list[str], batch_id: str) -> pd.DataFrame:
    """Return the figures with the identities as they stood right after the batch committed."""
    f = t.figures
    query = sa.select(f.c.id, *(f.c[c] for c in OBSERVATION_COLUMNS)).where(
        unindexed(f.c.added_batch) <= batch_id,
        unindexed(f.c.removed_batch, LATEST) > batch_id,
    )
    rows = sorted(with_identities_anywhere(connection, query, identities), key=lambda r: r[0])
    return observations_frame([r[1:] for r in rows], "database: figures")


def _later_batches(connection: Connection, identities: list[str], batch_id: str) -> list[str]:
    f = t.figures
    query = sa.select(f.c.added_batch, f.c.removed_batch).where(
        sa.or_(unindexed(f.c.added_batch) > batch_id, unindexed(f.c.removed_batch) > batch_id)
    )
    found: set[str] = set()
    for added, removed in with_identities_anywhere(connection, query, identities):
        found |= {b for b in (added, removed) if b is not None and b > batch_id}
    return sorted(found)


def undo_in(connection: Connection, who: str, ref: str, why: str) -> str:
    """Undo a batch as a new batch in the caller's transaction; refuse when a later batch changed
    the same figures, or rows still cite a source it registered."""
    target = find_batch(connection, ref)
    batch_id = str(target["id"])
    if target["status"] == "undone":
        raise CorridorError.single("该批次已撤销", "this batch is already undone", value=batch_id)
    added, removed = batch_figures(connection, batch_id)
    identities = sorted(set(figure_identities(added)) | set(figure_identities(removed)))
    touched = pd.Index(pd.concat([figure_keys(added), figure_keys(removed)]).unique())
    now = figures_frame(active_figures(connection, identities), "database: figures")
    if _pairs(_held_after(connection, identities, batch_id), touched) != _pairs(now, touched):
        later = ", ".join(_later_batches(connection, identities, batch_id))
        raise CorridorError.single(
            f"之后的批次 {later} 修改了同一数据；请先撤销它们",
            f"later batches {later} changed the same figures; undo them first",
            value=batch_id,
        )
    registered, unregistered = batch_sources(connection, batch_id)
    gone_ids = set(registered["source_id"])
    _refuse_cited(connection, gone_ids, batch_id, removed)
    s = t.sources
    active_ids = set(
        connection.execute(
            sa.select(s.c.source_id).where(s.c.removed_batch.is_(None), s.c.source_id.in_(gone_ids))
        ).scalars()
    )
    change = Change(
        kind="undo",
        who=who,
        added=removed,
        removed=added,
        sources=unregistered,
        removed_sources=registered.loc[registered["source_id"].isin(active_ids)],
        info={"undoes": batch_id, "reason": why},
    )
    undo_id = record_change(connection, change, strict=False)
    b = t.batches
    connection.execute(
        sa.update(b).where(b.c.id == batch_id).values(status="undone", undone_by=undo_id)
    )
    if target["undoes"]:  # undoing an undo puts the batch it took back in effect again
        again = b.c.id == target["undoes"]
        approved = connection.execute(sa.select(b.c.approved_by).where(again)).scalar()
        connection.execute(
            sa.update(b)
            .where(again)
            .values(status="approved" if approved else "applied", undone_by=None)
        )
    return undo_id


def _refuse_cited(
    connection: Connection, gone_ids: set[str], batch_id: str, removed: pd.DataFrame
) -> None:
    if not gone_ids:
        return
    f = t.figures
    cited = set(
        connection.execute(
            sa.select(f.c.source_id).where(
                # Read in table order: given removed_batch IS NULL, SQLite walked the active
                # identity index (its WHERE) and fetched each figure from it, 7x slower at 1M.
                unindexed(f.c.removed_batch) == "",
                f.c.source_id.in_(sorted(gone_ids)),
                sa.or_(f.c.added_batch.is_(None), f.c.added_batch != batch_id),
            )
        ).scalars()
    )
    # The figures the undo returns cite their sources again.
    cited |= set(removed["source_id"])
    still_used = sorted(gone_ids & cited)
    if still_used:
        raise CorridorError.single(
            "仍有数据引用该批次登记的来源；请先撤销这些数据",
            "rows still cite a source this batch registered; undo those rows first",
            column="source_id",
            value=", ".join(still_used),
        )


def undo_batch(engine: Engine, who: str, ref: str, why: str = "") -> str:
    """Undo a batch as a new batch in one transaction; return the undo's batch id."""
    with writing(engine) as connection:
        return undo_in(connection, who, ref, why)
