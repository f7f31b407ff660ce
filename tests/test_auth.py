"""etl/store/auth.py: the analyst password is stored hashed (0600), checked in constant time,
slowly on failure; OIDC e-mails map to roles; anything but an analyst is refused."""

from __future__ import annotations

import stat
import time
import tomllib
from pathlib import Path

import pytest

from etl.contract.errors import CorridorError
from etl.store import auth
from etl.store.auth import (
    ANALYST,
    MANAGER,
    Actor,
    actor_from_email,
    hash_password,
    login_with_password,
    password_configured,
    read_secrets,
    require_analyst,
    verify_password,
    write_password_hash,
)

PASSWORD = "correct horse battery"


def test_a_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$") and first != second, "a random salt per hash"
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "scrypt$16384$8$1$!!!$!!!", "scrypt$99999999999$8$1$AAAA$AAAA", "md5$x$y$z$a$b"],
)
def test_malformed_or_tampered_hashes_never_verify(stored: str) -> None:
    assert not verify_password(PASSWORD, stored)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(CorridorError, match="too short"):
        hash_password("short")


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    verify_password(PASSWORD, hash_password(PASSWORD))
    assert len(calls) == 1


def test_set_password_writes_0600_and_keeps_other_settings(tmp_path: Path) -> None:
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[auth]\nredirect_uri = "http://x/oauth2callback"\n', encoding="utf-8")
    write_password_hash(hash_password(PASSWORD), secrets)
    write_password_hash(hash_password(PASSWORD + "2"), secrets)  # replaces, never duplicates
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    data = tomllib.loads(secrets.read_text(encoding="utf-8"))
    assert data["auth"]["redirect_uri"] == "http://x/oauth2callback"
    section = read_secrets(secrets)
    assert password_configured(section)
    assert verify_password(PASSWORD + "2", section["analyst_password_hash"])
    assert [p.name for p in secrets.parent.iterdir()] == ["secrets.toml"]


def test_login_gives_an_analyst_or_nothing_after_a_delay(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    write_password_hash(hash_password(PASSWORD), secrets)
    section = read_secrets(secrets)
    actor = login_with_password(PASSWORD, section, delay=0)
    assert actor is not None and actor.role == ANALYST
    start = time.perf_counter()
    assert login_with_password("guess guess guess", section, delay=0.3) is None
    assert time.perf_counter() - start >= 0.3
    assert login_with_password(PASSWORD, {}, delay=0) is None, "no password configured: no login"


def test_no_secrets_file_means_nothing_configured(tmp_path: Path) -> None:
    assert read_secrets(tmp_path / "absent.toml") == {}
    assert not password_configured({})


def test_oidc_emails_listed_are_analysts_others_managers() -> None:
    section = {"analyst_emails": ["Ana@Example.org"]}
    assert actor_from_email("ana@example.org", section).role == ANALYST
    assert actor_from_email("boss@example.org", section).role == MANAGER
    assert actor_from_email(None, section).role == MANAGER


def test_only_analysts_pass_the_role_check() -> None:
    assert require_analyst(Actor("a", ANALYST)).name == "a"
    for who in (Actor("m", MANAGER), None, "analyst"):
        with pytest.raises(CorridorError, match="only analysts"):
            require_analyst(who)  # type: ignore[arg-type]
