"""The dashboard served from the database (issue 24): server memory with five sessions, and the
overview's load time at 1M rows against the shipped data.

    .venv/bin/python bench/bench_db_server.py --store shipped=data \\
        --store 1m=/work/bench-data/syn1m --engine sqlite --engine postgresql [--rounds 5]

Each store (a data directory, its store a SQLite file or in the batch format) is imported into
a new database (`corridor db import-batches`'s function; a SQLite store's figures and sources
as tidy/ tables): a SQLite file, or a database on one throwaway PostgreSQL cluster
(tests/pg_support.py). Each is then served by `corridor serve` of the tree --src (this one by
default) on an EMPTY data directory of its own, with CORRIDOR_DATABASE_URL naming the database,
as a server behind a load balancer runs. Measured on each:

- memory: --sessions sessions (Streamlit websockets, as bench/bench_room.py opens them) load
  the overview at once and stay open; then the resident memory of the
  `corridor serve` process tree (the server and its children, from /proc). Goal ≤ 800 MB at 1M.
- overview: navigation until the script finished and every chart drew, in Debian's Chromium
  (bench/bench_dashboard.py's timed_page), the stores alternating round by round after one
  warm-up each; the median against the first store's (the reference). Goal ≤ 1.5×.

The app reads the database only once db-store's switch is in: on a tree without it the servers
show an empty dashboard, and these numbers mean nothing (the script says how many charts the
overview drew, to make that visible).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(REPO / "tests"), str(REPO / "tests/browser")]

from bench_room import STARTUP_S, Viewer, open_tab  # noqa: E402
from local_browser import (  # noqa: E402
    chromium_installed,
    corridor_command,
    free_port,
    launch_options,
    local_server,
)

MEMORY_GOAL_MB = 800.0
OVERVIEW_GOAL = 1.5


def tree_memory(pid: int) -> tuple[float, float]:
    """Return (peak, current) resident MB of a process and its children, from /proc."""
    from bench_scale import tree_memory as measured

    return measured(pid)


@contextlib.contextmanager
def serve(src: Path, data_dir: Path, url: str, log: Path) -> Iterator[tuple[str, int]]:
    """Run `corridor serve` of the tree src on data_dir with the database url; yield its URL
    and the pid of the `corridor serve` process (the server's tree is under it)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(src), "CORRIDOR_DATABASE_URL": url}
    command = corridor_command(data_dir, port)
    with local_server(
        command, port, cwd=src, env=env, log=log, append=True, startup_s=3 * STARTUP_S, stop_s=30
    ) as served:
        yield served


def sessions_memory(address: str, pid: int, sessions: int) -> tuple[float, float, int]:
    """Open the sessions on the overview at once and keep them open; return the server tree's
    (peak, current) MB and the charts the overview sent to the first session."""

    async def run() -> tuple[float, float, int]:
        viewers = [Viewer(url=address, rng=random.Random(n)) for n in range(sessions)]
        runs = await asyncio.gather(*(open_tab(v, "", "") for v in viewers))
        errors = [r.error for r in runs if r.error]
        if errors:
            raise SystemExit(f"a session failed: {errors[0]}")
        peak, current = tree_memory(pid)
        for viewer in viewers:
            await viewer.ws.close()
        return peak, current, runs[0].charts

    return asyncio.run(run())


def overview_times(addresses: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Return the overview's load times per store, alternating, after one warm-up each."""
    from bench_dashboard import BrokenPage, timed_page
    from bench_room import chart_counts
    from playwright.sync_api import sync_playwright

    charts = {name: chart_counts(a, [""])[""] for name, a in addresses.items()}
    times: dict[str, list[float]] = {name: [] for name in addresses}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        try:
            for name, address in addresses.items():
                timed_page(context, address, charts[name])
            for _ in range(rounds):
                for name, address in addresses.items():
                    times[name].append(timed_page(context, address, charts[name]))
        except BrokenPage as broken:
            raise SystemExit(f"bench_db_server: {broken}") from None
        browser.close()
    return times


def import_store(url: str, store: Path, tmp: Path) -> int:
    """Import a data directory into the new database at url; return the figures loaded. A
    directory whose store is a SQLite file is imported from its figures and sources written out
    as tidy/ tables (once, under tmp)."""
    from bench_merge import tidy_copy

    from etl.contract.paths import Layout
    from etl.store.db.engine import create_store_engine
    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import upgrade

    if (store / "corridor.sqlite").exists():
        flat = tmp / f"tidy-{store.name}"
        if not flat.exists():
            tidy_copy(store, flat)
        store = flat
    engine = create_store_engine(url)
    upgrade(engine)
    imported = import_batches(engine, Layout(store))
    engine.dispose()
    return imported.counts["figures"]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def bench_engine(
    engine: str, new_url: Callable[[str], Any], args: argparse.Namespace, tmp: Path
) -> None:
    """Import every store into its own database on the engine, serve each, measure."""
    stores = dict(s.split("=", 1) for s in args.store)
    with contextlib.ExitStack() as stack:
        addresses, pids = {}, {}
        for name, path in stores.items():
            url = stack.enter_context(new_url(name))
            rows = import_store(url, Path(path), tmp)
            empty = tmp / engine / name / "served"
            empty.mkdir(parents=True)
            log = tmp / engine / name / "serve.log"
            address, pid = stack.enter_context(serve(args.src.resolve(), empty, url, log))
            addresses[name], pids[name] = address, pid
            print(f"[{engine} {name}] {rows:,} figures imported; served at {address}", flush=True)
        for name in stores:
            peak, current, charts = sessions_memory(addresses[name], pids[name], args.sessions)
            verdict = "met" if current <= MEMORY_GOAL_MB else "NOT met"
            print(
                f"[{engine} {name}] {args.sessions} sessions open: server tree resident "
                f"{current:.0f} MB (goal ≤ {MEMORY_GOAL_MB:.0f} MB: {verdict}), "
                f"peak {peak:.0f} MB; the overview sent {charts} charts; {_load()}",
                flush=True,
            )
        if not chromium_installed():
            print("overview times skipped: Debian's chromium is not installed")
            return
        from playwright.sync_api import TimeoutError as NotDrawn

        try:
            times = overview_times(addresses, args.rounds)
        except NotDrawn:
            print(
                f"[{engine}] the overview never finished drawing: is the app on this tree "
                "reading the database (db-store's switch)?"
            )
            return
        reference = next(iter(stores))
        base = statistics.median(times[reference])
        for name, taken in times.items():
            median = statistics.median(taken)
            every = ", ".join(f"{t:.2f}" for t in taken)
            ratio = median / base
            verdict = (
                ""
                if name == reference
                else (
                    f" (goal ≤ {OVERVIEW_GOAL}×: {'met' if ratio <= OVERVIEW_GOAL else 'NOT met'})"
                )
            )
            print(
                f"[{engine} {name}] overview: median {median:.2f} s [{every}], "
                f"{ratio:.2f}× {reference}{verdict}",
                flush=True,
            )
        print(f"[{engine}] {_load()}")


def main() -> None:
    """Measure each engine in turn."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", action="append", required=True, help="NAME=DIR (the first is the reference)"
    )
    parser.add_argument("--engine", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--src", type=Path, default=REPO, help="the tree to serve (default: this)")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-bench-db-server-") as name:
        tmp = Path(name)
        for engine in args.engine or ["sqlite"]:
            if engine == "sqlite":

                @contextlib.contextmanager
                def sqlite_url(store: str) -> Iterator[str]:
                    folder = tmp / "sqlite" / store
                    folder.mkdir(parents=True)
                    yield f"sqlite:///{folder / 'corridor.sqlite'}"

                bench_engine("sqlite", sqlite_url, args, tmp)
                continue
            from pg_support import new_database, postgres_cluster

            with postgres_cluster() as server:

                def pg_url(_store: str, server: str = server) -> Any:
                    return new_database(server)

                bench_engine("postgresql", pg_url, args, tmp)


if __name__ == "__main__":
    main()
