"""Running a parser of untrusted bytes in a child process with CPU-time and memory limits.

A hostile file may make a parser slow or greedy; in a child it can fail, but the server (and
every other reader's session) keeps its CPU time and memory.

The child is a fresh interpreter (`python -m etl.uploads.sandbox`), not a multiprocessing
child: multiprocessing's spawn re-runs the parent's `__main__`, and inside Streamlit (or its
AppTest) `__main__` is the dashboard script itself, which must never run in the child; fork is
unsafe in a multi-threaded server.

A command that knows it will read an upload can start that child early (prestart): the child
imports its modules while the command imports its own and reads the store, and only then gets
the file. Nothing untrusted reaches it before its limits are set, as for a child started late.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from etl.contract.errors import CorridorError, Problem

# A real upload (a few hundred thousand rows of 12 columns) parses in well under a minute and
# a few hundred MiB; these leave room for a slow machine and stop anything far beyond it.
DEFAULT_CPU_SECONDS = 60
DEFAULT_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
# Wall-clock bound for a child waiting on a busy machine (CPU time alone would not end a sleep).
DEFAULT_TIMEOUT_SECONDS = 180.0

# An upload (CSV, XLSX or article) is read and checked within these: a real 25 MiB table takes
# seconds, so a file still going after them is refused well inside a minute of waiting.
UPLOAD_CPU_SECONDS = 40
UPLOAD_MEMORY_BYTES = 1536 * 1024 * 1024
UPLOAD_TIMEOUT_SECONDS = 55.0
UPLOAD_LIMITS: dict[str, Any] = {
    "cpu_seconds": UPLOAD_CPU_SECONDS,
    "memory_bytes": UPLOAD_MEMORY_BYTES,
    "timeout": UPLOAD_TIMEOUT_SECONDS,
}

# What an upload's child imports: the function parse_upload sends it, and for a workbook the
# XLSX reader (calamine, lxml, openpyxl: a CSV's child is spared them).
UPLOAD_MODULES = ("etl.uploads.validating",)
XLSX_MODULES = ("etl.uploads.xlsx_sheet",)

# True inside the limited child: a nested run_limited calls its function directly, since the
# limits already hold and a grandchild would only double the memory.
IN_CHILD = False


def _address_space() -> int:
    # The child starts with the interpreter and its imports mapped; the budget comes on top.
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[0])
    return pages * resource.getpagesize()


# Hypothesis (test data generation) is imported by pandera's checks when it is installed, at a
# quarter of a second; the child only validates, and pandera validates alike without it.
NEVER_IMPORTED_IN_CHILD = ("hypothesis",)


def _child_main(cpu: int, memory: int, preload: list[str]) -> None:
    """Run the pickled (func, args) read from stdin under the limits; pickle the outcome out.

    preload: modules imported before the message is read (a prestarted child imports them while
    its parent is busy); stdin closed without a message ends the child quietly.
    """
    # Run as `python -m`, this module is __main__: the flag is set on the imported module too,
    # which is the one the parsers call.
    global IN_CHILD
    IN_CHILD = True
    from etl.uploads import sandbox as imported

    imported.IN_CHILD = True
    for module in NEVER_IMPORTED_IN_CHILD:
        sys.modules.setdefault(module, None)  # type: ignore[arg-type]
    for module in preload:
        importlib.import_module(module)
    message = sys.stdin.buffer.read()
    if not message:
        return  # a prestarted child that was not needed
    func, args = pickle.loads(message)  # the parent's own message
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        base = _address_space()
    except OSError:
        base = 0
    resource.setrlimit(resource.RLIMIT_AS, (base + memory, base + memory))
    try:
        result: tuple[str, Any] = ("ok", func(*args))
    except CorridorError as exc:
        # Sent as plain problems: the dataclass exception does not survive pickling whole.
        result = ("refused", [vars(p) for p in exc.problems])
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # the parser's own failure, reported by kind only
        result = ("memory", None) if _ran_out_of_memory(exc) else ("failed", type(exc).__name__)
    try:
        payload = pickle.dumps(result)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


# How a failed allocation surfaces when it is not a MemoryError: a native library imported on first
# use cannot be mapped (ImportError "failed to map segment from shared object"), or C code returns
# an error it could not even allocate (SystemError "error return without exception set").
_OUT_OF_MEMORY_TEXTS = (
    "failed to map segment",
    "cannot allocate memory",
    "error return without exception set",
)


def _ran_out_of_memory(exc: BaseException) -> bool:
    """Whether a failure (or any failure it arose from) was the memory limit being reached."""
    seen: BaseException | None = exc
    for _ in range(8):  # a chain of causes is short; a cycle must not loop forever
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        if isinstance(seen, OSError) and seen.errno == errno.ENOMEM:
            return True
        if any(text in str(seen).lower() for text in _OUT_OF_MEMORY_TEXTS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass(frozen=True, eq=False)
class _Prestarted:
    """A child started ahead of its message, and the limits it was started with."""

    process: subprocess.Popen[bytes]
    cpu_seconds: int
    memory_bytes: int


_PRESTARTED: list[_Prestarted] = []
_PRESTARTED_LOCK = threading.Lock()


def _command(cpu_seconds: int, memory_bytes: int, preload: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "etl.uploads.sandbox",
        str(int(cpu_seconds)),
        str(int(memory_bytes)),
        *preload,
    ]


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    # The child imports func from where the parent did (tests and editable installs included).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@contextlib.contextmanager
def prestarted(
    preload: tuple[str, ...],
    *,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Iterator[None]:
    """Start the child of the next run_limited with these limits now, importing preload.

    For a command that reads one upload: the child's start-up (a new interpreter importing
    pandas) overlaps with the command's own instead of following it. A child still unused when
    the block ends (the command refused the file first) is ended then. timeout is run_limited's
    (it counts from the message, as the child's work starts there).
    """
    del timeout  # the same keywords as run_limited's, so UPLOAD_LIMITS serves both
    if IN_CHILD:
        yield
        return
    waiting = _Prestarted(
        _spawn(_command(cpu_seconds, memory_bytes, preload)), int(cpu_seconds), int(memory_bytes)
    )
    with _PRESTARTED_LOCK:
        _PRESTARTED.append(waiting)
    try:
        yield
    finally:
        with _PRESTARTED_LOCK:
            unused = any(w is waiting for w in _PRESTARTED)
            if unused:
                _PRESTARTED.remove(waiting)
        if unused:
            _reap(waiting.process)


def prestarted_upload(workbook: bool) -> contextlib.AbstractContextManager[None]:
    """Return prestarted() for the child that reads and checks an upload (parse_upload's);
    workbook: the file looks like an XLSX (the child still tells the kind from the bytes)."""
    return prestarted(UPLOAD_MODULES + (XLSX_MODULES if workbook else ()), **UPLOAD_LIMITS)


def _take_prestarted(cpu_seconds: int, memory_bytes: int) -> subprocess.Popen[bytes] | None:
    """Return a waiting prestarted child with exactly these limits, if one is still running."""
    with _PRESTARTED_LOCK:
        for waiting in _PRESTARTED:
            if (waiting.cpu_seconds, waiting.memory_bytes) == (cpu_seconds, memory_bytes):
                _PRESTARTED.remove(waiting)
                if waiting.process.poll() is None:
                    return waiting.process
                _reap(waiting.process)
    return None


def _reap(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.communicate()


def run_limited(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    name: str,
    *,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Any:
    """Return func(*args) computed in a child process, or raise a CorridorError if it fails."""
    if IN_CHILD:
        return func(*args)
    process = _take_prestarted(int(cpu_seconds), int(memory_bytes))
    if process is None:
        process = _spawn(_command(cpu_seconds, memory_bytes))
    message: tuple[str, Any] | None = None
    over = "memory"
    try:
        stdout, _stderr = process.communicate(pickle.dumps((func, args)), timeout=timeout)
        returncode = process.poll()
        if returncode == 0 and stdout:
            message = pickle.loads(stdout)  # written by our own child above
        elif returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            over = "cpu"  # SIGXCPU at the soft limit, SIGKILL at the hard one
    except subprocess.TimeoutExpired:
        message, over = None, "time"
        _reap(process)  # as subprocess.run does: killed, and waited for
    except BaseException:
        _reap(process)
        raise
    if message is None or message[0] == "memory":
        raise _over_limit(over, name, cpu_seconds, memory_bytes, timeout)
    kind, payload = message
    if kind == "ok":
        return payload
    if kind == "refused":
        raise CorridorError([Problem(**p) for p in payload])
    raise CorridorError.single(
        f"无法读取文件：{payload}", f"cannot read the file: {payload}", file=name
    )


def _over_limit(over: str, name: str, cpu: int, memory: int, timeout: float) -> CorridorError:
    """Return the refusal naming the limit a child went over."""
    zh, en = {
        "cpu": (f"CPU 时间上限 {cpu} 秒", f"the CPU time limit of {cpu} s"),
        "time": (f"总用时上限 {timeout:.0f} 秒", f"the time limit of {timeout:.0f} s"),
        "memory": (f"内存上限 {memory // 2**20} MiB", f"the memory limit of {memory // 2**20} MiB"),
    }[over]
    return CorridorError.single(
        f"读取文件超出{zh}，已拒绝（文件可能被构造过，或远大于正常表格）",
        f"reading the file went over {en} (too much memory / too long); refused (a crafted "
        "file, or far larger than a real table?)",
        file=name,
    )


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
