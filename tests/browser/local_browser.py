"""Debian's Chromium with its offline flags, and a server (`streamlit run`, `corridor serve`) on a
free local port.

Shared by the browser tests (through browser_support.py) and the benchmarks in bench/, so the
launch flags and the server start-up are written once. Nothing here needs pytest.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's hosts at every start,
# which this offline machine refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# A cold first start imports plotly and pandas before the server answers.
STARTUP_S = 30.0


class ServerDidNotStart(RuntimeError):
    """The Streamlit server did not answer its health check in time."""


def chromium_installed() -> bool:
    """Return whether Debian's Chromium is here (never a browser Playwright downloaded)."""
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def launch_options() -> dict[str, Any]:
    """Return the keyword arguments of Playwright's chromium.launch (sync or async)."""
    return {"executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], startup_s: float) -> None:
    """Return once the server at url answers its health check; raise ServerDidNotStart after
    startup_s or when the process ends first."""
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise ServerDidNotStart(f"streamlit did not answer at {url} within {startup_s:.0f} s")


@contextmanager
def local_server(
    command: Sequence[str],
    port: int,
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path | None = None,
    append: bool = False,
    startup_s: float = STARTUP_S,
    stop_s: float = 10.0,
) -> Iterator[tuple[str, int]]:
    """Run a server command that listens on 127.0.0.1:port; yield its URL and pid once it answers
    its health check, and stop it (terminate, then kill after stop_s) on the way out.

    Output goes to log (appended to with append), or nowhere.
    """
    url = f"http://127.0.0.1:{port}"
    with (log or Path(os.devnull)).open("a" if append else "w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_healthy(url, proc, startup_s)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=stop_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def streamlit_command(script: Path | str, port: int, runner: Sequence[str] = ()) -> list[str]:
    """Return the command running `streamlit run script` headless at 127.0.0.1:port; runner: what
    runs Streamlit instead of `python -m streamlit` (a profiler's script)."""
    return [
        sys.executable, *(runner or ("-m", "streamlit")), "run", str(script),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


@contextmanager
def streamlit_server(
    script: str = "dashboard/asgi.py",
    *,
    data_dir: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    startup_s: float = STARTUP_S,
) -> Iterator[str]:
    """Run `streamlit run script` at 127.0.0.1 on a free port and yield its URL once it answers.

    data_dir sets CORRIDOR_DATA_DIR (else the caller's environment decides); output goes to log,
    or nowhere.
    """
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    if data_dir is not None:
        full_env["CORRIDOR_DATA_DIR"] = str(data_dir)
    command = streamlit_command(script, port)
    with local_server(command, port, cwd=REPO_ROOT, env=full_env, log=log, startup_s=startup_s) as (
        url,
        _pid,
    ):
        yield url


def corridor_command(data_dir: Path, port: int) -> list[str]:
    """Return the command running `corridor serve` on data_dir at 127.0.0.1:port."""
    command = [sys.executable, "-m", "corridor.cli", "serve", "--data-dir", str(data_dir)]
    return [*command, "--port", str(port)]
