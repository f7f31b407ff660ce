"""etl/uploads/sandbox.py: a child started ahead of its message (prestarted) is the one the next
run_limited uses, within the same limits, and is ended when nobody used it; the child validates
without importing hypothesis. The spare a long-running process keeps is the one the next run
with its limits uses, a new one replaces it after every run (refused or not), the limits hold in
it, it ends itself when idle and when its parent goes, and an exiting parent ends it. Late
values reach a child already at work, and a failure making them ends it; the child runs with one
BLAS thread. (The limits themselves: test_upload_limits.py.)"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from uploads_support import SOURCE, csv_bytes

from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT
from etl.uploads import sandbox
from etl.uploads.validating import parse_upload


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


MIB = 1024 * 1024
UPLOAD_KEY = (sandbox.UPLOAD_CPU_SECONDS, sandbox.UPLOAD_MEMORY_BYTES)


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to reap it does not)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def ended_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def spare_pid(key: tuple[int, int] = UPLOAD_KEY) -> int:
    return sandbox._SPARES[key].process.pid


def test_the_next_run_uses_the_spare_and_a_new_spare_replaces_it() -> None:
    preload = ("email.mime.text", "etl.uploads.cell_texts")
    first = sandbox.keep_spare(preload, **sandbox.UPLOAD_LIMITS)
    assert first is not None and alive(first)
    assert sandbox.keep_spare(preload, **sandbox.UPLOAD_LIMITS) == first, "one spare, not two"
    child, imported = sandbox.run_limited(
        pid_and_modules, (preload,), "a.csv", **sandbox.UPLOAD_LIMITS
    )
    assert child == first and imported == list(preload)
    second = spare_pid()
    assert second != first and alive(second)
    again, imported = sandbox.run_limited(
        pid_and_modules, (preload,), "b.csv", **sandbox.UPLOAD_LIMITS
    )
    assert again == second and imported == list(preload)
    assert spare_pid() not in (first, second)


def test_a_spare_taken_under_spares_later_is_replaced_only_on_leaving() -> None:
    first = sandbox.keep_spare((), **sandbox.UPLOAD_LIMITS)
    with sandbox.spares_later():
        child, _imported = sandbox.run_limited(
            pid_and_modules, ((),), "a.csv", **sandbox.UPLOAD_LIMITS
        )
        assert child == first
        # The caller's own work after the child's result runs with no spare importing beside it.
        assert UPLOAD_KEY not in sandbox._SPARES
        with sandbox.spares_later():  # nested: the outermost one replaces it
            pass
        assert UPLOAD_KEY not in sandbox._SPARES
    second = spare_pid()
    assert second != first and alive(second)
    again, _imported = sandbox.run_limited(pid_and_modules, ((),), "b.csv", **sandbox.UPLOAD_LIMITS)
    assert again == second


def test_a_run_with_other_limits_leaves_the_spare_waiting() -> None:
    kept = sandbox.keep_spare((), **sandbox.UPLOAD_LIMITS)
    child, _ = sandbox.run_limited(pid_and_modules, ((),), "a.csv")  # the default limits
    assert child != kept and spare_pid() == kept and alive(kept)


def test_an_idle_spare_ends_itself_and_the_next_run_starts_its_own() -> None:
    idle = sandbox.keep_spare((), idle_seconds=0.5)
    assert idle is not None
    assert ended_within(idle, 30), "the spare waited past its idle time"
    child, _ = sandbox.run_limited(pid_and_modules, ((),), "a.csv")
    assert child != idle
    # The process still keeps spares: a new one waits, with the same idle time.
    assert alive(spare_pid((sandbox.DEFAULT_CPU_SECONDS, sandbox.DEFAULT_MEMORY_BYTES)))


def test_a_spare_near_its_idle_time_is_not_handed_work() -> None:
    kept = sandbox.keep_spare((), idle_seconds=1000.0)
    assert kept is not None
    key = (sandbox.DEFAULT_CPU_SECONDS, sandbox.DEFAULT_MEMORY_BYTES)
    waiting = sandbox._SPARES[key]
    # Started (as far as the parent knows) 95% of its idle time ago: about to end itself.
    sandbox._SPARES[key] = dataclasses.replace(waiting, started=waiting.started - 950.0)
    child, _ = sandbox.run_limited(pid_and_modules, ((),), "a.csv")
    assert child != kept and not alive(kept), "ended rather than trusted to wait"


def test_a_memory_hog_in_a_spare_is_refused_and_a_fresh_spare_waits() -> None:
    limits = {"memory_bytes": 256 * MIB}
    kept = sandbox.keep_spare((), **limits)
    with pytest.raises(CorridorError) as info:
        sandbox.run_limited(greedy, (4096,), "big.xlsx", **limits)
    assert "the memory limit of 256 MiB" in info.value.render()
    assert not alive(kept)
    fresh = spare_pid((sandbox.DEFAULT_CPU_SECONDS, 256 * MIB))
    assert fresh != kept and alive(fresh)


def test_a_cpu_hog_in_a_spare_is_refused_and_a_fresh_spare_waits() -> None:
    kept = sandbox.keep_spare((), cpu_seconds=1)
    with pytest.raises(CorridorError) as info:
        sandbox.run_limited(spin, (60.0,), "slow.xlsx", cpu_seconds=1, timeout=30)
    assert "the CPU time limit of 1 s" in info.value.render()
    fresh = spare_pid((1, sandbox.DEFAULT_MEMORY_BYTES))
    assert fresh != kept and alive(fresh) and not alive(kept)


def test_a_refused_upload_leaves_a_fresh_spare_and_the_next_upload_uses_it() -> None:
    kept = sandbox.keep_upload_spare()
    with pytest.raises(CorridorError) as info:
        parse_upload(csv_bytes(3), "u.csv", known_sources=[])  # its source is not registered
    assert SOURCE in info.value.render()
    fresh = spare_pid()
    assert fresh != kept and alive(fresh)
    upload = parse_upload(csv_bytes(3), "u.csv", known_sources=[SOURCE])
    assert len(upload.rows) == 3
    assert spare_pid() != fresh and not alive(fresh), "the fresh spare read the second file"


def test_many_threads_share_one_spare_and_every_run_succeeds() -> None:
    pids: list[int | None] = []
    threads = [
        threading.Thread(target=lambda: pids.append(sandbox.keep_spare(()))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(pids)) == 1 and len(sandbox._SPARES) == 1
    children: list[int] = []
    runs = [
        threading.Thread(
            target=lambda: children.append(sandbox.run_limited(pid_and_modules, ((),), "a")[0])
        )
        for _ in range(3)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert len(children) == 3 and len(set(children)) == 3, "each run had a child of its own"
    assert pids[0] in children
    assert len(sandbox._SPARES) == 1 and alive(spare_pid(next(iter(sandbox._SPARES))))


def test_end_spares_ends_them_and_keeps_no_more() -> None:
    kept = sandbox.keep_spare(())
    assert kept is not None
    assert sandbox.end_spares() == 1 and not alive(kept)
    sandbox.run_limited(pid_and_modules, ((),), "a.csv")
    assert sandbox._SPARES == {}, "no longer asked for, no spare is started"


def test_keeping_a_spare_inside_the_child_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    assert sandbox.keep_upload_spare() is None and sandbox._SPARES == {}


# A process that keeps a spare and prints its pid. A sleeper holds the spare's stdin open, so
# only the parent's own exit can end the spare (not the end of its input).
KEEPER = textwrap.dedent(
    """
    import os, subprocess, sys
    from etl.uploads import sandbox
    pid = sandbox.keep_spare(())
    spare = sandbox._SPARES[(sandbox.DEFAULT_CPU_SECONDS, sandbox.DEFAULT_MEMORY_BYTES)]
    sleeper = subprocess.Popen(
        ["sleep", "60"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=[spare.process.stdin.fileno()],
    )
    print(pid, sleeper.pid, flush=True)
    if sys.argv[1] == "killed":
        os.kill(os.getpid(), 9)
    """
)


def run_keeper(how: str) -> tuple[int, int]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", KEEPER, how],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    spare, sleeper = (int(n) for n in done.stdout.split())
    return spare, sleeper


def test_a_parent_that_exits_has_ended_its_spare_by_then() -> None:
    spare, sleeper = run_keeper("exits")
    try:
        assert not alive(spare), "the spare outlived the process that kept it"
    finally:
        os.kill(sleeper, 9)


def test_a_spare_ends_itself_when_its_parent_is_killed() -> None:
    spare, sleeper = run_keeper("killed")
    assert alive(spare), "the sleeper still holds its input open"
    os.kill(sleeper, 9)
    assert ended_within(spare, 30), "the spare outlived its parent and its input"


def test_the_upload_spare_preloads_the_csv_xlsx_and_article_readers() -> None:
    preload = sandbox.UPLOAD_MODULES + sandbox.XLSX_MODULES + sandbox.ARTICLE_MODULES
    kept = sandbox.keep_upload_spare()
    child, imported = sandbox.run_limited(
        pid_and_modules, (preload,), "a.xlsx", **sandbox.UPLOAD_LIMITS
    )
    assert child == kept and imported == list(preload)


def test_a_spare_warms_its_modules_before_its_message_and_a_prestarted_child_does_not(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warm_probe

    mark = tmp_path / "warmed"  # type: ignore[operator]
    monkeypatch.setenv("WARM_PROBE_MARK", str(mark))
    kept = sandbox.keep_spare(("warm_probe",), **sandbox.UPLOAD_LIMITS)
    deadline = time.monotonic() + 60
    while not mark.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mark.read_text(encoding="utf-8") == str(kept), "warmed in the waiting spare"
    assert sandbox.run_limited(warm_probe.warmed, (), "a.csv", **sandbox.UPLOAD_LIMITS) is True
    sandbox.end_spares()
    # A command's prestarted child gets its message as it finishes importing: no warm-up.
    with sandbox.prestarted(("warm_probe",)):
        assert sandbox.run_limited(warm_probe.warmed, (), "a.csv") is False
    assert warm_probe.warmed() is False, "never in this process"


def test_a_failing_warm_up_is_left_for_the_real_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fails() -> None:
        calls.append("tried")
        raise ValueError("rules missing")

    module = type(sys)("failing_probe")
    module.warm_up = fails  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "failing_probe", module)
    sandbox._warm_up(["failing_probe", "email.mime.text", "not_imported_here"])
    assert calls == ["tried"]


def test_the_upload_readers_warm_up_reads_and_checks_its_own_sample() -> None:
    from etl.contract import series
    from etl.uploads import validating

    validating.warm_up()
    assert series.load_series.cache_info().currsize == 1
    kind, rows, notes, _hashes = validating.read_and_validate(
        validating._WARM_UP_CSV, "w.csv", [validating._WARM_UP_SOURCE], None, 2**20
    )
    assert (kind, len(rows)) == ("csv", 2)
    assert [n.column for n in notes] == ["period_start"], "valid, with a month read as its day"


def test_meanwhile_runs_in_this_process_while_the_child_works_and_is_over_on_return() -> None:
    seen: list[tuple[int, str]] = []

    def note() -> None:
        time.sleep(0.2)
        seen.append((os.getpid(), threading.current_thread().name))

    child, _ = sandbox.run_limited(pid_and_modules, ((),), "a.csv", meanwhile=note)
    assert child != os.getpid()
    assert seen == [(os.getpid(), "sandbox-meanwhile")]


def test_a_failing_meanwhile_leaves_the_run_and_the_screen_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails() -> None:
        raise ValueError("no rules")

    child, _ = sandbox.run_limited(pid_and_modules, ((),), "a.csv", meanwhile=fails)
    assert child != os.getpid()
    assert capsys.readouterr().err == ""
    assert threading.active_count() == 1 or all(
        t.name != "sandbox-meanwhile" for t in threading.enumerate()
    )


# The stream (stream_limited): parts arrive in order while the child goes on, then its result;
# a refusal after parts, a frame longer than the parent takes, a child killed mid-stream and
# one past its limits each end in a bilingual refusal naming what happened.


def counted_parts(count: int, size: int, emit: object) -> str:
    """Emit count parts of size bytes each (in the child); return 'done'."""
    for i in range(count):
        emit((i, b"x" * size))  # type: ignore[operator]
    return "done"


def parts_then_refused(emit: object) -> None:
    """Emit one part, then refuse as a check would (in the child)."""
    emit("first")  # type: ignore[operator]
    raise CorridorError.single("第 9 行有问题", "row 9 has a problem", file="u.csv", row=9)


def parts_then_killed(emit: object) -> None:
    """Emit one part, then die as the kernel's SIGKILL ends a process (in the child)."""
    emit("first")  # type: ignore[operator]
    os.kill(os.getpid(), 9)


def parts_then_stuck(emit: object) -> None:
    """Emit one part, then wait past the wall-clock limit (in the child)."""
    emit("first")  # type: ignore[operator]
    time.sleep(60)


def test_a_stream_passes_every_part_in_order_then_returns_the_result() -> None:
    seen: list[object] = []
    out = sandbox.stream_limited(counted_parts, (5, 300_000), "u.csv", seen.append)
    assert out == "done"
    assert [(i, len(b)) for i, b in seen] == [(i, 300_000) for i in range(5)]  # type: ignore[misc]


def test_a_child_refusing_after_parts_raises_its_refusal() -> None:
    seen: list[object] = []
    with pytest.raises(CorridorError) as info:
        sandbox.stream_limited(parts_then_refused, (), "u.csv", seen.append)
    assert seen == ["first"]
    assert [(p.en, p.row) for p in info.value.problems] == [("row 9 has a problem", 9)]


def test_a_frame_longer_than_the_parent_takes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_FRAME_BYTES", MIB)
    seen: list[object] = []
    with pytest.raises(CorridorError) as info:
        sandbox.stream_limited(counted_parts, (3, 2 * MIB), "u.csv", seen.append)
    assert seen == []
    text = info.value.render()
    assert "单条结果上限 1 MiB" in text and "the limit of 1 MiB per message" in text


def test_a_child_killed_mid_stream_is_refused_after_its_parts() -> None:
    seen: list[object] = []
    with pytest.raises(CorridorError) as info:
        sandbox.stream_limited(parts_then_killed, (), "u.csv", seen.append)
    assert seen == ["first"]
    text = info.value.render()
    assert "已拒绝" in text and "refused" in text


def test_a_stream_past_its_wall_time_is_stopped_and_named() -> None:
    seen: list[object] = []
    start = time.monotonic()
    with pytest.raises(CorridorError) as info:
        sandbox.stream_limited(parts_then_stuck, (), "u.csv", seen.append, timeout=3)
    assert time.monotonic() - start < 20
    assert seen == ["first"]
    assert "the time limit of 3 s" in info.value.render()


def test_a_stream_past_its_memory_is_refused() -> None:
    with pytest.raises(CorridorError) as info:
        sandbox.stream_limited(
            greedy_streamed, (4096,), "big.csv", lambda _: None, memory_bytes=256 * MIB
        )
    assert "the memory limit of 256 MiB" in info.value.render()


def greedy_streamed(megabytes: int, emit: object) -> int:
    """Allocate far more memory than the child may have (in the child; streamed)."""
    return greedy(megabytes)


def test_a_stream_takes_the_prestarted_child() -> None:
    with sandbox.prestarted(()):
        (pid,) = waiting_processes()
        seen: list[object] = []
        sandbox.stream_limited(pid_streamed, (), "u.csv", seen.append)
        assert seen == [pid] and waiting_processes() == []


def pid_streamed(emit: object) -> None:
    """Emit the child's process id (in the child)."""
    emit(os.getpid())  # type: ignore[operator]


def marked_then_summed(marker: str, late: object) -> int:
    """Mark that the work began, then return the sum of the late values (run in the child)."""
    with open(marker, "w") as handle:
        handle.write("begun")
    return sum(late)  # type: ignore[call-overload]


def test_late_values_are_computed_while_the_child_works_on_the_rest(tmp_path: Path) -> None:
    marker = tmp_path / "begun"

    def later() -> list[int]:
        # The child marks before it reads the late values: the mark proves it began first.
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the child waited for the late values to begin"
            time.sleep(0.01)
        return [1, 2, 3]

    with sandbox.prestarted(()):
        assert sandbox.run_limited(marked_then_summed, (str(marker),), "a.csv", later=later) == 6


def test_a_failing_later_ends_the_child_and_is_raised(tmp_path: Path) -> None:
    def later() -> list[int]:
        raise RuntimeError("the store is gone")

    with sandbox.prestarted(()):
        (pid,) = waiting_processes()
        with pytest.raises(RuntimeError, match="the store is gone"):
            sandbox.run_limited(marked_then_summed, (str(tmp_path / "m"),), "a.csv", later=later)
    assert ended_within(pid, 10)


def test_late_values_inside_the_child_are_passed_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "IN_CHILD", True)
    marker = tmp_path / "begun"
    assert sandbox.run_limited(marked_then_summed, (str(marker),), "a.csv", later=lambda: [4]) == 4
    assert marker.exists()


def blas_setting() -> str | None:
    """Return the child's OPENBLAS_NUM_THREADS (run in the child)."""
    return os.environ.get("OPENBLAS_NUM_THREADS")


def test_the_child_starts_numpy_with_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "8")
    assert sandbox.run_limited(blas_setting, (), "a.csv") == "1"


def collector_state() -> tuple[bool, bool]:
    """Return whether the child collects, and whether its imports are frozen (run in the child)."""
    import gc

    namespace = sys.modules["etl.uploads.validating"].__dict__
    return gc.isenabled(), all(walked is not namespace for walked in gc.get_objects())


def test_the_child_imports_uncollected_then_collects() -> None:
    # Its preloaded modules are imported with the collector paused and frozen (startup.py); the
    # file's check runs with the collector on.
    with sandbox.prestarted_upload(False):
        state = sandbox.run_limited(collector_state, (), "a.csv", **sandbox.UPLOAD_LIMITS)
    assert state == (True, True)
