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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """Someone acting on the data: a name for the record and a role."""

    name: str
    role: str

    @property
    def is_analyst(self) -> bool:
        return self.role == ANALYST


def cli_actor(name: str | None = None) -> Actor:
    """Return the actor of the command line: the person named with --user, else the OS user.

    People with shell access act as analysts; a name registered as a manager is refused.
    """
    if name:
        who = check_name(name)
        user = read_users().get(who)
        if user is not None and user.role != ANALYST:
            raise CorridorError.single(
                "该用户是经理，不能修改数据",
                "this user is a manager and cannot change data",
                value=who,
            )
        return Actor(who, ANALYST)
    try:
        user_name = getpass.getuser()
    except (KeyError, OSError):
        user_name = "unknown"
    return Actor(user_name, ANALYST)


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


@dataclass(frozen=True)
class User:
    """A named account: its role and its password's scrypt hash."""

    name: str
    role: str
    password_hash: str


USERS_FILE_NAME = "corridor_users.json"


def users_path(data_dir: Path | None = None) -> Path:
    """Return the users file: $CORRIDOR_USERS_FILE, else beside $CORRIDOR_SECRETS_FILE, else
    <data-dir>/corridor_users.json (accounts go with the data, never into the checkout)."""
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


def check_name(name: str) -> str:
    """Return a person's name trimmed, refusing empty, over-long or odd ones."""
    value = name.strip()
    if not NAME_RE.match(value):
        raise CorridorError.single(
            "用户名只能用字母、数字、汉字和 _ . @ -，最长 64 个字符",
            "names use letters, digits, Chinese characters and _ . @ - only, at most 64",
            value=name[:80],
        )
    return value


def read_users(path: Path | None = None, section: dict[str, Any] | None = None) -> dict[str, User]:
    """Return the named accounts; the legacy shared password is the account 'analyst'."""
    where = path or users_path()
    users: dict[str, User] = {}
    if where.is_file():
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            for name, spec in dict(data.get("users", {})).items():
                if spec.get("role") in ROLES:
                    users[str(name)] = User(str(name), spec["role"], str(spec.get("hash", "")))
        except (ValueError, AttributeError, TypeError) as exc:
            raise CorridorError.single(
                f"用户文件无法解析：{exc}",
                f"the users file cannot be parsed: {exc}",
                file=str(where),
            ) from None
    legacy = read_secrets() if section is None else section
    if password_configured(legacy) and LEGACY_NAME not in users:
        users[LEGACY_NAME] = User(LEGACY_NAME, ANALYST, str(legacy[HASH_KEY]))
    return users


def write_users(users: dict[str, User], path: Path | None = None) -> Path:
    """Store the named accounts atomically (mode 0600)."""
    where = path or users_path()
    body = {"users": {u.name: {"role": u.role, "hash": u.password_hash} for u in users.values()}}
    data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, where)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return where


def _stored_users(path: Path | None) -> dict[str, User]:
    # Only the file's own accounts: the legacy one is never written into it implicitly.
    return read_users(path, section={})


def add_user(name: str, role: str, password: str, path: Path | None = None) -> User:
    """Add a named account (refusing a name already taken)."""
    name = check_name(name)
    if role not in ROLES:
        raise CorridorError.single("角色须为 analyst 或 manager", "role must be analyst or manager")
    users = _stored_users(path)
    if name in users:
        raise CorridorError.single("该用户已存在", "this user already exists", value=name)
    users[name] = User(name, role, hash_password(password))
    write_users(users, path)
    return users[name]


def remove_user(name: str, path: Path | None = None) -> None:
    """Remove a named account."""
    users = _stored_users(path)
    if name not in users:
        raise CorridorError.single("没有该用户", "no such user", value=name[:80])
    del users[name]
    write_users(users, path)


def set_user_password(name: str, password: str, path: Path | None = None) -> None:
    """Replace a named account's password."""
    users = _stored_users(path)
    if name not in users:
        raise CorridorError.single("没有该用户", "no such user", value=name[:80])
    users[name] = User(name, users[name].role, hash_password(password))
    write_users(users, path)


# Failed logins: per name, a lockout after this many failures in a row, doubling each time
# after (capped); across all names, a pause once this many failures fall within the window.
NAME_FAILURES = 5
NAME_LOCK_S = 30.0
NAME_LOCK_MAX_S = 900.0
GLOBAL_FAILURES = 30
GLOBAL_WINDOW_S = 300.0
GLOBAL_LOCK_S = 60.0


@dataclass
class _NameState:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Failed attempts per name and in total, with lockouts that grow while failures go on."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.names: dict[str, _NameState] = {}
        self.recent: list[float] = []
        self.global_until = 0.0
        self.global_locks = 0
        self._lock = threading.Lock()

    def wait_for(self, name: str) -> float:
        """Return seconds until this name may try again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            state = self.names.get(name)
            own = state.locked_until - now if state else 0.0
            return max(0.0, own, self.global_until - now)

    def failed(self, name: str) -> str | None:
        """Record a failure; return 'name' or 'global' when it starts a lockout."""
        now = self.clock()
        with self._lock:
            state = self.names.setdefault(name, _NameState())
            state.failures += 1
            started = None
            if state.failures >= NAME_FAILURES:
                extra = state.failures - NAME_FAILURES
                state.locked_until = now + min(NAME_LOCK_S * 2**extra, NAME_LOCK_MAX_S)
                started = "name"
            self.recent = [t for t in self.recent if now - t < GLOBAL_WINDOW_S] + [now]
            if len(self.recent) >= GLOBAL_FAILURES and now >= self.global_until:
                self.global_locks += 1
                self.global_until = now + min(GLOBAL_LOCK_S * 2 ** (self.global_locks - 1), 900)
                self.recent = []
                started = "global"
            # A bounded map: names never seen succeed are the ones guessed at.
            if len(self.names) > 10_000:
                self.names.pop(next(iter(self.names)))
            return started

    def succeeded(self, name: str) -> None:
        """Forget a name's failures after a good login."""
        with self._lock:
            self.names.pop(name, None)


THROTTLE = LoginThrottle()


def login_named(
    name: str,
    password: str,
    users: dict[str, User],
    throttle: LoginThrottle = THROTTLE,
    delay: float = FAILURE_DELAY_S,
) -> tuple[Actor | None, str]:
    """Return (actor, outcome): 'ok', 'failed', 'locked' (not tried) or 'lockout' (just locked).

    A locked name is refused without checking the password, so guessing stops until the lock
    ends; every failure waits `delay`.
    """
    key = name.strip()[:64]
    if throttle.wait_for(key) > 0:
        return None, "locked"
    user = users.get(key)
    if user is not None and password and verify_password(password, user.password_hash):
        throttle.succeeded(key)
        return Actor(user.name, user.role), "ok"
    started = throttle.failed(key)
    time.sleep(delay)
    return None, "lockout" if started else "failed"


def actor_for_email(email: str | None, section: dict[str, Any], users: dict[str, User]) -> Actor:
    """Return the actor of an OIDC e-mail: the named account of that address, else by the list."""
    address = (email or "").strip().lower()
    by_name = {u.name.lower(): u for u in users.values()}
    user = by_name.get(address) if address else None
    if user is not None:
        return Actor(user.name, user.role)
    return actor_from_email(email, section)
