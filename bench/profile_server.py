"""`python -m streamlit` with every script run profiled: cProfile around each ScriptRunner run.

    python bench/profile_server.py OUT.pstats run dashboard/asgi.py --server.port 8600 ...

Streamlit runs each script run in its own thread, which a process-wide cProfile would miss; the
runs' stats are summed and written to OUT.pstats every 20 runs and when the server stops
(read them with `python -m pstats OUT.pstats`). bench/bench_room.py --profile uses this.
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import sys
import threading
from typing import Any

WRITE_EVERY = 20


def install(out: str) -> None:
    """Wrap ScriptRunner._run_script so each run is profiled and its stats summed into out."""
    from streamlit.runtime.scriptrunner import script_runner

    lock = threading.Lock()
    total: list[pstats.Stats] = []
    runs = [0]
    original = script_runner.ScriptRunner._run_script

    def write() -> None:
        with lock:
            if total:
                total[0].dump_stats(out)

    def profiled(self: Any, *args: Any, **kwargs: Any) -> Any:
        prof = cProfile.Profile()
        prof.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            prof.disable()
            with lock:
                if total:
                    total[0].add(prof)
                else:
                    total.append(pstats.Stats(prof))
                runs[0] += 1
                due = runs[0] % WRITE_EVERY == 0
            if due:
                write()

    script_runner.ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    atexit.register(write)


if __name__ == "__main__":
    install(sys.argv[1])
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[2:]]
    main()
