"""Who an analysts' command acts as: the proven account, and where the accounts are kept."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from etl.store.auth import TOKEN_ENV, Actor, cli_actor


def read_secret(args: argparse.Namespace, prompt: str) -> str | None:
    """Return the next line of stdin with --password-stdin, else a typed one, else None."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n") or None
    if sys.stdin.isatty():
        return getpass.getpass(prompt) or None
    return None


def actor(args: argparse.Namespace, *, writes: bool = True) -> Actor:
    """Return the proven person a command acts as (password, token or a mapped OS user)."""
    secret = None
    if getattr(args, "user", None) and not os.environ.get(TOKEN_ENV, "").strip():
        secret = read_secret(args, f"{args.user} 的密码或令牌 / password or token: ")
    return cli_actor(args.user, secret, path=users_file(args), writes=writes)


def users_file(args: argparse.Namespace) -> Path:
    """Return the accounts file: --users-file, else the one beside the data's secrets."""
    from etl.store.accounts import users_path

    if getattr(args, "users_file", None):
        return Path(args.users_file)
    return users_path(getattr(args, "data_dir", None))
