"""The only way stored data changes: each command takes an analyst Actor, works under the data
directory's lock, and records one batch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import replace as with_fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.fileio import write_bytes_atomic
from etl.contract.formulas import FORMULA_RE
from etl.contract.identity import KEY_COLUMNS, figure_keys, figure_pairs
from etl.contract.paths import Layout
from etl.contract.qualifiers import parse_qualifier
from etl.contract.schema import (
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    latest_period_end,
    observations_schema,
    validate,
)
from etl.contract.series import MAX_WORDING, fill_series, normalise_wording, series_by_key
from etl.contract.tables import (
    format_number,
    parse_sources,
    render_observations_csv,
)
from etl.store import batches as bt
from etl.store.auth import Actor, require_analyst
from etl.store.cache import load_cached_table
from etl.store.index import FigureIndex, after_change, load_index, row_hashes, write_index
from etl.store.preview import (
    MAX_LISTED,
    Preview,
    all_new,
    contradiction_error,
    preview_rows,
    replacement_records,
    with_more_new,
)
from etl.store.settings import load_settings
from etl.store.table import load_built, load_state, state_after
from etl.uploads.articles import ArticleProposal
from etl.uploads.validating import (
    CONTROL_RE,
    MARKUP_RE,
    QUALIFIER_ALLOWED_EN,
    QUALIFIER_ALLOWED_ZH,
    Upload,
    parse_upload,
    validate_rows,
)

SOURCE_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"


MAX_REASON = 1000


@dataclass(frozen=True)
class MergeResult:
    """What a merge did: the batch written (None when nothing changed) and its preview."""

    batch_id: str | None
    preview: Preview
    hash_before: str
    hash_after: str
    pending_id: str | None = None


def _known_sources(sources: pd.DataFrame) -> set[str]:
    return set(sources["source_id"].astype(str))


def validate_upload(
    layout: Layout, data: bytes, name: str, *, max_bytes: int | None = None
) -> tuple[Upload, Preview]:
    """Return the validated upload and its preview against the stored table (a dry run)."""
    index = load_index(layout)
    upload = parse_upload(data, name, index.sources, max_bytes=max_bytes)
    preview = indexed_preview(layout, index, upload.rows, upload.hashes[0])
    # Shown: the series each row joins (named, or by the rules and analysts' wordings); stored:
    # the series as uploaded, so the rules keep deciding for rows that name none.
    wordings = bt.read_active_wordings(layout)
    return upload, with_fields(
        preview,
        new=fill_series(preview.new, wordings),
        present=fill_series(preview.present, wordings),
        contradicting=fill_series(preview.contradicting, wordings),
    )


def indexed_preview(
    layout: Layout, index: FigureIndex, rows: pd.DataFrame, keys: np.ndarray | None = None
) -> Preview:
    """Return the preview of rows against the stored table, reading only rows that may match.

    The index names the held rows whose key hash equals an upload row's; only those are taken
    from the table and compared exactly with the upload rows that share their hashes, so an
    upload of new figures never reads the table. keys: the rows' key hashes, when known.
    """
    upload_keys = row_hashes(rows)[0] if keys is None else keys
    candidates = np.flatnonzero(np.isin(index.keys, upload_keys))
    if not len(candidates):
        return all_new(rows)
    table = load_cached_table(layout, write=False).observations
    if len(table) != index.rows:  # the index and the table disagree: compare with everything
        return preview_rows(table, rows)
    held = table.iloc[candidates]
    held_keys, _ = row_hashes(held)
    if not np.array_equal(held_keys, index.keys[candidates]):
        return preview_rows(table, rows)
    maybe = np.isin(upload_keys, held_keys)
    return with_more_new(preview_rows(held, rows.loc[maybe]), rows.loc[~maybe])


def _store_received(layout: Layout, data: bytes, sha256: str, ext: str) -> str:
    # Named by content: the same file received twice is stored once.
    path = layout.uploads / f"{sha256}.{ext}"
    if not path.exists():
        write_bytes_atomic(path, data)
    return path.relative_to(layout.root).as_posix()


def merge_rows(
    layout: Layout,
    rows: pd.DataFrame,
    actor: Actor,
    *,
    kind: str,
    name: str,
    replace: bool = False,
    info: dict[str, Any] | None = None,
    sources: pd.DataFrame | None = None,
    received: tuple[bytes, str, str] | None = None,
    sidecar: dict[str, Any] | None = None,
    hashes: tuple[np.ndarray, np.ndarray] | None = None,
) -> MergeResult:
    """Merge validated rows as one batch under the lock; refuse contradictions unless replace.

    hashes: the rows' figure_hashes, when the caller has them (an upload computes them once).
    """
    require_analyst(actor)
    with bt.write_lock(layout):
        return merge_locked(
            layout,
            rows,
            actor.name,
            kind=kind,
            name=name,
            replace=replace,
            info=info,
            sources=sources,
            received=received,
            sidecar=sidecar,
            hashes=hashes,
        )


def merge_locked(
    layout: Layout,
    rows: pd.DataFrame,
    who: str,
    *,
    kind: str,
    name: str,
    replace: bool = False,
    info: dict[str, Any] | None = None,
    sources: pd.DataFrame | None = None,
    received: tuple[bytes, str, str] | None = None,
    sidecar: dict[str, Any] | None = None,
    hashes: tuple[np.ndarray, np.ndarray] | None = None,
) -> MergeResult:
    """Merge rows as one batch recorded as `who`'s (the caller holds the lock, checked the role)."""
    index = load_index(layout)
    known = set(index.sources)
    if sources is not None:
        sources = sources.loc[~sources["source_id"].isin(known)]
        known |= set(sources["source_id"])
    missing = sorted(set(rows["source_id"]) - known)
    if missing:
        raise CorridorError.single(
            "来源未登记（可能刚被撤销）",
            "unknown source (perhaps just undone)",
            file=name,
            column="source_id",
            value=", ".join(missing[:10]),
        )
    if hashes is None or len(hashes[0]) != len(rows):
        hashes = row_hashes(rows)
    preview = indexed_preview(layout, index, rows, hashes[0])
    if len(preview.contradicting) and not replace:
        raise contradiction_error(preview, name)
    hash_before = index.table_hash
    new_sources = sources is not None and len(sources) > 0
    if not preview.changes and not new_sources:
        return MergeResult(None, preview, hash_before, hash_before)
    added = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    ).sort_index(kind="stable")
    # The added rows' hashes, by their place among the rows (a key holds no series, so the
    # series filled below does not change them); rows without unique labels are hashed again.
    added_hashes = None
    if rows.index.is_unique:
        where = rows.index.get_indexer(added.index)
        added_hashes = (hashes[0][where], hashes[1][where])
    added = added.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    removed = preview.replaced.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    record = dict(info or {})
    if received is not None:
        data, sha256, ext = received
        record["stored_as"] = _store_received(layout, data, sha256, ext)
        if sidecar is not None:
            write_bytes_atomic(
                layout.uploads / f"{sha256}.source.json",
                (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            )
    record["replaced"] = replacement_records(preview)
    change = bt.Change(
        kind=kind, who=who, added=added, removed=removed, sources=sources, info=record
    )
    # As readers will load them: rows that name no series are placed by the rules and wordings.
    after = after_change(index, change, bt.read_active_wordings(layout), added_hashes)
    batch_id = bt.commit_batch(layout, change, hash_before, after.table_hash)
    write_index(layout, after)
    return MergeResult(batch_id, preview, hash_before, after.table_hash)


def merge_upload(
    layout: Layout, upload: Upload, actor: Actor, *, replace: bool = False
) -> MergeResult:
    """Merge a validated upload as one batch, keeping the file as received.

    With require_approval in the settings the upload is stored as pending instead (see
    etl.store.pending) and the result names the pending id; nothing readers see changes.
    """
    if load_settings(layout).require_approval:
        from etl.store.pending import submit_upload

        return submit_upload(layout, upload, actor, replace=replace)
    info = {"file_name": upload.name, "file_sha256": upload.sha256, "file_kind": upload.kind}
    return merge_rows(
        layout,
        upload.rows,
        actor,
        kind="upload",
        name=upload.name,
        replace=replace,
        info=info,
        received=(upload.data, upload.sha256, upload.kind),
        hashes=upload.hashes,
    )


def _check_note(text: str, column: str, limit: int = MAX_REASON, required: bool = True) -> str:
    value = text.strip()
    if not value and not required:
        return value
    series = pd.Series([text], dtype=str)
    bad = (
        not value
        or len(value) > limit
        or bool(series.str.contains(f"{FORMULA_RE}|{MARKUP_RE}|{CONTROL_RE}", regex=True).iloc[0])
    )
    if bad:
        raise CorridorError.single(
            f"“{column}”不能为空、过长（上限 {limit}）、以公式符号开头或含有标记",
            f"'{column}' must be non-empty, at most {limit} characters, with no formula prefix "
            "or markup",
            column=column,
            value=text,
        )
    return value


def source_frame(
    *,
    source_id: str,
    title: str,
    publisher: str,
    published: date,
    url: str = "",
    kind: str = "upload",
    file_name: str = "",
    sha256: str = "",
    added_by: str = "",
    note: str = "",
    published_inferred: bool = False,
) -> pd.DataFrame:
    """Return one validated sources row, refusing bad ids, text, dates or URLs."""
    problems: list[Problem] = []
    if not pd.Series([source_id], dtype=str).str.match(SOURCE_ID_RE).iloc[0]:
        problems.append(
            Problem(
                "来源编号只能用字母、数字和 _ . : -，以字母或数字开头",
                "source ids use letters, digits and _ . : - only, starting with a letter or digit",
                column="source_id",
                value=source_id,
            )
        )
    # An article's publisher may be unknown; a title is always needed to cite the source.
    for column, text, limit, required in (
        ("title", title, 500, True),
        ("publisher", publisher, 200, False),
    ):
        try:
            _check_note(text, column, limit, required)
        except CorridorError as exc:
            problems += exc.problems
    when = pd.Timestamp(published)
    if not (pd.Timestamp("1990-01-01") <= when <= latest_period_end()):
        problems.append(
            Problem(
                "发布日期须在 1990 年之后、今天起一个月之内",
                "published must be between 1990-01-01 and a month after today",
                column="published",
                value=str(published),
            )
        )
    if problems:
        raise CorridorError(problems)
    row = {
        "source_id": source_id,
        "title": title.strip(),
        "publisher": publisher.strip(),
        "published": when.strftime("%Y-%m-%d"),
        "published_inferred": published_inferred,
        "url": url.strip(),
        "kind": kind,
        "file_name": file_name,
        "sha256": sha256,
        "added_by": added_by,
        "added_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "note": note,
    }
    return parse_sources(pd.DataFrame([row], columns=list(SOURCE_COLUMNS)), "sources add")


def add_source(
    layout: Layout,
    actor: Actor,
    *,
    source_id: str,
    title: str,
    publisher: str,
    published: date,
    url: str = "",
) -> str:
    """Register a source for uploads as a batch; return the batch id."""
    require_analyst(actor)
    frame = source_frame(
        source_id=source_id,
        title=title,
        publisher=publisher,
        published=published,
        url=url,
        added_by=actor.name,
    )
    with bt.write_lock(layout):
        index = load_index(layout)
        if source_id in index.sources:
            raise CorridorError.single(
                "来源编号已存在",
                "a source with this id already exists",
                column="source_id",
                value=source_id,
            )
        change = bt.Change(kind="source", who=actor.name, sources=frame, info={})
        batch_id = bt.commit_batch(layout, change, index.table_hash, index.table_hash)
        write_index(layout, after_change(index, change))
        return batch_id


def select_figure(observations: pd.DataFrame, criteria: dict[str, str | None]) -> pd.DataFrame:
    """Return the one stored row the criteria pick out, refusing none or several."""
    mask = pd.Series(True, index=observations.index)
    for col, wanted in criteria.items():
        if wanted is None:
            continue
        series = observations[col]
        if col in ("period_start", "period_end"):
            text = series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), "")
        elif col == "value":
            text = series.map(format_number)
        else:
            text = series.astype(object)
        mask &= text.astype(str) == str(wanted)
    found = observations.loc[mask]
    if len(found) == 1:
        return found
    shown = ", ".join(f"{k}={v}" for k, v in criteria.items() if v is not None)
    if not len(found):
        raise CorridorError.single("找不到符合条件的数据", "no stored figure matches", value=shown)
    listing = render_observations_csv(found.head(MAX_LISTED))
    raise CorridorError.single(
        f"有 {len(found)} 条数据符合条件，请加条件（如 --region、--period-start、--source-id）",
        f"{len(found)} stored figures match; narrow the choice (--region, --period-start, "
        f"--source-id …):\n{listing}",
        value=shown,
    )


@dataclass(frozen=True)
class Recorded:
    """A figure change: the batch written, or with approval on the pending item stored instead."""

    batch_id: str | None
    pending_id: str | None = None


@dataclass(frozen=True)
class FigureChange:
    """A correction or retraction worked out against the table: rows removed and added, why."""

    kind: str
    old: pd.DataFrame
    added: pd.DataFrame
    info: dict[str, Any]


def figure_change(
    observations: pd.DataFrame,
    criteria: dict[str, str | None],
    why: str,
    kind: str,
    new_value: float | None = None,
    new_yoy: float | None = None,
    new_qualifier: str | None = None,
) -> FigureChange:
    """Return the change that corrects or retracts the one figure the criteria pick out.

    new_qualifier: how the source states the value (超过 / over, '' for exact …); None keeps it.
    """
    old = select_figure(observations, criteria).reset_index(drop=True)
    added = bt.no_rows()
    info: dict[str, Any] = {"reason": why}
    if kind == "correction":
        assert new_value is not None
        added = old.copy()
        added["value"] = float(new_value)
        if new_yoy is not None:
            added["yoy_pct"] = float(new_yoy)
        if new_qualifier is not None:
            added["qualifier"] = _qualifier_key(new_qualifier)
        added = validate(added, observations_schema(), "correct")
        if bt.table_hash(added) == bt.table_hash(old):
            raise CorridorError.single(
                "新值与原值相同，没有改动",
                "the new value equals the old one: nothing to do",
                value=format_number(new_value),
            )
    keyed = old.iloc[0]
    info["replaced"] = [
        {
            **{c: _plain(keyed[c]) for c in KEY_COLUMNS},
            "old_value": float(keyed["value"]),
            "new_value": None if not len(added) else float(added.iloc[0]["value"]),
            "source_id": str(keyed["source_id"]),
        }
    ]
    if len(added) and str(added.iloc[0]["qualifier"]) != str(keyed["qualifier"]):
        info["replaced"][0]["old_qualifier"] = str(keyed["qualifier"])
        info["replaced"][0]["new_qualifier"] = str(added.iloc[0]["qualifier"])
    return FigureChange(kind, old, added, info)


def _qualifier_key(text: str) -> str:
    """Return the qualifier key a correction names, refusing one the contract does not know."""
    key = parse_qualifier(text)
    if key is None:
        raise CorridorError.single(
            f"无法识别的限定词；可用：{QUALIFIER_ALLOWED_ZH}",
            f"unknown qualifier; allowed: {QUALIFIER_ALLOWED_EN}",
            column="qualifier",
            value=str(text),
        )
    return key


def commit_figure_change(
    layout: Layout, observations: pd.DataFrame, who: str, change: FigureChange
) -> str:
    """Commit a figure change as `who`'s batch (the caller holds the lock); return its id."""
    before = bt.table_hash(observations)
    after = bt.table_hash(bt.apply_change(observations, change.old, change.added))
    batch = bt.Change(
        kind=change.kind, who=who, added=change.added, removed=change.old, info=change.info
    )
    return bt.commit_batch(layout, batch, before, after)


def _change_figure(
    layout: Layout,
    actor: Actor,
    criteria: dict[str, str | None],
    reason: str,
    kind: str,
    new_value: float | None = None,
    new_yoy: float | None = None,
    new_qualifier: str | None = None,
) -> Recorded:
    require_analyst(actor)
    why = _check_note(reason, "reason")
    with bt.write_lock(layout):
        state = load_state(layout)
        change = figure_change(
            state.observations, criteria, why, kind, new_value, new_yoy, new_qualifier
        )
        if load_settings(layout).require_approval:
            from etl.store.pending import submit_figure_change

            return Recorded(None, submit_figure_change(layout, actor, change))
        return Recorded(commit_figure_change(layout, state.observations, actor.name, change))


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    return value


def correct_figure(
    layout: Layout,
    actor: Actor,
    criteria: dict[str, str | None],
    value: float,
    reason: str,
    yoy_pct: float | None = None,
    qualifier: str | None = None,
) -> Recorded:
    """Replace one stored figure's value (and yoy, qualifier), recording the reason (pending with
    approval); qualifier None keeps the figure's own."""
    return _change_figure(layout, actor, criteria, reason, "correction", value, yoy_pct, qualifier)


def retract_figure(
    layout: Layout, actor: Actor, criteria: dict[str, str | None], reason: str
) -> Recorded:
    """Remove one stored figure, recording the reason (pending with approval)."""
    return _change_figure(layout, actor, criteria, reason, "retraction")


def resolve_batch_id(batches: list[bt.Batch], ref: str) -> int:
    """Return the position of the batch a reference names (full id or sequence number)."""
    ref = ref.strip()
    for i, batch in enumerate(batches):
        if ref == batch.id or (ref.isdigit() and int(ref) == batch.seq):
            return i
    raise CorridorError.single("找不到该批次", "no such batch", value=ref)


def _pairs_for(frame: pd.DataFrame, keys: pd.Index) -> list[tuple[str, float]]:
    mask = figure_keys(frame).isin(keys)
    return sorted(figure_pairs(frame.loc[mask.to_numpy()]).tolist())


def undo_batch(layout: Layout, actor: Actor, ref: str, reason: str = "") -> str:
    """Undo a batch as a new batch; refuse when a later batch changed the same figures."""
    require_analyst(actor)
    why = _check_note(reason, "reason") if reason.strip() else ""
    with bt.write_lock(layout):
        built_obs, built_src = load_built(layout)
        batches = bt.read_batches(layout)
        index = resolve_batch_id(batches, ref)
        target = batches[index]
        _refuse_if_undone(batches, target.id)
        obs_after, _ = state_after(built_obs, built_src, batches[: index + 1])
        current, sources = state_after(built_obs, built_src, batches)
        touched = pd.Index(
            pd.concat([figure_keys(target.added), figure_keys(target.removed)]).unique()
        )
        if _pairs_for(obs_after, touched) != _pairs_for(current, touched):
            later = [
                b.id
                for b in batches[index + 1 :]
                if figure_keys(pd.concat([b.added, b.removed])).isin(touched).any()
            ]
            raise CorridorError.single(
                f"之后的批次 {', '.join(later)} 修改了同一数据；请先撤销它们",
                f"later batches {', '.join(later)} changed the same figures; undo them first",
                value=target.id,
            )
        gone_ids = set(target.sources["source_id"])
        after = bt.apply_change(current, target.added, target.removed)
        still_used = sorted(gone_ids & set(after["source_id"]))
        if still_used:
            raise CorridorError.single(
                "仍有数据引用该批次登记的来源；请先撤销这些数据",
                "rows still cite a source this batch registered; undo those rows first",
                column="source_id",
                value=", ".join(still_used),
            )
        removed_sources = sources.loc[sources["source_id"].isin(gone_ids)]
        restored_sources = target.removed_sources
        change = bt.Change(
            kind="undo",
            who=actor.name,
            added=target.removed,
            removed=target.added,
            sources=restored_sources,
            removed_sources=removed_sources,
            info={"undoes": target.id, "reason": why},
        )
        # The table after, as readers will load it: series refilled without an undone wording.
        pending = bt.Batch(
            id="999999-ffffffff",
            seq=10**6,
            path=layout.batches,
            record={"kind": "undo", "undoes": target.id},
            added=target.removed,
            removed=target.added,
            sources=restored_sources,
            removed_sources=removed_sources,
        )
        after, _ = state_after(built_obs, built_src, [*batches, pending])
        return bt.commit_batch(layout, change, bt.table_hash(current), bt.table_hash(after))


def undone_ids(records: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Return the ids of batches undone now: undone by an undo that is not itself undone."""
    undoes = {batch_id: str(r.get("undoes")) for batch_id, r in records if r.get("undoes")}
    undone: set[str] = set()
    # Newest first: an undo counts only when no later undo took it back.
    for batch_id in sorted(undoes, reverse=True):
        if batch_id not in undone:
            undone.add(undoes[batch_id])
    return undone


def _refuse_if_undone(batches: list[bt.Batch], target: str) -> None:
    # Undoing an undone batch again would read as "a later batch changed it": say what it is.
    if target in undone_ids([(b.id, b.record) for b in batches]):
        raise CorridorError.single("该批次已撤销", "this batch is already undone", value=target)


def _series_refusal(key: str) -> CorridorError:
    valid = ", ".join(sorted(series_by_key()))
    return CorridorError.single(
        f"未知的系列编号；可用的系列：{valid}",
        f"unknown series key; valid series: {valid}",
        column="series",
        value=key,
    )


def add_wording(layout: Layout, actor: Actor, series: str, wording: str) -> Recorded:
    """Map a scope wording to a series as a recorded, undoable batch (pending with approval).

    A stored figure of the series' metric whose scope contains the wording, and that no catalogue
    rule places, joins the series; undoing the batch removes the mapping again. Joining moves
    figures onto a series' chart line, so with approval on it waits for a second analyst.
    """
    require_analyst(actor)
    key = series.strip()
    if key not in series_by_key():
        raise _series_refusal(key)
    text = normalise_wording(_check_note(wording, "wording", limit=MAX_WORDING))
    with bt.write_lock(layout):
        if load_settings(layout).require_approval:
            _check_new_wording(layout, key, text)
            from etl.store.pending import submit_wording

            return Recorded(None, submit_wording(layout, actor, key, text))
        return Recorded(commit_wording(layout, actor.name, key, text))


def _check_new_wording(layout: Layout, key: str, text: str) -> None:
    if (key, text) in bt.read_active_wordings(layout):
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
    _check_new_wording(layout, key, text)
    built_obs, built_src = load_built(layout)
    batches = bt.read_batches(layout)
    current, _ = state_after(built_obs, built_src, batches)
    record = {"series": key, "wording": text}
    pending = bt.Batch(
        id="999999-ffffffff",
        seq=10**6,
        path=layout.batches,
        record={"kind": "wording", **record},
        added=bt.no_rows(),
        removed=bt.no_rows(),
        sources=bt.empty_sources(),
        removed_sources=bt.empty_sources(),
    )
    after, _ = state_after(built_obs, built_src, [*batches, pending])
    joined = int(((after["series"] == key) & (current["series"] != key)).sum())
    change = bt.Change(
        kind="wording", who=who, info={**record, "rows_joined": joined, **(info or {})}
    )
    return bt.commit_batch(layout, change, bt.table_hash(current), bt.table_hash(after))


def history(layout: Layout) -> list[dict[str, Any]]:
    """Return one summary per batch, oldest first, noting which were undone and by what."""
    records = bt.read_batch_records(layout)
    undone_by = {str(r.get("undoes")): i for i, r in records if r.get("undoes")}
    out = []
    for batch_id, record in records:
        out.append(
            {
                "id": batch_id,
                "when": record.get("when", ""),
                "who": record.get("who", ""),
                "kind": record.get("kind", ""),
                "file_name": record.get("file_name", ""),
                "rows_added": record.get("rows_added", 0),
                "rows_removed": record.get("rows_removed", 0),
                "sources_added": ", ".join(record.get("sources_added", [])),
                "reason": record.get("reason", ""),
                "undoes": record.get("undoes", ""),
                "undone_by": undone_by.get(batch_id, ""),
                "table_hash_after": str(record.get("table_hash_after", ""))[:12],
                "status": "approved" if record.get("approved_by") else "applied",
                "approved_by": record.get("approved_by", ""),
                "pending_id": record.get("pending_id", ""),
            }
        )
    return out


def accept_article(
    layout: Layout,
    actor: Actor,
    proposal: ArticleProposal,
    rows: pd.DataFrame,
    *,
    source_id: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
    replace: bool = False,
) -> MergeResult:
    """Store an article as received with its accepted (possibly edited) rows as one batch.

    With require_approval in the settings the rows, source and sidecar are stored as pending
    instead (etl.store.pending) and the result names the pending id.
    """
    require_analyst(actor)
    sid = (source_id or proposal.source_id).strip()
    when = published or proposal.published
    # A guessed date stays marked inferred until the analyst states another one.
    inferred = proposal.published_inferred and when == proposal.published
    source = source_frame(
        source_id=sid,
        title=title if title is not None else proposal.title,
        publisher=publisher if publisher is not None else proposal.publisher,
        published=when,
        url=url if url is not None else proposal.url,
        kind="article",
        file_name=proposal.name,
        sha256=proposal.sha256,
        added_by=actor.name,
        published_inferred=inferred,
    )
    known = set(load_index(layout).sources) | {sid}
    rows = rows.copy()
    if "source_id" in rows and sid != proposal.source_id:
        # The proposal's rows cite the id it guessed; the analyst's choice replaces it.
        rows["source_id"] = rows["source_id"].where(rows["source_id"] != proposal.source_id, sid)
    checked = validate_rows(rows, proposal.name, known)
    sidecar = {
        "source_id": sid,
        "title": str(source.at[0, "title"]),
        "publisher": str(source.at[0, "publisher"]),
        "published": when.isoformat(),
        "published_inferred": inferred,
        "url": str(source.at[0, "url"]),
        "kind": "article",
        "file_name": proposal.name,
        "sha256": proposal.sha256,
        "received_by": actor.name,
        "received_at": str(source.at[0, "added_at"]),
        "note": "rows accepted by an analyst; `corridor build` never re-extracts this article",
    }
    info = {"file_name": proposal.name, "file_sha256": proposal.sha256, "file_kind": "txt"}
    if load_settings(layout).require_approval:
        from etl.store.pending import submit_article

        return submit_article(
            layout,
            actor,
            checked,
            source,
            sidecar,
            received=(proposal.data, proposal.sha256, "txt"),
            info=info,
            replace=replace,
        )
    return merge_rows(
        layout,
        checked,
        actor,
        kind="article",
        name=proposal.name,
        replace=replace,
        info=info,
        sources=source,
        received=(proposal.data, proposal.sha256, "txt"),
        sidecar=sidecar,
    )
