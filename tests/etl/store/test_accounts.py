"""etl/store/accounts.py on SQLite and PostgreSQL: the database is the account store, every change
one transaction with its audit entry, only hashes stored, an old accounts file loaded once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from audit_support import refuse_audit_rows
from pg_support import db_url, postgres_server

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store import accounts, auth
from etl.store.actors import ANALYST, MANAGER, Actor
from etl.store.audit import audit
from etl.store.db import tables as t
from etl.store.db.engine import DATABASE_ENV
from etl.store.db.opening import forget_engines, store_engine
from etl.store.db.side_records import USERS_ENV, USERS_FILE_NAME
from etl.store.passwords import verify_password

__all__ = ["db_url", "postgres_server"]

ADMIN = Actor("wang", ANALYST)


@pytest.fixture
def store(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Layout]:
    """A new data directory whose database is the engine's (SQLite beside it, or PostgreSQL)."""
    monkeypatch.delenv(USERS_ENV, raising=False)
    monkeypatch.delenv("CORRIDOR_SECRETS_FILE", raising=False)
    if db_url.startswith("postgresql"):
        monkeypatch.setenv(DATABASE_ENV, db_url)
    else:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
    where = Layout(tmp_path / "data")
    where.root.mkdir()
    yield where
    forget_engines()  # PostgreSQL drops the database: no connection may stay open


def audit_events(where: Layout) -> list[tuple[str, str, dict[str, object]]]:
    a = t.audit
    with store_engine(where).connect() as connection:
        rows = connection.execute(sa.select(a.c.event, a.c.person, a.c.details).order_by(a.c.id))
        return [(str(e), str(p), dict(d)) for e, p, d in rows]


def account_rows(where: Layout) -> str:
    with store_engine(where).connect() as connection:
        return repr(connection.execute(sa.select(t.accounts)).all())


def test_accounts_live_in_the_database_and_every_change_is_audited(store: Layout) -> None:
    accounts.add_user(store, "wang", ANALYST, "wang password 2025", by=None)
    accounts.add_user(store, "boss", MANAGER, "boss password 2025", by=ADMIN)
    accounts.set_user_password(store, "boss", "boss new password 1", by=ADMIN)
    token = accounts.make_token(store, "boss", by=ADMIN)
    accounts.map_os_user(store, "ops", "boss", by=ADMIN)
    held = accounts.stored_accounts(store)
    assert held.is_admin("WANG") and not held.is_admin("boss"), "the first account is the admin"
    assert held.token_owner(token) == "boss" and held.os_users == {"ops": "boss"}
    users = accounts.read_users(store, section={})
    assert verify_password("boss new password 1", users["boss"].password_hash)
    stored = account_rows(store)
    for secret in ("wang password 2025", "boss new password 1", token):
        assert secret not in stored, "only hashes are stored"
    accounts.remove_user(store, "boss", by=ADMIN)
    assert list(accounts.read_users(store, section={})) == ["wang"]
    assert accounts.stored_accounts(store).os_users == {}, "its OS user mapping went with it"
    events = audit_events(store)
    assert [(e, p) for e, p, _ in events] == [
        ("user_added", ""),
        ("user_added", "wang"),
        ("password_set", "wang"),
        ("token_made", "wang"),
        ("os_user_mapped", "wang"),
        ("user_removed", "wang"),
    ]
    assert events[1][2] == {"account": "boss", "role": MANAGER, "admin": False}
    assert token not in repr(events) and "password 2025" not in repr(events)


def test_only_an_admin_changes_accounts_but_anyone_their_own_password(store: Layout) -> None:
    accounts.add_user(store, "wang", ANALYST, "wang password 2025", by=None)
    accounts.add_user(store, "li", ANALYST, "li password 2025", by=ADMIN)
    li = Actor("li", ANALYST, account="li")
    for change in (
        lambda: accounts.add_user(store, "eve", ANALYST, "eve password 2025", by=li),
        lambda: accounts.add_user(store, "eve", ANALYST, "eve password 2025", by=None),
        lambda: accounts.remove_user(store, "wang", by=li),
        lambda: accounts.set_user_password(store, "wang", "taken over 2025", by=li),
        lambda: accounts.map_os_user(store, "root", "li", by=li),
    ):
        with pytest.raises(CorridorError, match="admin"):
            change()
    accounts.set_user_password(store, "li", "li new password 1", by=li)
    assert accounts.make_token(store, "li", by=li).startswith(accounts.TOKEN_PREFIX)
    users = accounts.read_users(store, section={})
    assert sorted(users) == ["li", "wang"]
    assert verify_password("li new password 1", users["li"].password_hash)
    with pytest.raises(CorridorError, match="already exists"):
        accounts.add_user(store, "ＬＩ", ANALYST, "another password 1", by=ADMIN)


def test_an_account_change_the_audit_trail_cannot_record_is_refused_and_not_made(
    store: Layout,
) -> None:
    accounts.add_user(store, "wang", ANALYST, "wang password 2025", by=None)
    refuse_audit_rows(store)
    for change in (
        lambda: accounts.add_user(store, "li", ANALYST, "li password 2025", by=ADMIN),
        lambda: accounts.remove_user(store, "wang", by=ADMIN),
        lambda: accounts.set_user_password(store, "wang", "another password 1", by=ADMIN),
    ):
        with pytest.raises(CorridorError) as info:
            change()
        assert "nothing was changed" in info.value.render() and "审计" in info.value.render()
    users = accounts.read_users(store, section={})
    assert list(users) == ["wang"]
    assert verify_password("wang password 2025", users["wang"].password_hash)
    with pytest.raises(CorridorError, match="audit trail cannot be written"):
        audit(store, "login", "wang")


ADD_IN_A_PROCESS = """
import sys
from pathlib import Path
from etl.contract.paths import Layout
from etl.store import accounts, auth
from etl.store.audit import audit
accounts.add_user(Layout(Path(sys.argv[1])), sys.argv[2], "analyst", "a long password 2025",
                  by=auth.Actor("wang", "analyst"))
"""


def test_concurrent_account_edits_lose_nothing(store: Layout) -> None:
    # Two `users add` at once once lost an account; now each is a transaction. Fresh
    # interpreters, not multiprocessing: its spawn would re-run whatever __main__ is.
    accounts.add_user(store, "wang", ANALYST, "wang password 2025", by=None)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    names = ["p1", "p2", "p3", "p4"]
    workers = [
        subprocess.Popen([sys.executable, "-c", ADD_IN_A_PROCESS, str(store.root), n], env=env)
        for n in names
    ]
    for worker in workers:
        assert worker.wait(120) == 0
    assert sorted(accounts.read_users(store, section={})) == [*names, "wang"]


def legacy_file(where: Path, *names: str) -> Path:
    users = {
        n: {"role": ANALYST, "hash": "scrypt$16384$8$1$AAAA$AAAA", "admin": i == 0}
        for i, n in enumerate(names)
    }
    path = where / USERS_FILE_NAME
    path.write_text(json.dumps({"users": users, "os_users": {}}), encoding="utf-8")
    return path


def test_an_accounts_file_that_appears_later_is_loaded_once(store: Layout) -> None:
    from etl.store.db.importing import import_accounts_file

    engine = store_engine(store)  # built without accounts
    path = legacy_file(store.root, "old.admin", "old.analyst")
    assert import_accounts_file(engine, store) == 2
    held = accounts.stored_accounts(store)
    assert sorted(held.accounts) == ["old.admin", "old.analyst"] and held.is_admin("old.admin")
    assert audit_events(store)[-1][:2] == ("accounts_imported", "")
    assert import_accounts_file(engine, store) == 0, "the database holds accounts: not again"
    by = Actor("old.admin", ANALYST)
    accounts.remove_user(store, "old.analyst", by=by)
    accounts.remove_user(store, "old.admin", by=by)
    assert path.is_file()
    assert import_accounts_file(engine, store) == 0, "removed accounts never come back"
    assert accounts.read_users(store, section={}) == {}


def test_a_first_start_loads_the_accounts_file_beside_the_data(store: Layout) -> None:
    legacy_file(store.root, "first")
    assert accounts.stored_accounts(store).is_admin("first")
    forget_engines()
    assert list(accounts.read_users(store, section={})) == ["first"], "loaded once, not twice"


def test_a_proven_actor_is_checked_against_the_database(
    store: Layout, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(auth, "THROTTLE", auth.LoginThrottle(tmp_path / "logins.json"))
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)
    accounts.add_user(store, "wang", ANALYST, "wang password 2025", by=None)
    actor = auth.cli_actor(store, "wang", "wang password 2025")
    assert actor.admin and actor.account == "wang"
    token = accounts.make_token(store, "wang", by=actor)
    assert auth.cli_actor(store, None, token).name == "wang"
    accounts.add_user(store, "li", ANALYST, "li password 2025", by=actor)
    theirs = accounts.make_token(store, "li", by=actor)
    assert auth.cli_actor(store, None, theirs).name == "li"
    accounts.remove_user(store, "li", by=actor)
    with pytest.raises(CorridorError, match="invalid token"):
        auth.cli_actor(store, None, theirs)


def test_the_only_admin_is_not_removed_while_other_accounts_remain(store: Layout) -> None:
    accounts.add_user(store, "wang", ANALYST, "a long password 1", by=None)
    accounts.add_user(store, "li", MANAGER, "a long password 2", by=ADMIN)
    with pytest.raises(CorridorError) as refused:
        accounts.remove_user(store, "wang", by=ADMIN)
    assert "唯一的管理员" in refused.value.render() and "only admin" in refused.value.render()
    assert accounts.stored_accounts(store).is_admin("wang")
    # Once the admin is alone, it may go: the next account made is the admin again.
    accounts.remove_user(store, "li", by=ADMIN)
    accounts.remove_user(store, "wang", by=ADMIN)
    assert not accounts.stored_accounts(store).accounts
    accounts.add_user(store, "zhao", ANALYST, "a long password 3", by=None)
    assert accounts.stored_accounts(store).is_admin("zhao")
