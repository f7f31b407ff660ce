"""README.md documents the code as it is: every `corridor` subcommand and option (as datasette's
tests/test_docs.py checks its CLI), every path it names, and every package in the layout table."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from corridor.cli import build_parser
from etl.contract.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
# Every subcommand has these; the README says so once, above the tables.
EVERY_COMMAND = ("--help", "--data-dir")
# Top-level folders whose paths the README names from the repository root.
ROOTS = ("etl/", "dashboard/", "corridor/", "bench/", "tests/", "docs/", "data/", ".ci/")


def subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[str]]]:
    """Yield each subcommand's name (nested ones as 'sources add') and its long options."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (
                    " ".join((*path, name)),
                    [o for a in child._actions for o in a.option_strings if o.startswith("--")],
                )
                yield from subcommands(child, (*path, name))


COMMANDS = dict(subcommands(build_parser()))


def command_rows(name: str) -> list[str]:
    """Return the README table rows whose first cell is this command's synopsis."""
    pattern = re.compile(rf"^\| `corridor {re.escape(name)}[ `]")
    return [line for line in README.splitlines() if pattern.match(line)]


def test_the_parser_was_walked() -> None:
    # A broken walk would make every test below pass on an empty list.
    assert {"build", "deck", "sources add", "sources list", "correct"} <= set(COMMANDS)
    assert "--new-value" in COMMANDS["correct"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_a_row_in_the_readme(name: str) -> None:
    assert command_rows(name), f"README.md has no table row for `corridor {name}`"


@pytest.mark.parametrize(
    ("name", "option"),
    sorted((n, o) for n, opts in COMMANDS.items() for o in opts if o not in EVERY_COMMAND),
)
def test_every_option_is_in_its_commands_row(name: str, option: str) -> None:
    rows = " ".join(command_rows(name))
    assert re.search(rf"{re.escape(option)}(?![\w-])", rows), (
        f"README.md's row for `corridor {name}` does not mention {option}"
    )


@pytest.mark.parametrize("option", EVERY_COMMAND)
def test_the_options_of_every_command_are_documented_once(option: str) -> None:
    assert all(option in opts for opts in COMMANDS.values())
    assert "Every subcommand has `--help` and takes `--data-dir DIR`" in README


def mentioned_paths() -> list[str]:
    """Return every repository path the README names in backticks or a fenced block."""
    roots = "|".join(re.escape(root) for root in ROOTS)
    return sorted({p.rstrip(".:;") for p in re.findall(rf"[`\s(]((?:{roots})[^\s`),]*)", README)})


def test_the_readme_names_paths_that_exist() -> None:
    paths = mentioned_paths()
    assert "etl/contract/rules/places.toml" in paths  # the pattern finds paths at all
    missing = [p for p in paths if not (REPO_ROOT / p).exists()]
    assert not missing, f"README.md names paths that do not exist: {missing}"


def packages() -> list[str]:
    """Return the code's packages that hold modules of their own, and the bench and tests folders.

    `etl` itself holds only its layers, so the table lists those instead.
    """
    found = {
        init.parent.relative_to(REPO_ROOT).as_posix()
        for root in ("etl", "dashboard", "corridor")
        for init in (REPO_ROOT / root).rglob("__init__.py")
        if any(p.name != "__init__.py" for p in init.parent.glob("*.py"))
    }
    return sorted(found | {"bench", "tests"})


def layout_rows() -> dict[str, str]:
    """Return the README's 'Layout of the code' table as {package: what it owns}."""
    section = README.split("## Layout of the code", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|", 1) for line in section.splitlines() if line.startswith("|")]
    return {first.strip().strip("`"): rest for first, rest in rows[2:]}


@pytest.mark.parametrize("package", packages())
def test_the_layout_table_lists_every_package(package: str) -> None:
    assert f"{package}/" in layout_rows(), f"the layout table does not list {package}/"


def test_the_files_a_layout_row_names_exist_in_its_package() -> None:
    rows = layout_rows()
    named = [
        (package, name)
        for package, owns in rows.items()
        if package.endswith("/")
        for name in re.findall(r"`([\w./]+\.(?:py|toml|md)|[\w]+/)`", owns)
        if not name.startswith(("docs/", "bench/", "etl/", "dashboard/", "tests/"))
    ]
    assert ("tools/", "land_outline.py") in named  # the pattern finds names at all
    missing = [
        package + name for package, name in named if not (REPO_ROOT / package / name).exists()
    ]
    assert not missing, f"the layout table names files that do not exist: {missing}"


def code_modules() -> list[str]:
    """Return every module of the code (not packages' __init__.py), as a path from the root."""
    return sorted(
        path.relative_to(REPO_ROOT).as_posix()
        for root in ("etl", "dashboard", "corridor")
        for path in (REPO_ROOT / root).rglob("*.py")
        if path.name != "__init__.py"
    )


def test_the_layout_table_names_every_module_in_a_row_of_its_own() -> None:
    rows = layout_rows()
    assert "etl/contract/identity.py" in rows  # rows are read by their first cell
    missing = [module for module in code_modules() if module not in rows]
    assert not missing, f"the README's layout table has no row for: {missing}"
    gone = [p for p in rows if p.endswith(".py") and not (REPO_ROOT / p).exists()]
    assert not gone, f"the README's layout table names modules that do not exist: {gone}"
    empty = [p for p, owns in rows.items() if not owns.strip(" |")]
    assert not empty, f"layout rows that say nothing: {empty}"


def test_operations_material_lives_in_docs_operations() -> None:
    # TLS, the proxy, the service unit and the roles are for whoever runs the server: one page,
    # linked from the README, instead of half the README.
    operations = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "docs/operations.md" in README
    for needle in ("Restart=on-failure", "ssl_certificate", "Content-Security-Policy", "[Unit]"):
        assert needle in operations, needle
        assert needle not in README, f"{needle} belongs in docs/operations.md"
    assert "## Who may write" in operations and "## Settings and approval" in operations


def test_the_tests_mirror_the_code_tree() -> None:
    # A test of etl/store/pending.py lives in tests/etl/store/; a folder of tests with no package
    # of that name beside the code would be a map that leads nowhere.
    tests = REPO_ROOT / "tests"
    folders = {
        p.parent.relative_to(tests).as_posix()
        for p in tests.rglob("test_*.py")
        if p.parent.relative_to(tests).parts[:1] in (("etl",), ("dashboard",), ("corridor",))
    }
    assert "etl/store" in folders
    assert all((REPO_ROOT / folder).is_dir() for folder in folders), sorted(folders)
    assert not list(tests.glob("test_*.py")), "test files belong in the folder of what they check"
