"""Proving who acts: the command line's actor (password, token or mapped OS user), a named login
on the page (throttled) and an OIDC e-mail."""

from __future__ import annotations

import os
import time
from typing import Any

from etl.contract.errors import CorridorError, LockedError, NotAnalystError
from etl.contract.paths import Layout

# The upload page reads NAME_RE and read_secrets from here: the `as` forms below keep both
# importable from auth until it imports them from accounts and passwords.
from etl.store.accounts import NAME_RE as NAME_RE
from etl.store.accounts import (
    TOKEN_PREFIX,
    User,
    find_user,
    read_users,
    stored_accounts,
)
from etl.store.actors import TOKEN_ENV, Actor, name_key, os_user
from etl.store.login_throttle import FREE_FAILURES, THROTTLE, THROTTLE_FILE, LoginThrottle
from etl.store.passwords import FAILURE_DELAY_S, actor_from_email, verify_password
from etl.store.passwords import read_secrets as read_secrets


def _unproven(zh: str, en: str, value: str | None = None) -> CorridorError:
    return CorridorError.single(
        f"{zh}。请用该账户的密码（终端输入或 --password-stdin）或个人令牌（{TOKEN_ENV}，"
        "由 corridor users token 生成）证明身份",
        f"{en}. Prove who you are with the account's password (typed, or --password-stdin) "
        f"or a personal token ({TOKEN_ENV}, made by `corridor users token`)",
        value=value,
    )


def cli_actor(
    layout: Layout,
    name: str | None = None,
    secret: str | None = None,
    *,
    writes: bool = True,
    client: str | None = None,
) -> Actor:
    """Return the proven actor of a command: an account by password or token, or a mapped OS user.

    layout: the data directory whose database holds the accounts; name: --user; secret: the
    password or token given for it; without either, $CORRIDOR_TOKEN, else the OS user where an
    admin mapped it to an account. Unknown names are refused, and with writes a manager is
    refused too.
    """
    store = stored_accounts(layout)
    users = read_users(layout)
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
        actor, outcome = login_named(
            user.name, secret, users, _throttle(layout), client=client or _cli_client()
        )
        if actor is None:
            if outcome == "locked":
                raise LockedError.single(
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
        raise NotAnalystError.single(
            "该用户是经理，不能修改数据",
            "this user is a manager and cannot change data",
            value=actor.name,
        )
    return actor


def _throttle(layout: Layout) -> LoginThrottle:
    """Return the failed-login counters guarding layout's accounts: in its data directory (the
    server's own counters where it serves that directory), wherever $CORRIDOR_DATA_DIR points."""
    here = layout.root / THROTTLE_FILE
    return THROTTLE if THROTTLE.path == here else LoginThrottle(here)


def _cli_client() -> str:
    # The command line's client for the lockout: the OS user at this machine.
    return f"cli:{os_user()}"


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
