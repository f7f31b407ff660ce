"""Benchmark: what the dashboard's upload tab pays for a merge, in one warm process, with the
spare limited child kept (as an analyst's page keeps it) and without.

Run: .venv/bin/python bench/bench_warm_merge.py --data-dir /work/bench-data/syn1m [--rows 10]
     [--runs 5] [--pause 3]

One process imports the store, copies the data directory (made by bench/generate.py) once and
merges a warm-up upload into that base copy untimed (the figure index built, the imports done, as
in a server that has merged before). Then, run by run, alternating between "spare" (the upload
spare kept, as the upload tab asks on every render) and "no spare" (every spare ended, the child
started when the file arrives, as before), it copies the base, opens the copy's database (the
server's is open) and waits --pause seconds (an analyst choosing a file after the page drew; the
spare starts meanwhile), all untimed, then times `commands.validate_upload` +
`commands.merge_upload` of a fresh upload, the two calls the tab makes. Prints the median and
every run of each, and the load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_merge import upload_csv  # bench/ is the script's folder, on sys.path
from generate import BENCH_ACCOUNT, bench_identity

from etl.contract.paths import Layout
from etl.store import actors, auth, commands
from etl.store.db.opening import forget_engines, store_engine
from etl.uploads import sandbox

# Issue 24: ten rows merged by the upload tab within a second, end to end.
GOALS = {10: 1.0}
MODES = ("spare", "no spare")


def merge_once(where: Layout, data: bytes, name: str, actor: auth.Actor) -> tuple[float, float]:
    """Return the seconds of validate_upload and of merge_upload of one upload into where."""
    start = time.perf_counter()
    upload, preview = commands.validate_upload(where, data, name, max_bytes=200 * 2**20)
    checked = time.perf_counter()
    commands.merge_upload(where, upload, actor, preview=preview)
    return checked - start, time.perf_counter() - checked


def main() -> None:
    """Time the upload tab's merges with and without the spare, alternating."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[10])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pause",
        type=float,
        default=3.0,
        help="untimed seconds between the page asking for the spare and the upload",
    )
    args = parser.parse_args()
    actor = auth.Actor(BENCH_ACCOUNT, actors.ANALYST)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        work = Path(tmp)
        base = work / "base"
        shutil.copytree(args.data_dir, base)
        bench_identity(base)  # the account the merges are recorded under
        took = merge_once(Layout(base), upload_csv(10, "warm"), "warm.csv", actor)
        print(f"{args.data_dir}: warm-up merge (untimed in the runs) {sum(took):.2f} s")
        forget_engines()
        for rows in args.rows:
            data = upload_csv(rows, f"r{rows}")
            times: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
            loads = []
            for _ in range(args.runs):
                for mode in MODES:
                    if mode == "spare":
                        sandbox.keep_upload_spare()
                    else:
                        sandbox.end_spares()
                    copy = work / "copy"
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(base, copy)
                    store_engine(Layout(copy))
                    time.sleep(args.pause)
                    loads.append(os.getloadavg()[0])
                    times[mode].append(merge_once(Layout(copy), data, f"up{rows}.csv", actor))
                    forget_engines()
            shutil.rmtree(work / "copy", ignore_errors=True)
            sandbox.end_spares()
            for mode in MODES:
                totals = [a + b for a, b in times[mode]]
                median = statistics.median(totals)
                goal = GOALS.get(rows)
                verdict = (
                    ""
                    if goal is None
                    else f" (goal ≤ {goal:g} s: {'met' if median <= goal else 'NOT met'})"
                )
                shown = ", ".join(f"{t:.2f}" for t in totals)
                print(
                    f"  {rows:>7} rows, {mode:>8}: median {median:.2f} s [{shown}]{verdict}; "
                    f"validate {statistics.median(a for a, _ in times[mode]):.2f} s + merge "
                    f"{statistics.median(b for _, b in times[mode]):.2f} s; load average "
                    f"{min(loads):.1f}–{max(loads):.1f}"
                )


if __name__ == "__main__":
    main()
