"""etl/uploads/sandbox.py: a child started ahead of its message (prestarted) is the one the next
run_limited uses, within the same limits, and is ended when nobody used it; the child validates
without importing hypothesis. (The limits themselves: test_upload_limits.py.)"""

from __future__ import annotations

import os
import sys
import time

import pytest
from uploads_support import SOURCE, csv_bytes

from etl.contract.errors import CorridorError
from etl.uploads import sandbox


def pid_and_modules(names: tuple[str, ...]) -> tuple[int, list[str]]:
    """Return the child's process id and which of these modules it has imported (in the child)."""
    return os.getpid(), [n for n in names if n in sys.modules]


def greedy(megabytes: int) -> int:
    """Allocate far more memory than the child may have (run in the child)."""
    return len(bytearray(megabytes * 1024 * 1024))


def spin(seconds: float) -> int:
    """Burn CPU time (run in the child)."""
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return n


def validated_rows(data: bytes) -> tuple[int, object]:
    """Return how many rows a CSV upload validates to and what the child holds as hypothesis."""
    from etl.uploads.validating import read_and_validate

    _kind, rows, _notes, _hashes = read_and_validate(data, "u.csv", [SOURCE], None, 2**28)
    return len(rows), sys.modules.get("hypothesis", "never imported")


def waiting_processes() -> list[int]:
    return [w.process.pid for w in sandbox._PRESTARTED]


def test_the_next_run_uses_the_prestarted_child_with_its_modules_imported() -> None:
    preload = ("email.mime.text", "etl.uploads.cell_texts")
    with sandbox.prestarted(preload):
        (pid,) = waiting_processes()
        child, imported = sandbox.run_limited(pid_and_modules, (preload,), "a.csv")
        assert child == pid and imported == list(preload)
        assert waiting_processes() == []
        # Once used, the next run starts a child of its own.
        again, _ = sandbox.run_limited(pid_and_modules, (preload,), "a.csv")
        assert again != pid


def test_a_prestarted_child_keeps_its_memory_limit() -> None:
    with sandbox.prestarted((), memory_bytes=256 * 1024 * 1024):
        with pytest.raises(CorridorError) as info:
            sandbox.run_limited(greedy, (4096,), "big.xlsx", memory_bytes=256 * 1024 * 1024)
        assert waiting_processes() == []
    assert "the memory limit of 256 MiB" in info.value.render()


def test_a_prestarted_child_keeps_its_cpu_limit() -> None:
    with sandbox.prestarted((), cpu_seconds=1):
        with pytest.raises(CorridorError) as info:
            sandbox.run_limited(spin, (60.0,), "slow.xlsx", cpu_seconds=1, timeout=30)
        assert waiting_processes() == []
    assert "the CPU time limit of 1 s" in info.value.render()


def test_a_prestarted_child_keeps_its_wall_time_limit() -> None:
    start = time.monotonic()
    with sandbox.prestarted(()), pytest.raises(CorridorError) as info:
        sandbox.run_limited(time.sleep, (60.0,), "idle.csv", timeout=2)
    assert time.monotonic() - start < 20
    assert "the time limit of 2 s" in info.value.render()


def test_a_child_prestarted_with_other_limits_is_not_used_and_is_ended() -> None:
    with sandbox.prestarted(()):  # the default 60 s of CPU time
        (waiting,) = sandbox._PRESTARTED
        with pytest.raises(CorridorError) as info:
            sandbox.run_limited(spin, (60.0,), "slow.xlsx", cpu_seconds=1, timeout=30)
        assert "the CPU time limit of 1 s" in info.value.render()
        assert waiting_processes() == [waiting.process.pid]
    assert waiting.process.returncode is not None, "ended when the block ends"
    assert waiting_processes() == []


def test_an_unused_prestarted_child_is_ended_when_the_block_ends() -> None:
    with pytest.raises(RuntimeError), sandbox.prestarted(("etl.uploads.cell_texts",)):
        (waiting,) = sandbox._PRESTARTED
        raise RuntimeError("the command refused its file before reading it")
    assert waiting.process.returncode is not None
    assert waiting_processes() == []


def test_the_upload_child_validates_without_importing_hypothesis() -> None:
    with sandbox.prestarted_upload(workbook=False):
        count, hypothesis = sandbox.run_limited(
            validated_rows, (csv_bytes(3),), "u.csv", **sandbox.UPLOAD_LIMITS
        )
    assert count == 3 and hypothesis is None  # blocked: pandera validates without it


def test_prestarting_inside_the_child_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    with sandbox.prestarted(("etl.uploads.cell_texts",)):
        assert waiting_processes() == []
