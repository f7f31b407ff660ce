"""Commands beside their options: `@command` records a handler with its options, `add_commands`
builds the argparse tree from the records.

As sqlite-utils declares each click command above its function, a subcommand here is one
decorated handler whose options are listed in its decorator:

    @command("export", help="…", description="…", options=[arg("--raw", action="store_true")])
    def cmd_export(args: argparse.Namespace) -> int: …

Every command takes `--data-dir`; a command named by two words (`users add`) sits under a group
declared with `group("users", …)`.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from etl.uploads.startup import import_uncollected

Handler = Callable[[argparse.Namespace], int]
H = TypeVar("H", bound=Handler)

DATA_DIR_HELP = (
    "数据目录 / data directory (default: $CORRIDOR_DATA_DIR, else the repository's data/); "
    "may be new or empty"
)


@dataclass(frozen=True, eq=False)
class Arg:
    """One argument as `ArgumentParser.add_argument` takes it: flags (or a name) and settings."""

    flags: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add this argument to parser."""
        parser.add_argument(*self.flags, **self.settings)


# An entry of a command's options: one argument, or a group of them written once in options.py.
Option = Arg | Sequence[Arg]


def arg(*flags: str, **settings: Any) -> Arg:
    """Return an argument declaration, written as add_argument's call would be."""
    return Arg(flags, settings)


@dataclass(frozen=True, eq=False)
class Command:
    """A subcommand as declared: its words, help texts, options and handler (None for a group)."""

    path: tuple[str, ...]
    help: str
    description: str
    options: tuple[Arg, ...] = ()
    handler: Handler | None = None


# Every declared command by its words, in the order declared (a re-declaration replaces).
COMMANDS: dict[tuple[str, ...], Command] = {}


def _flat(options: Iterable[Option]) -> tuple[Arg, ...]:
    flat: list[Arg] = []
    for option in options:
        flat.extend([option] if isinstance(option, Arg) else option)
    return tuple(flat)


def command(
    *path: str, help: str, description: str | None = None, options: Iterable[Option] = ()
) -> Callable[[H], H]:
    """Return a decorator recording its handler as the subcommand `path` with these options.

    The description defaults to the help text, as the one-line account commands read.
    """

    def record(handler: H) -> H:
        COMMANDS[path] = Command(
            path, help, help if description is None else description, _flat(options), handler
        )
        return handler

    return record


def imports_first(*modules: str) -> Callable[[H], H]:
    """Return a decorator importing the handler's modules before it runs, with the collector
    paused (etl.uploads.startup: a command is a process that imports, works and ends)."""

    def wrap(handler: H) -> H:
        @functools.wraps(handler)
        def run(args: argparse.Namespace) -> int:
            import_uncollected(modules)
            return handler(args)

        return run  # type: ignore[return-value]

    return wrap


def group(*path: str, help: str, description: str) -> None:
    """Declare a command that only holds actions (`corridor users add`, `… users list`)."""
    COMMANDS[path] = Command(path, help, description)


def data_dir_option(*, keep_earlier: bool = False) -> argparse.ArgumentParser:
    """Return a parent parser holding `--data-dir`.

    With keep_earlier, an absent option leaves the value alone: a nested action's own
    `--data-dir` must not reset one given before the action (argparse copies defaults).
    """
    parent = argparse.ArgumentParser(add_help=False)
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if keep_earlier else {}
    parent.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP, **extra)
    return parent


def _children(path: tuple[str, ...]) -> list[Command]:
    return [c for c in COMMANDS.values() if c.path[:-1] == path]


def _add(sub: Any, declared: Command, parent: argparse.ArgumentParser) -> None:
    """Add one declared command (and, for a group, its actions) to a subparsers action."""
    parser: argparse.ArgumentParser = sub.add_parser(
        declared.path[-1], parents=[parent], help=declared.help, description=declared.description
    )
    for option in declared.options:
        option.add_to(parser)
    if declared.handler is not None:
        parser.set_defaults(handler=declared.handler)
        return
    actions = parser.add_subparsers(
        dest=f"{declared.path[-1]}_command", metavar="ACTION", required=True
    )
    inner = data_dir_option(keep_earlier=True)
    for child in _children(declared.path):
        _add(actions, child, inner)


def add_commands(parser: argparse.ArgumentParser, listing: Sequence[str]) -> None:
    """Add every declared command to parser, top-level ones in the listing's order."""
    unlisted = [c.path[0] for c in _children(()) if c.path[0] not in listing]
    if unlisted:
        raise ValueError(f"commands missing from the listing: {', '.join(unlisted)}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in listing:
        _add(sub, COMMANDS[(name,)], data_dir_option())
