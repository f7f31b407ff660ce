"""Dashboard at scale: page load, rerun time, memory, chart bytes and ten sessions, by data size.

    .venv/bin/python bench/bench_scale.py                     # shipped, 10k, 100k, 1M
    .venv/bin/python bench/bench_scale.py --sizes shipped=data 1m=/tmp/syn1m --skip concurrency

The synthetic data directories come from bench/generate.py (e.g. --rows 1000000 --out
/tmp/syn1m). Everything is served on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "browser"))

from bench_dashboard import (  # noqa: E402
    DRAWN_JS,
    TIMEOUT_MS,
    page_charts,
    timed_load,
    timed_reruns,
)
from local_browser import chromium_installed, launch_options, streamlit_server  # noqa: E402

from corridor.cli import warm_command  # noqa: E402

SIZES = {
    "shipped": str(REPO / "data"),
    "10k": "/tmp/syn10k",
    "100k": "/tmp/syn100k",
    "1m": "/tmp/syn1m",
}
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]')"""
CHART_PAGES = ("overview", "trains", "freight", "agri", "reach")


def stats(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """Return 'median (min–max, IQR a–b; n)' of values scaled into unit."""
    xs = sorted(v * scale for v in values)
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
    return (
        f"median {statistics.median(xs):.0f} {unit} (min {xs[0]:.0f}, max {xs[-1]:.0f}, "
        f"IQR {q[0]:.0f}–{q[2]:.0f}; n={len(xs)})"
    )


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of values."""
    xs = sorted(values)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


@contextmanager
def data_dir(path: str) -> Iterator[None]:
    """Point CORRIDOR_DATA_DIR at path for servers and AppTests started inside."""
    old = os.environ.get("CORRIDOR_DATA_DIR")
    os.environ["CORRIDOR_DATA_DIR"] = path
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CORRIDOR_DATA_DIR", None)
        else:
            os.environ["CORRIDOR_DATA_DIR"] = old


def warm_cache(path: str) -> float:
    """Build the data directory's columnar cache in a child process; return its seconds."""
    start = time.perf_counter()
    subprocess.run(warm_command(Path(path)), cwd=REPO, check=True)
    return time.perf_counter() - start


def tree_memory(pid: int) -> tuple[float, float]:
    """Return (peak, current) resident MB of a process and its children, from /proc."""

    def read(p: int) -> tuple[float, float, list[int]]:
        fields: dict[str, float] = {}
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    fields[key] = float(rest.split()[0]) / 1024
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            return 0.0, 0.0, []
        return fields.get("VmHWM", 0.0), fields.get("VmRSS", 0.0), [int(k) for k in kids]

    peak = current = 0.0
    todo = [pid]
    while todo:
        hwm, rss, kids = read(todo.pop())
        peak += hwm
        current += rss
        todo.extend(kids)
    return peak, current


def server_pid(url: str) -> int:
    """Return the pid of the streamlit server listening on url's port."""
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(
        ["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        if "streamlit run" in line and f"--server.port {port}" in line:
            return int(line.split()[0])
    raise RuntimeError(f"no streamlit server on port {port}")


def bench_page_loads(sizes: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Return navigation → every overview chart drawn, per size, and the bare page's times."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name in [*sizes, "bare"]}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})

        def load(url: str, charts: int) -> float:
            return timed_load(context, url, charts)

        with streamlit_server("bench/bare_app.py") as bare:
            load(bare, 1)
            for name, path in sizes.items():
                # The overview draws its headline series over the years, or (data without
                # series, as the synthetic sets) the growth chart and one metric chart.
                with data_dir(path):
                    charts = len(page_charts("overview"))
                with data_dir(path), streamlit_server() as dash:
                    load(dash, charts)
                    for _ in range(rounds):
                        times[name].append(load(dash, charts))
                        times["bare"].append(load(bare, 1))
        browser.close()
    return times


def bench_reruns(path: str, reruns: int) -> tuple[list[float], list[float], dict[str, int]]:
    """Return warm and cold AppTest rerun times after a filter change, and chart bytes."""
    from streamlit.testing.v1 import AppTest

    with data_dir(path):
        at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=300).run()
        assert not at.exception, at.exception
        runs = {cold: timed_reruns(at, reruns, cold) for cold in (False, True)}
        at.multiselect(key="f_metric").set_value([]).run()
        sizes: dict[str, int] = {}
        for page in CHART_PAGES:
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, at.exception
            for k, chart in enumerate(at.get("plotly_chart")):
                sizes[f"{page}#{k}"] = len(chart.proto.spec)  # type: ignore[attr-defined]
    return runs[False], runs[True], sizes


# The sidebar's filters menu (its widgets, the kind of figure's included, mount when it opens).
FILTERS_MENU = '[data-testid="stSidebar"] [data-testid="stPopover"] button'
BASIS_RADIOS = ".st-key-f_basis [role=radio]"


def _click_basis(page: object, reported: bool) -> None:
    radios = page.locator(BASIS_RADIOS)  # type: ignore[attr-defined]
    if not radios.count():
        page.locator(FILTERS_MENU).first.click()  # type: ignore[attr-defined]
    radios.nth(1 if reported else 0).click()
    if reported:
        page.wait_for_url("**basis=reported**", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    else:
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => !location.search.includes('basis=')", timeout=TIMEOUT_MS
        )
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(DRAWN_JS, arg=1, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def bench_memory(path: str, sessions: int) -> tuple[float, float]:
    """Return (peak, current) MB of the server tree after `sessions` sessions drew and filtered."""
    from playwright.sync_api import sync_playwright

    with data_dir(path), streamlit_server() as url, sync_playwright() as pw:
        pid = server_pid(url)
        browser = pw.chromium.launch(**launch_options())
        pages = []
        for _ in range(sessions):
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url)
            page.wait_for_function(DRAWN_JS, arg=1, timeout=TIMEOUT_MS)
            pages.append(page)
        for page in pages:
            _click_basis(page, True)
        memory = tree_memory(pid)
        browser.close()
    return memory


async def _concurrency(
    url: str, sessions: int, seconds: float, every: float
) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []

    async def wait_rerun(page: Any, reported: bool) -> None:
        if not await page.locator(BASIS_RADIOS).count():
            await page.locator(FILTERS_MENU).first.click()
        await page.locator(BASIS_RADIOS).nth(1 if reported else 0).click()
        if reported:
            await page.wait_for_url("**basis=reported**", timeout=TIMEOUT_MS)
        else:
            await page.wait_for_function(
                "() => !location.search.includes('basis=')", timeout=TIMEOUT_MS
            )
        await page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
        await page.wait_for_function(DRAWN_JS, arg=1, timeout=TIMEOUT_MS)

    async def session(page: Any, offset: float) -> None:
        await asyncio.sleep(offset)
        end = time.monotonic() + seconds
        reported = True
        while time.monotonic() < end:
            tick = time.monotonic()
            try:
                await wait_rerun(page, reported)
                took = time.monotonic() - tick
                if await page.locator('[data-testid="stException"]').count():
                    raise RuntimeError("an exception is shown on the page")
                times.append(took)
            except Exception as exc:  # every failure is a counted error
                errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
            reported = not reported
            await asyncio.sleep(max(0.0, every - (time.monotonic() - tick)))

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        pages = []
        # Sessions open one after another (a room arriving), then all change filters together.
        for _ in range(sessions):
            context = await browser.new_context(viewport={"width": 1366, "height": 900})
            page = await context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            try:
                await page.goto(url)
                await page.wait_for_function(DRAWN_JS, arg=1, timeout=TIMEOUT_MS)
                pages.append(page)
            except Exception as exc:  # a session that never loads is an error too
                errors.append(f"load {type(exc).__name__}: {str(exc)[:160]}")
        await asyncio.wait_for(
            asyncio.gather(*(session(p, i * every / len(pages)) for i, p in enumerate(pages))),
            timeout=seconds + 4 * TIMEOUT_MS / 1000,
        )
        await browser.close()
    return times, errors


def bench_concurrency(
    path: str, sessions: int, seconds: float, every: float
) -> tuple[list[float], list[str]]:
    """Return rerun times seen by `sessions` sessions changing a filter every `every` seconds."""
    with data_dir(path), streamlit_server() as url:
        return asyncio.run(_concurrency(url, sessions, seconds, every))


def main() -> int:
    """Run the chosen benchmarks at each size and print medians with their spread."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", help="name=data-dir pairs (default: all four)")
    parser.add_argument("--rounds", type=int, default=5, help="page loads per size")
    parser.add_argument("--reruns", type=int, default=20, help="AppTest reruns per size")
    parser.add_argument("--sessions", type=int, default=5, help="sessions for the memory test")
    parser.add_argument("--skip", nargs="*", default=[], help="load reruns memory concurrency")
    parser.add_argument("--concurrency-size", default="1m", help="size for the 10-session test")
    parser.add_argument("--concurrency-seconds", type=float, default=60.0)
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="delete each size's disposable cache/ first (the first load after a change)",
    )
    args = parser.parse_args()
    sizes = dict(s.split("=", 1) for s in args.sizes) if args.sizes else dict(SIZES)
    sizes = {k: v for k, v in sizes.items() if Path(v).exists()}
    for name, path in sizes.items():
        if args.cold_cache:
            shutil.rmtree(Path(path) / "cache", ignore_errors=True)
            print(f"[{name}] {path}: cache deleted; the server builds it from the CSVs")
        else:
            print(f"[{name}] {path}: cache ready in {warm_cache(path):.1f} s (child process)")
    browser = chromium_installed()

    if "reruns" not in args.skip:
        for name, path in sizes.items():
            warm, cold, chart_bytes = bench_reruns(path, args.reruns)
            print(f"[{name}] rerun after a filter change, views cached: {stats(warm)}")
            print(f"[{name}] rerun after a filter change, views rebuilt: {stats(cold)}")
            biggest = max(chart_bytes.values()) if chart_bytes else 0
            print(
                f"[{name}] chart JSON bytes: max {biggest:,}, "
                f"median {statistics.median(chart_bytes.values()):,.0f} over "
                f"{len(chart_bytes)} charts; {chart_bytes}"
            )
    if browser and "load" not in args.skip:
        loads = bench_page_loads(sizes, args.rounds)
        bare = statistics.median(loads["bare"])
        print(f"[bare] one-chart page: {stats(loads['bare'])}")
        for name in sizes:
            ratio = statistics.median(loads[name]) / bare
            drawn = stats(loads[name])
            print(f"[{name}] overview, navigation → charts drawn: {drawn}; {ratio:.2f}× bare")
    if browser and "memory" not in args.skip:
        for name, path in sizes.items():
            peak, current = bench_memory(path, args.sessions)
            print(
                f"[{name}] server tree with {args.sessions} sessions: "
                f"peak {peak:.0f} MB, resident {current:.0f} MB"
            )
    if browser and "concurrency" not in args.skip and args.concurrency_size in sizes:
        times, errors = bench_concurrency(
            sizes[args.concurrency_size], 10, args.concurrency_seconds, 10.0
        )
        if times:
            print(
                f"[{args.concurrency_size}] 10 sessions, a filter change every 10 s for 60 s: "
                f"{len(times)} reruns, p50 {percentile(times, 50) * 1000:.0f} ms, "
                f"p95 {percentile(times, 95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
                f"errors {len(errors)}"
            )
        for err in errors[:10]:
            print(f"  error: {err}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
