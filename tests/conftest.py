"""Shared fixtures: temporary data directories so tests never touch the shipped data/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_data import write_data_dir
from uploads_support import CLI_ACCOUNT, CLI_PASSWORD, new_layout

from etl.contract.paths import REPO_ROOT, Layout


@pytest.fixture
def shipped_layout() -> Layout:
    """The repository's own data directory (read-only in tests)."""
    return Layout(REPO_ROOT / "data")


@pytest.fixture
def raw_copy(tmp_path: Path) -> Layout:
    """A temporary data directory holding a copy of the shipped raw articles."""
    shutil.copytree(REPO_ROOT / "data" / "raw", tmp_path / "raw")
    return Layout(tmp_path)


@pytest.fixture
def no_default_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default data directory at an unused folder.

    A command that lost its --data-dir must never write into the repository's data/.
    """
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "default-data-dir"))


@pytest.fixture(scope="session")
def layout_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory made once by new_layout, its database closed, for `layout` to copy."""
    from etl.store.db.opening import store_engine

    template = new_layout(tmp_path_factory.mktemp("layout-template") / "data")
    store_engine(template).dispose()  # no connection open: the files copied hold it whole
    return template.root


@pytest.fixture
def layout(tmp_path: Path, request: pytest.FixtureRequest) -> Layout:
    """A new data directory with the upload tests' source registered (uploads_support.SOURCE):
    a copy of layout_template, the same state without building the database per test; made by
    new_layout where a fixture already made the folder or the store is another database."""
    from etl.store.db.engine import DATABASE_ENV

    root = tmp_path / "data"
    if root.exists() or os.environ.get(DATABASE_ENV):
        return new_layout(root)
    shutil.copytree(request.getfixturevalue("layout_template"), root)
    return Layout(root)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dashboard's small test data directory (dashboard_data), as $CORRIDOR_DATA_DIR too."""
    root = write_data_dir(tmp_path / "data")
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(root))
    return root


@pytest.fixture
def cli_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """The data directory tmp_path/data (also $CORRIDOR_DATA_DIR), its database holding the admin
    analyst 'tester', mapped from the OS user."""
    from etl.store import accounts, actors, auth

    where = Layout(tmp_path / "data")
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(where.root))
    monkeypatch.delenv(auth.TOKEN_ENV, raising=False)
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)
    accounts.add_user(where, CLI_ACCOUNT, actors.ANALYST, CLI_PASSWORD, by=None)
    admin = auth.Actor(CLI_ACCOUNT, actors.ANALYST)
    accounts.map_os_user(where, auth.os_user(), CLI_ACCOUNT, by=admin)
    return where


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A secrets.toml of this test's own (CORRIDOR_SECRETS_FILE), for the shared password."""
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("CORRIDOR_SECRETS_FILE", str(path))
    return path


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: every collected case is seen
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a THROUGH_THE_CHILD name that no test of its module has: a misspelt one would
    quietly read in this process the case meant to cross from the limited child."""
    collected: dict[object, set[str]] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "THROUGH_THE_CHILD"):
            collected.setdefault(module, set()).add(item.name)
    # A run of chosen test ids collects only those: whole names are checked on whole modules.
    whole = not any("::" in arg for arg in config.args)
    for module, names in collected.items():
        wanted = set(module.THROUGH_THE_CHILD)  # type: ignore[attr-defined]
        unknown = {
            name
            for name in wanted
            if not callable(getattr(module, name.split("[")[0], None))
            or (whole and name not in names)
        }
        if unknown:
            raise pytest.UsageError(
                f"{module.__name__}: THROUGH_THE_CHILD names no test: {sorted(unknown)}"  # type: ignore[attr-defined]
            )


@pytest.fixture
def read_in_this_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read and check uploads in this process, as the limited child does (sandbox.IN_CHILD),
    unless the test's module names the test in its THROUGH_THE_CHILD.

    The child costs a fresh interpreter per read; a test of what a file's cells become, why it is
    refused or what a merge does with it checks the same code here. The child itself is tested in
    tests/etl/uploads/test_sandbox.py and by the cases a module keeps on the child's path.
    """
    from etl.uploads import sandbox

    if request.node.name not in getattr(request.module, "THROUGH_THE_CHILD", ()):
        monkeypatch.setattr(sandbox, "IN_CHILD", True)


@pytest.fixture(autouse=True)
def no_spare_children() -> Iterator[None]:
    """End the limited children a test kept spare (the upload page keeps one for an analyst):
    a spare started under one test's environment must not read the next test's files."""
    yield
    from etl.uploads import sandbox

    sandbox.end_spares()
