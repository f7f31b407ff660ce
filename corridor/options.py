"""The options several subcommands share, each declared once and listed in each command's options.

As sqlite-utils composes its shared click options, a command lists these groups beside its own
arguments (corridor/registry.py); `--data-dir` every command gets from the registry itself.
"""

from __future__ import annotations

import argparse
import keyword
from datetime import date

from corridor.registry import Arg, arg
from dashboard.filter_params import FILTER_PARAMS, FilterParam
from etl.store.actors import TOKEN_ENV


def iso_date(text: str) -> date:
    """Return a YYYY-MM-DD argument as a date; argparse reports anything else bilingually."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text!r}"
        ) from None


def published(help: str = "发布日期 / date", *, required: bool = False) -> Arg:
    """Return `--published YYYY-MM-DD`, parsed to a date."""
    return arg("--published", type=iso_date, metavar="YYYY-MM-DD", required=required, help=help)


def yes(help: str) -> Arg:
    """Return `--yes`: go ahead without asking."""
    return arg("--yes", action="store_true", help=help)


def upload_file(what: str = "CSV 或 XLSX 文件 / a CSV or XLSX file") -> tuple[Arg, ...]:
    """Return an uploaded FILE with `--as NAME` and `--max-mb MB`."""
    return (
        arg("file", metavar="FILE", help=what),
        arg(
            "--as",
            dest="as_name",
            metavar="NAME",
            help="记录的文件名（浏览器上传时的名字）/ file name to record (metadata only)",
        ),
        arg(
            "--max-mb",
            type=float,
            metavar="MB",
            help="大小上限 / size cap in MiB (default $CORRIDOR_MAX_UPLOAD_MB, else 25)",
        ),
    )


def acting_user(*, stdin: bool = True) -> tuple[Arg, ...]:
    """Return `--user NAME` and `--password-stdin`: who acts, proven by password or token."""
    user = arg(
        "--user",
        metavar="NAME",
        help="以此账户操作，须证明：终端输入密码、--password-stdin，或个人令牌 "
        f"${TOKEN_ENV}（默认：管理员对应到账户的操作系统用户）/ act as this account, proven by "
        f"its password (typed, or --password-stdin) or a personal token in ${TOKEN_ENV} "
        "(default: the OS user, where an admin mapped it to an account)",
    )
    if not stdin:
        return (user,)
    return (
        user,
        arg(
            "--password-stdin",
            action="store_true",
            help="从标准输入第一行读 --user 的密码或令牌 / read --user's password or token "
            "from the first line of stdin",
        ),
    )


def _dest(param: FilterParam) -> str:
    """Return the attribute an option is stored under (`from` is a Python keyword)."""
    return param.name + "_" if keyword.iskeyword(param.name) else param.name


def filters() -> tuple[Arg, ...]:
    """Return the dashboard's URL filters (dashboard/filters.py) as `--from` … `--related`."""
    return tuple(
        arg(f"--{p.name}", dest=_dest(p), action="store_true", help=p.meaning)
        if p.switch
        else arg(f"--{p.name}", dest=_dest(p), metavar=p.metavar, help=p.meaning)
        for p in FILTER_PARAMS
    )


def filter_params(args: argparse.Namespace) -> dict[str, str]:
    """Return the filters given as the dashboard's URL parameters (absent ones left out)."""
    params: dict[str, str] = {}
    for p in FILTER_PARAMS:
        value = getattr(args, _dest(p), None)
        if p.switch and value:
            params[p.name] = "1"
        elif not p.switch and value is not None:
            params[p.name] = value
    return params
