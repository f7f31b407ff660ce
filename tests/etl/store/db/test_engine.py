"""The store's database: which URL, and the connection settings each engine gets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

import etl.store.db.engine as engine_module
from etl.contract.errors import CorridorError
from etl.store.db.engine import (
    DATABASE_ENV,
    READ_CACHE_KIB,
    WRITE_CACHE_KIB,
    create_store_engine,
    resolve_database_url,
    writing,
)


def test_without_a_url_the_store_is_a_sqlite_file_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    url = resolve_database_url(None, tmp_path)
    assert url == f"sqlite:///{tmp_path.resolve() / 'corridor.sqlite'}"


def test_the_environment_names_postgresql_and_psycopg_is_the_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, "postgresql://corridor:s3cret@db.example:5432/corridor")
    url = resolve_database_url(None, tmp_path)
    assert url == "postgresql+psycopg://corridor:s3cret@db.example:5432/corridor"


def test_the_option_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, "postgresql://a@b/c")
    url = resolve_database_url(f"sqlite:///{tmp_path}/other.sqlite", tmp_path)
    assert url == f"sqlite:///{tmp_path}/other.sqlite"


@pytest.mark.parametrize(
    "bad", ["mysql://root@localhost/db", "sqlite://", "not a url", "sqlite:///:memory:"]
)
def test_other_databases_are_refused_in_both_languages(tmp_path: Path, bad: str) -> None:
    with pytest.raises(CorridorError) as caught:
        resolve_database_url(bad, tmp_path)
    text = caught.value.render()
    assert "数据库地址无效" in text and "invalid database URL" in text


def test_a_refused_url_never_shows_its_password(tmp_path: Path) -> None:
    with pytest.raises(CorridorError) as caught:
        resolve_database_url("mysql://root:hunter2@localhost/db", tmp_path)
    assert "hunter2" not in caught.value.render()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'new' / 'corridor.sqlite'}")
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_sqlite_writes_with_a_large_page_cache_and_gives_it_back(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'corridor.sqlite'}")
    with writing(engine) as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITE_CACHE_KIB
        writer = connection.connection.driver_connection
    with pytest.raises(RuntimeError), writing(engine) as connection:
        raise RuntimeError("refused half-way")
    with engine.connect() as connection:
        assert connection.connection.driver_connection is writer  # the pool's same connection
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -READ_CACHE_KIB
    engine.dispose()


def test_a_write_transaction_is_rolled_back_whole_on_error(db_url: str) -> None:
    engine = create_store_engine(db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), writing(engine) as connection:
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("killed half-way")
    with writing(engine) as connection:
        connection.execute(sa.text("INSERT INTO t VALUES (2)"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT x FROM t").scalars().all() == [2]
    engine.dispose()


def test_a_url_that_cannot_be_parsed_is_refused_without_its_password(tmp_path: Path) -> None:
    with pytest.raises(CorridorError) as caught:
        resolve_database_url("pg://user:hunter2@host:port:bad/db", tmp_path)
    assert "hunter2" not in caught.value.render()


class _LockedThenFree:
    """A cursor whose WAL switch is refused as locked a few times (another process switching)."""

    def __init__(self, refusals: int, message: str = "database is locked") -> None:
        self.refusals, self.message, self.tries = refusals, message, 0

    def execute(self, _sql: str) -> None:
        self.tries += 1
        if self.tries <= self.refusals:
            raise sqlite3.OperationalError(self.message)


def test_a_wal_switch_refused_as_locked_is_tried_again_and_other_errors_are_not() -> None:
    busy = _LockedThenFree(3)
    engine_module._wal_mode(busy)
    assert busy.tries == 4
    broken = _LockedThenFree(1, "disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        engine_module._wal_mode(broken)
    assert broken.tries == 1


def test_a_wal_switch_locked_past_the_busy_timeout_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 120)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        engine_module._wal_mode(_LockedThenFree(10_000))
