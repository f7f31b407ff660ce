"""Who may hold uploaded bytes in the server: signed-in analysts' sessions, within a budget.

Streamlit keeps every file a browser sends to its upload endpoint in memory for that session,
whether or not the page drew an uploader; an anonymous session could park 25 MiB files there
without end. The runtime's file manager is wrapped once: a file from a session that is not an
analyst's is dropped, and an analyst's session holds at most MAX_SESSION_FILES files and
MAX_SESSION_BYTES bytes (the oldest go first).
"""

from __future__ import annotations

import threading
from typing import Any

# An analyst works on one file at a time (an upload, an article); a few allow a retry or two.
MAX_SESSION_FILES = 4
# Two full-size uploads (25 MiB each, CORRIDOR_MAX_UPLOAD_MB) per session at most.
MAX_SESSION_BYTES = 2 * 25 * 1024 * 1024

_lock = threading.Lock()
_analysts: set[str] = set()


def allow_session(session_id: str) -> None:
    """Let a session hold uploaded files (called when an analyst signs in)."""
    with _lock:
        _analysts.add(session_id)


def forbid_session(session_id: str, manager: Any = None) -> None:
    """Stop a session holding uploaded files and drop those it holds (sign-out, time-out)."""
    with _lock:
        _analysts.discard(session_id)
    if manager is not None:
        manager.remove_session_files(session_id)


def may_hold(session_id: str) -> bool:
    """Return whether a session may hold uploaded files now."""
    with _lock:
        return session_id in _analysts


def guard(manager: Any) -> Any:
    """Wrap a Streamlit uploaded-file manager's add_file with the rules above (once)."""
    if getattr(manager, "_corridor_guarded", False):
        return manager
    original = manager.add_file

    def add_file(session_id: str, file: Any) -> None:
        if not may_hold(session_id):
            return  # dropped: an anonymous or manager session holds no uploaded bytes
        original(session_id, file)
        _trim(manager, session_id)

    manager.add_file = add_file
    manager._corridor_guarded = True
    return manager


def _trim(manager: Any, session_id: str) -> None:
    # The oldest files go first (dicts keep insertion order) until the session is in budget.
    storage = getattr(manager, "file_storage", {}).get(session_id, {})
    files = list(storage.values())
    while files and (
        len(files) > MAX_SESSION_FILES or sum(len(f.data) for f in files) > MAX_SESSION_BYTES
    ):
        manager.remove_file(session_id, files.pop(0).file_id)


def guard_runtime() -> None:
    """Guard the running server's uploaded-file manager, if there is a running server."""
    from streamlit import runtime

    if runtime.exists():
        guard(runtime.get_instance().uploaded_file_mgr)


def current_session_id() -> str | None:
    """Return this script run's session id (None outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id
