"""Tests that need an apt-installed tool skip where it is absent, but fail in CI, which has it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(path: str, why: str) -> None:
    """Skip when an apt-installed tool is absent, but fail in CI, where .ci/run installs it."""
    if Path(path).exists() or shutil.which(path):
        return
    message = f"{path} not installed ({why}); .ci/run installs it with apt"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
