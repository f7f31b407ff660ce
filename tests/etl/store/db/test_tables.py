"""The schema holds what the database itself must enforce: identity of active figures, one active
source per id, and an audit trail that can only grow."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from pg_support import new_database
from sqlalchemy.exc import DBAPIError, IntegrityError

from etl.contract.paths import REPO_ROOT
from etl.store.db import tables as t
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


def test_a_figure_cannot_name_a_batch_that_does_not_exist(engine: sa.Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(t.figures), [_figure("b" * 64, added_batch="000009-ffffffff")])


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
        for change in ("UPDATE audit SET person = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
            with pytest.raises(DBAPIError, match="permission denied"), app.begin() as connection:
                connection.exec_driver_sql(change)
        with pytest.raises(DBAPIError), app.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER audit_no_change ON audit")
        app.dispose()
        owner.dispose()
