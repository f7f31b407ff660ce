"""Named accounts in the store's database (tables `accounts`, `os_users`): their admins, personal
tokens and OS users mapped to accounts, each change one transaction with its audit entry."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.actors import ANALYST, ROLES, Actor, name_key
from etl.store.db import tables as t
from etl.store.db.engine import writing
from etl.store.db.opening import store_engine
from etl.store.db.writes import record_audit
from etl.store.passwords import HASH_KEY, hash_password, password_configured, read_secrets

# A personal token: this prefix, then 43 random URL-safe characters (256 bits). Only its
# sha256 is stored; a token is long and random, so a plain hash is enough to check it.
TOKEN_PREFIX = "ctk_"
# A person keeps this many tokens: a new one past it retires the oldest.
MAX_TOKENS = 10
# The shared password of secrets.toml (`corridor set-password`) is the account of this name.
LEGACY_NAME = "analyst"
NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.@\-\u4e00-\u9fff]{0,63}$")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    """A named account: its role and its password's scrypt hash."""

    name: str
    role: str
    password_hash: str


def check_name(name: str) -> str:
    """Return a person's name trimmed and NFKC-normalised, refusing empty, over-long or odd ones."""
    value = unicodedata.normalize("NFKC", name).strip()
    if not NAME_RE.match(value):
        raise CorridorError.single(
            "用户名只能用字母、数字、汉字和 _ . @ -，最长 64 个字符",
            "names use letters, digits, Chinese characters and _ . @ - only, at most 64",
            value=name[:80],
        )
    return value


@dataclass(frozen=True)
class Account:
    """One stored account: role, password hash, admin flag and its tokens' hashes."""

    role: str
    password_hash: str
    admin: bool
    tokens: tuple[str, ...] = ()
    # Whatever else an imported accounts file held for the account, kept as it came.
    spec: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Accounts:
    """The accounts as stored: accounts by name and OS user mappings."""

    accounts: dict[str, Account]
    os_users: dict[str, str]

    def find(self, name: str) -> str | None:
        """Return the stored spelling of an account whose key equals name's, else None."""
        key = name_key(name)
        return next((n for n in self.accounts if name_key(n) == key), None)

    def is_admin(self, name: str) -> bool:
        """Return whether name is an admin account."""
        found = self.find(name)
        return bool(found and self.accounts[found].admin)

    def token_owner(self, token: str) -> str | None:
        """Return the account a personal token belongs to, else None."""
        digest = _token_hash(token)
        for name, account in self.accounts.items():
            if any(hmac.compare_digest(digest, str(h)) for h in account.tokens):
                return name
        return None


def _read(connection: Connection) -> Accounts:
    a, o = t.accounts, t.os_users
    rows = connection.execute(sa.select(a).order_by(a.c.name)).all()
    accounts = {
        str(r.name): Account(
            str(r.role),
            str(r.password_hash),
            bool(r.admin),
            tuple(str(h) for h in (r.spec or {}).get("tokens", [])),
            dict(r.spec or {}),
        )
        for r in rows
        if r.role in ROLES
    }
    mapped = connection.execute(sa.select(o.c.os_name, o.c.account)).all()
    return Accounts(accounts, {str(k): str(v) for k, v in mapped})


def stored_accounts(layout: Layout) -> Accounts:
    """Return the accounts the data directory's database holds."""
    with store_engine(layout).connect() as connection:
        return _read(connection)


def read_users(layout: Layout, section: dict[str, Any] | None = None) -> dict[str, User]:
    """Return the named accounts; the legacy shared password is the account 'analyst'."""
    users = {
        n: User(n, a.role, a.password_hash) for n, a in stored_accounts(layout).accounts.items()
    }
    legacy = read_secrets() if section is None else section
    if password_configured(legacy) and find_user(users, LEGACY_NAME) is None:
        users[LEGACY_NAME] = User(LEGACY_NAME, ANALYST, str(legacy[HASH_KEY]))
    return users


def find_user(users: dict[str, User], name: str) -> User | None:
    """Return the account whose name equals name regardless of case and width, else None."""
    key = name_key(name)
    return next((u for n, u in users.items() if name_key(n) == key), None)


@contextmanager
def _editing(
    layout: Layout, by: Actor | None, *, own: str = ""
) -> Iterator[tuple[Connection, Accounts]]:
    """Yield the accounts in one write transaction, committed on a clean exit.

    An admin is needed unless there are no accounts yet (the first becomes the admin) or own
    names the acting person's own account. The admin is checked against the database as it is
    now, not as it was when they logged in.
    """
    with writing(store_engine(layout)) as connection:
        held = _read(connection)
        is_own = bool(own) and by is not None and bool(by.account) and by.account == name_key(own)
        if held.accounts and not is_own and (by is None or not held.is_admin(by.name)):
            raise CorridorError.single(
                "管理账户须由管理员进行（第一个账户是管理员）",
                "managing accounts needs an admin account (the first account is one)",
                value=None if by is None else by.name[:80],
            )
        yield connection, held


def _existing(held: Accounts, name: str) -> str:
    found = held.find(name)
    if found is None:
        raise CorridorError.single("没有该用户", "no such user", value=name[:80])
    return found


def _by(by: Actor | None) -> str:
    return "" if by is None else by.name


def add_user(layout: Layout, name: str, role: str, password: str, *, by: Actor | None) -> User:
    """Add a named account (refusing a name taken in any case or width); the first is admin."""
    name = check_name(name)
    if role not in ROLES:
        raise CorridorError.single("角色须为 analyst 或 manager", "role must be analyst or manager")
    hashed = hash_password(password)
    with _editing(layout, by) as (connection, held):
        if held.find(name) is not None:
            raise CorridorError.single(
                "该用户已存在（不区分大小写和全角半角）",
                "this user already exists (names are compared regardless of case and width)",
                value=name,
            )
        admin = not held.accounts
        row = {"name": name, "role": role, "password_hash": hashed, "admin": admin, "spec": {}}
        connection.execute(sa.insert(t.accounts), [row])
        record_audit(connection, "user_added", _by(by), account=name, role=role, admin=admin)
    return User(name, role, hashed)


def remove_user(layout: Layout, name: str, *, by: Actor | None) -> None:
    """Remove a named account (and any OS user mapped to it)."""
    with _editing(layout, by) as (connection, held):
        found = _existing(held, name)
        admins = [n for n, a in held.accounts.items() if a.admin]
        if admins == [found] and len(held.accounts) > 1:
            # Accounts with no admin could never be managed again (only the first is one).
            raise CorridorError.single(
                "不能删除唯一的管理员账户：请先删除其他账户",
                "cannot remove the only admin account while other accounts remain: remove "
                "them first",
                value=found,
            )
        connection.execute(sa.delete(t.accounts).where(t.accounts.c.name == found))
        gone = [k for k, v in held.os_users.items() if name_key(v) == name_key(found)]
        if gone:
            connection.execute(sa.delete(t.os_users).where(t.os_users.c.os_name.in_(gone)))
        record_audit(connection, "user_removed", _by(by), account=found)


def set_user_password(layout: Layout, name: str, password: str, *, by: Actor | None) -> None:
    """Replace a named account's password (an admin, or the account itself)."""
    hashed = hash_password(password)
    with _editing(layout, by, own=name) as (connection, held):
        found = _existing(held, name)
        connection.execute(
            sa.update(t.accounts).where(t.accounts.c.name == found).values(password_hash=hashed)
        )
        record_audit(connection, "password_set", _by(by), account=found)


def make_token(layout: Layout, name: str, *, by: Actor | None) -> str:
    """Return a new personal token for an account (an admin, or the account itself)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with _editing(layout, by, own=name) as (connection, held):
        found = _existing(held, name)
        account = held.accounts[found]
        tokens = [*account.tokens[-(MAX_TOKENS - 1) :], _token_hash(token)]
        connection.execute(
            sa.update(t.accounts)
            .where(t.accounts.c.name == found)
            .values(spec={**account.spec, "tokens": tokens})
        )
        record_audit(connection, "token_made", _by(by), account=found)
    return token


def map_os_user(layout: Layout, os_name: str, name: str | None, *, by: Actor | None) -> None:
    """Let an OS user act as an account without a password (name None: remove the mapping)."""
    with _editing(layout, by) as (connection, held):
        connection.execute(sa.delete(t.os_users).where(t.os_users.c.os_name == os_name))
        target = None if name is None else _existing(held, name)
        if target is not None:
            connection.execute(sa.insert(t.os_users), [{"os_name": os_name, "account": target}])
        record_audit(connection, "os_user_mapped", _by(by), os_user=os_name, account=target)
