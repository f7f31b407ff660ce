"""The history people read: one summary per batch (which are undone now, and by what), batches
and pending uploads as sentences or a table in their language, local times; and what an undo can
choose and would change back."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import sqlalchemy as sa

from etl.contract.paths import Layout
from etl.contract.qualifiers import qualify
from etl.contract.tables import format_number
from etl.contract.vocabulary import load_metrics
from etl.store.db import tables as t
from etl.store.db.changes import batch_figures, batch_sources
from etl.store.pending import Pending, list_pending
from etl.store.settings import load_settings

COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("批次", "Batch"),
    "when": ("时间", "When"),
    "who": ("提交人", "By"),
    "kind": ("类型", "Kind"),
    "file_name": ("文件", "File"),
    "rows_added": ("新增行", "Rows added"),
    "rows_removed": ("替换或删除行", "Rows replaced/removed"),
    "status": ("状态", "Status"),
    "approved_by": ("批准人", "Approved by"),
    "note": ("说明", "Note"),
}
KINDS = {
    "upload": ("上传", "upload"),
    "article": ("文章", "article"),
    "source": ("登记来源", "source"),
    "correction": ("更正", "correction"),
    "retraction": ("撤回", "retraction"),
    "undo": ("撤销", "undo"),
    "wording": ("措辞映射", "wording"),
}
STATUSES = {
    "applied": ("已生效", "applied"),
    "undone": ("已撤销", "undone"),
    "approved": ("已批准", "approved"),
    "pending": ("待审批", "pending"),
    "rejected": ("已驳回", "rejected"),
}


def undone_ids(records: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Return the ids of batches undone now: undone by an undo that is not itself undone."""
    undoes = {batch_id: str(r.get("undoes")) for batch_id, r in records if r.get("undoes")}
    undone: set[str] = set()
    # Newest first: an undo counts only when no later undo took it back.
    for batch_id in sorted(undoes, reverse=True):
        if batch_id not in undone:
            undone.add(undoes[batch_id])
    return undone


def store_engine(layout: Layout) -> sa.Engine:
    """Return the data directory's database (imported here late: opening it may import the
    batch format, whose reader uses undone_ids above)."""
    from etl.store.db.opening import store_engine as opened

    return opened(layout)


def batch_records(layout: Layout) -> list[tuple[str, dict[str, Any]]]:
    """Return (id, record) of every batch, oldest first."""
    b = t.batches
    with store_engine(layout).connect() as connection:
        rows = connection.execute(sa.select(b.c.id, b.c.record).order_by(b.c.seq)).all()
    return [(str(i), dict(r)) for i, r in rows]


def batch_summaries(layout: Layout) -> list[dict[str, Any]]:
    """Return one summary per batch, oldest first, noting which were undone and by what."""
    records = batch_records(layout)
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
                "status": "approved" if record.get("approved_by") else "applied",
                "approved_by": record.get("approved_by", ""),
                "pending_id": record.get("pending_id", ""),
            }
        )
    return out


def local_time(when: str, zone: Any) -> str:
    """Return a UTC time stamp as YYYY-MM-DD HH:MM in the zone (text that is no time unchanged)."""
    try:
        stamp = pd.Timestamp(when)
    except (ValueError, TypeError):
        return when
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(zone).strftime("%Y-%m-%d %H:%M")


def history_rows(layout: Layout) -> list[dict[str, Any]]:
    """Return batches and unresolved or rejected pending items, newest last, as plain fields."""
    out: list[dict[str, Any]] = []
    entries = batch_summaries(layout)
    undone = undone_ids([(e["id"], {"undoes": e["undoes"]}) for e in entries])
    for e in entries:
        if e["id"] in undone:
            e = {**e, "status": "undone"}
        note = e["reason"] or e["sources_added"]
        if e["undone_by"]:
            note = (note + " " if note else "") + f"undone by {e['undone_by']}"
        if e["undoes"]:
            note = (note + " " if note else "") + f"undoes {e['undoes']}"
        out.append({**{k: e.get(k, "") for k in COLUMNS}, "note": note})
    for item in list_pending(layout, include_resolved=True):
        if item.status == "approved":
            continue  # shown as its batch
        r = item.record
        out.append(
            {
                "id": item.id,
                "when": r.get("when", ""),
                "who": r.get("who", ""),
                "kind": item.kind,
                "file_name": r.get("file_name") or r.get("title", ""),
                "rows_added": r.get("rows_new", 0),
                "rows_removed": r.get("rows_contradicting", 0),
                "status": item.status,
                "approved_by": "",
                "note": str(item.decision.get("reason", "")),
            }
        )
    return sorted(out, key=lambda e: str(e["when"]))


def history_frame(layout: Layout, lang: str) -> pd.DataFrame:
    """Return the history as a table with headers, kinds and states in the language, local times."""
    zone = load_settings(layout).zone
    rows = history_rows(layout)
    i = 0 if lang == "zh" else 1
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["when"] = [local_time(str(w), zone) for w in frame["when"]]
    frame["kind"] = [KINDS.get(str(k), (k, k))[i] for k in frame["kind"]]
    frame["status"] = [STATUSES.get(str(s), (s, s))[i] for s in frame["status"]]
    names = {k: v[i] for k, v in COLUMNS.items()}
    names["when"] = f"{names['when']} ({load_settings(layout).time_zone})"
    return frame.rename(columns=names)


# An undo is offered for batches that change figures or sources and are in effect now.
UNDOABLE = ("applied", "approved")


def undo_options(layout: Layout) -> list[dict[str, Any]]:
    """Return the batches an undo may choose, newest first (undone ones and undos excluded)."""
    rows = [e for e in history_rows(layout) if e["status"] in UNDOABLE]
    return [e for e in reversed(rows) if e["kind"] != "undo"]


def option_label(entry: dict[str, Any], lang: str, zone: Any) -> str:
    """Return how the undo list names a batch: time, kind, file, rows and person."""
    i = 0 if lang == "zh" else 1
    kind = KINDS.get(str(entry["kind"]), (entry["kind"], entry["kind"]))[i]
    what = str(entry.get("file_name") or entry.get("note") or "")[:60]
    rows = int(entry.get("rows_added") or 0)
    counted = f"{rows} 行" if lang == "zh" else f"{rows} rows"
    return " · ".join(x for x in (local_time(str(entry["when"]), zone), kind, what, counted,
                                   str(entry["who"])) if x)  # fmt: skip


def _figure_words(rows: pd.DataFrame, lang: str, limit: int) -> list[str]:
    """Return up to limit figures as words: 班列开行 2025-01-01—2025-11-30 超1200 列."""
    metrics = load_metrics()
    out = []
    for r in rows.head(limit).to_dict(orient="records"):
        m = metrics.get(str(r["metric"]))
        label = m.label(lang) if m else str(r["metric"])
        unit = (m.unit_zh if lang == "zh" else m.unit_en) if m else ""
        end = pd.Timestamp(str(r["period_end"]))
        period = f"{end:%Y-%m-%d}"
        if pd.notna(r["period_start"]):
            period = f"{pd.Timestamp(str(r['period_start'])):%Y-%m-%d}—{period}"
        number = qualify(format_number(float(r["value"])), str(r.get("qualifier", "")), lang)
        out.append(f"{label} {str(r['scope'])[:40]} {period} {number} {unit}".strip())
    return out


def undo_effect(layout: Layout, batch_id: str, lang: str, limit: int = 10) -> dict[str, Any]:
    """Return what undoing a batch changes back: figures that go, figures that return."""
    with store_engine(layout).connect() as connection:
        added, removed = batch_figures(connection, batch_id)
        sources, _ = batch_sources(connection, batch_id)
    return {
        "goes": len(added),
        "returns": len(removed),
        "goes_words": _figure_words(added, lang, limit),
        "returns_words": _figure_words(removed, lang, limit),
        "sources": list(sources["source_id"]),
    }


def _period_words(start: str, end: str, lang: str) -> str:
    """Return a period briefly: 2025年11月, 2025年1—11月, 2025-01-05—2025-02-03 / Jan–Nov 2025."""
    try:
        e = pd.Timestamp(end)
        s = pd.Timestamp(start) if start else None
    except (ValueError, TypeError):
        return ""
    if s is None:
        return f"截至{e:%Y-%m-%d}" if lang == "zh" else f"to {e:%Y-%m-%d}"
    if s.day == 1 and e.is_month_end and s.year == e.year:
        if lang == "zh":
            months = f"{s.month}月" if s.month == e.month else f"{s.month}—{e.month}月"
            return f"{s.year}年{months}"
        first, last = f"{s:%b}", f"{e:%b}"
        return f"{first} {s.year}" if s.month == e.month else f"{first}–{last} {s.year}"
    return f"{s:%Y-%m-%d}—{e:%Y-%m-%d}"


def _first_figures(layout: Layout, pending: dict[str, Pending]) -> dict[str, list[Any]]:
    """Return the first two figures each batch added (else removed), and each pending item's."""
    f, b = t.figures, t.batches
    out: dict[str, list[Any]] = {}
    first = f.alias("first")
    with store_engine(layout).connect() as connection:
        for name in ("removed_batch", "added_batch"):  # added ones win
            # Each batch's first and second figure by id, through its batch index, one batch at a
            # time (a window over every figure sorted the whole table, 1.6 s at 1M figures; an
            # IN over a correlated subquery made PostgreSQL test every figure against every
            # batch, 24 s).
            nth = [
                sa.select(first.c.id)
                .where(first.c[name] == b.c.id)
                .order_by(first.c.id)
                .offset(n)
                .limit(1)
                .scalar_subquery()
                for n in (0, 1)
            ]
            batch_of = {
                figure: batch
                for batch, *ids in connection.execute(sa.select(b.c.id, *nth))
                for figure in ids
                if figure is not None
            }
            if not batch_of:
                continue
            query = (
                sa.select(f.c.id, f.c.metric, f.c.period_start, f.c.period_end)
                .where(f.c.id.in_(list(batch_of)))
                .order_by(f.c.id)
            )
            for row in connection.execute(query):
                out.setdefault(f"{name}:{batch_of[row[0]]}", []).append(row[1:4])
    merged = {}
    for key, rows in out.items():
        which, batch = key.split(":", 1)
        if which == "added_batch" or batch not in merged:
            merged[batch] = rows
    for item_id, item in pending.items():
        for name in ("rows.csv", "removed.csv"):
            text = item.files.get(name, "")
            if text:
                head = pd.read_csv(io.StringIO(text), nrows=2, dtype=str, keep_default_na=False)
                if len(head) and "metric" in head:
                    merged[item_id] = [
                        (r["metric"], r["period_start"], r["period_end"])
                        for r in head.to_dict("records")
                    ]
                    break
    return merged


def _rows_summary(rows: list[Any], lang: str) -> str:
    """Return the first figure of a change in words (班列开行 2025年11月 …)."""
    if not rows:
        return ""
    metric_key, start, end = (str(x) if x is not None else "" for x in rows[0])
    metric = load_metrics().get(metric_key)
    label = metric.label(lang) if metric else metric_key
    period = _period_words(start[:10], end[:10], lang)
    more = " …" if len(rows) > 1 else ""
    return f"{label} {period}{more}".strip()


SENTENCES = {
    "upload": ("上传 {n} 行（{what}），文件 {file}", "uploaded {n} rows ({what}), file {file}"),
    "article": (
        "录入文章《{file}》{n} 行（{what}）",
        "added {n} rows ({what}) from the article '{file}'",
    ),
    "source": ("登记来源 {note}", "registered the source {note}"),
    "correction": ("更正（{what}），原因：{note}", "corrected ({what}), reason: {note}"),
    "retraction": ("撤回（{what}），原因：{note}", "retracted ({what}), reason: {note}"),
    "undo": ("撤销批次 {undoes}{why}", "undid batch {undoes}{why}"),
    "wording": ("添加措辞映射（{note}）", "mapped a wording ({note})"),
}  # fmt: skip


def history_sentences(layout: Layout, lang: str) -> list[str]:
    """Return the history as sentences in the language, newest first, times in the settings'
    zone: 2025-12-05 14:03 王芳 上传 3 行（班列开行 2025年11月 …），文件 a.csv，li.lei 批准."""
    zone = load_settings(layout).zone
    zh = lang == "zh"
    entries = {e["id"]: e for e in batch_summaries(layout)}
    pending = {p.id: p for p in list_pending(layout, include_resolved=True)}
    firsts = _first_figures(layout, pending)
    out = []
    for row in reversed(history_rows(layout)):
        kind = str(row["kind"])
        is_batch = row["id"] in entries
        entry = entries.get(row["id"], {})
        reason = str(entry.get("reason") or row.get("note") or "")
        template = SENTENCES.get(kind, ("{kind}", "{kind}"))[0 if zh else 1]
        why = (f"，原因：{reason}" if zh else f", reason: {reason}") if reason else ""
        text = template.format(
            n=row["rows_added"],
            what=_rows_summary(firsts.get(str(row["id"]), []), lang),
            file=str(row["file_name"])[:80],
            note=(str(entry.get("sources_added") or reason) if is_batch else reason)[:120],
            undoes=entry.get("undoes", ""),
            why=why,
            kind=kind,
        )
        if int(row.get("rows_removed") or 0) and kind in ("upload", "article"):
            r = row["rows_removed"]
            text += f"，替换 {r} 行" if zh else f", replacing {r} rows"
        status = str(row["status"])
        if status == "approved":
            text += f"，{row['approved_by']} 批准" if zh else f"; approved by {row['approved_by']}"
        elif status == "pending":
            text += "，待审批" if zh else "; waiting for approval"
        elif status == "rejected":
            text += f"，已驳回：{reason}" if zh else f"; rejected: {reason}"
        if status == "undone":
            text += "（已撤销）" if zh else " (undone)"
        out.append(f"{local_time(str(row['when']), zone)} {row['who']} {text} [{row['id']}]")
    return out
