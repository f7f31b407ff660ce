"""A store command as a real process, paused inside its transaction (etl.store.db.changes'
PAUSE_ENV) and killed there (SIGKILL): for the crash tests on both engines."""

from __future__ import annotations

import signal
import subprocess

import pytest

from etl.store.db.changes import PAUSED

# Long enough for the test to see the pause and kill the process in it.
PAUSE_S = "120"
# A command's start, its work and its pause's notice, on a loaded machine.
TIMEOUT_S = 300


def killed_inside(proc: subprocess.Popen[bytes]) -> None:
    """Wait until the process pauses inside its transaction, then kill it (SIGKILL)."""
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line.decode("utf-8", "replace"))
        if PAUSED in seen[-1]:
            break
    else:
        proc.wait(TIMEOUT_S)
        pytest.fail("the process ended without pausing: " + "".join(seen))
    proc.send_signal(signal.SIGKILL)
    proc.wait(TIMEOUT_S)
