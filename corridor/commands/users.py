"""Accounts: `corridor users add|list|remove|set-password|token|map-os` and `set-password`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from corridor import options
from corridor.commands.acting import actor
from corridor.registry import Arg, arg, command, group
from etl.contract.errors import CorridorError
from etl.contract.paths import Layout, layout
from etl.store.actors import TOKEN_ENV, Actor

ADMIN_NOTE = (
    " Needs an admin (--user NAME with its password or a token; the first account, made "
    "when there is none, is the admin). With --password-stdin, stdin's first line is --user's "
    "password and the next the new password."
)


def account_options() -> tuple[Arg, ...]:
    """Return every account change's options: passwords on stdin and who acts."""
    return (
        arg(
            "--password-stdin",
            action="store_true",
            help="从标准输入读密码（先 --user 的，再新密码）/ read passwords from stdin "
            "(--user's first, then the new one)",
        ),
        *options.acting_user(stdin=False),
    )


def _store(args: argparse.Namespace) -> Layout:
    # The accounts live in the data directory's database (or $CORRIDOR_DATABASE_URL's).
    return layout(args.data_dir)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CorridorError.single(
                "没有读到密码；请在终端输入或用 --password-stdin",
                "no password read; type it on a terminal or use --password-stdin",
            )
        return password
    password = getpass.getpass("新密码 / new password: ")
    if getpass.getpass("再输入一次 / again: ") != password:
        raise CorridorError.single("两次输入不一致", "the two entries differ")
    return password


def _manager_of_accounts(args: argparse.Namespace) -> Actor | None:
    """Return the proven person managing accounts; None only while there are no accounts yet."""
    from etl.store.accounts import read_users

    if not read_users(_store(args), section={}):
        return None  # the first account, made at setup, becomes the admin
    return actor(args, writes=False)


group(
    "users",
    help="管理用户 / manage named accounts",
    description="Add, list or remove named accounts (analyst or manager) and set their "
    "passwords (scrypt hashes in the data directory's database, each change in its audit "
    "trail). The shared password of `corridor set-password` is the account 'analyst'.",
)


@command(
    "users",
    "add",
    help="添加用户 / add a user." + ADMIN_NOTE,
    options=[
        account_options(),
        arg("name", metavar="NAME"),
        arg("--role", choices=("analyst", "manager"), required=True),
    ],
)
def cmd_users_add(args: argparse.Namespace) -> int:
    from etl.store.accounts import add_user

    by = _manager_of_accounts(args)
    user = add_user(_store(args), args.name, args.role, _read_password(args), by=by)
    note = "，管理员 admin" if by is None else ""
    print(f"已添加用户 added user {user.name} ({user.role}{note})")
    return 0


@command("users", "list", help="列出用户 / list users")
def cmd_users_list(args: argparse.Namespace) -> int:
    from etl.store.accounts import LEGACY_NAME, read_users
    from etl.store.db.side_records import legacy_users_file

    users = read_users(_store(args))
    if not users:
        print("还没有用户 / no users yet")
    for user in users.values():
        note = "  (共用密码 shared password)" if user.name == LEGACY_NAME else ""
        print(f"{user.name}\t{user.role}{note}")
    old = legacy_users_file(_store(args))
    if old.is_file():
        print(
            f"旧版用户文件 {old} 已不再读取（账户在数据库中），可删除 / the earlier version's "
            f"users file {old} is no longer read (accounts live in the database): delete it",
            file=sys.stderr,
        )
    return 0


@command(
    "users",
    "remove",
    help="删除用户 / remove a user." + ADMIN_NOTE,
    options=[account_options(), arg("name", metavar="NAME")],
)
def cmd_users_remove(args: argparse.Namespace) -> int:
    from etl.store.accounts import remove_user

    remove_user(_store(args), args.name, by=actor(args, writes=False))
    print(f"已删除用户 removed user {args.name}")
    return 0


@command(
    "users",
    "set-password",
    help="设置密码 / set a user's password (an admin's, or the account's own)." + ADMIN_NOTE,
    options=[account_options(), arg("name", metavar="NAME")],
)
def cmd_users_set_password(args: argparse.Namespace) -> int:
    from etl.store.accounts import set_user_password

    by = actor(args, writes=False)
    set_user_password(_store(args), args.name, _read_password(args), by=by)
    print(f"已更新密码 password updated for {args.name}")
    return 0


@command(
    "users",
    "token",
    help="生成个人令牌 / print a new personal token for NAME (an admin, or NAME itself); "
    f"commands accept it in ${TOKEN_ENV}",
    options=[account_options(), arg("name", metavar="NAME")],
)
def cmd_users_token(args: argparse.Namespace) -> int:
    from etl.store.accounts import make_token

    token = make_token(_store(args), args.name, by=actor(args, writes=False))
    print(
        f"{args.name} 的个人令牌（只显示这一次；设为环境变量 {TOKEN_ENV}）/ personal token for "
        f"{args.name} (shown once; set it as {TOKEN_ENV}):",
        file=sys.stderr,
    )
    print(token)
    return 0


@command(
    "users",
    "map-os",
    help="把操作系统用户对应到账户 / let an OS user act as an account without a password "
    "(admins only; --remove to undo)",
    options=[
        account_options(),
        arg("os_user", metavar="OS_USER"),
        arg("name", metavar="NAME", nargs="?"),
        arg("--remove", action="store_true", help="取消对应 / remove the mapping"),
    ],
)
def cmd_users_map_os(args: argparse.Namespace) -> int:
    from etl.store.accounts import map_os_user

    target = None if args.remove else args.name
    map_os_user(_store(args), args.os_user, target, by=actor(args, writes=False))
    if target is None:
        print(f"已取消操作系统用户 {args.os_user} 的对应 / OS user {args.os_user} unmapped")
    else:
        print(f"操作系统用户 {args.os_user} 对应账户 {target} / OS user mapped to {target}")
    return 0


@command(
    "set-password",
    help="设置分析员密码 / set the analyst password",
    description="Ask for the analyst password and write its salted scrypt hash into "
    ".streamlit/secrets.toml (mode 0600), keeping the file's other settings.",
    options=[
        arg("--secrets", metavar="PATH", help="secrets.toml 路径 / path to secrets.toml"),
        arg("--password-stdin", action="store_true", help="从标准输入读密码 / read it from stdin"),
    ],
)
def cmd_set_password(args: argparse.Namespace) -> int:
    from etl.store.passwords import hash_password, write_password_hash

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        if not sys.stdin.isatty():
            raise CorridorError.single(
                "没有终端可输入密码；请用 --password-stdin",
                "no terminal to type the password on; use --password-stdin",
            )
        password = getpass.getpass("分析员密码 / analyst password: ")
        if getpass.getpass("再输入一次 / again: ") != password:
            raise CorridorError.single("两次输入不一致", "the two entries differ")
    path = write_password_hash(
        hash_password(password), Path(args.secrets) if args.secrets else None
    )
    print(f"已写入 written: {path} (mode 0600)")
    return 0
