"""The schema holds what the database itself must enforce: identity of active figures, one active
source per id, and an audit trail that can only grow."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa
from pg_support import new_database
from sqlalchemy.exc import DBAPIError, IntegrityError

from etl.contract.paths import REPO_ROOT
from etl.store.db import tables as t
from etl.store.db.bulk import insert_columns
from etl.store.db.engine import create_store_engine
from etl.store.db.migrate import upgrade


def _batch(batch_id: str, seq: int) -> dict[str, object]:
    return {
        "id": batch_id,
        "seq": seq,
        "kind": "upload",
        "person": "王芳",
        "at": "2026-01-01T00:00:00+00:00",
        "record": {"kind": "upload"},
    }


def _figure(identity: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "metric": "train_runs",
        "value": 100.0,
        "unit": "trains",
        "period_end": date(2025, 12, 31),
        "scope": "班列",
        "basis": "reported",
        "source_id": "s1",
        "identity": identity,
    }
    return row | extra


def test_two_active_figures_with_one_identity_are_refused(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.figures), [_figure("a" * 64)])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(t.figures), [_figure("a" * 64, value=101.0)])


def test_a_removed_figure_makes_room_for_its_replacement(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch("000001-aaaaaaaa", 1)])
        connection.execute(sa.insert(t.figures), [_figure("a" * 64)])
        connection.execute(sa.update(t.figures).values(removed_batch="000001-aaaaaaaa"))
        connection.execute(sa.insert(t.figures), [_figure("a" * 64, value=101.0)])
        values = connection.execute(sa.select(t.figures.c.value).order_by(t.figures.c.id))
        assert values.scalars().all() == [100.0, 101.0]


def test_several_reports_of_one_figure_are_numbered(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(t.figures), [_figure("a" * 64, report_no=0), _figure("a" * 64, report_no=1)]
        )
        assert connection.execute(sa.select(sa.func.count()).select_from(t.figures)).scalar() == 2


# Bounds a test's wait for another transaction's lock: it is released within a second.
LOCK_WAIT_S = 30
KNOWN, OTHER, UNKNOWN = "000001-aaaaaaaa", "000002-bbbbbbbb", "000009-ffffffff"


def _figure_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(t.figures)).scalar())


def _copied(connection: sa.Connection, rows: list[dict[str, object]]) -> None:
    # The merge's own bulk path: COPY on PostgreSQL, executemany on SQLite.
    names = list(rows[0])
    values = [[str(r[n]) if isinstance(r[n], date) else r[n] for r in rows] for n in names]
    insert_columns(connection, t.figures, names, values)


@pytest.mark.parametrize("how", ["insert", "copy"])
@pytest.mark.parametrize("column", ["added_batch", "removed_batch"])
def test_figures_naming_a_batch_that_does_not_exist_are_refused_and_nothing_is_written(
    engine: sa.Engine, how: str, column: str
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1)])
    # Thousands of good rows around the bad one: the check covers every row of the statement.
    rows = [_figure(f"{i:032x}", added_batch=KNOWN, removed_batch=None) for i in range(3000)]
    rows[1234][column] = UNKNOWN
    with pytest.raises(IntegrityError) as refused, engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch(OTHER, 2)])
        if how == "copy":
            _copied(connection, rows)
        else:
            connection.execute(sa.insert(t.figures), rows)
    if engine.dialect.name == "postgresql":
        assert UNKNOWN in str(refused.value.orig)
    assert _figure_count(engine) == 0
    with engine.connect() as connection:  # the batch of the same transaction rolled back too
        assert connection.execute(sa.select(t.batches.c.id)).scalars().all() == [KNOWN]


@pytest.mark.parametrize("column", ["added_batch", "removed_batch"])
def test_an_update_naming_a_batch_that_does_not_exist_is_refused(
    engine: sa.Engine, column: str
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1)])
        _copied(connection, [_figure(f"{i:032x}", added_batch=KNOWN) for i in range(100)])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.update(t.figures).values(report_no=t.figures.c.id))
        connection.execute(
            sa.update(t.figures).where(t.figures.c.id == 50).values(**{column: UNKNOWN})
        )
    with engine.connect() as connection:
        held = connection.execute(sa.select(t.figures.c.added_batch, t.figures.c.removed_batch))
        assert set(held.all()) == {(KNOWN, None)}
        reports = connection.execute(sa.select(sa.func.max(t.figures.c.report_no))).scalar()
        assert reports == 0, "the statement before the refused one rolled back too"
    with engine.begin() as connection:  # a batch that exists may be set
        connection.execute(sa.update(t.figures).values(removed_batch=KNOWN))


@pytest.mark.parametrize("column", ["added_batch", "removed_batch"])
@pytest.mark.parametrize(
    "change",
    [
        sa.delete(t.batches).where(t.batches.c.id == KNOWN),
        sa.update(t.batches).where(t.batches.c.id == KNOWN).values(id="000001-cccccccc"),
    ],
    ids=["delete", "rekey"],
)
def test_a_batch_that_figures_name_cannot_be_deleted_or_rekeyed(
    engine: sa.Engine, column: str, change: sa.Executable
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1), _batch(OTHER, 2)])
        connection.execute(
            sa.insert(t.figures), [_figure("a" * 32, added_batch=OTHER) | {column: KNOWN}]
        )
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(change)
    with engine.begin() as connection:
        assert connection.execute(sa.select(t.batches.c.id)).scalars().all() == [KNOWN, OTHER]
        # Other changes of a batch are not refused, nor deleting one no figure names.
        connection.execute(sa.update(t.batches).values(rows_added=1, status="undone"))
        connection.execute(sa.insert(t.batches), [_batch(UNKNOWN, 9)])
        connection.execute(sa.delete(t.batches).where(t.batches.c.id == UNKNOWN))


def test_one_source_id_is_active_once(engine: sa.Engine) -> None:
    source = {"source_id": "s1", "title": "T", "published": date(2025, 1, 1)}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(t.sources), [source, source])


@pytest.mark.parametrize("change", ["UPDATE audit SET person = 'x'", "DELETE FROM audit"])
def test_the_audit_trail_refuses_updates_and_deletes(engine: sa.Engine, change: str) -> None:
    entry = {"at": "2026-01-01T00:00:00.000+00:00", "event": "login", "details": {}}
    with engine.begin() as connection:
        connection.execute(sa.insert(t.audit), [entry])
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql(change)
    with engine.connect() as connection:
        assert connection.execute(sa.select(t.audit.c.person)).scalars().all() == [""]


def test_the_data_version_starts_at_zero_in_its_one_row(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(sa.select(t.data_version)).all() == [(1, 0)]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(t.data_version), [{"id": 2, "version": 0}])


def test_the_documented_app_role_can_only_insert_into_the_audit_trail_and_remove_accounts(
    postgres_server: str,
) -> None:
    operations = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    grants = operations.split("CREATE ROLE corridor_app LOGIN;", 1)[1].split("```", 1)[0]
    with new_database(postgres_server) as url:
        owner = create_store_engine(url)
        upgrade(owner)
        name = url.rsplit("/", 1)[1]
        with owner.begin() as connection:
            connection.exec_driver_sql(
                "DO $$ BEGIN CREATE ROLE corridor_app LOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            # Comments end at the line's end, whichever statement they stand after.
            code = "\n".join(line.split("--")[0] for line in grants.splitlines())
            for statement in code.replace("DATABASE corridor", f"DATABASE {name}").split(";"):
                if statement.strip():
                    connection.exec_driver_sql(statement)
        app = create_store_engine(url.replace("postgres@", "corridor_app@"))
        entry = {"at": "2026-01-01T00:00:00.000+00:00", "event": "login", "details": {}}
        account = {"name": "wang", "role": "analyst", "spec": {}}
        with app.begin() as connection:
            connection.execute(sa.insert(t.audit), [entry])
            connection.execute(sa.update(t.data_version).values(version=1))
            connection.execute(sa.insert(t.accounts), [account])  # accounts come and go
            connection.execute(sa.delete(t.accounts).where(t.accounts.c.name == "wang"))
            # The figures' batch checks (triggers, migration 0006) run for the app role too.
            connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1)])
            _copied(connection, [_figure("a" * 32, added_batch=KNOWN, removed_batch=None)])
            connection.execute(sa.update(t.figures).values(removed_batch=KNOWN))
        with pytest.raises(IntegrityError), app.begin() as connection:
            _copied(connection, [_figure("b" * 32, added_batch=UNKNOWN, removed_batch=None)])
        for change in ("UPDATE audit SET person = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
            with pytest.raises(DBAPIError, match="permission denied"), app.begin() as connection:
                connection.exec_driver_sql(change)
        for trigger in ("audit_no_change ON audit", "figures_insert_batches_exist ON figures"):
            with pytest.raises(DBAPIError), app.begin() as connection:
                connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        app.dispose()
        owner.dispose()


def _waiting_on_a_lock(engine: sa.Engine) -> bool:
    with engine.connect() as connection:
        waiting = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(waiting.scalar())


@pytest.mark.parametrize("first", ["delete", "insert"])
def test_a_batch_deleted_while_figures_naming_it_go_in_leaves_no_figure_without_its_batch(
    postgres_server: str, first: str
) -> None:
    # PostgreSQL only: SQLite runs one writer at a time. The first transaction holds its change
    # uncommitted while the second makes the other; the second waits, then is refused.
    delete = sa.delete(t.batches).where(t.batches.c.id == KNOWN)
    insert = sa.insert(t.figures).values(_figure("a" * 32, added_batch=KNOWN))
    statements = {"delete": delete, "insert": insert}
    second = "insert" if first == "delete" else "delete"
    with new_database(postgres_server) as url:
        engine = create_store_engine(url)
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1)])
        outcome: list[BaseException | None] = []

        def run_second() -> None:
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_S}s'")
                    connection.execute(statements[second])
                outcome.append(None)
            except sa.exc.DBAPIError as exc:
                outcome.append(exc)

        with engine.connect() as holder:
            with holder.begin():
                holder.execute(statements[first])
                waiter = threading.Thread(target=run_second)
                waiter.start()
                deadline = time.monotonic() + LOCK_WAIT_S
                while not _waiting_on_a_lock(engine) and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert _waiting_on_a_lock(engine), "the second transaction waits for the first"
            waiter.join(LOCK_WAIT_S)
        assert len(outcome) == 1 and isinstance(outcome[0], IntegrityError)
        with engine.connect() as connection:
            batches = connection.execute(sa.select(t.batches.c.id)).scalars().all()
        assert (batches, _figure_count(engine)) == (([], 0) if first == "delete" else ([KNOWN], 1))
        engine.dispose()


def test_batches_cannot_be_truncated_while_figures_name_them(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(t.batches), [_batch(KNOWN, 1)])
        connection.execute(sa.insert(t.figures), [_figure("a" * 32, added_batch=KNOWN)])
    # SQLite has no TRUNCATE; its DELETE of every row is the same refusal.
    wipe = "DELETE FROM batches"
    if engine.dialect.name == "postgresql":
        wipe = "TRUNCATE batches, sources, wordings"  # the tables whose keys remain
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(wipe)
    assert _figure_count(engine) == 1
    with engine.begin() as connection:  # together with the figures, as a foreign key allows
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("TRUNCATE batches, sources, wordings, figures")
        else:
            connection.exec_driver_sql("DELETE FROM figures")
            connection.exec_driver_sql(wipe)
    assert _figure_count(engine) == 0
