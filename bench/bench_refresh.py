"""The first overview run after a small merge: the table brought up to date from the batches since,
against read whole, alternating in one process; the steady run for reference (issue 24 item 3).

    .venv/bin/python bench/bench_refresh.py --data-dir /tmp/syn1m --runs 5

The data directory (made by bench/generate.py) is copied once; each round merges a --rows upload
(untimed), then times one overview run in each mode (AppTest, as bench_dashboard.py's reruns):
"whole" forgets the table the server holds, so it is read whole as before this branch; "delta"
keeps it. The two modes take turns going first. The refresh alone (the table's share of the run)
is timed too, and the load average is printed with each mode's runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_merge import upload_csv  # noqa: E402
from generate import BENCH_ACCOUNT, bench_identity  # noqa: E402

from dashboard import data  # noqa: E402
from etl.contract.paths import Layout  # noqa: E402
from etl.store import actors, auth, commands  # noqa: E402
from etl.store.cache import LoadedTable  # noqa: E402

MODES = ("whole", "delta")


def merge(where: Layout, rows: int, tag: str, actor: auth.Actor) -> None:
    """Merge an upload of new figures as the analysts' tab does."""
    upload, preview = commands.validate_upload(
        where, upload_csv(rows, tag), f"{tag}.csv", max_bytes=200 * 2**20
    )
    commands.merge_upload(where, upload, actor, preview=preview)


def timed_refresh() -> list[tuple[float, bool]]:
    """Wrap dashboard.data's refresh_table to note each call's seconds and path."""
    noted: list[tuple[float, bool]] = []
    refresh = data.refresh_table

    def timed(layout: Layout, previous: LoadedTable | None) -> LoadedTable:
        start = time.perf_counter()
        loaded = refresh(layout, previous)
        noted.append((time.perf_counter() - start, loaded.delta))
        return loaded

    data.refresh_table = timed  # type: ignore[assignment]
    return noted


def main() -> None:
    """Time the first overview run after a merge, read whole and by delta, alternating."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        base = Path(tmp) / "data"
        shutil.copytree(args.data_dir, base)
        bench_identity(base)
        os.environ["CORRIDOR_DATA_DIR"] = str(base)
        where, actor = Layout(base), auth.Actor(BENCH_ACCOUNT, actors.ANALYST)
        noted = timed_refresh()
        at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=600)
        start = time.perf_counter()
        at.run()
        print(f"{args.data_dir}: first run (read whole) {time.perf_counter() - start:.2f} s")
        runs: dict[str, list[float]] = {m: [] for m in MODES}
        refreshes: dict[str, list[float]] = {m: [] for m in MODES}
        steady: list[float] = []
        loads: dict[str, list[float]] = {m: [] for m in MODES}
        for round_no in range(args.runs):
            order = MODES if round_no % 2 == 0 else MODES[::-1]
            for mode in order:
                merge(where, args.rows, f"r{round_no}{mode}", actor)
                if mode == "whole":
                    data._held.clear()
                noted.clear()
                loads[mode].append(os.getloadavg()[0])
                start = time.perf_counter()
                at.run()
                runs[mode].append(time.perf_counter() - start)
                assert not at.exception, at.exception
                took, by_delta = noted[0]
                assert by_delta is (mode == "delta"), (mode, noted)
                refreshes[mode].append(took)
                start = time.perf_counter()
                at.run()
                steady.append(time.perf_counter() - start)
        report(args.rows, runs, refreshes, steady, loads)


def report(
    rows: int,
    runs: dict[str, list[float]],
    refreshes: dict[str, list[float]],
    steady: list[float],
    loads: dict[str, list[float]],
) -> None:
    """Print each mode's median first run and table refresh, and the steady run."""
    for mode in MODES:
        shown = ", ".join(f"{t:.2f}" for t in runs[mode])
        median, table = statistics.median(runs[mode]), statistics.median(refreshes[mode])
        print(
            f"  after a {rows}-row merge, {mode:>5}: run median {median:.2f} s [{shown}], "
            f"the table {table:.2f} s; load average {min(loads[mode]):.1f}–{max(loads[mode]):.1f}"
        )
    print(f"  steady run median {statistics.median(steady) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
