"""Failed logins counted per name, per client and in total, in a locked file in the data directory,
so guessing is slow everywhere and never locks an account's owner out.

The counters stay a file on purpose: they are a per-machine rate limit, not a record, and a
login attempt must not wait for the database's writers.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

from etl.contract.paths import resolve_data_dir
from etl.store.actors import name_key

# Failed logins are counted per name, per client and in total, in a file in the data directory
# (so every server process and command on this machine shares them), each counter decaying by
# half every HALF_LIFE_S. A name or client with FREE_FAILURES recent failures waits before its
# next check, doubling per failure up to its cap: a client (the guesser) up to 15 minutes, a
# name only up to NAME_DELAY_MAX_S, and only for clients that failed on it, so guessing at a
# name never locks its owner out. Past GLOBAL_FAILURES in total every check is slowed (never
# refused) by up to GLOBAL_DELAY_MAX_S. Each attempt is counted as a failure before its password
# is checked, under the file's lock, so concurrent guessers cannot all pass one check; a right
# password undoes it.
NAME_FAILURES = 5
FREE_FAILURES = 5
CLIENT_DELAY_MAX_S = 900.0
NAME_DELAY_MAX_S = 60.0
GLOBAL_FAILURES = 30
GLOBAL_DELAY_MAX_S = 3.0
HALF_LIFE_S = 600.0
# Names and clients remembered; the oldest are dropped beyond this (a bounded file).
MAX_TRACKED = 5000
# A count waits this long for another to finish with the file, then gives up with an error.
LOCK_TIMEOUT_S = 30.0
THROTTLE_FILE = "corridor_logins.json"


def _delay(count: float, cap: float) -> float:
    if count < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (count - FREE_FAILURES), cap)


class LoginThrottle:
    """Failures per name, per client and in total, kept in a locked file and decaying."""

    def __init__(self, path: Path | None = None, clock: Any = time.time) -> None:
        self._path = path
        self.clock = clock
        # Threads of one server queue here (a blocking wait) before polling the file's lock.
        self._threads = threading.Lock()

    @property
    def path(self) -> Path:
        """Return the counters' file (in the data directory unless given)."""
        if self._path is not None:
            return self._path
        return resolve_data_dir() / THROTTLE_FILE

    @contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        where = self.path
        where.parent.mkdir(parents=True, exist_ok=True)
        file_lock = FileLock(str(where.with_name(where.name + ".lock")), timeout=LOCK_TIMEOUT_S)
        with self._threads, file_lock:
            try:
                state = json.loads(where.read_text(encoding="utf-8"))
                if not isinstance(state, dict):
                    state = {}
            except (OSError, ValueError):
                state = {}
            for part in ("names", "clients"):
                if not isinstance(state.get(part), dict):
                    state[part] = {}
            yield state
            for part in ("names", "clients"):
                while len(state[part]) > MAX_TRACKED:
                    state[part].pop(next(iter(state[part])))
            data = json.dumps(state, ensure_ascii=False).encode("utf-8")
            tmp = where.with_name(f".{where.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, where)

    def _count(self, entry: dict[str, Any] | None, now: float) -> float:
        if not entry:
            return 0.0
        age = now - float(entry.get("t", now))
        return float(entry.get("n", 0.0)) * 0.5 ** (age / HALF_LIFE_S)

    def _wait(self, entry: dict[str, Any] | None, cap: float, now: float) -> float:
        if not entry:
            return 0.0
        return max(0.0, float(entry.get("t", 0.0)) + _delay(self._count(entry, now), cap) - now)

    def _bump(self, entry: dict[str, Any] | None, now: float, by: float) -> dict[str, Any]:
        return {**(entry or {}), "n": max(0.0, self._count(entry, now) + by), "t": now}

    def reserve(self, name: str, client: str) -> tuple[str, float]:
        """Count an attempt before its check: ('ok', brake seconds) or ('locked', wait seconds)."""
        now = self.clock()
        key = name_key(name)[:64]
        with self._state() as state:
            named = state["names"].get(key)
            client_entry = state["clients"].get(client)
            wait = self._wait(client_entry, CLIENT_DELAY_MAX_S, now)
            # A name waits only for the clients that failed on it: its owner, elsewhere, never.
            if named and client in named.get("clients", []):
                wait = max(wait, self._wait(named, NAME_DELAY_MAX_S, now))
            if wait > 0:
                return "locked", wait
            state["clients"][client] = self._bump(client_entry, now, 1)
            named = self._bump(named, now, 1)
            named["clients"] = [*[c for c in named.get("clients", []) if c != client], client][-50:]
            state["names"][key] = named
            total = self._bump(state.get("global"), now, 1)
            state["global"] = total
            excess = total["n"] - GLOBAL_FAILURES
            brake = min(GLOBAL_DELAY_MAX_S, 0.1 * excess) if excess > 0 else 0.0
            return "ok", brake

    def succeeded(self, name: str, client: str) -> None:
        """Undo the attempt counted for a right password and clear this client's failures."""
        now = self.clock()
        key = name_key(name)[:64]
        with self._state() as state:
            state["clients"].pop(client, None)
            named = state["names"].get(key)
            if named:
                named = self._bump(named, now, -1)
                named["clients"] = [c for c in named.get("clients", []) if c != client]
                state["names"][key] = named
            if state.get("global"):
                state["global"] = self._bump(state["global"], now, -1)

    def failures(self, name: str, client: str) -> float:
        """Return the decayed failures counted for this client (for the lockout message)."""
        with self._state() as state:
            return self._count(state["clients"].get(client), self.clock())


# The running server's and commands' throttle: its file is in the data directory.
THROTTLE = LoginThrottle()
