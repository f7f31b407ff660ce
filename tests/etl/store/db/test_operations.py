"""The store's changes on the database (etl.store.db.operations): the same history made by the
batch-format commands and by the database's operations ends in the same record, on SQLite and on
PostgreSQL; refusals write nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_support import new_database
from uploads_support import ANALYST_ACTOR, SOURCE, csv_bytes, csv_line, with_rows

from etl.contract.errors import ContradictionError, CorridorError, UnknownSourceError
from etl.contract.paths import REPO_ROOT, Layout
from etl.contract.tables import render_sources_csv
from etl.store.db import operations as ops
from etl.store.db import tables as t
from etl.store.db.engine import create_store_engine
from etl.store.db.importing import import_batches
from etl.store.db.migrate import upgrade
from etl.store.db.opening import open_store
from etl.store.db.reading import active_wordings, data_version, export_csv, read_state
from etl.store.figure_changes import FigureEdit
from etl.store.sources import source_frame
from etl.uploads.validating import parse_upload

# The operations are tested on rows read here as the limited child reads them
# (conftest.read_in_this_process); tests/etl/store/test_ingest.py reads through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

WHO = ANALYST_ACTOR.name
WORDING_HEADER = "metric,value,unit,period_start,period_end,scope,series,source_id,quote"
WORDING_ROW = "teu,100,TEU,2024-01-01,2024-12-31,该集团,,test-src,n"
PICK = {"metric": "teu", "scope": "重庆西部陆海新通道铁海联运班列a0"}


def _shipped(root: Path) -> Layout:
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    return Layout(root)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[sa.Engine]:
    """A database built from the shipped tables on first start, the test source registered."""
    engine = create_store_engine(db_url)
    open_store(engine, _shipped(tmp_path / "db-data"))
    ops.add_source(engine, WHO, _source(SOURCE))
    yield engine
    engine.dispose()


def _source(source_id: str) -> object:
    return source_frame(
        source_id=source_id,
        title=f"测试来源 {source_id}",
        publisher="测试 Test",
        published=date(2025, 1, 1),
        added_by=WHO,
    )


def _merge(engine: sa.Engine, data: bytes, replace: bool = False) -> str | None:
    upload = parse_upload(data, "rows.csv", ops_sources(engine))
    request = ops.MergeRequest(upload.rows, kind="upload", name="rows.csv", replace=replace)
    return ops.merge_rows(engine, WHO, request).batch_id


def ops_sources(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return ops.active_source_ids(connection)


def _statuses(engine: sa.Engine) -> dict[str, str]:
    b = t.batches
    with engine.connect() as connection:
        return dict(connection.execute(sa.select(b.c.kind, b.c.status).order_by(b.c.seq)).all())


def test_a_history_ends_in_the_record_the_batch_format_made(
    engine: sa.Engine, history_layout: Layout, second_url: str
) -> None:
    # The history the batch-format fixture was made with (conftest), made again by the
    # database's operations, and the same history imported: the same record.
    _merge(engine, csv_bytes(6))
    replaced = _merge(engine, with_rows(csv_line(0, value="999")), replace=True)
    corrected = {**PICK, "period_end": "2001-01-28"}
    ops.change_figure(engine, WHO, FigureEdit(corrected, "typo", "correction", 1234.0))
    retracted = {**PICK, "period_end": "2002-01-28"}
    ops.change_figure(engine, WHO, FigureEdit(retracted, "duplicate", "retraction"))
    _merge(engine, with_rows(WORDING_ROW, header=WORDING_HEADER))
    key = "beibu_gulf_port_teu"
    wording = ops.add_wording(engine, WHO, key, "该集团")
    undone = ops.undo_batch(engine, WHO, wording, "wrong series")
    with engine.connect() as connection:
        assert active_wordings(connection) == ()
    ops.undo_batch(engine, WHO, undone, "right after all")
    ops.undo_batch(engine, WHO, str(replaced), "the old value was right")
    _merge(engine, csv_bytes(2, tag="p"))  # approved there; the rejected and waiting change nothing

    imported = create_store_engine(second_url)
    try:
        upgrade(imported)
        import_batches(imported, history_layout)
        assert export_csv(engine) == export_csv(imported)
        assert export_csv(engine, raw=True) == export_csv(imported, raw=True)
        observations, sources = read_state(engine)
        held = read_state(imported)[1]
        # The same sources, registered at other moments.
        assert render_sources_csv(sources.assign(added_at="")) == render_sources_csv(
            held.assign(added_at="")
        )
        assert observations["series"].eq(key).any()  # the wording, redone
        with engine.connect() as mine, imported.connect() as theirs:
            assert active_wordings(mine) == active_wordings(theirs)
    finally:
        imported.dispose()
    b = t.batches
    with engine.connect() as connection:
        stored = connection.execute(sa.select(b.c.id, b.c.status, b.c.undone_by)).all()
    status = {i: (s, u) for i, s, u in stored}
    assert status[str(replaced)][0] == "undone"
    assert status[wording] == ("applied", None)  # its undo was undone
    assert status[undone][0] == "undone"


@pytest.fixture
def second_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second empty database on the same engine as db_url."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
        return
    with new_database(request.getfixturevalue("postgres_server")) as url:
        yield url


def test_a_contradiction_is_refused_unless_replace_and_nothing_is_written(
    engine: sa.Engine,
) -> None:
    _merge(engine, csv_bytes(3))
    before = (data_version(engine), export_csv(engine))
    with pytest.raises(ContradictionError):
        _merge(engine, with_rows(csv_line(1, value="5")))
    assert (data_version(engine), export_csv(engine)) == before
    assert _merge(engine, csv_bytes(3)) is None  # all present: no batch
    assert _merge(engine, with_rows(csv_line(1, value="5")), replace=True) is not None
    assert data_version(engine) == before[0] + 1


def test_rows_citing_an_unregistered_source_are_refused(engine: sa.Engine) -> None:
    upload = parse_upload(csv_bytes(2), "rows.csv", ops_sources(engine))
    rows = upload.rows.assign(source_id="nobody")
    with pytest.raises(UnknownSourceError):
        ops.merge_rows(engine, WHO, ops.MergeRequest(rows, kind="upload", name="rows.csv"))


def test_a_source_id_is_registered_once(engine: sa.Engine) -> None:
    with pytest.raises(CorridorError, match="already exists"):
        ops.add_source(engine, WHO, _source(SOURCE))


def test_an_undo_is_refused_when_a_later_batch_changed_the_same_figures(
    engine: sa.Engine,
) -> None:
    first = _merge(engine, csv_bytes(2))
    later = _merge(engine, with_rows(csv_line(0, value="7")), replace=True)
    version = data_version(engine)
    with pytest.raises(CorridorError, match=f"later batches {later}"):
        ops.undo_batch(engine, WHO, str(first))
    assert data_version(engine) == version
    ops.undo_batch(engine, WHO, str(later))
    ops.undo_batch(engine, WHO, str(first))
    with pytest.raises(CorridorError, match="already undone"):
        ops.undo_batch(engine, WHO, str(first))
    assert not read_state(engine)[0]["quote"].str.startswith("note a").any()


def test_an_undo_of_a_source_still_cited_is_refused(engine: sa.Engine) -> None:
    registered = ops.add_source(engine, WHO, _source("other-src"))
    _merge(engine, with_rows(csv_line(0, source="other-src")))
    with pytest.raises(CorridorError, match="still cite"):
        ops.undo_batch(engine, WHO, registered)


def _checked(engine: sa.Engine, data: bytes) -> tuple[ops.MergeRequest, object]:
    """Return the merge of an upload carrying its preview as checked now, and that preview."""
    upload = parse_upload(data, "rows.csv", ops_sources(engine))
    with engine.connect() as connection, connection.begin():
        preview = ops.check_against(connection, upload.rows, upload.identities)
    request = ops.MergeRequest(upload.rows, kind="upload", name="rows.csv", checked=preview.checked)
    return request, preview


def _no_second_read(*_args: object) -> None:
    raise AssertionError("the merge read the figures again")


def test_a_merge_at_the_state_its_preview_was_read_at_reuses_it(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _merge(engine, csv_bytes(2))
    request, preview = _checked(engine, csv_bytes(5))
    assert preview.checked is not None and len(preview.new) == 3
    with monkeypatch.context() as patched:
        patched.setattr(ops, "preview_against", _no_second_read)
        result = ops.merge_rows(engine, WHO, request)
    assert len(result.preview.new) == 3 and len(result.preview.present) == 2
    assert read_state(engine)[0]["quote"].str.startswith("note a").sum() == 5
    # A preview checked for other rows (the same values in another frame) is not taken.
    other, _ = _checked(engine, csv_bytes(6))
    copied = ops.MergeRequest(
        other.rows.copy(), kind="upload", name="rows.csv", checked=other.checked
    )
    assert len(ops.merge_rows(engine, WHO, copied).preview.new) == 1


def test_a_change_after_the_preview_is_caught_by_the_merge(engine: sa.Engine) -> None:
    request, preview = _checked(engine, csv_bytes(3))
    assert len(preview.new) == 3
    _merge(engine, with_rows(csv_line(1, value="5")))  # another writer, in between
    before = (data_version(engine), export_csv(engine))
    with pytest.raises(ContradictionError):
        ops.merge_rows(engine, WHO, request)
    assert (data_version(engine), export_csv(engine)) == before
    request, _ = _checked(engine, csv_bytes(1, start=7))
    _merge(engine, csv_bytes(1, start=7))  # the same figure, added in between
    assert ops.merge_rows(engine, WHO, request).batch_id is None, "held: never added twice"


def test_a_write_committed_while_the_preview_is_read_is_caught_by_the_merge(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading = ops.preview_against
    writes = [with_rows(csv_line(0, value="5"))]

    def read_then_write(*args: object) -> object:
        preview = reading(*args)  # type: ignore[arg-type]
        while writes:  # once; the writer's own merge reads through here too
            _merge(engine, writes.pop())
        return preview

    with monkeypatch.context() as patched:
        patched.setattr(ops, "preview_against", read_then_write)
        request, preview = _checked(engine, csv_bytes(2))
    assert len(preview.new) == 2
    with pytest.raises(ContradictionError):
        ops.merge_rows(engine, WHO, request)
