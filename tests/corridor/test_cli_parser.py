"""corridor/cli.py's parser keeps every command, option and help text it had before issue 22
(tests/golden/cli_options.json)."""

from __future__ import annotations

import json

from cli_spec import parser_spec

from corridor.cli import build_parser
from etl.contract.paths import REPO_ROOT

GOLDEN = REPO_ROOT / "tests" / "golden" / "cli_options.json"


def _golden() -> dict[str, dict[str, object]]:
    loaded: dict[str, dict[str, object]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return loaded


def test_every_command_of_the_golden_parser_is_still_there() -> None:
    assert set(parser_spec(build_parser())) == set(_golden())


def test_each_command_keeps_its_options_defaults_and_help_texts() -> None:
    now = parser_spec(build_parser())
    for path, before in _golden().items():
        assert now[path] == before, path


def test_the_command_listing_keeps_its_order() -> None:
    listing = parser_spec(build_parser())["corridor"]["options"]
    assert listing == _golden()["corridor"]["options"]
