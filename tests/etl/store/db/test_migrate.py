"""The shipped migrations create exactly the schema the code declares, on both engines."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from etl.store.db.engine import create_store_engine
from etl.store.db.migrate import current_revision, head_revision, upgrade
from etl.store.db.tables import metadata


def test_the_migrations_equal_the_metadata(db_url: str) -> None:
    engine = create_store_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_upgrade_creates_a_new_database_then_leaves_a_current_one_alone(db_url: str) -> None:
    engine = create_store_engine(db_url)
    assert current_revision(engine) is None
    assert upgrade(engine) == (None, head_revision())
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE data_version SET version = 7")
    assert upgrade(engine) == (head_revision(), head_revision())
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version FROM data_version")).scalar() == 7
    engine.dispose()


def test_the_first_revision_downgrades_to_nothing_and_upgrades_again(db_url: str) -> None:
    from alembic import command

    from etl.store.db.migrate import alembic_config

    engine = create_store_engine(db_url)
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    assert upgrade(engine) == (None, head_revision())
    engine.dispose()
