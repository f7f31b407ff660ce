"""A process's heavy imports, made with Python's cyclic garbage collector paused.

Importing pandas, pandera and SQLAlchemy makes a few hundred thousand objects (modules,
classes, functions, their dicts) that live as long as the process, and almost no cyclic garbage.
The collector still runs a young-generation pass every 700 new objects and full passes as the
heap grows, each walking what the imports made so far: 0.05-0.1 s of CPU in a 0.8 s start on the
development box (bench/README.md, stop 32). A command line's two processes (the command and the
upload's limited child) each pay it before any work.

After the imports, gc.freeze moves every object that exists into a permanent generation the
collector never walks (CPython documents it for a server that imports, then forks its workers;
the same holds for a process that imports, then works), so the work's own collections (a
200,000-row check's) do not walk the modules either; collection then resumes as it was.
Garbage made before the freeze (none of note: imports keep what they make) is kept for the
process's life.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterable


def import_uncollected(modules: Iterable[str]) -> list[str]:
    """Import the modules not yet imported with the collector paused, then freeze what exists
    and resume; return the names imported here (none: nothing paused, nothing frozen)."""
    missing = [name for name in modules if name not in sys.modules]
    if not missing:
        return []
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for name in missing:
            importlib.import_module(name)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return missing
