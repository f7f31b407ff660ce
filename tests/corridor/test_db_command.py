"""`corridor db …`: upgrade, import-batches, export and backup from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_support import db_url, postgres_server

from corridor.cli import EXIT_BAD_INPUT, main
from etl.contract.paths import REPO_ROOT, Layout
from etl.store.db.engine import DATABASE_ENV, DATABASE_FILE
from etl.store.db.migrate import head_revision
from etl.store.table import export_csv

SHIPPED = str(REPO_ROOT / "data")
__all__ = ["db_url", "postgres_server"]  # the database fixtures, one per engine


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)


def test_import_then_export_gives_the_bytes_corridor_export_gives(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    target = str(tmp_path / "db-data")
    assert main(["db", "import-batches", SHIPPED, "--data-dir", target]) == 0
    assert (tmp_path / "db-data" / DATABASE_FILE).is_file()
    capsysbinary.readouterr()
    assert main(["db", "export", "--data-dir", target]) == 0
    assert capsysbinary.readouterr().out == export_csv(Layout(REPO_ROOT / "data")).encode("utf-8")


def test_the_same_commands_work_on_postgresql_and_sqlite_urls(
    db_url: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["db", "import-batches", SHIPPED, "--database-url", db_url]) == 0
    capsysbinary.readouterr()
    assert main(["db", "export", "--raw", "--database-url", db_url]) == 0
    expected = export_csv(Layout(REPO_ROOT / "data"), raw=True).encode("utf-8")
    assert capsysbinary.readouterr().out == expected


def test_upgrade_creates_then_says_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert f"(new) → {head_revision()}" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_second_import_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "db-data")
    assert main(["db", "import-batches", SHIPPED, "--data-dir", target]) == 0
    capsys.readouterr()
    assert main(["db", "import-batches", SHIPPED, "--data-dir", target]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "空数据库" in err and "empty database" in err and "Traceback" not in err


def test_backup_writes_a_new_file_and_refuses_to_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "db-data")
    main(["db", "upgrade", "--data-dir", target])
    backup = tmp_path / "backup.sqlite"
    assert main(["db", "backup", str(backup), "--data-dir", target]) == 0
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert main(["db", "backup", str(backup), "--data-dir", target]) == EXIT_BAD_INPUT
    assert "never overwritten" in capsys.readouterr().err


def test_an_unreachable_server_is_a_bilingual_refusal_that_hides_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://corridor:hunter2@127.0.0.1:1/corridor"
    assert main(["db", "upgrade", "--database-url", url]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "无法使用数据库" in err and "cannot be used" in err
    assert "hunter2" not in err and "Traceback" not in err


def test_importing_a_missing_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere")
    assert main(["db", "import-batches", missing, "--data-dir", str(tmp_path)]) == EXIT_BAD_INPUT
    assert "no such directory" in capsys.readouterr().err
