"""The `corridor` parser as plain data: every command path with its help and its options in order.

tests/golden/cli_options.json holds this for the parser as it stood before issue 22 moved each
command's options beside its handler; a lost, renamed or reworded option shows as a difference.
"""

from __future__ import annotations

import argparse
from typing import Any


def _value(value: object) -> object:
    """Return a JSON-safe stand-in: functions by name, the SUPPRESS marker by its text."""
    if callable(value):
        return getattr(value, "__name__", repr(value))
    if isinstance(value, tuple):
        return list(value)
    return value


def _option(action: argparse.Action) -> dict[str, Any]:
    return {
        "flags": list(action.option_strings) or [action.dest],
        "dest": action.dest,
        "action": type(action).__name__,
        "metavar": _value(action.metavar),
        "help": action.help,
        "required": action.required,
        "default": _value(action.default),
        "choices": _value(action.choices),
        "nargs": _value(action.nargs),
        "type": _value(action.type),
        "const": _value(action.const),
    }


def parser_spec(parser: argparse.ArgumentParser) -> dict[str, Any]:
    """Return {command path: its description, help and options, in order} for a parser tree."""
    spec: dict[str, Any] = {}

    def walk(node: argparse.ArgumentParser, path: str, help_text: str | None) -> None:
        options = []
        for action in node._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help for a in action._choices_actions}
                options.append(
                    {
                        "subcommands": list(action.choices),
                        "dest": action.dest,
                        "metavar": action.metavar,
                        "required": action.required,
                    }
                )
                for name, child in action.choices.items():
                    walk(child, f"{path} {name}", helps.get(name))
            elif not isinstance(action, argparse._HelpAction):
                options.append(_option(action))
        spec[path] = {
            "help": help_text,
            "description": node.description,
            "defaults": {k: _value(v) for k, v in sorted(node._defaults.items())},
            "options": options,
        }

    walk(parser, parser.prog, None)
    return spec
