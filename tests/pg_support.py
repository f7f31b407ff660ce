"""A throwaway PostgreSQL cluster for the store's tests, and the fixtures that run a test on both
engines.

The cluster is made with Debian's initdb and pg_ctl as the `postgres` user (the server refuses to
run as root) in a temporary directory it owns, listening on 127.0.0.1 at a free port with trust
authentication, and stopped at the end of the session. Where PostgreSQL is absent the tests skip
with the reason; under CI=true, where .ci/run installs it, they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from tool_support import IN_CI

ENGINES = ("sqlite", "postgresql")
# initdb and a first start take a few seconds on a busy machine; more means something is wrong.
START_TIMEOUT_S = 60
# UTF-8 and the C locale: the same sort and text rules on every machine; no fsync for a
# cluster that lives for one test session.
INITDB = ("-E", "UTF8", "--locale=C", "--no-sync")


def postgres_bin() -> Path | None:
    """Return the newest installed PostgreSQL's bin directory (None when there is none)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    return Path(found[-1]).parent if found else None


def _major(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def require_postgres() -> Path:
    """Return PostgreSQL's bin directory; skip without it, but fail in CI, where it is installed."""
    found = postgres_bin()
    if found is not None and (os.geteuid() != 0 or _postgres_user() is not None):
        return found
    message = "PostgreSQL not installed (apt-get install postgresql); .ci/run installs it"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _postgres_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    # The server refuses to run as root: as root, run it as the postgres user.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def postgres_cluster(settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start a throwaway cluster on 127.0.0.1 and yield its URL; stop and remove it afterwards.

    settings: server parameters to start it with (name → value, as `postgres -c`).
    """
    bindir = require_postgres()
    root = Path(tempfile.mkdtemp(prefix="corridor-pg-"))
    user = _postgres_user()
    if os.geteuid() == 0 and user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    data = root / "data"
    port = _free_port()
    try:
        subprocess.run(
            _as_server_user(
                [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", *INITDB]
            ),
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
        log = str(root / "server.log")
        options = f"-h 127.0.0.1 -p {port} -k {root} -F"
        options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        subprocess.run(
            _as_server_user(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start"]
            ),
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def new_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the cluster, yield its URL, and drop it afterwards."""
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster per test session (skipped where PostgreSQL is absent)."""
    with postgres_cluster() as url:
        yield url


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine in turn: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corridor.sqlite'}"
        return
    with new_database(request.getfixturevalue("postgres_server")) as url:
        yield url
