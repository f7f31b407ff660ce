"""Writing through the database: one batch per transaction, and the identity index deciding when
two writers add the same figure at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import parse_observations
from etl.store.batches import Change
from etl.store.db import tables as t
from etl.store.db.changes import record_change
from etl.store.db.engine import writing
from etl.store.db.reading import data_version, read_state
from etl.store.db.writes import add_figures

ROW = {
    "metric": "train_runs",
    "value": "1200",
    "qualifier": "",
    "unit": "trains",
    "period_start": "2025-01-01",
    "period_end": "2025-03-31",
    "region": "chongqing",
    "route": "rail_sea",
    "scope": "重庆西部陆海新通道班列",
    "series": "",
    "yoy_pct": "12.5",
    "basis": "reported",
    "source_id": "test-src",
    "quote": "note",
}
# Each writer process waits for the same moment, then adds the same figure.
WRITER = """
import sys, time
import pandas as pd
from etl.contract.errors import CorridorError
from etl.contract.tables import parse_observations
from etl.store.db.engine import create_store_engine
from etl.store.db.writes import add_figures
url, start, value, scope = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
row = {row!r}
row["value"], row["scope"] = value, scope
rows = parse_observations(pd.DataFrame([row]), "writer")
engine = create_store_engine(url)
engine.connect().close()
time.sleep(max(0.0, start - time.time()))
try:
    print("won", add_figures(engine, rows, "writer"))
except CorridorError as exc:
    print(exc.render())
    sys.exit(3)
"""


def _rows(**cells: str) -> pd.DataFrame:
    return parse_observations(pd.DataFrame([ROW | cells], columns=list(OBSERVATION_COLUMNS)), "t")


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_new_figures_are_one_batch_the_audit_trail_and_the_version_record(
    engine: sa.Engine,
) -> None:
    before = data_version(engine)
    batch_id = add_figures(engine, _rows(), "王芳")
    assert batch_id.startswith("000001-")
    observations, _ = read_state(engine)
    assert observations["value"].tolist() == [1200.0]
    assert data_version(engine) == before + 1
    with engine.connect() as connection:
        audit = connection.execute(sa.select(t.audit.c.event, t.audit.c.details)).one()
    assert audit.event == "write" and audit.details["batch"] == batch_id


def test_a_figure_already_held_is_refused_in_both_languages_and_nothing_is_written(
    engine: sa.Engine,
) -> None:
    add_figures(engine, _rows(), "王芳")
    # The same figure in traditional characters and another value: the same identity.
    with pytest.raises(CorridorError) as caught:
        add_figures(engine, _rows(value="1300", scope="重慶西部陸海新通道班列"), "li.lei")
    text = caught.value.render()
    assert "另一位分析员刚刚添加了同一数据" in text and "the same figure" in text
    assert _count(engine, t.figures) == 1 and _count(engine, t.batches) == 1
    assert _count(engine, t.audit) == 1


def test_two_processes_adding_the_same_figure_at_once_leave_exactly_one(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.replace("{row!r}", repr(ROW)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    start = time.time() + 3.0  # both processes import and connect before then
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), db_url, str(start), value, scope],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for value, scope in (
            ("1200", "重庆西部陆海新通道班列"),
            ("1300", "重慶西部陸海新通道班列"),
        )
    ]
    results = [(w.wait(timeout=120), w.communicate()) for w in writers]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 3], results
    refused = next(out for code, (out, _) in results if code == 3)
    assert "另一位分析员刚刚添加了同一数据" in refused and "nothing was written" in refused
    assert _count(engine, t.figures) == 1 and _count(engine, t.batches) == 1
    assert data_version(engine) == 1


def test_an_added_figure_takes_the_smallest_report_number_its_identity_leaves_free(
    engine: sa.Engine,
) -> None:
    held = _rows(value="1000")
    added = pd.concat(
        [_rows(value="1100"), _rows(scope="另一口径"), _rows(value="1200")], ignore_index=True
    )
    with writing(engine) as connection:
        record_change(connection, Change(kind="upload", who="王芳", added=held))
    with writing(engine) as connection:
        record_change(connection, Change(kind="upload", who="王芳", added=added))
    f = t.figures
    with engine.connect() as connection:
        stored = connection.execute(
            sa.select(f.c.value, f.c.scope, f.c.report_no).order_by(f.c.id)
        ).all()
    # The held figure keeps 0; its two new reports take 1 and 2 in the rows' order, and the
    # figure of another scope, held by none, takes 0.
    assert [(v, s == "另一口径", n) for v, s, n in stored] == [
        (1000.0, False, 0),
        (1100.0, False, 1),
        (1200.0, True, 0),
        (1200.0, False, 2),
    ]


def test_a_figure_held_twice_is_refused_in_both_languages_and_other_errors_pass(
    engine: sa.Engine,
) -> None:
    from figure_rows import columns, figure

    from etl.store.db.bulk import insert_columns
    from etl.store.db.importing import FIGURE_NAMES
    from etl.store.db.writes import refuse_identity_clash

    with writing(engine) as connection:
        insert_columns(connection, t.figures, FIGURE_NAMES, columns([figure(1)]))
    twin = figure(2, identity=f"{1:064x}")
    with pytest.raises(sa.exc.IntegrityError) as clash, writing(engine) as connection:
        insert_columns(connection, t.figures, FIGURE_NAMES, columns([twin]))
    with pytest.raises(CorridorError) as refused:
        refuse_identity_clash(clash.value)
    text = refused.value.render()
    assert "同一数据" in text and "the same figure" in text
    orphan = figure(3, added_batch="000009-deadbeef")  # no such batch: another constraint
    with pytest.raises(sa.exc.IntegrityError) as other, writing(engine) as connection:
        insert_columns(connection, t.figures, FIGURE_NAMES, columns([orphan]))
    refuse_identity_clash(other.value)  # not the identity index: returns, the caller re-raises
