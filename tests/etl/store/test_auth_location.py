"""etl/store/accounts.py users_path and `corridor users`: accounts live with the data or where the
environment says, never in the checkout; every secret file a checkout can hold is git-ignored."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from corridor.cli import main
from etl.contract.paths import REPO_ROOT
from etl.store import accounts, auth, passwords


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (accounts.USERS_ENV, passwords.SECRETS_ENV, "CORRIDOR_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def checkout_files() -> set[str]:
    """Every file under the checkout, tracked or not, except the virtualenv and caches."""
    skip = {".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache", "node_modules"}
    found = set()
    for path in REPO_ROOT.rglob(accounts.USERS_FILE_NAME):
        if not skip.intersection(path.relative_to(REPO_ROOT).parts):
            found.add(str(path))
    return found


def test_the_users_file_follows_the_data_directory(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert accounts.users_path(tmp_path / "d") == (tmp_path / "d").resolve() / "corridor_users.json"
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "env-data"))
    assert accounts.users_path() == (tmp_path / "env-data").resolve() / "corridor_users.json"
    monkeypatch.setenv(accounts.USERS_ENV, str(tmp_path / "elsewhere.json"))
    assert accounts.users_path() == tmp_path / "elsewhere.json"


def test_corridor_users_add_writes_beside_the_data_and_nothing_into_the_checkout(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = checkout_files()
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO("wang fang password 1\n"))
    assert main(["users", "add", "王芳", "--role", "analyst", "--password-stdin",
                 "--data-dir", str(data)]) == 0  # fmt: skip
    assert (data / "corridor_users.json").is_file()
    assert checkout_files() == before, "no account file was written into the checkout"
    # The page finds the same accounts through $CORRIDOR_DATA_DIR (what corridor serve sets).
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(data))
    assert "王芳" in auth.read_users(section={})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_every_secret_a_checkout_can_hold_is_git_ignored(clean_env: None) -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    # Every default place a password hash, an account or a TLS key can be written in a checkout.
    secrets = [
        passwords.SECRETS_PATH,
        passwords.SECRETS_PATH.with_name(accounts.USERS_FILE_NAME),
        passwords.SECRETS_PATH.with_name(".secrets.toml.ab12cd34.tmp"),
        accounts.users_path(),
        accounts.users_path().with_name(".corridor_users.json.ab12cd34.tmp"),
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
