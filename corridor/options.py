"""The options several subcommands share, each written once and composed into each command.

As sqlite-utils composes its shared click options, every subcommand here is built by `command`
(which gives it `--data-dir` and its handler) and the option groups below.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

Handler = Callable[[argparse.Namespace], int]
Subparsers = Any  # argparse._SubParsersAction, private in typeshed's eyes

DATA_DIR_HELP = (
    "数据目录 / data directory (default: $CORRIDOR_DATA_DIR, else the repository's data/); "
    "may be new or empty"
)
# The dashboard's URL filters, as (option, attribute, metavar, help): the deck takes the same.
FILTER_OPTIONS = (
    ("from", "from_", "YYYY-MM", "起始月份 / first month, e.g. 2024-01"),
    ("to", "to", "YYYY-MM", "截止月份 / last month, e.g. 2024-07"),
    ("region", "region", "R", "地区，逗号分隔 / region key(s), comma-separated"),
    ("route", "route", "R", "线路，逗号分隔（none 为未指明）/ route key(s); none = no route"),
    ("metric", "metric", "M", "指标，逗号分隔 / metric key(s), comma-separated"),
    ("basis", "basis", "B", "reported 或 derived / reported or derived"),
    ("source", "source", "S", "来源编号，逗号分隔 / source id(s), comma-separated"),
)


def iso_date(text: str) -> date:
    """Return a YYYY-MM-DD argument as a date; argparse reports anything else bilingually."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text!r}"
        ) from None


def data_dir_option(*, keep_earlier: bool = False) -> argparse.ArgumentParser:
    """Return a parent parser holding `--data-dir`.

    With keep_earlier, an absent option leaves the value alone: a nested action's own
    `--data-dir` must not reset one given before the action (argparse copies defaults).
    """
    parent = argparse.ArgumentParser(add_help=False)
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if keep_earlier else {}
    parent.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP, **extra)
    return parent


def command(
    sub: Subparsers,
    name: str,
    handler: Handler,
    *,
    help: str,
    description: str,
    parent: argparse.ArgumentParser | None = None,
) -> argparse.ArgumentParser:
    """Add a subcommand taking `--data-dir` (from parent, else its own) and run by handler."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, parents=[parent or data_dir_option()], help=help, description=description
    )
    parser.set_defaults(handler=handler)
    return parser


def add_published(
    parser: argparse.ArgumentParser, help: str = "发布日期 / date", *, required: bool = False
) -> None:
    """Add `--published YYYY-MM-DD`, parsed to a date."""
    parser.add_argument(
        "--published", type=iso_date, metavar="YYYY-MM-DD", required=required, help=help
    )


def add_yes(parser: argparse.ArgumentParser, help: str) -> None:
    """Add `--yes`: go ahead without asking."""
    parser.add_argument("--yes", action="store_true", help=help)


def add_filters(parser: argparse.ArgumentParser) -> None:
    """Add the dashboard's filters (`--lang`, `--from` … `--source`) as options."""
    parser.add_argument(
        "--lang", default="zh", metavar="zh|en", help="语言 / language of the deck (default zh)"
    )
    for option, dest, metavar, text in FILTER_OPTIONS:
        parser.add_argument(f"--{option}", dest=dest, metavar=metavar, help=text)
    parser.add_argument(
        "--related",
        action="store_true",
        help="加入相关通道（中欧班列、中老铁路等，单独成图）/ add related corridors "
        "(China–Europe rail, China–Laos railway …) in charts of their own",
    )


def filter_params(args: argparse.Namespace) -> dict[str, str]:
    """Return the filters given as the dashboard's URL parameters (absent ones left out)."""
    params = {option: getattr(args, dest) for option, dest, _, _ in FILTER_OPTIONS}
    params["lang"] = args.lang
    if getattr(args, "related", False):
        params["related"] = "1"
    return {k: v for k, v in params.items() if v is not None}


def add_upload_file(
    parser: argparse.ArgumentParser, what: str = "CSV 或 XLSX 文件 / a CSV or XLSX file"
) -> None:
    """Add an uploaded FILE with `--as NAME` and `--max-mb MB`."""
    parser.add_argument("file", metavar="FILE", help=what)
    parser.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="记录的文件名（浏览器上传时的名字）/ file name to record (metadata only)",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        metavar="MB",
        help="大小上限 / size cap in MiB (default $CORRIDOR_MAX_UPLOAD_MB, else 25)",
    )
