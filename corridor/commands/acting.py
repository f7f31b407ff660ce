"""Who an analysts' command acts as: the account proven against the data directory's database."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from etl.contract.paths import layout
from etl.store.actors import TOKEN_ENV, Actor


def read_secret(args: argparse.Namespace, prompt: str) -> str | None:
    """Return the next line of stdin with --password-stdin, else a typed one, else None."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n") or None
    if sys.stdin.isatty():
        return getpass.getpass(prompt) or None
    return None


def actor(args: argparse.Namespace, *, writes: bool = True) -> Actor:
    """Return the proven person a command acts as (password, token or a mapped OS user)."""
    # Proving an account opens the database: imported here, so `corridor --help` stays light.
    from etl.store.auth import cli_actor

    secret = None
    if getattr(args, "user", None) and not os.environ.get(TOKEN_ENV, "").strip():
        secret = read_secret(args, f"{args.user} 的密码或令牌 / password or token: ")
    return cli_actor(layout(getattr(args, "data_dir", None)), args.user, secret, writes=writes)
