"""The PostgreSQL harness itself: skipped where PostgreSQL is absent, failing in CI, and a cluster
that really is a server of its own on 127.0.0.1."""

from __future__ import annotations

import pg_support
import pytest
import sqlalchemy as sa


def test_without_postgresql_the_tests_skip_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_support, "postgres_bin", lambda: None)
    monkeypatch.setattr(pg_support, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pg_support.require_postgres()


def test_in_ci_a_missing_postgresql_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_support, "postgres_bin", lambda: None)
    monkeypatch.setattr(pg_support, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match=r"\.ci/run installs it"):
        pg_support.require_postgres()


def test_the_cluster_listens_on_loopback_and_each_test_gets_its_own_database(
    postgres_server: str,
) -> None:
    assert "@127.0.0.1:" in postgres_server
    with (
        pg_support.new_database(postgres_server) as one,
        pg_support.new_database(postgres_server) as two,
    ):
        assert one != two
        engine = sa.create_engine(one)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW listen_addresses").scalar() == "127.0.0.1"
            assert (
                connection.exec_driver_sql("SELECT current_database()").scalar()
                == one.rsplit("/", 1)[1]
            )
        engine.dispose()
