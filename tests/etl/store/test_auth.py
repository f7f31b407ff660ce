"""etl/store/ actors, passwords, accounts, login_throttle and auth: the analyst password is
stored hashed (0600), checked in constant time, slowly on failure; OIDC e-mails map to roles;
anything but an analyst is refused, as NotAnalystError; a lock is refused as LockedError."""

from __future__ import annotations

import stat
import time
import tomllib
from pathlib import Path

import pytest
from references import login_with_password

from etl.contract.errors import CorridorError, LockedError, NotAnalystError
from etl.contract.paths import Layout
from etl.store import accounts, auth, login_throttle, passwords
from etl.store.actors import ANALYST, MANAGER, Actor, require_analyst
from etl.store.login_throttle import THROTTLE_FILE
from etl.store.passwords import (
    actor_from_email,
    hash_password,
    password_configured,
    read_secrets,
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
    real = passwords.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(passwords.hmac, "compare_digest", spy)
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
        with pytest.raises(NotAnalystError):
            require_analyst(who)  # type: ignore[arg-type]


def account_file(tmp_path: Path, *names: str) -> tuple[Layout, dict[str, auth.User]]:
    where = Layout(tmp_path / "data")
    admin = None
    for name in names:
        accounts.add_user(where, name, ANALYST, f"{name} password 2025", by=admin)
        admin = admin or Actor(name, ANALYST)
    return where, auth.read_users(where, section={})


def counting_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    real = auth.verify_password

    def counted(password: str, stored: str) -> bool:
        checked.append(password)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", counted)
    return checked


def test_concurrent_guessers_get_only_the_allowed_checks_and_the_owner_gets_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The issue: thirty sessions guessing at once got 19 passwords checked where five are
    # allowed, and five guesses locked the owner out for minutes.
    import threading

    _path, users = account_file(tmp_path, "alice")
    throttle = auth.LoginThrottle(tmp_path / "logins.json")
    checked = counting_checks(monkeypatch)
    stop = time.monotonic() + 3.0

    def guess(n: int) -> None:
        while time.monotonic() < stop:
            auth.login_named(
                "alice", f"guess {n} xxxxxx", users, throttle, 0.0, client="ip:6.6.6.6"
            )

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    start = time.monotonic()
    actor, outcome = auth.login_named(
        "alice", "alice password 2025", users, throttle, 0.0, client="ip:10.0.0.7"
    )
    owner_seconds = time.monotonic() - start
    for thread in threads:
        thread.join()
    assert outcome == "ok" and actor is not None and actor.name == "alice"
    assert owner_seconds < 5.0, owner_seconds
    guesses = [p for p in checked if p.startswith("guess")]
    # Five free, then one after 1 s and one after 2 s more: at most 7 in 3 s, never 30.
    assert auth.FREE_FAILURES <= len(guesses) <= auth.FREE_FAILURES + 2, len(guesses)


def test_a_sprayed_guesser_slows_checks_but_never_refuses_a_right_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"user{i}" for i in range(3)]
    _path, users = account_file(tmp_path, *names)
    throttle = auth.LoginThrottle(tmp_path / "logins.json")
    # 60 failures over many clients and names: past the global threshold. Their waits are
    # recorded, not slept (they would add up to most of a minute); the owner's wait is real.
    brakes: list[float] = []
    with monkeypatch.context() as patched:
        patched.setattr(auth.time, "sleep", brakes.append)
        for i in range(60):
            auth.login_named(
                f"nobody{i}", "wrong password xx", users, throttle, 0.0, client=f"c{i}"
            )
    slowed = [b for b in brakes if b > 0]
    # Past the threshold the checks wait longer and longer (the counts decay a little while
    # they run), up to the cap.
    assert len(slowed) >= 60 - login_throttle.GLOBAL_FAILURES - 1, brakes
    assert slowed[-1] > 10 * slowed[0], slowed
    assert max(slowed) >= login_throttle.GLOBAL_DELAY_MAX_S - 0.5
    assert max(slowed) <= login_throttle.GLOBAL_DELAY_MAX_S
    start = time.monotonic()
    actor, outcome = auth.login_named(
        "user1", "user1 password 2025", users, throttle, 0.0, client="owner"
    )
    assert outcome == "ok" and actor is not None
    assert time.monotonic() - start <= login_throttle.GLOBAL_DELAY_MAX_S + 1.0


def test_failure_counters_decay(tmp_path: Path) -> None:
    now = [1_000_000.0]
    throttle = auth.LoginThrottle(tmp_path / "logins.json", clock=lambda: now[0])
    _path, users = account_file(tmp_path, "alice")
    for _ in range(8):
        auth.login_named("alice", "wrong password xx", users, throttle, 0.0, client="c")
    assert auth.login_named("alice", "alice password 2025", users, throttle, 0.0, client="c")[
        1
    ] == ("locked")
    now[0] += 6 * login_throttle.HALF_LIFE_S  # 8 failures decay to well under the free five
    actor, outcome = auth.login_named(
        "alice", "alice password 2025", users, throttle, 0.0, client="c"
    )
    assert outcome == "ok" and actor is not None


def test_a_manager_proving_their_account_is_refused_a_write_as_not_an_analyst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, _users = account_file(tmp_path, "admin")
    accounts.add_user(where, "boss", MANAGER, "boss password 2025", by=Actor("admin", ANALYST))
    monkeypatch.setattr(auth, "THROTTLE", auth.LoginThrottle(tmp_path / "logins.json"))
    assert auth.cli_actor(where, "boss", "boss password 2025", writes=False).name == "boss"
    with pytest.raises(NotAnalystError):
        auth.cli_actor(where, "boss", "boss password 2025", writes=True)


def test_a_login_refused_by_the_throttle_is_refused_as_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where, users = account_file(tmp_path, "alice")
    # The counters the command line reads are those of its own --data-dir, whatever
    # $CORRIDOR_DATA_DIR (the default throttle's directory) names.
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "elsewhere"))
    throttle = auth.LoginThrottle(where.root / THROTTLE_FILE)
    for _ in range(8):
        auth.login_named("alice", "wrong password xx", users, throttle, 0.0, client="cli:x")
    monkeypatch.setattr(auth, "_cli_client", lambda: "cli:x")
    with pytest.raises(LockedError):
        auth.cli_actor(where, "alice", "alice password 2025")
    assert not (tmp_path / "elsewhere" / THROTTLE_FILE).exists()
