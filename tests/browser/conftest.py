"""Fixtures every browser test module shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import chromium


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    """One Debian Chromium per test module (skipped where it is not installed)."""
    with chromium() as browser:
        yield browser
