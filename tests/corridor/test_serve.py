"""corridor serve: TLS from --ssl-cert/--ssl-key, Streamlit's upload cap equal to the app's, the
store's database built (first start) before the server runs, and a stop that leaves no process
behind (the spare child an analyst's upload page keeps included)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from corridor.cli import build_parser, serve_command
from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT, Layout
from etl.store.db.engine import DATABASE_FILE
from etl.store.table import export_csv
from etl.uploads.limits import DEFAULT_MAX_UPLOAD_MB, MAX_UPLOAD_ENV


def args(*argv: str) -> list[str]:
    return serve_command(build_parser().parse_args(["serve", *argv]))


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_streamlit_upload_cap_equals_the_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_UPLOAD_MB
    monkeypatch.delenv(MAX_UPLOAD_ENV, raising=False)
    assert option(args(), "--server.maxUploadSize") == "25"
    monkeypatch.setenv(MAX_UPLOAD_ENV, "7.5")
    assert option(args(), "--server.maxUploadSize") == "8"


def test_ssl_options_are_passed_and_must_come_together(tmp_path: Path) -> None:
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x")
    key.write_text("y")
    command = args("--ssl-cert", str(cert), "--ssl-key", str(key))
    assert option(command, "--server.sslCertFile") == str(cert)
    assert option(command, "--server.sslKeyFile") == str(key)
    assert "--server.sslCertFile" not in args()
    with pytest.raises(CorridorError, match="go together"):
        args("--ssl-cert", str(cert))
    with pytest.raises(CorridorError, match="not found"):
        args("--ssl-cert", str(cert), "--ssl-key", str(tmp_path / "missing.pem"))


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl command is installed")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
             "-subj", "/CN=127.0.0.1"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert, key
    import datetime as dt

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_corridor_serve_speaks_tls_with_the_given_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    port = free_port()
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", "serve", "--port", str(port),
         "--ssl-cert", str(cert), "--ssl-key", str(key)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        deadline = time.monotonic() + 90
        while True:
            try:
                with (
                    socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
                    context.wrap_socket(raw) as tls,
                ):
                    tls.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    reply = tls.recv(4096)
                    assert tls.getpeercert(binary_form=True)
                break
            except (ConnectionRefusedError, ssl.SSLError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as plain:
            plain.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert not plain.recv(4096).startswith(b"HTTP/1.1 200"), "plain HTTP is not served"
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)


def test_serve_builds_the_database_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corridor import cli

    root = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    seen: list[list[str]] = []
    monkeypatch.setattr(
        cli, "run_forwarding_signals", lambda command, env: seen.append(command) or 0
    )
    assert cli.main(["serve", "--data-dir", str(root)]) == 0
    assert seen and (root / DATABASE_FILE).is_file(), "the child built it before the server ran"
    assert export_csv(Layout(root)) == export_csv(Layout(REPO_ROOT / "data"))


# What `corridor serve` runs while it waits on Streamlit: the server's tree holds this process
# for as long as it serves, so it must not hold pandas, pyarrow or the database (~140 MB).
WAITING_PARENT = """
import sys
from corridor import cli
cli.run_forwarding_signals = lambda command, env: print(
    sorted(m for m in ("pandas", "pyarrow", "sqlalchemy", "numpy") if m in sys.modules)
) or 0
sys.exit(cli.main(["serve", "--data-dir", sys.argv[1]]))
"""


def test_the_serving_parent_holds_no_data_libraries(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    done = subprocess.run(
        [sys.executable, "-c", WAITING_PARENT, str(root)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (root / DATABASE_FILE).is_file(), "the database was built, in the child"


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def serving(port: int) -> bool:
    """Whether Streamlit answers its health check: started, not merely bound to the port.

    On a busy machine the port opens a moment before Streamlit has set up its own stop
    handling; a signal in that window is an interrupted start-up, not the stop this tests.
    """
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def started_serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Return `corridor serve` on the port (its own session, env over this one's) once its
    health check answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", "serve", "--port", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while not serving(port):
        if server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
            continue
        if server.poll() is None:
            os.killpg(server.pid, 9)
            server.wait(30)
            raise AssertionError("the server never answered its health check")
        raise AssertionError("corridor serve exited before serving")
    return server


@pytest.mark.slow
@pytest.mark.parametrize("signum", [15, 2, 1])
def test_a_stop_signal_to_corridor_serve_stops_streamlit_and_closes_the_port(
    tmp_path: Path, signum: int
) -> None:
    port = free_port()
    server = started_serve(port, {"CORRIDOR_DATA_DIR": str(tmp_path / "data")})
    try:
        # Only corridor's own process gets the signal, as systemd's KillMode=mixed sends it.
        os.kill(server.pid, signum)
        assert server.wait(30) == 0
        deadline = time.monotonic() + 10
        while port_open(port):
            assert time.monotonic() < deadline, "Streamlit still serves after corridor exited"
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 9)
            server.wait(30)


def children(pid: int) -> list[int]:
    """Return the process ids of a process's children (of any of its threads)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


def limited_children(pid: int) -> list[int]:
    """Return the children of a process that are limited children (etl/uploads/sandbox.py)."""
    found = []
    for child in children(pid):
        with contextlib.suppress(FileNotFoundError):
            if b"etl.uploads.sandbox" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0"):
                found.append(child)
    return found


def running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.browser
def test_stopping_corridor_serve_ends_the_spare_child_of_an_analysts_page(tmp_path: Path) -> None:
    from browser_support import chromium, log_in
    from dashboard_data import write_data_dir

    from etl.store.passwords import hash_password, write_password_hash

    root = write_data_dir(tmp_path / "data")
    secrets = tmp_path / "secrets.toml"
    write_password_hash(hash_password("analyst password 2025"), secrets)
    port = free_port()
    env = {"CORRIDOR_DATA_DIR": str(root), "CORRIDOR_SECRETS_FILE": str(secrets)}
    server = started_serve(port, env)
    try:
        (streamlit,) = children(server.pid)
        with chromium() as browser:
            page = browser.new_page()  # type: ignore[attr-defined]
            log_in(page, f"http://127.0.0.1:{port}", "analyst", "analyst password 2025")
            deadline = time.monotonic() + 30
            while not (spares := limited_children(streamlit)):
                assert time.monotonic() < deadline, "the analyst's page kept no spare child"
                time.sleep(0.2)
            os.kill(server.pid, signal.SIGTERM)
            assert server.wait(30) == 0
        assert not running(streamlit)
        assert not any(running(pid) for pid in spares), "a spare outlived the server"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 9)
            server.wait(30)


# A server that stops on SIGTERM with the code Streamlit's ASGI server gives a re-raised Ctrl+C.
STOPS_WITH_ONE = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))\n"
    "time.sleep(60)\n"
)


def test_a_server_asked_to_stop_has_stopped_normally_whatever_its_code() -> None:
    from corridor import cli

    # Ctrl+C to `corridor serve` alone (as a service manager or a test sends it): passed on as
    # SIGTERM, and the server's code 1 after it is a normal stop.
    timer = threading.Timer(2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        assert (
            cli.run_forwarding_signals([sys.executable, "-c", STOPS_WITH_ONE], {**os.environ}) == 0
        )
    finally:
        timer.cancel()
    # Unasked, a server that exits with 1 has failed.
    failing = [sys.executable, "-c", "import sys; sys.exit(1)"]
    assert cli.run_forwarding_signals(failing, {**os.environ}) == 1
