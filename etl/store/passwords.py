"""Passwords: scrypt hashes checked in constant time, and the secrets.toml holding the shared
analyst password and the OIDC e-mail list."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from pathlib import Path
from typing import Any

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT
from etl.store.actors import ANALYST, MANAGER, Actor

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
