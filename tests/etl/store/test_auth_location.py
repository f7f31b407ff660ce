"""`corridor users`: accounts live in the data directory's database (or $CORRIDOR_DATABASE_URL's),
never in the checkout; every secret file a checkout can hold is git-ignored."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from corridor.cli import main
from etl.contract.paths import DEFAULT_DATA_DIR, REPO_ROOT, layout
from etl.store import auth, passwords
from etl.store.db.engine import DATABASE_ENV, DATABASE_FILE
from etl.store.db.opening import forget_engines
from etl.store.db.side_records import USERS_ENV, USERS_FILE_NAME
from etl.store.login_throttle import THROTTLE_FILE


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (USERS_ENV, passwords.SECRETS_ENV, "CORRIDOR_DATA_DIR", DATABASE_ENV):
        monkeypatch.delenv(name, raising=False)


def checkout_files() -> set[str]:
    """Every account or database file under the checkout, tracked or not, except the
    virtualenv and caches."""
    skip = {".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache", "node_modules"}
    found = set()
    for pattern in (USERS_FILE_NAME, DATABASE_FILE + "*"):
        for path in REPO_ROOT.rglob(pattern):
            if not skip.intersection(path.relative_to(REPO_ROOT).parts):
                found.add(str(path))
    return found


def test_corridor_users_add_writes_into_the_data_directorys_database_only(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = checkout_files()
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\n"))
    assert main(["users", "add", "王芳", "--role", "analyst", "--password-stdin",
                 "--data-dir", str(data)]) == 0  # fmt: skip
    assert (data / DATABASE_FILE).is_file() and not (data / USERS_FILE_NAME).exists()
    assert checkout_files() == before, "nothing was written into the checkout"
    # The page finds the same accounts through $CORRIDOR_DATA_DIR (what corridor serve sets).
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(data))
    assert "王芳" in auth.read_users(layout(), section={})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_every_secret_a_checkout_can_hold_is_git_ignored(clean_env: None) -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    # Every default place a password hash, an account or a TLS key can be written in a checkout.
    secrets = [
        passwords.SECRETS_PATH,
        passwords.SECRETS_PATH.with_name(USERS_FILE_NAME),
        passwords.SECRETS_PATH.with_name(".secrets.toml.ab12cd34.tmp"),
        DEFAULT_DATA_DIR / USERS_FILE_NAME,
        DEFAULT_DATA_DIR / DATABASE_FILE,
        DEFAULT_DATA_DIR / (DATABASE_FILE + "-wal"),
        DEFAULT_DATA_DIR / THROTTLE_FILE,
        DEFAULT_DATA_DIR / f".{THROTTLE_FILE}.ab12cd34.tmp",
        REPO_ROOT / "data" / "audit.log",
        REPO_ROOT / "key.pem",
        REPO_ROOT / "server.key",
    ]
    for path in secrets:
        assert path.is_relative_to(REPO_ROOT), path
        rel = str(path.relative_to(REPO_ROOT))
        result = subprocess.run(
            ["git", "check-ignore", "--no-index", "-q", rel], cwd=REPO_ROOT, check=False
        )
        assert result.returncode == 0, f"{rel} is not git-ignored"


def test_an_old_users_file_that_appears_later_is_loaded_once_and_then_named_as_unread(
    clean_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["users", "list", "--data-dir", str(data)]) == 0  # the database is built
    assert "no users yet" in capsys.readouterr().out
    hashed = passwords.hash_password("old admin password 1")
    old = {"users": {"old.admin": {"role": "analyst", "hash": hashed, "admin": True}}}
    (data / USERS_FILE_NAME).write_text(json.dumps(old), encoding="utf-8")
    forget_engines()  # the next start (another process, in practice) finds the file
    assert main(["users", "list", "--data-dir", str(data)]) == 0
    shown = capsys.readouterr()
    assert "old.admin\tanalyst" in shown.out and "no longer read" in shown.err
    users = auth.read_users(layout(data), section={})
    assert passwords.verify_password("old admin password 1", users["old.admin"].password_hash)
