"""The shipped migrations create exactly the schema the code declares, on both engines."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from etl.contract.identity import DIGEST_HEX, figure_keys
from etl.contract.paths import Layout
from etl.store.db.engine import create_store_engine
from etl.store.db.migrate import current_revision, head_revision, upgrade
from etl.store.db.migrations import HEAD_REVISION
from etl.store.db.opening import at_head, open_store
from etl.store.db.tables import SQLITE_ONLY_KEYS, metadata


def test_the_migrations_equal_the_metadata(db_url: str) -> None:
    engine = create_store_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
    # The figures' foreign keys are declared for SQLite only (ddl_if), which Alembic's
    # comparison does not read: on PostgreSQL it misses exactly those, held by triggers there
    # (test_0006_… checks the catalog).
    expected = SQLITE_ONLY_KEYS if engine.dialect.name == "postgresql" else ()
    assert sorted((kind, key.name) for kind, key in found) == [("add_fk", k) for k in expected]
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


def _identities(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(sa.text("SELECT identity FROM figures ORDER BY id")).scalars()
        )


def test_0003_shortens_the_identities_and_its_downgrade_works_the_whole_digests_out_again(
    db_url: str, history_layout: Layout
) -> None:
    from alembic import command

    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import alembic_config
    from etl.store.db.reading import export_csv

    engine = create_store_engine(db_url)
    upgrade(engine)
    import_batches(engine, history_layout)  # removed figures too: every row keeps an identity
    short, exported = _identities(engine), export_csv(engine)
    assert short and {len(i) for i in short} == {DIGEST_HEX}
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    whole = _identities(engine)
    # What revision 0002's code stored: the key's whole sha256, of which 0003 keeps the start.
    assert {len(i) for i in whole} == {64}
    assert [w[:DIGEST_HEX] for w in whole] == short
    with engine.connect() as connection:
        figures = pd.read_sql(sa.text("SELECT * FROM figures ORDER BY id"), connection)
    keys = figure_keys(figures.astype(object).where(figures.notna(), None))
    assert whole == [hashlib.sha256(k.encode("utf-8")).hexdigest() for k in keys]
    assert upgrade(engine) == ("0002", head_revision())
    assert _identities(engine) == short
    assert export_csv(engine) == exported


def _figure_indexes(engine: sa.Engine) -> dict[str, str]:
    """Return the figures table's secondary indexes as the database holds them: name → WHERE."""
    if engine.dialect.name == "postgresql":
        catalog = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'figures'"
    else:
        catalog = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'figures'"
        )
    with engine.connect() as connection:
        found = connection.exec_driver_sql(catalog).all()
    return {
        name: sql.partition(" WHERE ")[2].strip("() ").lower()
        for name, sql in found
        if sql and not name.startswith("pk_")
    }


def test_0004_indexes_removed_figures_only_and_its_downgrade_indexes_every_figure_again(
    db_url: str, history_layout: Layout
) -> None:
    from alembic import command

    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import alembic_config
    from etl.store.db.reading import export_csv

    engine = create_store_engine(db_url)
    upgrade(engine)
    import_batches(engine, history_layout)  # removed figures too
    exported = export_csv(engine)
    removed_only = "removed_batch is not null"
    assert _figure_indexes(engine) == {
        "uq_figures_active_identity": "removed_batch is null",
        "ix_figures_removed_identity": removed_only,
        "ix_figures_removed_batch": removed_only,
        "ix_figures_added_batch": "",
    }
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert _figure_indexes(engine) == {
        "uq_figures_active_identity": "removed_batch is null",
        "ix_figures_identity": "",
        "ix_figures_removed_batch": "",
        "ix_figures_added_batch": "",
    }
    assert upgrade(engine) == ("0003", head_revision())
    assert set(_figure_indexes(engine)) == {
        "uq_figures_active_identity",
        "ix_figures_removed_identity",
        "ix_figures_removed_batch",
        "ix_figures_added_batch",
    }
    assert export_csv(engine) == exported
    engine.dispose()


def _file_compression(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return str(
            connection.exec_driver_sql(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'received_files'::regclass AND attname = 'content'"
            ).scalar()
        )


def test_0005_compresses_received_files_with_lz4_on_postgresql_and_its_downgrade_does_not(
    db_url: str,
) -> None:
    from alembic import command

    from etl.store.db.migrate import alembic_config

    engine = create_store_engine(db_url)
    upgrade(engine)
    if engine.dialect.name == "postgresql":
        assert _file_compression(engine) == "l"  # Debian's server is built with lz4
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    if engine.dialect.name == "postgresql":
        assert _file_compression(engine) == ""  # the server's default again
    assert upgrade(engine) == ("0004", head_revision())
    engine.dispose()


def _figure_batch_guards(engine: sa.Engine) -> tuple[set[str], set[str]]:
    """Return the foreign keys of figures to batches and the triggers on figures and batches, as
    the database's catalog holds them."""
    keys = {
        k["name"]
        for k in sa.inspect(engine).get_foreign_keys("figures")
        if k["referred_table"] == "batches"
    }
    if engine.dialect.name == "postgresql":
        catalog = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN ('figures'::regclass, 'batches'::regclass)"
        )
    else:
        catalog = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('figures', 'batches')"
        )
    with engine.connect() as connection:
        triggers = set(connection.exec_driver_sql(catalog).scalars())
    return keys, triggers


def test_0006_checks_figures_batches_with_statement_triggers_on_postgresql_only(
    db_url: str, history_layout: Layout
) -> None:
    from alembic import command

    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import alembic_config
    from etl.store.db.reading import export_csv

    engine = create_store_engine(db_url)
    upgrade(engine)
    import_batches(engine, history_layout)  # figures naming the batches that add and remove them
    exported = export_csv(engine)
    keys = set(SQLITE_ONLY_KEYS)
    triggers = {
        "figures_insert_batches_exist",
        "figures_update_batches_exist",
        "batches_delete_unreferenced",
        "batches_update_unreferenced",
        "batches_truncate_unreferenced",
    }
    postgresql = engine.dialect.name == "postgresql"
    assert _figure_batch_guards(engine) == ((set(), triggers) if postgresql else (keys, set()))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert _figure_batch_guards(engine) == (keys, set())
    assert upgrade(engine) == ("0005", head_revision())
    assert _figure_batch_guards(engine) == ((set(), triggers) if postgresql else (keys, set()))
    assert export_csv(engine) == exported
    engine.dispose()


def test_the_head_revision_the_code_knows_is_alembics_head() -> None:
    # A new migration without a new HEAD_REVISION would leave databases behind it unmigrated.
    assert head_revision() == HEAD_REVISION


def test_a_database_behind_the_head_is_upgraded_when_opened(db_url: str, tmp_path: Path) -> None:
    engine = create_store_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001" and not at_head(engine)
    open_store(engine, Layout(tmp_path / "data"))
    assert current_revision(engine) == head_revision() and at_head(engine)
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("figures")}
    assert "ix_figures_removed_identity" in indexes, "0004's index was made"
    engine.dispose()


def test_a_new_database_is_not_at_the_head_until_migrated(db_url: str) -> None:
    engine = create_store_engine(db_url)
    assert not at_head(engine)
    upgrade(engine)
    assert at_head(engine)
    engine.dispose()
