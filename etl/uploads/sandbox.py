"""Running a parser of untrusted bytes in a child process with CPU-time and memory limits.

A hostile file may make a parser slow or greedy; in a child it can fail, but the server (and
every other reader's session) keeps its CPU time and memory.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from typing import Any

from etl.contract.errors import CorridorError, Problem

# A real upload (a few hundred thousand rows of 12 columns) parses in well under a minute and
# a few hundred MiB; these leave room for a slow machine and stop anything far beyond it.
DEFAULT_CPU_SECONDS = 60
DEFAULT_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
# Wall-clock bound for a child waiting on a busy machine (CPU time alone would not end a sleep).
DEFAULT_TIMEOUT_SECONDS = 180.0


def _address_space() -> int:
    # The child starts with the interpreter and its imports mapped; the budget comes on top.
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[0])
    return pages * resource.getpagesize()


def _child(
    conn: Any, func: Callable[..., Any], args: tuple[Any, ...], cpu: int, memory: int
) -> None:
    try:
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
            result = ("failed", type(exc).__name__)
        conn.send(result)
    finally:
        conn.close()


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
    # spawn, not fork: the server is multi-threaded, and a forked copy of it could deadlock.
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, func, args, cpu_seconds, memory_bytes), daemon=True
    )
    child.start()
    sender.close()
    try:
        message: tuple[str, Any] | None = None
        if receiver.poll(timeout):
            try:
                message = receiver.recv()
            except EOFError:  # killed by its CPU limit, or out of memory
                message = None
        child.join(5)
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()
    if message is None or message[0] == "memory":
        raise CorridorError.single(
            "文件解析耗时或占用内存超出上限，已拒绝（文件可能被构造过，或远大于正常表格）",
            "parsing the file took too long or too much memory; refused (a crafted file, or far "
            "larger than a real table?)",
            file=name,
        )
    kind, payload = message
    if kind == "ok":
        return payload
    if kind == "refused":
        raise CorridorError([Problem(**p) for p in payload])
    raise CorridorError.single(
        f"无法读取文件：{payload}", f"cannot read the file: {payload}", file=name
    )
