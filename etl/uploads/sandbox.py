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

A long-running process (the dashboard's server, for a signed-in analyst) can keep a spare: one
idle prestarted child per set of limits, taken by the next run_limited with those limits and
replaced once that run is over, so an upload need not wait for an interpreter to start. A spare
nobody takes ends itself after SPARE_IDLE_SECONDS, and when its parent dies (its stdin closes);
the parent ends its spares when it exits.

A run may send its function's last argument late (run_limited's later): the message goes first
and the child starts on it while the parent computes that argument (an upload's registered
sources, read once the store is open), which the child waits for only where it uses it.

A run may also stream (stream_limited): the child sends parts as it makes them, each a frame
(its length, then one pickled message, as the one-message answer is), and its result last; the
parent takes each part while the child goes on, under the same limits, and refuses a frame
longer than MAX_FRAME_BYTES.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from etl.contract.errors import CorridorError, Problem
from etl.uploads.startup import import_uncollected

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
# What an article's child imports (propose_article's function and the extractor it calls).
ARTICLE_MODULES = (
    "etl.uploads.articles",
    "etl.extraction.articles",
    "etl.extraction.extract",
    "etl.extraction.observations",
)

# A spare nobody takes ends itself after this long: a server nobody uploads to gives back its
# memory (~140 MB resident) within minutes, while an analyst working through files, who
# re-renders the page (and so renews the spare) on every step, always finds one ready.
SPARE_IDLE_SECONDS = 600.0
# A spare is handed work only in the first 90% of its idle time: the margin covers the message's
# way to the child, so a taken spare is never one ending itself at that moment.
SPARE_USABLE_FRACTION = 0.9

# The child's environment: one BLAS thread. It reads and checks tables and never multiplies
# matrices, yet numpy's OpenBLAS starts a worker per core on import, which spins (~0.05 s of
# CPU) on the core the parent is importing on (bench/README.md, stop 31).
CHILD_ENV = {"OPENBLAS_NUM_THREADS": "1"}

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


def _child_main(cpu: int, memory: int, idle: float, preload: list[str]) -> None:
    """Run the pickled (func, args) read from stdin under the limits; pickle the outcome out.

    preload: modules imported before the message is read (a prestarted child imports them while
    its parent is busy); stdin closed without a message ends the child quietly, and so does
    waiting idle seconds for it (a spare; 0: wait as long as the parent keeps stdin open).
    """
    # Run as `python -m`, this module is __main__: the flag is set on the imported module too,
    # which is the one the parsers call.
    global IN_CHILD
    IN_CHILD = True
    from etl.uploads import sandbox as imported

    imported.IN_CHILD = True
    for module in NEVER_IMPORTED_IN_CHILD:
        sys.modules.setdefault(module, None)  # type: ignore[arg-type]
    # The child imports and then checks one file: its imports need no collector (startup.py).
    import_uncollected(preload)
    if idle > 0 and not select.select([sys.stdin.buffer], [], [], 0)[0]:
        # A spare waits long: the first run's one-off costs (imports made on first use, rules
        # files read) are paid now, not after its message. (A command's prestarted child is
        # spared this: its message comes as it finishes importing, and would wait.)
        _warm_up(preload)
    if idle > 0 and not select.select([sys.stdin.buffer], [], [], idle)[0]:
        return  # a spare nobody took: its memory goes back to the machine
    message = _read_frame(sys.stdin.buffer)
    if message is None:
        return  # a prestarted child that was not needed
    func, args = pickle.loads(message)  # the parent's own message
    streamed = isinstance(func, imported.Streamed)  # unpickled from the imported module
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
    sys.stdout.buffer.write(_frame(payload) if streamed else payload)
    sys.stdout.buffer.flush()


# A frame: its payload's length (8 bytes, big-endian) and the payload, one pickled message.
_LENGTH = struct.Struct(">Q")


def _frame(payload: bytes) -> bytes:
    return _LENGTH.pack(len(payload)) + payload


@dataclass(frozen=True)
class Streamed:
    """A function run by stream_limited: called with an emit(part) added to its arguments, each
    part sent to the parent as it is made, before the function's own result."""

    func: Callable[..., Any]

    def __call__(self, *args: Any) -> Any:
        """Return func(*args, emit), emit writing each part to the parent as one frame."""
        return self.func(*args, _emit_part)


class LateValues:
    """The last argument of a run_limited with later=: iterating it in the child waits for the
    values the parent sends once computed, so the child starts on the other arguments first."""

    def __iter__(self) -> Iterator[Any]:
        """Return an iterator over the parent's late values (read from stdin on first use)."""
        return iter(_late_values())


# In the child: the late values once read (the parent sends them once).
_LATE: list[Any] | None = None


def _late_values() -> list[Any]:
    global _LATE
    if _LATE is None:
        payload = _read_frame(sys.stdin.buffer)
        if payload is None:
            raise EOFError("the parent sent no late values")
        _LATE = list(pickle.loads(payload))  # the parent's own message
    return _LATE


def _read_frame(stream: Any) -> bytes | None:
    """Return the next frame's payload from stream, or None if it ends first."""
    head = _read_exactly(stream, _LENGTH.size)
    return None if head is None else _read_exactly(stream, _LENGTH.unpack(head)[0])


def _emit_part(part: Any) -> None:
    sys.stdout.buffer.write(_frame(pickle.dumps(("part", part))))
    sys.stdout.buffer.flush()


def _warm_up(preload: list[str]) -> None:
    """Call each preloaded module's warm_up() (a run on its own sample), if it has one."""
    for module in preload:
        warm_up = getattr(sys.modules.get(module), "warm_up", None)
        if callable(warm_up):
            # Only a head start: whatever fails here fails again, and is reported, on the real run.
            with contextlib.suppress(Exception):
                warm_up()


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
    """A child started ahead of its message, the limits it was started with and, for a spare,
    how long it waits idle before ending itself (0: until its parent ends it)."""

    process: subprocess.Popen[bytes]
    cpu_seconds: int
    memory_bytes: int
    idle_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def usable(self) -> bool:
        """Return whether the child still waits for a message and will for a while yet."""
        if self.process.poll() is not None:
            return False
        # The child's idle clock starts after its imports, later than this one: on the safe side.
        age = time.monotonic() - self.started
        return not self.idle_seconds or age < self.idle_seconds * SPARE_USABLE_FRACTION


_PRESTARTED: list[_Prestarted] = []
_PRESTARTED_LOCK = threading.Lock()

# The spares of a process that asked for them: the waiting child per (cpu, memory) limits, and
# what keep_spare asked for (preload, idle seconds), so a spare taken is replaced by its like.
_SPARES: dict[tuple[int, int], _Prestarted] = {}
_SPARE_ORDERS: dict[tuple[int, int], tuple[tuple[str, ...], float]] = {}


def _command(
    cpu_seconds: int, memory_bytes: int, preload: tuple[str, ...] = (), idle: float = 0.0
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "etl.uploads.sandbox",
        str(int(cpu_seconds)),
        str(int(memory_bytes)),
        repr(float(idle)),
        *preload,
    ]


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    # The child imports func from where the parent did (tests and editable installs included).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.update(CHILD_ENV)
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


def keep_spare(
    preload: tuple[str, ...],
    *,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    idle_seconds: float = SPARE_IDLE_SECONDS,
) -> int | None:
    """Return the process id of the spare kept for run_limited with these limits (started now,
    importing preload, unless one waits); None inside the limited child, which keeps none.

    From now on this process replaces the spare whenever a run takes it. Thread-safe; cheap
    when a spare already waits, so a page may ask on every render.
    """
    del timeout  # the same keywords as run_limited's, so UPLOAD_LIMITS serves both
    if IN_CHILD:
        return None
    key = (int(cpu_seconds), int(memory_bytes))
    with _PRESTARTED_LOCK:
        _SPARE_ORDERS[key] = (tuple(preload), float(idle_seconds))
        old = _SPARES.pop(key, None)
        if old is not None and old.usable():
            _SPARES[key] = old
            return old.process.pid
        spare = _start_spare(key)
    if old is not None:
        _reap(old.process)  # ended itself when idle, or about to
    return spare.process.pid


def keep_upload_spare() -> int | None:
    """Return keep_spare() for the child that reads an upload or an article: one spare serves a
    CSV, a workbook and an article alike."""
    return keep_spare(UPLOAD_MODULES + XLSX_MODULES + ARTICLE_MODULES, **UPLOAD_LIMITS)


def end_spares() -> int:
    """Return how many spares were ended: every one, and none is kept from now on."""
    with _PRESTARTED_LOCK:
        spares = list(_SPARES.values())
        _SPARES.clear()
        _SPARE_ORDERS.clear()
    for spare in spares:
        _reap(spare.process)
    return len(spares)


# A server stopped cleanly (Streamlit exits normally on SIGTERM) leaves no spare behind; one
# killed outright closes its spares' stdin, which ends them too.
atexit.register(end_spares)


def _start_spare(key: tuple[int, int]) -> _Prestarted:
    """Return a new spare started as keep_spare asked for these limits (the lock held)."""
    preload, idle = _SPARE_ORDERS[key]
    spare = _Prestarted(_spawn(_command(*key, preload, idle)), *key, idle_seconds=idle)
    _SPARES[key] = spare
    return spare


# Per thread (a server runs each session's script on its own): the limits of spares taken
# while spares_later holds, replaced when it ends; None outside it.
_LATER = threading.local()


@contextlib.contextmanager
def spares_later() -> Iterator[None]:
    """Within: a spare a run takes is replaced only on leaving, so the next spare's imports
    (about a second of CPU) do not share the machine with what the caller does with the
    child's result (the upload tab: its record check and drawing, bench/README.md, stop 29)."""
    outer = getattr(_LATER, "keys", None)
    _LATER.keys = set() if outer is None else outer
    try:
        yield
    finally:
        if outer is None:
            keys, _LATER.keys = _LATER.keys, None
            for key in sorted(keys):
                _replace_spare(key)


def _replace_spare(key: tuple[int, int]) -> None:
    """Start the next spare for these limits if this process keeps one and none waits (when
    spares_later holds, on leaving it)."""
    later = getattr(_LATER, "keys", None)
    if later is not None:
        later.add(key)
        return
    with _PRESTARTED_LOCK:
        if key in _SPARE_ORDERS and key not in _SPARES:
            _start_spare(key)


def _pop_waiting(key: tuple[int, int]) -> _Prestarted | None:
    """Return a prestarted child (first) or the spare with these limits, no longer listed
    (the lock held)."""
    for waiting in _PRESTARTED:
        if (waiting.cpu_seconds, waiting.memory_bytes) == key:
            _PRESTARTED.remove(waiting)
            return waiting
    return _SPARES.pop(key, None)


def _take_prestarted(cpu_seconds: int, memory_bytes: int) -> subprocess.Popen[bytes] | None:
    """Return a waiting prestarted child or spare with exactly these limits, if one is usable."""
    with _PRESTARTED_LOCK:
        while (waiting := _pop_waiting((cpu_seconds, memory_bytes))) is not None:
            if waiting.usable():
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
    meanwhile: Callable[[], object] | None = None,
    later: Callable[[], Iterable[Any]] | None = None,
) -> Any:
    """Return func(*args) computed in a child process, or raise a CorridorError if it fails.

    meanwhile: work of this process's own (filling its caches) done on a thread while it waits
    for the child, and over before this returns; a failure there is left for the caller's own
    later call to meet.
    later: func's last argument, computed here after the others are sent (the child starts on
    them meanwhile); func gets it as LateValues, which waits for the values where first
    iterated. A failure in later() ends the child and is raised.
    """
    if IN_CHILD:
        return func(*args) if later is None else func(*args, list(later()))
    key = (int(cpu_seconds), int(memory_bytes))
    process = _take_prestarted(*key)
    if process is None:
        process = _spawn(_command(cpu_seconds, memory_bytes))
    message: tuple[str, Any] | None = None
    over = "memory"
    try:
        sent = _frame(pickle.dumps((func, args if later is None else (*args, LateValues()))))
        if later is not None:
            sent = _late_frame(process, sent, later)
        with _alongside(meanwhile):
            stdout, _stderr = process.communicate(sent, timeout=timeout)
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
    finally:
        # Started once this run is over, so the next spare's imports do not share the CPU with
        # the file being read.
        _replace_spare(key)
    return _outcome(message, over, name, cpu_seconds, memory_bytes, timeout)


def _late_frame(
    process: subprocess.Popen[bytes], first: bytes, later: Callable[[], Iterable[Any]]
) -> bytes:
    """Return later()'s values as a frame, computed while the first frame goes to the child (a
    child still importing reads it only then); a failure in later() kills the child."""
    writer = threading.Thread(target=_write, args=(process, first), name="sandbox-send")
    writer.start()
    try:
        return _frame(pickle.dumps(list(later())))
    except BaseException:
        process.kill()  # the writer's pipe breaks, so it ends; the caller reaps the child
        raise
    finally:
        writer.join()


def _write(process: subprocess.Popen[bytes], data: bytes) -> None:
    """Write data to the child's stdin now; a child that has ended is found by its outcome."""
    assert process.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(data)
        process.stdin.flush()


def _outcome(
    message: tuple[str, Any] | None, over: str, name: str, cpu: int, memory: int, timeout: float
) -> Any:
    """Return the result a child's last message carries, or raise the refusal it stands for."""
    if message is None or message[0] == "memory":
        raise _over_limit(over, name, cpu, memory, timeout)
    kind, payload = message
    if kind == "ok":
        return payload
    if kind == "refused":
        raise CorridorError([Problem(**p) for p in payload])
    raise CorridorError.single(
        f"无法读取文件：{payload}", f"cannot read the file: {payload}", file=name
    )


@contextlib.contextmanager
def _alongside(work: Callable[[], object] | None) -> Iterator[None]:
    """Run work on a thread for the duration of the block; the block ends when both have."""
    if work is None:
        yield
        return

    def run() -> None:
        with contextlib.suppress(Exception):
            work()

    thread = threading.Thread(target=run, name="sandbox-meanwhile", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


# The largest frame a parent takes from a streaming child: a part is a chunk of checked rows
# (tens of MB); a length beyond the child's own memory limit can only be a corrupt stream.
MAX_FRAME_BYTES = UPLOAD_MEMORY_BYTES
# Bytes read from the child's stderr at a time: bounds the buffer, nothing else.
_READ_BYTES = 1 << 16


def stream_limited(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    name: str,
    on_part: Callable[[Any], None],
    *,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Any:
    """Return func(*args, emit) computed in a child process as run_limited does, calling
    on_part(part) here for each part the child emits while it goes on; raise a CorridorError
    if it fails (the parts passed already are the caller's to undo)."""
    if IN_CHILD:
        return func(*args, on_part)
    key = (int(cpu_seconds), int(memory_bytes))
    process = _take_prestarted(*key)
    if process is None:
        process = _spawn(_command(cpu_seconds, memory_bytes))
    frames: queue.Queue[bytes | None] = queue.Queue()
    deadline = time.monotonic() + timeout
    message: tuple[str, Any] | None = None
    over = "memory"
    try:
        # Read on threads: the pipe holds 64 KiB, so a child whose parts were not taken as it
        # writes them would wait for the parent's inserts instead of checking on meanwhile.
        threading.Thread(target=_read_frames, args=(process, frames), daemon=True).start()
        threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        assert process.stdin is not None
        process.stdin.write(_frame(pickle.dumps((Streamed(func), args))))
        process.stdin.close()
        while True:
            left = deadline - time.monotonic()
            frame = frames.get(timeout=max(left, 0.001))
            if frame is None:
                break
            if not frame:
                over = "size"
                break
            kind, payload = pickle.loads(frame)  # framed by our own child above
            if kind != "part":
                message = (kind, payload)
                break
            on_part(payload)
        returncode = process.wait(timeout=max(deadline - time.monotonic(), 0.001))
        if message is None and over != "size" and returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            over = "cpu"  # SIGXCPU at the soft limit, SIGKILL at the hard one
    except (queue.Empty, subprocess.TimeoutExpired):
        message, over = None, "time"
        _end(process)
    except BaseException:
        _end(process)
        raise
    finally:
        _replace_spare(key)
    return _outcome(message, over, name, cpu_seconds, memory_bytes, timeout)


def _end(process: subprocess.Popen[bytes]) -> None:
    # Killed and waited for; its pipes are the reading threads' to finish (they reach their end).
    process.kill()
    process.wait()


def _read_frames(process: subprocess.Popen[bytes], frames: queue.Queue[bytes | None]) -> None:
    """Put each whole frame the child writes on frames, then None at its end (or at a frame
    longer than MAX_FRAME_BYTES, the child killed then)."""
    out = process.stdout
    assert out is not None
    try:
        while True:
            head = _read_exactly(out, _LENGTH.size)
            if head is None:
                return
            (length,) = _LENGTH.unpack(head)
            if length > MAX_FRAME_BYTES:
                process.kill()
                frames.put(b"")  # the oversized frame's mark, before the end's None
                return
            payload = _read_exactly(out, length)
            if payload is None:
                return
            frames.put(payload)
    finally:
        frames.put(None)


def _read_exactly(stream: Any, size: int) -> bytes | None:
    """Return the next size bytes of stream, or None if it ends first."""
    data = stream.read(size)  # a buffered pipe returns fewer bytes only at its end
    return data if len(data) == size else None


def _drain(stream: Any) -> None:
    # The child's stderr is read to its end, so a child writing warnings never waits on it.
    while stream.read(_READ_BYTES):
        pass


def _over_limit(over: str, name: str, cpu: int, memory: int, timeout: float) -> CorridorError:
    """Return the refusal naming the limit a child went over."""
    zh, en = {
        "cpu": (f"CPU 时间上限 {cpu} 秒", f"the CPU time limit of {cpu} s"),
        "time": (f"总用时上限 {timeout:.0f} 秒", f"the time limit of {timeout:.0f} s"),
        "memory": (f"内存上限 {memory // 2**20} MiB", f"the memory limit of {memory // 2**20} MiB"),
        "size": (
            f"单条结果上限 {MAX_FRAME_BYTES // 2**20} MiB",
            f"the limit of {MAX_FRAME_BYTES // 2**20} MiB per message",
        ),
    }[over]
    return CorridorError.single(
        f"读取文件超出{zh}，已拒绝（文件可能被构造过，或远大于正常表格）",
        f"reading the file went over {en} (too much memory / too long); refused (a crafted "
        "file, or far larger than a real table?)",
        file=name,
    )


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:])
    # The answer is written and flushed; tearing down the interpreter (pandas, the parsed frame)
    # would keep the parent waiting ~0.3 s more and free nothing that exiting does not.
    sys.stderr.flush()
    os._exit(0)
