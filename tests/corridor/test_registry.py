"""corridor/registry.py and options.py: commands declared beside their handlers, assembled in the
listing's order, and the deck's filters taken from the dashboard's URL parameters."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

import pandas as pd
import pytest

from corridor import options, registry
from corridor.cli import LISTING, build_parser
from corridor.registry import add_commands, arg, command, group
from dashboard.filters import FILTER_PARAMS, PARAMS, Choices, parse_query_params


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, ...], registry.Command]:
    """An empty registry, so a test's commands never reach the real parser."""
    commands: dict[tuple[str, ...], registry.Command] = {}
    monkeypatch.setattr(registry, "COMMANDS", commands)
    return commands


def _parser(listing: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t")
    add_commands(parser, listing)
    return parser


def test_a_decorated_handler_runs_with_its_declared_options(
    scratch: dict[tuple[str, ...], registry.Command],
) -> None:
    @command("greet", help="say hello", options=[arg("name"), arg("--loud", action="store_true")])
    def cmd_greet(args: argparse.Namespace) -> int:
        return 7 if args.loud else 0

    args = _parser(("greet",)).parse_args(["greet", "ann", "--loud", "--data-dir", "/d"])
    assert (args.name, args.loud, args.data_dir) == ("ann", True, "/d")
    assert args.handler(args) == 7


def test_the_description_defaults_to_the_help_text(
    scratch: dict[tuple[str, ...], registry.Command],
) -> None:
    command("a", help="one line")(lambda args: 0)
    command("b", help="short", description="longer")(lambda args: 0)
    assert (scratch[("a",)].description, scratch[("b",)].description) == ("one line", "longer")


def test_an_option_group_keeps_its_place_among_the_options(
    scratch: dict[tuple[str, ...], registry.Command],
) -> None:
    pair = (arg("--b"), arg("--c"))
    command("x", help="x", options=[arg("--a"), pair, arg("--d")])(lambda args: 0)
    assert [o.flags for o in scratch[("x",)].options] == [("--a",), ("--b",), ("--c",), ("--d",)]


def test_a_two_word_command_sits_under_its_group_and_keeps_an_earlier_data_dir(
    scratch: dict[tuple[str, ...], registry.Command],
) -> None:
    group("things", help="things", description="the things")
    command("things", "add", help="add one", options=[arg("name")])(lambda args: 3)
    parser = _parser(("things",))
    args = parser.parse_args(["things", "--data-dir", "/early", "add", "box"])
    assert (args.things_command, args.name, args.data_dir) == ("add", "box", "/early")
    assert args.handler(args) == 3
    with pytest.raises(SystemExit):
        parser.parse_args(["things"])  # an action is required


def test_a_command_missing_from_the_listing_is_refused(
    scratch: dict[tuple[str, ...], registry.Command],
) -> None:
    command("listed", help="l")(lambda args: 0)
    command("forgotten", help="f")(lambda args: 0)
    with pytest.raises(ValueError, match="forgotten"):
        _parser(("listed",))


def test_the_listing_names_every_declared_command_once() -> None:
    build_parser()
    declared = [path[0] for path in registry.COMMANDS if len(path) == 1]
    assert sorted(LISTING) == sorted(declared)
    assert len(set(LISTING)) == len(LISTING)


def test_each_filter_parameter_is_a_url_parameter() -> None:
    assert {p.name for p in FILTER_PARAMS} | {"lang"} == set(PARAMS)


def test_the_deck_takes_each_dashboard_filter_as_an_option() -> None:
    deck = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).choices["deck"]
    flags = {flag for action in deck._actions for flag in action.option_strings}
    assert {f"--{p.name}" for p in FILTER_PARAMS} <= flags
    helps = {action.option_strings[0]: action.help for action in deck._actions if action.help}
    for param in FILTER_PARAMS:
        assert helps[f"--{param.name}"] == param.meaning


def test_deck_options_become_the_url_parameters_the_dashboard_parses() -> None:
    args = build_parser().parse_args(
        ["deck", "--out", "d.pptx", "--from", "2024-01", "--metric", "teu", "--related"]
    )
    params = options.filter_params(args)
    assert params == {"from": "2024-01", "metric": "teu", "related": "1"}
    parsed = parse_query_params(params, Choices((), (), ("teu",), ()))
    assert parsed.problems == ()
    assert parsed.filters.start == pd.Timestamp("2024-01-01")
    assert (parsed.filters.metrics, parsed.filters.related) == (("teu",), True)


def test_absent_deck_filters_leave_no_url_parameters() -> None:
    args = build_parser().parse_args(["deck", "--out", "d.pptx"])
    assert options.filter_params(args) == {}


def test_a_handler_s_modules_are_imported_before_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "registry_probe.py").write_text("import gc\nCOLLECTING = gc.isenabled()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "registry_probe", raising=False)
    seen: list[bool] = []

    @registry.imports_first("registry_probe")
    def handler(args: argparse.Namespace) -> int:
        seen.append("registry_probe" in sys.modules)
        return 4

    try:
        assert handler(argparse.Namespace()) == 4
        assert seen == [True]
        assert sys.modules["registry_probe"].COLLECTING is False
        assert gc.isenabled()
    finally:
        gc.unfreeze()
