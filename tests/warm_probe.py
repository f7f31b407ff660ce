"""A module test_sandbox.py preloads in a limited child: its warm_up leaves a mark on disk."""

from __future__ import annotations

import os
from pathlib import Path

WARMED = False


def warm_up() -> None:
    """Note that the child warmed this module, in the child and in the file $WARM_PROBE_MARK."""
    global WARMED
    WARMED = True
    Path(os.environ["WARM_PROBE_MARK"]).write_text(str(os.getpid()), encoding="utf-8")


def warmed() -> bool:
    """Return whether warm_up ran in this process."""
    return WARMED
