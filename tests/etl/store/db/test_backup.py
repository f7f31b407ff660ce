"""`corridor db backup`: SQLite's online backup into a new file, restored by putting it in place."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_support import new_database, require_postgres

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT, Layout
from etl.store.db.backup import backup_database
from etl.store.db.engine import DATABASE_FILE, create_store_engine
from etl.store.db.importing import import_batches
from etl.store.db.migrate import upgrade
from etl.store.db.reading import export_csv
from etl.store.db.writes import add_figures
from etl.store.table import load_state


def test_a_backup_taken_during_a_read_restores_the_record_as_it_was(tmp_path: Path) -> None:
    live = tmp_path / "live" / DATABASE_FILE
    engine = create_store_engine(f"sqlite:///{live}")
    upgrade(engine)
    import_batches(engine, Layout(REPO_ROOT / "data"))
    expected = export_csv(engine)
    with engine.connect() as reader, reader.begin():  # a server reading at the same moment
        reader.execute(sa.text("SELECT COUNT(*) FROM figures")).scalar()
        backup = backup_database(engine, tmp_path / "backups" / "corridor-1.sqlite")
    for private in (live, backup):  # they hold the accounts' password hashes
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    later = load_state(Layout(REPO_ROOT / "data")).observations.iloc[[0]]
    add_figures(engine, later.assign(scope="备份之后的新口径"), "王芳")  # a change after the backup
    assert export_csv(engine) != expected
    engine.dispose()
    # Restore: the servers stopped, the backup is put in place of the database file.
    restored_file = tmp_path / "restored" / DATABASE_FILE
    restored_file.parent.mkdir()
    shutil.copyfile(backup, restored_file)
    restored = create_store_engine(f"sqlite:///{restored_file}")
    assert export_csv(restored) == expected
    with restored.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM batches").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    restored.dispose()


def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / DATABASE_FILE}")
    upgrade(engine)
    kept = tmp_path / "old-backup.sqlite"
    kept.write_bytes(b"precious")
    with pytest.raises(CorridorError, match="never overwritten"):
        backup_database(engine, kept)
    assert kept.read_bytes() == b"precious"
    engine.dispose()


def test_postgresql_is_backed_up_with_pg_dump(postgres_server: str, tmp_path: Path) -> None:
    engine = create_store_engine(postgres_server)
    with pytest.raises(CorridorError) as caught:
        backup_database(engine, tmp_path / "x.sqlite")
    assert "pg_dump" in caught.value.render() and not (tmp_path / "x.sqlite").exists()
    engine.dispose()


def test_pg_dump_and_pg_restore_as_documented_give_the_record_back(
    postgres_server: str, tmp_path: Path
) -> None:
    bindir = require_postgres()
    dump = tmp_path / "corridor.dump"
    with new_database(postgres_server) as url, new_database(postgres_server) as restored_url:
        engine = create_store_engine(url)
        upgrade(engine)
        import_batches(engine, Layout(REPO_ROOT / "data"))
        expected = export_csv(engine)
        engine.dispose()
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        target = restored_url.replace("postgresql+psycopg://", "postgresql://")
        run = {"check": True, "capture_output": True, "timeout": 120}
        subprocess.run([str(bindir / "pg_dump"), "--format=custom", f"--file={dump}", plain], **run)
        subprocess.run(
            [str(bindir / "pg_restore"), "--no-owner", f"--dbname={target}", str(dump)], **run
        )
        restored = create_store_engine(restored_url)
        assert export_csv(restored) == expected
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), restored.begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit")  # the guards came back too
        restored.dispose()
