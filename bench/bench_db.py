"""The store's database at scale: import, full read (rows and Arrow) and the data-version check.

    .venv/bin/python bench/bench_db.py --rows 1000000 [--runs 3]
    .venv/bin/python bench/bench_db.py --data /work/bench-data/syn1m --runs 3 \\
        --src /tmp/base-db --src .        # before and after, alternating, in one run

Builds a data directory in /tmp whose tidy table is the shipped one plus N synthetic rows
(bench/generate.py's, every one saying it is synthetic), or copies the one --data names (in
today's batch format: e.g. generate.py's 1M directory, its rows in batches). Each run imports it
with `corridor db import-batches`'s function into a new SQLite file and a new database on one
throwaway PostgreSQL cluster (tests/pg_support.py, started once), then times on each engine: the
import, reading the active figures into pandas through Arrow as a server does (twice), reading
them through SQLAlchemy rows and the contract parser (what `corridor export` does; --skip-rows-read
leaves it out) and the data-version query a server runs per rerun. Every run is its own process
running one source tree (--src, this one by default; a before tree from
`git archive main | tar -x -C /tmp/base-db`); runs of several trees alternate, and the medians
are printed per tree and engine with the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VERSION_QUERIES = 200
GOALS_S = {"import": 20.0, "read: Arrow": 1.0}
STEPS = ("import", "read: Arrow", "read: Arrow, again", "read: rows + contract parser")


def build_layout(rows: int, root: Path) -> None:
    """Write a data directory: the shipped tidy tables plus rows synthetic figures."""
    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    import pandas as pd
    from generate import SOURCE_ID, synthetic_rows

    from etl.contract.paths import REPO_ROOT, Layout
    from etl.contract.tables import (
        parse_observations,
        parse_sources,
        read_observations,
        read_sources,
        write_sources,
    )
    from etl.store.batches import render_rows_csv

    layout = Layout(root)
    layout.tidy.mkdir(parents=True)
    shipped = read_observations(REPO_ROOT / "data" / "tidy" / "observations.csv")
    text = synthetic_rows(rows, seed=7)
    scope = text.columns.get_loc("scope")
    assert isinstance(scope, int)
    text.insert(scope, "region", "unspecified")
    text.insert(scope + 1, "route", "")
    synthetic = parse_observations(text, "synthetic")
    frame = pd.concat([shipped, synthetic], ignore_index=True)
    layout.observations_csv.write_text(render_rows_csv(frame), encoding="utf-8")
    source = pd.DataFrame(
        [
            {
                "source_id": SOURCE_ID,
                "title": "合成数据（仅供性能测试）Synthetic data for benchmarks",
                "publisher": "bench/generate.py (synthetic)",
                "published": "2026-11-01",
                "published_inferred": False,
                "url": "",
                "kind": "synthetic",
                "file_name": "",
                "sha256": "",
                "added_by": "bench",
                "added_at": "",
                "note": "",
            }
        ]
    )
    sources = pd.concat(
        [read_sources(REPO_ROOT / "data" / "tidy" / "sources.csv"), parse_sources(source, "s")],
        ignore_index=True,
    )
    write_sources(sources, layout.sources_csv)


def _timed(times: dict[str, float], label: str, run: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = run()
    times[label] = time.perf_counter() - start
    return result


def worker(url: str, data: Path, rows_read: bool) -> dict[str, Any]:
    """Import and read on one database with the code on sys.path; return the times."""
    from etl.contract.paths import Layout
    from etl.store.batches import render_rows_csv
    from etl.store.db.engine import create_store_engine
    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import upgrade
    from etl.store.db.reading import data_version, read_observations_arrow, read_state

    times: dict[str, float] = {}
    engine = create_store_engine(url)
    upgrade(engine)
    imported = _timed(times, "import", lambda: import_batches(engine, Layout(data)))
    arrow = _timed(times, "read: Arrow", lambda: read_observations_arrow(engine))
    _timed(times, "read: Arrow, again", lambda: read_observations_arrow(engine))
    if rows_read:
        observations = _timed(times, "read: rows + contract parser", lambda: read_state(engine)[0])
        assert render_rows_csv(arrow) == render_rows_csv(observations), "the two reads differ"
    version = []
    for _ in range(VERSION_QUERIES):
        start = time.perf_counter()
        data_version(engine)
        version.append(time.perf_counter() - start)
    engine.dispose()
    return {
        "times": times,
        "version_ms": statistics.median(version) * 1000,
        "rows": len(arrow),
        "summary": imported.summary(),
    }


def run_worker(src: Path, url: str, data: Path, rows_read: bool) -> dict[str, Any]:
    """Run one measurement in its own process on the source tree src."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", url, str(data)]
    if not rows_read:
        command.append("--skip-rows-read")
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"the run on {src} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@contextlib.contextmanager
def _databases(skip_postgresql: bool, tmp: Path) -> Iterator[Callable[[str], Any]]:
    """Yield a maker of new, empty databases by engine name (the cluster started once)."""
    sys.path[:0] = [str(REPO / "tests")]
    with contextlib.ExitStack() as stack:
        server = None
        if not skip_postgresql:
            from pg_support import postgres_cluster

            server = stack.enter_context(postgres_cluster())

        @contextlib.contextmanager
        def new(engine: str) -> Iterator[str]:
            if engine == "SQLite":
                path = tmp / "corridor.sqlite"
                yield f"sqlite:///{path}"
                for leftover in tmp.glob("corridor.sqlite*"):
                    leftover.unlink()
                return
            from pg_support import new_database

            assert server is not None
            with new_database(server) as url:
                yield url

        yield new


def main() -> None:
    """Prepare the data directory once, then run each tree on each engine, alternating."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic rows to add")
    parser.add_argument("--data", type=Path, help="a data directory to import instead (copied)")
    parser.add_argument("--src", type=Path, action="append", help="source trees (default: this)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-postgresql", action="store_true")
    parser.add_argument("--skip-rows-read", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, data = args.worker
        print(json.dumps(worker(url, Path(data), not args.skip_rows_read)))
        return
    sources = args.src or [REPO]
    engines = ["SQLite"] + ([] if args.skip_postgresql else ["PostgreSQL"])
    results: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="corridor-bench-db-") as name:
        tmp = Path(name)
        data = tmp / "data"
        start = time.perf_counter()
        if args.data:
            shutil.copytree(args.data, data, symlinks=True)
        else:
            build_layout(args.rows, data)
        print(f"data directory ready in {time.perf_counter() - start:.1f} s", flush=True)
        with _databases(args.skip_postgresql, tmp) as new_database:
            for run in range(args.runs):
                for src in sources:
                    for engine in engines:
                        with new_database(engine) as url:
                            result = run_worker(src, url, data, not args.skip_rows_read)
                        results[(str(src), engine)].append(result)
                        shown = ", ".join(f"{k} {v:.2f} s" for k, v in result["times"].items())
                        print(
                            f"run {run + 1} {src} {engine}: {shown}; load {os.getloadavg()[0]:.1f}",
                            flush=True,
                        )
    print(f"\n{results[(str(sources[0]), engines[0])][0]['rows']:,} rows; medians of {args.runs}:")
    print(f"  ({results[(str(sources[0]), engines[0])][0]['summary']})")
    for (src, engine), runs in results.items():
        print(f"{src} — {engine}:")
        for step in STEPS:
            taken = [r["times"][step] for r in runs if step in r["times"]]
            if not taken:
                continue
            median = statistics.median(taken)
            goal = GOALS_S.get(step)
            verdict = (
                f" (goal ≤ {goal:g} s: {'met' if median <= goal else 'NOT met'})" if goal else ""
            )
            every = ", ".join(f"{t:.2f}" for t in taken)
            print(f"  {step:<30} {median:7.2f} s [{every}]{verdict}")
        version = statistics.median(r["version_ms"] for r in runs)
        print(f"  {'data-version query':<30} {version:7.2f} ms (median of {VERSION_QUERIES} each)")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
