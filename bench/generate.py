"""Synthetic but valid datasets for scale benchmarks, loaded through `corridor ingest`.

    .venv/bin/python bench/generate.py --rows 100000 --out /tmp/corridor-100k

Writes a data directory holding a copy of the shipped raw/ and tidy/ tables plus one registered
synthetic source and the synthetic observations, ingested as batches from CSV files under the
upload cap. Every row says it is synthetic (its source's title and its quote). Never point this at
the shipped data/: it refuses to.

Rows cover 2000-01 to 2026-10 monthly, every metric, and hundreds of scopes whose wording the
region and route rules resolve; flow figures span one month, snapshots have no start. A tenth of
the flow rows with a yoy also carry their derived prior-year row, marked derived, as build does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl.contract.paths import DEFAULT_DATA_DIR  # noqa: E402
from etl.contract.schema import OBSERVATION_COLUMNS  # noqa: E402
from etl.contract.series import load_series  # noqa: E402
from etl.contract.tables import format_number  # noqa: E402
from etl.contract.vocabulary import load_metrics  # noqa: E402

SOURCE_ID = "synthetic-bench"
FIRST_MONTH = pd.Timestamp("2000-01-01")
LAST_MONTH = pd.Timestamp("2026-10-01")
# Rows per ingested file: ~90 bytes a row keeps each file near 9 MiB, well under the 25 MiB cap.
ROWS_PER_FILE = 100_000
PLACES = ["重庆", "广西", "四川", "贵州", "云南", "甘肃", "陕西", "成渝", "西部陆海新通道"]
ROUTES = ["铁海联运班列", "跨境公路班车", "国际铁路联运", "中欧班列", "中老铁路", "物流"]
OPERATORS = [f"第{i}物流园区" for i in range(1, 7)]
# Plausible monthly magnitudes per unit (base units), far below each metric's sanity bound.
MAGNITUDE = {
    "trains": 500.0,
    "TEU": 30_000.0,
    "tonnes": 200_000.0,
    "CNY": 2e9,
    "firms": 80.0,
    "ports": 400.0,
    "countries": 100.0,
    "categories": 900.0,
    "vehicles": 1_500.0,
    "days": 12.0,
    "CNY_per_TEU": 1_500.0,
}


def scopes() -> list[str]:
    """Return the synthetic scopes: place × route × operator, e.g. 重庆铁海联运班列第1物流园区."""
    return [f"{p}{r}{o}" for p in PLACES for r in ROUTES for o in OPERATORS]


def every_row_in_a_series(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rows each with one of its metric's catalogued series, chosen by scope.

    The hardest case for the dashboard's series charts and briefing: hundreds of scopes share
    each series and month (bench/bench_check.py's all_in_series, as stored rows).
    """
    by_metric: dict[str, list[str]] = {}
    for series in load_series():
        by_metric.setdefault(series.metric, []).append(series.key)
    codes = pd.factorize(frame["scope"])[0]
    frame["series"] = [
        by_metric[m][c % len(by_metric[m])] if m in by_metric else ""
        for m, c in zip(frame["metric"], codes, strict=True)
    ]
    return frame


def synthetic_rows(n: int, seed: int) -> pd.DataFrame:
    """Return n valid contract rows (all text), unique by metric, scope and period."""
    rng = np.random.default_rng(seed)
    metrics = load_metrics()
    keys = list(metrics)
    all_scopes = scopes()
    months = pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")
    slots = len(keys) * len(all_scopes) * len(months)
    if n > slots:
        raise SystemExit(f"at most {slots} distinct rows; asked for {n}")
    pick = rng.choice(slots, size=n, replace=False)
    pick.sort()
    metric_i, rest = np.divmod(pick, len(all_scopes) * len(months))
    scope_i, month_i = np.divmod(rest, len(months))
    metric = np.array(keys, dtype=object)[metric_i]
    unit = np.array([metrics[k].unit for k in keys], dtype=object)[metric_i]
    flow = np.array([metrics[k].kind == "flow" for k in keys])[metric_i]
    start = months[month_i]
    end = start + pd.offsets.MonthEnd(0)
    magnitude = np.array([MAGNITUDE[u] for u in unit])
    ceiling = np.array([metrics[k].max_value for k in keys])[metric_i] * 0.5
    value = np.round(np.minimum(magnitude * rng.lognormal(0.0, 0.6, size=n), ceiling), 1)
    yoy = np.where(flow & (rng.random(n) < 0.7), np.round(rng.normal(12, 20, size=n), 1), np.nan)
    yoy = np.clip(yoy, -60, 300)
    frame = pd.DataFrame(
        {
            "metric": metric,
            "value": [format_number(v) for v in value],
            "qualifier": "",  # stated exactly, as most figures are
            "unit": unit,
            "period_start": np.where(flow, start.strftime("%Y-%m-%d"), ""),
            "period_end": end.strftime("%Y-%m-%d"),
            "scope": np.array(all_scopes, dtype=object)[scope_i],
            "series": "",  # left to the catalogue's rules, as most uploads will
            "yoy_pct": ["" if np.isnan(y) else format_number(y) for y in yoy],
            "basis": "reported",
            "source_id": SOURCE_ID,
            "quote": [f"合成数据 synthetic row {i} (bench/generate.py, seed {seed})" for i in pick],
        }
    )
    derived = frame[(frame["yoy_pct"] != "") & (rng.random(n) < 0.1)].copy()
    if not derived.empty:
        rate = derived["yoy_pct"].astype(float)
        prior = derived["value"].astype(float) / (1 + rate / 100)
        derived["value"] = [format_number(round(v, 1)) for v in prior]
        for col in ("period_start", "period_end"):
            shifted = pd.to_datetime(derived[col]) - pd.DateOffset(years=1)
            if col == "period_end":
                shifted = shifted + pd.offsets.MonthEnd(0)
            derived[col] = shifted.dt.strftime("%Y-%m-%d")
        derived["quote"] = "合成数据 synthetic: prior-year value = value ÷ (1 + yoy%)"
        derived["yoy_pct"] = ""
        derived["basis"] = "derived"
        keep = pd.to_datetime(derived["period_end"]) >= pd.Timestamp("1990-01-01")
        frame = pd.concat([frame, derived[keep]], ignore_index=True)
        frame = frame.head(n)
    columns = [c for c in OBSERVATION_COLUMNS if c not in ("region", "route")]
    return frame.loc[:, columns]


def bench_identity(data_dir: Path) -> dict[str, str]:
    """Return environment settings that make write commands on data_dir act as a bench account
    (by token).

    The account lives in the data directory's database (added there once), never the checkout.
    """
    from etl.contract.paths import Layout
    from etl.store import accounts, actors, auth
    from etl.store.db.opening import forget_engines

    where = Layout(data_dir)
    held = accounts.stored_accounts(where)
    admin = next((n for n, a in held.accounts.items() if a.admin), None)
    by = None if admin is None else auth.Actor(admin, actors.ANALYST)
    if held.find(BENCH_ACCOUNT) is None:
        accounts.add_user(where, BENCH_ACCOUNT, actors.ANALYST, "bench password 2025", by=by)
        by = by or auth.Actor(BENCH_ACCOUNT, actors.ANALYST)
    token = accounts.make_token(where, BENCH_ACCOUNT, by=by)
    forget_engines()  # the timed commands run in processes of their own
    return {auth.TOKEN_ENV: token}


BENCH_ACCOUNT = "bench"


def corridor(data_dir: Path, *args: str) -> None:
    """Run one corridor subcommand on data_dir as the bench account, failing loudly."""
    exe = Path(sys.executable).with_name("corridor")
    env = {**os.environ, **bench_identity(data_dir)}
    result = subprocess.run(
        [str(exe), *args, "--data-dir", str(data_dir)], capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        raise SystemExit(f"corridor {args[0]} failed:\n{result.stderr}")


def generate(n: int, out: Path, seed: int, every_series: bool = False) -> None:
    """Create the data directory out with the shipped tables and n synthetic rows ingested
    (every_series: each row in one of its metric's series, else as the catalogue's rules say)."""
    out = out.resolve()
    if out == DEFAULT_DATA_DIR.resolve() or DEFAULT_DATA_DIR.resolve() in out.parents:
        raise SystemExit("refusing to write synthetic data into the shipped data/")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(DEFAULT_DATA_DIR / "raw", out / "raw")
    shutil.copytree(DEFAULT_DATA_DIR / "tidy", out / "tidy")
    corridor(
        out,
        "sources",
        "add",
        "--id",
        SOURCE_ID,
        "--title",
        "合成数据（仅供性能测试）Synthetic data for benchmarks",
        "--publisher",
        "bench/generate.py (synthetic)",
        "--published",
        "2026-11-01",
    )
    rows = synthetic_rows(n, seed)
    if every_series:
        rows = every_row_in_a_series(rows)
    staging = out.parent / f".{out.name}-staging"
    staging.mkdir(exist_ok=True)
    chunks = range(0, len(rows), ROWS_PER_FILE)
    for k, begin in enumerate(chunks, 1):
        path = staging / f"synthetic-{k:03d}.csv"
        rows.iloc[begin : begin + ROWS_PER_FILE].to_csv(path, index=False, lineterminator="\n")
        t0 = time.perf_counter()
        corridor(out, "ingest", str(path), "--yes")
        took = time.perf_counter() - t0
        print(f"[{k}/{len(chunks)}] ingested {path.name} in {took:.1f} s", file=sys.stderr)
    shutil.rmtree(staging)


def main() -> None:
    """Parse arguments and generate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="synthetic observations to add")
    parser.add_argument("--out", type=Path, required=True, help="data directory to create")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--every-series",
        action="store_true",
        help="put every row in one of its metric's series (default: the catalogue's rules place "
        "a few; the rest are in none)",
    )
    args = parser.parse_args()
    generate(args.rows, args.out, args.seed, args.every_series)
    print(f"{args.out}: {args.rows} synthetic rows ingested")


if __name__ == "__main__":
    main()
