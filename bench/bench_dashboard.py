"""Dashboard speed: overview draw time against a bare one-chart page; rerun server time; go vs px.

Run: .venv/bin/python bench/bench_dashboard.py [--rounds 7] [--reruns 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "browser"))

from local_browser import chromium_installed, launch_options, streamlit_server  # noqa: E402

from dashboard import data  # noqa: E402
from dashboard.charts.specs import ChartSpec, page_specs  # noqa: E402
from dashboard.filters import Filters, filter_mask  # noqa: E402
from dashboard.locales import ZH  # noqa: E402
from dashboard.views.index import figure_view  # noqa: E402
from dashboard.views.kpi import kpi_candidates  # noqa: E402
from etl.contract.paths import layout  # noqa: E402
from etl.store.table import load_table  # noqa: E402

TIMEOUT_MS = 60_000
# Every plotly chart on the page has drawn its SVG (the selector the browser tests wait for).
DRAWN_JS = """(n) => {
  const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
  return plots.filter(p => p.querySelector('.main-svg')).length >= n;
}"""
# Streamlit's running indicator is off: the page's script has finished (cards, sidebar and
# downloads included), the moment a person can use the whole page.
SETTLED_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def spread(values: list[float]) -> str:
    """Return 'median (min–max, IQR a–b)' in milliseconds."""
    ms = sorted(v * 1000 for v in values)
    q = statistics.quantiles(ms, n=4) if len(ms) >= 2 else [ms[0]] * 3
    return (
        f"median {statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}, "
        f"IQR {q[0]:.0f}–{q[2]:.0f}; n={len(ms)})"
    )


def bench_browser(rounds: int, overview_charts: int) -> dict[str, list[float]]:
    """Return load times of the overview and of the bare page, alternated in one browser.

    Each load is timed twice from navigation: until every chart is drawn ("drawn"), and until
    every chart is drawn and the script has finished, the running indicator gone ("settled").
    """
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {
        "dash_drawn": [], "dash_settled": [], "bare_drawn": [], "bare_settled": []
    }  # fmt: skip
    with (
        streamlit_server("dashboard/app.py") as dash,
        streamlit_server("bench/bare_app.py") as bare,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        # One warm-up each: the servers import plotly, the browser caches the JS bundle.
        timed_loads(context, dash, overview_charts)
        timed_loads(context, bare, 1)
        for _ in range(rounds):
            for name, url, charts in (("dash", dash, overview_charts), ("bare", bare, 1)):
                drawn, settled = timed_loads(context, url, charts)
                times[f"{name}_drawn"].append(drawn)
                times[f"{name}_settled"].append(settled)
        browser.close()
    return times


def timed_loads(context: Any, url: str, charts: int) -> tuple[float, float]:
    """Return seconds from navigation to `charts` charts drawn, and to drawn and script finished."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN_JS, arg=charts, timeout=TIMEOUT_MS, polling=20)
    drawn = time.perf_counter() - start
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS, polling=20)
    settled = time.perf_counter() - start
    page.close()
    return float(drawn), float(settled)


def timed_load(context: Any, url: str, charts: int) -> float:
    """Return seconds from navigation to `charts` plotly charts drawn, in a fresh tab."""
    return timed_loads(context, url, charts)[0]


def timed_reruns(at: Any, reruns: int, cold: bool) -> list[float]:
    """Return AppTest rerun times, the metric filter toggled before each (views cleared if cold)."""
    times: list[float] = []
    choices = (["teu"], [])
    for i in range(reruns):
        at.multiselect(key="f_metric").set_value(choices[i % 2])
        if cold:
            # The language-neutral selection and the cited sources are the view's two halves.
            data._selection.clear()
            data._citations.clear()
            data._view.clear()
            data._headline.clear()
            data._specs.clear()
            data._every_page.clear()
            data._briefing.clear()
            data._more_figures.clear()
            data._figures_table.clear()
            data._reach_totals.clear()
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def page_charts(page: str) -> list[ChartSpec]:
    """Return a page's charts on the shipped data, as the page builds them (unfiltered, zh)."""
    table = load_table(layout())
    frame = table.observations
    view = figure_view(frame, table.sources, filter_mask(frame, Filters()), ZH)
    return page_specs(view, kpi_candidates(view), ZH, page)


def bench_reruns(reruns: int, cold: bool) -> list[float]:
    """Return AppTest rerun times after a filter change (views uncached when cold)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=60).run()
    return timed_reruns(at, reruns, cold)


def bench_go_vs_px(repeats: int = 50) -> tuple[list[float], list[float]]:
    """Return build times of the trains page's bar figure with graph_objects and with express."""
    import plotly.express as px
    import plotly.graph_objects as go

    spec = next(s for s in page_charts("trains"))
    points = spec.points
    go_times: list[float] = []
    px_times: list[float] = []

    def timed(build: Callable[[], object], into: list[float]) -> None:
        start = time.perf_counter()
        build()
        into.append(time.perf_counter() - start)

    def with_go() -> object:
        return go.Figure(
            data=[
                {"type": "bar", "orientation": "h", "x": list(g["display_value"]),
                 "y": [list(g["series"]), list(g["period_label"])], "name": b}
                for b, g in points.groupby("basis")
            ],
            layout={"template": spec.chart.layout.template, "barmode": "overlay"},
        )  # fmt: skip

    def with_px() -> object:
        fig = px.bar(
            points, x="display_value", y="period_label", color="basis", facet_row="series",
            orientation="h", pattern_shape="basis", template=spec.chart.layout.template,
        )  # fmt: skip
        return fig

    for _ in range(3):
        with_go()
        with_px()
    for _ in range(repeats):
        timed(with_go, go_times)
        timed(with_px, px_times)
    return go_times, px_times


def main() -> int:
    """Run the three benchmarks and print medians with their spread."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="page loads per app")
    parser.add_argument("--reruns", type=int, default=20, help="AppTest reruns")
    args = parser.parse_args()
    where = layout()
    table = load_table(where)
    overview = len(page_charts("overview"))
    print(f"data: {where.root} ({len(table.observations)} rows); overview charts: {overview}")

    go_t, px_t = bench_go_vs_px()
    print(f"figure build, graph_objects: {spread(go_t)}")
    print(f"figure build, plotly.express: {spread(px_t)}")
    print(f"  express / graph_objects = {statistics.median(px_t) / statistics.median(go_t):.1f}x")

    warm = bench_reruns(args.reruns, cold=False)
    cold = bench_reruns(args.reruns, cold=True)
    print(f"rerun after a filter change (AppTest, views cached): {spread(warm)}  goal < 50 ms")
    print(f"rerun after a filter change (AppTest, views rebuilt): {spread(cold)}")

    if not chromium_installed():
        print("browser benchmark skipped: Debian's chromium is not installed")
        return 0
    times = bench_browser(args.rounds, overview)
    load = os.getloadavg()
    print(f"load average after the browser runs: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for way, words in (
        ("drawn", "navigation → every chart drawn"),
        ("settled", "navigation → charts drawn and script finished (running indicator off)"),
    ):
        dash_t, bare_t = times[f"dash_{way}"], times[f"bare_{way}"]
        ratio = statistics.median(dash_t) / statistics.median(bare_t)
        print(f"{words}, overview ({overview} charts): {spread(dash_t)}")
        print(f"{words}, bare one-chart page: {spread(bare_t)}")
        print(f"  overview / bare = {ratio:.2f}x  goal ≤ 1.3x")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CORRIDOR_DATA_DIR", str(REPO / "data"))
    raise SystemExit(main())
