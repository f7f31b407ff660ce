"""Named accounts: the accounts file beside the data (mode 0600), its admins, personal tokens and
OS users mapped to accounts, edited under the file's lock."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from etl.contract.errors import CorridorError, LockedError
from etl.contract.paths import resolve_data_dir
from etl.store.actors import ANALYST, ROLES, Actor, name_key
from etl.store.passwords import (
    HASH_KEY,
    SECRETS_ENV,
    SECRETS_PATH,
    hash_password,
    password_configured,
    read_secrets,
    secrets_path,
)

# A personal token: this prefix, then 43 random URL-safe characters (256 bits). Only its
# sha256 is stored; a token is long and random, so a plain hash is enough to check it.
TOKEN_PREFIX = "ctk_"
TOKEN_ENV = "CORRIDOR_TOKEN"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


# Named accounts live beside secrets.toml in a JSON file of their own (mode 0600), so adding a
# person never rewrites the Streamlit secrets; the shared password is the account "analyst".
USERS_ENV = "CORRIDOR_USERS_FILE"
LEGACY_NAME = "analyst"
NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.@\-\u4e00-\u9fff]{0,63}$")
# Account edits wait this long for another edit to finish, then give up with a message.
USERS_LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class User:
    """A named account: its role and its password's scrypt hash."""

    name: str
    role: str
    password_hash: str


USERS_FILE_NAME = "corridor_users.json"


def users_file_path(path: Path | None = None, data_dir: Path | None = None) -> Path:
    """Return the accounts file: path, else $CORRIDOR_USERS_FILE, else beside
    $CORRIDOR_SECRETS_FILE, else <data-dir>/corridor_users.json (accounts go with the data,
    never into the checkout)."""
    if path is not None:
        return path
    env = os.environ.get(USERS_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if os.environ.get(SECRETS_ENV, "").strip():
        return secrets_path().with_name(USERS_FILE_NAME)
    where = resolve_data_dir(data_dir) / USERS_FILE_NAME
    # Earlier versions kept accounts in the checkout's .streamlit/ (git-ignored): that file stays
    # in use until someone moves it beside the data, so no account is lost by upgrading.
    legacy = SECRETS_PATH.with_name(USERS_FILE_NAME)
    return legacy if not where.exists() and legacy.is_file() else where


def users_path(data_dir: Path | None = None) -> Path:
    """Return the accounts file of a data directory (users_file_path with no explicit path)."""
    return users_file_path(None, data_dir)


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


@dataclass
class AccountsFile:
    """The accounts file as held: accounts, admins, token hashes and OS user mappings."""

    accounts: dict[str, dict[str, Any]]
    os_users: dict[str, str]

    def find(self, name: str) -> str | None:
        """Return the stored spelling of an account whose key equals name's, else None."""
        key = name_key(name)
        return next((n for n in self.accounts if name_key(n) == key), None)

    def is_admin(self, name: str) -> bool:
        found = self.find(name)
        return bool(found and self.accounts[found].get("admin"))

    def token_owner(self, token: str) -> str | None:
        digest = _token_hash(token)
        for account, spec in self.accounts.items():
            if any(hmac.compare_digest(digest, str(t)) for t in spec.get("tokens", [])):
                return account
        return None

    def to_json(self) -> bytes:
        body = {"users": self.accounts, "os_users": self.os_users}
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def stored_accounts(path: Path | None = None) -> AccountsFile:
    """Return the accounts file's content (empty when there is no file)."""
    where = users_file_path(path)
    if not where.is_file():
        return AccountsFile({}, {})
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
        accounts = {
            str(n): dict(spec)
            for n, spec in dict(data.get("users", {})).items()
            if isinstance(spec, dict) and spec.get("role") in ROLES
        }
        os_users = {str(k): str(v) for k, v in dict(data.get("os_users", {})).items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise CorridorError.single(
            f"用户文件无法解析：{exc}",
            f"the users file cannot be parsed: {exc}",
            file=str(where),
        ) from None
    return AccountsFile(accounts, os_users)


def read_users(path: Path | None = None, section: dict[str, Any] | None = None) -> dict[str, User]:
    """Return the named accounts; the legacy shared password is the account 'analyst'."""
    store = stored_accounts(path)
    users = {
        n: User(n, str(spec["role"]), str(spec.get("hash", "")))
        for n, spec in store.accounts.items()
    }
    legacy = read_secrets() if section is None else section
    if password_configured(legacy) and find_user(users, LEGACY_NAME) is None:
        users[LEGACY_NAME] = User(LEGACY_NAME, ANALYST, str(legacy[HASH_KEY]))
    return users


def find_user(users: dict[str, User], name: str) -> User | None:
    """Return the account whose name equals name regardless of case and width, else None."""
    key = name_key(name)
    return next((u for n, u in users.items() if name_key(n) == key), None)


def _write_store(store: AccountsFile, where: Path) -> None:
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(store.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, where)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _editing(path: Path | None, by: Actor | None) -> Iterator[AccountsFile]:
    """Yield the accounts under the file's lock, written back on a clean exit (admins only).

    Read, change and write happen under one lock, so two edits at once never lose either; the
    acting admin is checked against the file as it is now, not as it was when they logged in.
    """
    where = users_file_path(path)
    where.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(where.with_name(where.name + ".lock")), timeout=USERS_LOCK_TIMEOUT_S)
    try:
        with lock:
            store = stored_accounts(where)
            if store.accounts and (by is None or not store.is_admin(by.name)):
                raise CorridorError.single(
                    "管理账户须由管理员进行（第一个账户是管理员）",
                    "managing accounts needs an admin account (the first account is one)",
                    value=None if by is None else by.name[:80],
                )
            yield store
            _write_store(store, where)
    except Timeout:
        raise LockedError.single(
            "用户文件正被另一个修改占用，请稍后再试",
            "the accounts file is being changed by someone else; try again shortly",
            file=str(where),
        ) from None


def _existing(store: AccountsFile, name: str) -> str:
    found = store.find(name)
    if found is None:
        raise CorridorError.single("没有该用户", "no such user", value=name[:80])
    return found


def add_user(
    name: str, role: str, password: str, path: Path | None = None, *, by: Actor | None = None
) -> User:
    """Add a named account (refusing a name taken in any case or width); the first is admin."""
    name = check_name(name)
    if role not in ROLES:
        raise CorridorError.single("角色须为 analyst 或 manager", "role must be analyst or manager")
    hashed = hash_password(password)
    with _editing(path, by) as store:
        if store.find(name) is not None:
            raise CorridorError.single(
                "该用户已存在（不区分大小写和全角半角）",
                "this user already exists (names are compared regardless of case and width)",
                value=name,
            )
        store.accounts[name] = {"role": role, "hash": hashed, "admin": not store.accounts}
    return User(name, role, hashed)


def remove_user(name: str, path: Path | None = None, *, by: Actor | None = None) -> None:
    """Remove a named account (and any OS user mapped to it)."""
    with _editing(path, by) as store:
        found = _existing(store, name)
        del store.accounts[found]
        store.os_users = {k: v for k, v in store.os_users.items() if name_key(v) != name_key(found)}


def set_user_password(
    name: str, password: str, path: Path | None = None, *, by: Actor | None = None
) -> None:
    """Replace a named account's password (an admin, or the account itself)."""
    hashed = hash_password(password)
    own = by is not None and by.account and by.account == name_key(name)
    with _editing_own(path) if own else _editing(path, by) as store:
        found = _existing(store, name)
        store.accounts[found]["hash"] = hashed


@contextmanager
def _editing_own(path: Path | None) -> Iterator[AccountsFile]:
    # A person changing their own password or token: proven by the caller, no admin needed.
    where = users_file_path(path)
    lock = FileLock(str(where.with_name(where.name + ".lock")), timeout=USERS_LOCK_TIMEOUT_S)
    with lock:
        store = stored_accounts(where)
        yield store
        _write_store(store, where)


def make_token(name: str, path: Path | None = None, *, by: Actor | None = None) -> str:
    """Return a new personal token for an account (an admin, or the account itself)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    own = by is not None and by.account and by.account == name_key(name)
    with _editing_own(path) if own else _editing(path, by) as store:
        found = _existing(store, name)
        store.accounts[found]["tokens"] = [
            *store.accounts[found].get("tokens", [])[-9:],
            _token_hash(token),
        ]
    return token


def map_os_user(os_name: str, name: str | None, path: Path | None = None, *, by: Actor) -> None:
    """Let an OS user act as an account without a password (name None: remove the mapping)."""
    with _editing(path, by) as store:
        if name is None:
            store.os_users.pop(os_name, None)
        else:
            store.os_users[os_name] = _existing(store, name)
