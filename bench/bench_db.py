"""The store's database at scale: import, full read (rows and Arrow) and the data-version check.

    .venv/bin/python bench/bench_db.py --rows 1000000

Builds a data directory in /tmp whose tidy table is the shipped one plus N synthetic rows
(bench/generate.py's, every one saying it is synthetic), imports it with `corridor db
import-batches`'s function into SQLite and into a throwaway PostgreSQL cluster
(tests/pg_support.py), then times on each engine: the import, reading the table through
SQLAlchemy rows and the contract parser (what `corridor db export` does), reading it into
Arrow and pandas as the dashboard would, and the data-version query a server runs per rerun.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from generate import SOURCE_ID, synthetic_rows  # noqa: E402

from etl.contract.paths import REPO_ROOT, Layout  # noqa: E402
from etl.contract.tables import (  # noqa: E402
    parse_observations,
    parse_sources,
    read_observations,
    read_sources,
)
from etl.store.batches import render_rows_csv  # noqa: E402
from etl.store.db.engine import create_store_engine  # noqa: E402
from etl.store.db.importing import import_batches  # noqa: E402
from etl.store.db.migrate import upgrade  # noqa: E402
from etl.store.db.reading import data_version, read_observations_arrow, read_state  # noqa: E402

VERSION_QUERIES = 200


def build_layout(rows: int, root: Path) -> Layout:
    """Write a data directory: the shipped tidy tables plus rows synthetic figures."""
    layout = Layout(root)
    layout.tidy.mkdir(parents=True)
    shipped = read_observations(REPO_ROOT / "data" / "tidy" / "observations.csv")
    text = synthetic_rows(rows, seed=7)
    text.insert(text.columns.get_loc("scope"), "region", "unspecified")
    text.insert(text.columns.get_loc("scope"), "route", "")
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
    from etl.contract.tables import write_sources

    write_sources(sources, layout.sources_csv)
    return layout


def timed(label: str, run: object) -> object:
    """Run a callable, print its time, return its result."""
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    print(f"  {label:<38} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def bench_engine(name: str, url: str, layout: Layout) -> None:
    """Import, read both ways and check the version on one engine, printing each time."""
    print(f"{name}:", flush=True)
    engine = create_store_engine(url)
    upgrade(engine)
    imported = timed("import-batches", lambda: import_batches(engine, layout))
    print(f"  ({imported.summary()})")  # type: ignore[attr-defined]
    observations = timed("read: rows + contract parser", lambda: read_state(engine)[0])
    arrow = timed("read: Arrow", lambda: read_observations_arrow(engine))
    timed("read: Arrow, again", lambda: read_observations_arrow(engine))
    assert render_rows_csv(arrow) == render_rows_csv(observations), "the two reads differ"  # type: ignore[arg-type]
    times = []
    for _ in range(VERSION_QUERIES):
        start = time.perf_counter()
        data_version(engine)
        times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    print(f"  data-version query, median of {VERSION_QUERIES}  {median_ms:8.2f} ms")
    engine.dispose()


def main() -> None:
    """Build the data directory once, then bench SQLite and PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic rows to add")
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-bench-db-") as tmp:
        layout = timed(
            "build the data directory", lambda: build_layout(args.rows, Path(tmp) / "data")
        )
        bench_engine("SQLite", f"sqlite:///{tmp}/corridor.sqlite", layout)  # type: ignore[arg-type]
        if not args.skip_postgresql:
            from pg_support import new_database, postgres_cluster

            with postgres_cluster() as server, new_database(server) as url:
                bench_engine("PostgreSQL", url, layout)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
