"""Who may write: the analyst role, from a password hash in secrets.toml or an OIDC e-mail list.

Managers read; analysts change data. Every function that writes takes an Actor and refuses one
that is not an analyst, so the check does not depend on how a page was drawn.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import tomllib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT, resolve_data_dir

ANALYST = "analyst"
MANAGER = "manager"
SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"
SECRETS_ENV = "CORRIDOR_SECRETS_FILE"
SECTION = "corridor"
HASH_KEY = "analyst_password_hash"
EMAILS_KEY = "analyst_emails"
# scrypt at n=2**14, r=8, p=1 costs ~16 MiB and ~50 ms: slow for guessing, quick for one login.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
# A short password is guessed in minutes even at scrypt's cost.
MIN_PASSWORD_LENGTH = 10
# Each failed login waits this long, so guessing over the web is slow.
FAILURE_DELAY_S = 1.0


@dataclass(frozen=True)
class Actor:
    """Someone acting on the data: a name for the record, a role and (if any) the account."""

    name: str
    role: str
    # The account's key (name_key) when the person proved an account; equality ignores it.
    account: str = field(default="", compare=False)
    admin: bool = field(default=False, compare=False)

    @property
    def is_analyst(self) -> bool:
        return self.role == ANALYST

    @property
    def key(self) -> str:
        """Return the account key this actor stands for (its name's key when no account)."""
        return self.account or name_key(self.name)


def name_key(name: str) -> str:
    """Return the key a name is unique by: NFKC, trimmed, case-folded (Alice = ａｌｉｃｅ)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def os_user() -> str:
    """Return the operating system's user name ('' when it cannot be told)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


# A personal token: this prefix, then 43 random URL-safe characters (256 bits). Only its
# sha256 is stored; a token is long and random, so a plain hash is enough to check it.
TOKEN_PREFIX = "ctk_"
TOKEN_ENV = "CORRIDOR_TOKEN"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _unproven(zh: str, en: str, value: str | None = None) -> CorridorError:
    return CorridorError.single(
        f"{zh}。请用该账户的密码（终端输入或 --password-stdin）或个人令牌（{TOKEN_ENV}，"
        "由 corridor users token 生成）证明身份",
        f"{en}. Prove who you are with the account's password (typed, or --password-stdin) "
        f"or a personal token ({TOKEN_ENV}, made by `corridor users token`)",
        value=value,
    )


def cli_actor(
    name: str | None = None,
    secret: str | None = None,
    *,
    path: Path | None = None,
    writes: bool = True,
    client: str | None = None,
) -> Actor:
    """Return the proven actor of a command: an account by password or token, or a mapped OS user.

    name: --user; secret: the password or token given for it; without either, $CORRIDOR_TOKEN,
    else the OS user where an admin mapped it to an account. Unknown names are refused, and
    with writes a manager is refused too.
    """
    store = _stored(path)
    users = read_users(path)
    token = (secret or "").strip() if (secret or "").startswith(TOKEN_PREFIX) else ""
    token = token or os.environ.get(TOKEN_ENV, "").strip()
    user: User | None = None
    if name:
        user = find_user(users, name)
        if user is None:
            raise CorridorError.single("没有该账户", "no such account", value=name[:80])
    if secret and not token:
        if user is None:
            raise _unproven("给出密码时须用 --user 指明账户", "a password needs --user NAME")
        actor, outcome = login_named(user.name, secret, users, client=client or _cli_client())
        if actor is None:
            if outcome == "locked":
                raise CorridorError.single(
                    "登录失败过多，请稍后再试", "too many failed logins; try again later"
                )
            raise CorridorError.single("密码错误", "wrong password", value=user.name)
    elif token:
        owner = store.token_owner(token)
        if owner is None or (user is not None and name_key(owner) != name_key(user.name)):
            time.sleep(FAILURE_DELAY_S)
            raise CorridorError.single("令牌无效", "invalid token")
        user = users[owner]
    elif user is not None:
        raise _unproven("未证明身份", "not proven", user.name)
    else:
        mapped = store.os_users.get(os_user())
        user = find_user(users, mapped) if mapped else None
        if user is None:
            raise _unproven(
                f"操作系统用户“{os_user()[:40]}”未被管理员对应到账户；请用 --user",
                f"the OS user '{os_user()[:40]}' is not mapped to an account by an admin; "
                "use --user NAME",
            )
    found = user
    actor = Actor(found.name, found.role, name_key(found.name), store.is_admin(found.name))
    if writes and not actor.is_analyst:
        raise CorridorError.single(
            "该用户是经理，不能修改数据",
            "this user is a manager and cannot change data",
            value=actor.name,
        )
    return actor


def _cli_client() -> str:
    # The command line's client for the lockout: the OS user at this machine.
    return f"cli:{os_user()}"


def require_analyst(actor: Actor | None) -> Actor:
    """Return the actor if it may change data, else refuse."""
    if actor is None or not isinstance(actor, Actor) or not actor.is_analyst:
        raise CorridorError.single(
            "只有分析员可以修改数据（请以分析员身份登录）",
            "only analysts may change data (log in as an analyst)",
        )
    return actor


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of the password as 'scrypt$n$r$p$salt$hash'."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CorridorError.single(
            f"密码太短（至少 {MIN_PASSWORD_LENGTH} 个字符）",
            f"password too short (at least {MIN_PASSWORD_LENGTH} characters)",
        )
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether the password matches the stored hash, comparing in constant time."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
        # Bounds keep a tampered secrets file from making one login cost gigabytes.
        if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def secrets_path() -> Path:
    """Return the secrets file: $CORRIDOR_SECRETS_FILE, else .streamlit/secrets.toml."""
    env = os.environ.get(SECRETS_ENV, "").strip()
    return Path(env).expanduser() if env else SECRETS_PATH


def read_secrets(path: Path | None = None) -> dict[str, Any]:
    """Return the [corridor] table of secrets.toml, or {} when the file or table is absent."""
    where = path or secrets_path()
    if not where.is_file():
        return {}
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorridorError.single(
            f"secrets.toml 无法解析：{exc}",
            f"secrets.toml cannot be parsed: {exc}",
            file=str(where),
        ) from None
    section = data.get(SECTION, {})
    return section if isinstance(section, dict) else {}


def password_configured(section: dict[str, Any]) -> bool:
    """Return whether an analyst password hash is configured."""
    return bool(str(section.get(HASH_KEY, "")).startswith("scrypt$"))


def analyst_emails(section: dict[str, Any]) -> frozenset[str]:
    """Return the e-mail addresses (lower case) that OIDC logins are analysts for."""
    emails = section.get(EMAILS_KEY, [])
    if not isinstance(emails, list):
        return frozenset()
    return frozenset(str(e).strip().lower() for e in emails if str(e).strip())


def login_with_password(
    password: str, section: dict[str, Any], name: str = "analyst", delay: float = FAILURE_DELAY_S
) -> Actor | None:
    """Return an analyst Actor when the password matches the configured hash, else None (slowly)."""
    stored = str(section.get(HASH_KEY, ""))
    if stored and password and verify_password(password, stored):
        return Actor(f"{name}@password", ANALYST)
    time.sleep(delay)
    return None


def actor_from_email(email: str | None, section: dict[str, Any]) -> Actor:
    """Return the actor of an OIDC-verified e-mail: an analyst if listed, else a manager."""
    address = (email or "").strip().lower()
    if address and address in analyst_emails(section):
        return Actor(address, ANALYST)
    return Actor(address or "anonymous", MANAGER)


_HASH_LINE = re.compile(rf"^\s*{HASH_KEY}\s*=.*$", re.MULTILINE)
_SECTION_LINE = re.compile(rf"^\s*\[{SECTION}\]\s*$", re.MULTILINE)


def write_password_hash(hashed: str, path: Path | None = None) -> Path:
    """Store the analyst password hash in secrets.toml (mode 0600), keeping its other settings."""
    where = path or secrets_path()
    text = where.read_text(encoding="utf-8") if where.is_file() else ""
    line = f'{HASH_KEY} = "{hashed}"'
    if _HASH_LINE.search(text) and _SECTION_LINE.search(text):
        updated = _HASH_LINE.sub(lambda _m: line, text, count=1)
    elif _SECTION_LINE.search(text):
        updated = _SECTION_LINE.sub(lambda m: m.group(0) + "\n" + line, text, count=1)
    else:
        updated = text + ("\n" if text and not text.endswith("\n") else "")
        updated += f"[{SECTION}]\n{line}\n"
    tomllib.loads(updated)  # never leave a file Streamlit cannot parse
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(updated)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, where)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return where


# Named accounts live beside secrets.toml in a JSON file of their own (mode 0600), so adding a
# person never rewrites the Streamlit secrets; the shared password is the account "analyst".
USERS_ENV = "CORRIDOR_USERS_FILE"
LEGACY_NAME = "analyst"
ROLES = (ANALYST, MANAGER)
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
class _Store:
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


def _stored(path: Path | None = None) -> _Store:
    """Return the accounts file's content (empty when there is no file)."""
    where = users_file_path(path)
    if not where.is_file():
        return _Store({}, {})
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
    return _Store(accounts, os_users)


def read_users(path: Path | None = None, section: dict[str, Any] | None = None) -> dict[str, User]:
    """Return the named accounts; the legacy shared password is the account 'analyst'."""
    store = _stored(path)
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


def _write_store(store: _Store, where: Path) -> None:
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
def _editing(path: Path | None, by: Actor | None) -> Iterator[_Store]:
    """Yield the accounts under the file's lock, written back on a clean exit (admins only).

    Read, change and write happen under one lock, so two edits at once never lose either; the
    acting admin is checked against the file as it is now, not as it was when they logged in.
    """
    where = users_file_path(path)
    where.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(where.with_name(where.name + ".lock")), timeout=USERS_LOCK_TIMEOUT_S)
    try:
        with lock:
            store = _stored(where)
            if store.accounts and (by is None or not store.is_admin(by.name)):
                raise CorridorError.single(
                    "管理账户须由管理员进行（第一个账户是管理员）",
                    "managing accounts needs an admin account (the first account is one)",
                    value=None if by is None else by.name[:80],
                )
            yield store
            _write_store(store, where)
    except Timeout:
        raise CorridorError.single(
            "用户文件正被另一个修改占用，请稍后再试",
            "the accounts file is being changed by someone else; try again shortly",
            file=str(where),
        ) from None


def write_users(users: dict[str, User], path: Path | None = None) -> Path:
    """Store the named accounts atomically (mode 0600), keeping admins, tokens and mappings."""
    where = users_file_path(path)
    old = _stored(where)
    accounts = {
        u.name: {**old.accounts.get(u.name, {}), "role": u.role, "hash": u.password_hash}
        for u in users.values()
    }
    _write_store(_Store(accounts, old.os_users), where)
    return where


def _existing(store: _Store, name: str) -> str:
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
def _editing_own(path: Path | None) -> Iterator[_Store]:
    # A person changing their own password or token: proven by the caller, no admin needed.
    where = users_file_path(path)
    lock = FileLock(str(where.with_name(where.name + ".lock")), timeout=USERS_LOCK_TIMEOUT_S)
    with lock:
        store = _stored(where)
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


# Failed logins are counted per name, per client and in total, in a file beside the accounts
# (so every server process and command shares them), each counter decaying by half every
# HALF_LIFE_S. A name or client with FREE_FAILURES recent failures waits before its next check,
# doubling per failure up to its cap: a client (the guesser) up to 15 minutes, a name only up to
# NAME_DELAY_MAX_S, and only for clients that failed on it, so guessing at a name never locks
# its owner out. Past GLOBAL_FAILURES in total every check is slowed (never refused) by up to
# GLOBAL_DELAY_MAX_S. Each attempt is counted as a failure before its password is checked, under
# the file's lock, so concurrent guessers cannot all pass one check; a right password undoes it.
NAME_FAILURES = 5
FREE_FAILURES = 5
CLIENT_DELAY_MAX_S = 900.0
NAME_DELAY_MAX_S = 60.0
GLOBAL_FAILURES = 30
GLOBAL_DELAY_MAX_S = 3.0
HALF_LIFE_S = 600.0
# Names and clients remembered; the oldest are dropped beyond this (a bounded file).
MAX_TRACKED = 5000


def _delay(count: float, cap: float) -> float:
    if count < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (count - FREE_FAILURES), cap)


class LoginThrottle:
    """Failures per name, per client and in total, kept in a locked file and decaying."""

    def __init__(self, path: Path | None = None, clock: Any = time.time) -> None:
        self._path = path
        self.clock = clock
        # Threads of one server queue here (a blocking wait) before polling the file's lock.
        self._threads = threading.Lock()

    @property
    def path(self) -> Path:
        """Return the counters' file (beside the accounts file unless given)."""
        if self._path is not None:
            return self._path
        return users_file_path().with_name("corridor_logins.json")

    @contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        where = self.path
        where.parent.mkdir(parents=True, exist_ok=True)
        file_lock = FileLock(
            str(where.with_name(where.name + ".lock")), timeout=USERS_LOCK_TIMEOUT_S
        )
        with self._threads, file_lock:
            try:
                state = json.loads(where.read_text(encoding="utf-8"))
                if not isinstance(state, dict):
                    state = {}
            except (OSError, ValueError):
                state = {}
            for part in ("names", "clients"):
                if not isinstance(state.get(part), dict):
                    state[part] = {}
            yield state
            for part in ("names", "clients"):
                while len(state[part]) > MAX_TRACKED:
                    state[part].pop(next(iter(state[part])))
            data = json.dumps(state, ensure_ascii=False).encode("utf-8")
            tmp = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, where)

    def _count(self, entry: dict[str, Any] | None, now: float) -> float:
        if not entry:
            return 0.0
        age = now - float(entry.get("t", now))
        return float(entry.get("n", 0.0)) * 0.5 ** (age / HALF_LIFE_S)

    def _wait(self, entry: dict[str, Any] | None, cap: float, now: float) -> float:
        if not entry:
            return 0.0
        return max(0.0, float(entry.get("t", 0.0)) + _delay(self._count(entry, now), cap) - now)

    def _bump(self, entry: dict[str, Any] | None, now: float, by: float) -> dict[str, Any]:
        return {**(entry or {}), "n": max(0.0, self._count(entry, now) + by), "t": now}

    def reserve(self, name: str, client: str) -> tuple[str, float]:
        """Count an attempt before its check: ('ok', brake seconds) or ('locked', wait seconds)."""
        now = self.clock()
        key = name_key(name)[:64]
        with self._state() as state:
            named = state["names"].get(key)
            client_entry = state["clients"].get(client)
            wait = self._wait(client_entry, CLIENT_DELAY_MAX_S, now)
            # A name waits only for the clients that failed on it: its owner, elsewhere, never.
            if named and client in named.get("clients", []):
                wait = max(wait, self._wait(named, NAME_DELAY_MAX_S, now))
            if wait > 0:
                return "locked", wait
            state["clients"][client] = self._bump(client_entry, now, 1)
            named = self._bump(named, now, 1)
            named["clients"] = [*[c for c in named.get("clients", []) if c != client], client][-50:]
            state["names"][key] = named
            total = self._bump(state.get("global"), now, 1)
            state["global"] = total
            excess = total["n"] - GLOBAL_FAILURES
            brake = min(GLOBAL_DELAY_MAX_S, 0.1 * excess) if excess > 0 else 0.0
            return "ok", brake

    def succeeded(self, name: str, client: str) -> None:
        """Undo the attempt counted for a right password and clear this client's failures."""
        now = self.clock()
        key = name_key(name)[:64]
        with self._state() as state:
            state["clients"].pop(client, None)
            named = state["names"].get(key)
            if named:
                named = self._bump(named, now, -1)
                named["clients"] = [c for c in named.get("clients", []) if c != client]
                state["names"][key] = named
            if state.get("global"):
                state["global"] = self._bump(state["global"], now, -1)

    def failures(self, name: str, client: str) -> float:
        """Return the decayed failures counted for this client (for the lockout message)."""
        with self._state() as state:
            return self._count(state["clients"].get(client), self.clock())


# The running server's and commands' throttle: its file is beside the accounts file.
THROTTLE = LoginThrottle()


def login_named(
    name: str,
    password: str,
    users: dict[str, User],
    throttle: LoginThrottle | None = None,
    delay: float = FAILURE_DELAY_S,
    *,
    client: str = "local",
) -> tuple[Actor | None, str]:
    """Return (actor, outcome): 'ok', 'failed', 'locked' (not tried) or 'lockout' (now waiting).

    The attempt is counted before the password is checked (atomically, under the counters'
    lock); a locked name or client is refused without a check; every failure waits `delay`.
    """
    throttle = THROTTLE if throttle is None else throttle
    key = name.strip()[:64]
    outcome, seconds = throttle.reserve(key, client)
    if outcome == "locked":
        time.sleep(delay)  # a refusal costs the guesser as much as a failure
        return None, "locked"
    if seconds:
        time.sleep(seconds)  # the global brake: slower for everyone, refused for no one
    user = find_user(users, key) if key else None
    if user is not None and password and verify_password(password, user.password_hash):
        throttle.succeeded(key, client)
        return Actor(user.name, user.role, name_key(user.name)), "ok"
    time.sleep(delay)
    locked = throttle.failures(key, client) >= FREE_FAILURES
    return None, "lockout" if locked else "failed"


def actor_for_email(email: str | None, section: dict[str, Any], users: dict[str, User]) -> Actor:
    """Return the actor of an OIDC e-mail: the named account of that address, else by the list."""
    address = (email or "").strip().lower()
    user = find_user(users, address) if address else None
    if user is not None:
        return Actor(user.name, user.role, name_key(user.name))
    return actor_from_email(email, section)
