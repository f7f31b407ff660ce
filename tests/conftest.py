"""Shared fixtures: temporary data directories so tests never touch the shipped data/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.contract.paths import REPO_ROOT, Layout

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(path: str, why: str) -> None:
    """Skip when an apt-installed tool is absent, but fail in CI, where .ci/run installs it."""
    if Path(path).exists() or shutil.which(path):
        return
    message = f"{path} not installed ({why}); .ci/run installs it with apt"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def shipped_layout() -> Layout:
    """The repository's own data directory (read-only in tests)."""
    return Layout(REPO_ROOT / "data")


@pytest.fixture
def raw_copy(tmp_path: Path) -> Layout:
    """A temporary data directory holding a copy of the shipped raw articles."""
    shutil.copytree(REPO_ROOT / "data" / "raw", tmp_path / "raw")
    return Layout(tmp_path)
