"""The record check at scale: `check_record` on a synthetic frame of N rows (default 1M).

    .venv/bin/python bench/bench_check.py --rows 1000000 --runs 3

Rows come from bench/generate.py's synthetic_rows (monthly figures of every metric over hundreds
of scopes, a tenth of the yoy rows with their derived prior year); a share of them is turned into
bounds, cumulative totals and full years so that every rule has work to do. Prints the median
time of the check and the findings per rule.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from generate import synthetic_rows  # noqa: E402

from etl.contract.checks import check_record  # noqa: E402
from etl.contract.places import resolve_region, resolve_route  # noqa: E402
from etl.contract.series import fill_series, load_series  # noqa: E402


def frame(n: int, seed: int, *, all_in_series: bool = True) -> pd.DataFrame:
    """Return n typed observation rows with bounds, cumulative totals and years among them."""
    rng = np.random.default_rng(seed)
    rows = synthetic_rows(n, seed)
    rows["value"] = rows["value"].astype(float)
    rows["yoy_pct"] = pd.to_numeric(rows["yoy_pct"], errors="coerce")
    rows["period_start"] = pd.to_datetime(rows["period_start"], errors="coerce")
    rows["period_end"] = pd.to_datetime(rows["period_end"])
    # Bounds (2%), cumulative totals with no start (1%) and full years (1%).
    rows["qualifier"] = np.where(rng.random(len(rows)) < 0.02, "over", "")
    flow = rows["period_start"].notna().to_numpy()
    since = flow & (rng.random(len(rows)) < 0.01)
    rows.loc[since, "period_start"] = pd.NaT
    year = flow & ~since & (rng.random(len(rows)) < 0.01)
    rows.loc[year, "period_start"] = rows.loc[year, "period_end"].dt.to_period("Y").dt.start_time
    years = rows.loc[year, "period_end"].dt.to_period("Y")
    rows.loc[year, "period_end"] = years.dt.end_time.dt.normalize()
    scopes = pd.unique(rows["scope"])
    rows["region"] = rows["scope"].map({s: resolve_region(s) for s in scopes})
    rows["route"] = rows["scope"].map({s: resolve_route(s) for s in scopes})
    # Every row in a series (the hardest case): the rules' series where they place it, else one
    # of its metric's catalogued series chosen by scope.
    rows = fill_series(rows)
    if not all_in_series:
        return rows
    by_metric: dict[str, list[str]] = {}
    for series in load_series():
        by_metric.setdefault(series.metric, []).append(series.key)
    codes = pd.factorize(rows["scope"])[0]
    pick = [
        by_metric[m][c % len(by_metric[m])] if m in by_metric else ""
        for m, c in zip(rows["metric"], codes, strict=True)
    ]
    rows["series"] = rows["series"].where(rows["series"] != "", pick)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--by-rules",
        action="store_true",
        help="series as the catalogue's rules place the rows (default: every row in a series, "
        "hundreds of scopes sharing each series and month: the hardest case)",
    )
    args = parser.parse_args()
    data = frame(args.rows, args.seed, all_in_series=not args.by_rules)
    print(f"{len(data):,} rows, {(data['series'] != '').sum():,} in a series")
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        report = check_record(data)
        times.append(time.perf_counter() - began)
    print(f"check_record: median {statistics.median(times):.2f} s of {args.runs} runs {times}")
    print(f"{report.errors:,} errors, {report.warnings:,} warnings: {report.counts}")


if __name__ == "__main__":
    main()
