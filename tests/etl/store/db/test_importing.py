"""`corridor db import-batches`: a data directory in today's batch format goes into the database
whole, and `corridor export` from the database is byte for byte the export from the folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from crash_support import PAUSE_S, killed_inside

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT, Layout
from etl.contract.tables import render_sources_csv, write_observations, write_sources
from etl.store import table
from etl.store.batches import batch_dirs, read_active_wordings, read_batch_records
from etl.store.db import importing
from etl.store.db import tables as t
from etl.store.db.changes import PAUSE_ENV
from etl.store.db.importing import import_batches
from etl.store.db.reading import export_csv, read_state
from etl.store.history import undone_ids
from etl.store.pending import list_pending


def _rows(engine: sa.Engine, query: sa.Select[Any]) -> list[Any]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(query)]


def test_the_shipped_data_exports_byte_identical_from_the_database(engine: sa.Engine) -> None:
    shipped = Layout(REPO_ROOT / "data")
    import_batches(engine, shipped)
    assert export_csv(engine) == table.export_csv(shipped)
    assert export_csv(engine, raw=True) == table.export_csv(shipped, raw=True)


def test_a_store_with_history_exports_byte_identical_from_the_database(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    assert export_csv(engine) == table.export_csv(history_layout)
    assert export_csv(engine, raw=True) == table.export_csv(history_layout, raw=True)
    observations, sources = read_state(engine)
    state = table.load_state(history_layout)
    assert render_sources_csv(sources) == render_sources_csv(state.sources)
    assert observations["series"].eq("beibu_gulf_port_teu").any()  # the wording, redone


def test_every_batch_keeps_its_record_and_the_undone_ones_are_marked(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    records = read_batch_records(history_layout)
    b = t.batches
    stored = _rows(engine, sa.select(b.c.id, b.c.kind, b.c.status, b.c.record).order_by(b.c.seq))
    assert [(i, r) for i, _, _, r in stored] == records
    assert {i for i, _, status, _ in stored if status == "undone"} == undone_ids(records)
    assert {k for _, k, _, _ in stored} >= {"upload", "correction", "retraction", "undo"}
    approved = [r for _, _, status, r in stored if status == "approved"]
    assert len(approved) == 1 and approved[0]["approved_by"] == "li.lei"


def test_removed_figures_keep_their_rows_with_the_batch_that_removed_them(
    engine: sa.Engine, history_layout: Layout
) -> None:
    import_batches(engine, history_layout)
    f = t.figures
    kinds = dict(_rows(engine, sa.select(t.batches.c.id, t.batches.c.kind)))
    removed = _rows(
        engine, sa.select(f.c.value, f.c.removed_batch).where(f.c.removed_batch.isnot(None))
    )
    by_kind = sorted((kinds[str(batch)], value) for value, batch in removed)
    # 999 replaced 1000 and was undone; 1001 was corrected to 1234; 1002 was retracted.
    assert ("upload", 1000.0) in by_kind and ("undo", 999.0) in by_kind
    assert ("correction", 1001.0) in by_kind and ("retraction", 1002.0) in by_kind


def test_wordings_pending_items_files_accounts_and_the_audit_trail_come_along(
    engine: sa.Engine, history_layout: Layout
) -> None:
    imported = import_batches(engine, history_layout)
    with engine.connect() as connection:
        wordings = connection.execute(
            sa.select(t.wordings.c.series, t.wordings.c.wording).where(
                t.wordings.c.removed_batch.is_(None)
            )
        ).all()
        assert [tuple(w) for w in wordings] == list(read_active_wordings(history_layout))
        pending = {r.id: r for r in connection.execute(sa.select(t.pending))}
        files = dict(
            connection.execute(sa.select(t.received_files.c.name, t.received_files.c.content)).all()
        )
        people = dict(connection.execute(sa.select(t.accounts.c.name, t.accounts.c.role)).all())
        audit = connection.execute(sa.select(t.audit).order_by(t.audit.c.id)).all()
    items = list_pending(history_layout, include_resolved=True)
    assert {i.id: i.status for i in items} == {k: r.status for k, r in pending.items()}
    assert sorted(r.status for r in pending.values()) == ["approved", "pending", "rejected"]
    for item in items:
        assert pending[item.id].record == item.record and pending[item.id].seal
        assert pending[item.id].files["rows.csv"] == (
            history_layout.pending / item.id / "rows.csv"
        ).read_text(encoding="utf-8")
    assert files and all(
        content == (history_layout.root / name).read_bytes() for name, content in files.items()
    )
    assert people == {"tester": "analyst", "boss": "manager"}
    lines = history_layout.audit_log.read_text(encoding="utf-8").splitlines()
    assert len(audit) == len(lines) == imported.counts["audit"]
    first = json.loads(lines[0])
    assert (audit[0].at, audit[0].event, audit[0].person) == (
        first["when"],
        first["event"],
        first["who"],
    )
    assert imported.counts["batches"] == len(batch_dirs(history_layout))


def test_importing_into_a_used_database_is_refused_and_changes_nothing(
    engine: sa.Engine,
) -> None:
    shipped = Layout(REPO_ROOT / "data")
    import_batches(engine, shipped)
    before = export_csv(engine)
    with pytest.raises(CorridorError) as caught:
        import_batches(engine, shipped)
    assert "空数据库" in caught.value.render() and "empty database" in caught.value.render()
    assert export_csv(engine) == before


def test_an_import_that_fails_half_way_leaves_the_database_empty(
    engine: sa.Engine, history_layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_layout: Layout) -> list[dict[str, object]]:
        raise OSError("disk gone")

    monkeypatch.setattr(importing, "audit_rows", broken)
    with pytest.raises(OSError):
        import_batches(engine, history_layout)
    with engine.connect() as connection:
        for each in (t.figures, t.batches, t.sources, t.pending):
            assert connection.execute(sa.select(sa.func.count()).select_from(each)).scalar() == 0


def _large_layout(root: Path, copies: int) -> Layout:
    """A data directory whose built table is the shipped one many times over (other scopes)."""
    shipped = table.load_state(Layout(REPO_ROOT / "data"))
    frames = [
        shipped.observations.assign(scope=shipped.observations["scope"] + f" 副本{i}")
        for i in range(copies)
    ]
    layout = Layout(root)
    layout.tidy.mkdir(parents=True)
    write_observations(pd.concat(frames, ignore_index=True), layout.observations_csv)
    write_sources(shipped.sources, layout.sources_csv)
    return layout


@pytest.mark.slow
def test_an_import_killed_inside_its_transaction_leaves_the_database_empty_and_a_retry_loads_it(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    # Killed with every row written and nothing committed (etl.store.db.changes.PAUSE_ENV), the
    # most an import can leave behind; a table twice the shipped one then loads on the retry.
    source = _large_layout(tmp_path / "big", copies=2)
    command = [sys.executable, "-m", "corridor.cli", "db", "import-batches", str(source.root)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CORRIDOR_DATABASE_URL": db_url}
    env[PAUSE_ENV] = PAUSE_S
    importer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed_inside(importer)
    assert importer.returncode == -signal.SIGKILL
    with engine.connect() as connection:
        for each in (t.figures, t.sources, t.events):
            assert connection.execute(sa.select(sa.func.count()).select_from(each)).scalar() == 0
    import_batches(engine, source)
    assert export_csv(engine) == table.export_csv(source)
