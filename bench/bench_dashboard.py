"""Dashboard speed: every page's load against a bare one-chart page; rerun server time; go vs px.

    .venv/bin/python bench/bench_dashboard.py                      # --rounds 7 --reruns 20
    .venv/bin/python bench/bench_dashboard.py --src /tmp/base --src . --data shipped=data \
        --data 1m=/tmp/syn1m --reruns 0 --rounds 5

A load lasts from navigation until the page's script has finished (Streamlit's running
indicator gone) and every chart on it has drawn its SVG; each tree (--src) is served by its own
`streamlit run` from its own directory, on each data directory (--data), all in one Chromium,
alternating with the bare page (bench/bare_app.py) round by round. With the store on a database
server, --database NAME=URL serves the data NAME with CORRIDOR_DATABASE_URL=URL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "bench"))

from bench_room import chart_counts  # noqa: E402
from bench_room import server as tree_server  # noqa: E402
from local_browser import chromium_installed, launch_options, streamlit_server  # noqa: E402

from dashboard import data, page_paths  # noqa: E402
from dashboard.charts.specs import ChartSpec, page_specs  # noqa: E402
from dashboard.filters import Filters, filter_mask  # noqa: E402
from dashboard.locales import ZH  # noqa: E402
from dashboard.views.index import figure_view  # noqa: E402
from dashboard.views.kpi import kpi_candidates  # noqa: E402
from etl.contract.paths import layout  # noqa: E402
from etl.store.db.engine import DATABASE_ENV  # noqa: E402
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


# The reader's pages by URL path (dashboard/page_paths.py; the default page at the root); the
# data page has tables, not charts.
PAGES = {
    path: "" if name == page_paths.DEFAULT_PAGE else path
    for name, path, _ in page_paths.READER_PAGES
}
# The page's script has sent its last element: the sidebar's deck downloads, which the entry
# script draws after every page (the page's own elements are all in the document before it).
SENT_JS = "() => !!document.querySelector('.st-key-deck_downloads')"
# What the issue times: the script has finished and every chart on the page has drawn.
LOADED_JS = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  // Each chart element, whether or not plotly.js has mounted its plot in it yet.
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""


# Streamlit's error box: a page whose script raised is cut short and loads fast, and shows only
# "This app has encountered an error" (.streamlit/config.toml keeps the details in the server's
# log). A tree with a broken page once read 0.1× faster than main here (bench/README.md, stop 37).
RAISED_JS = "() => document.querySelectorAll('[data-testid=\"stException\"]').length"


class BrokenPage(RuntimeError):
    """A page's script raised: its load time is of a page cut short, not of the page."""


def refuse_broken(tab: Any, url: str) -> None:
    """Raise BrokenPage when the loaded page in tab shows Streamlit's error box."""
    if tab.evaluate(RAISED_JS):
        raise BrokenPage(
            f"{url}: the page's script raised (Streamlit's error box is shown; the server's log "
            "has the traceback), so its time is of a page cut short: nothing is measured"
        )


def timed_page(context: Any, url: str, charts: int) -> float:
    """Return seconds from navigation to the script finished and its `charts` charts drawn;
    raise BrokenPage when the page's script raised."""
    tab = context.new_page()
    start = time.perf_counter()
    tab.goto(url)
    # Streamlit mounts a chart's element when its script chunk has loaded: until then the
    # page holds none, so the count the server sent is waited for first.
    tab.wait_for_function(DRAWN_JS, arg=charts, timeout=TIMEOUT_MS, polling=20)
    if charts == 0:
        tab.wait_for_function(SENT_JS, timeout=TIMEOUT_MS, polling=20)
    tab.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS, polling=20)
    took = time.perf_counter() - start
    refuse_broken(tab, url)
    tab.close()
    return float(took)


@contextmanager
def _database_env(url: str | None) -> Iterator[None]:
    """Set CORRIDOR_DATABASE_URL to url (when given) for the servers started meanwhile."""
    before = os.environ.get(DATABASE_ENV)
    if url:
        os.environ[DATABASE_ENV] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DATABASE_ENV, None)
        else:
            os.environ[DATABASE_ENV] = before


def bench_pages(
    trees: list[Path],
    datas: dict[str, str],
    pages: list[str],
    rounds: int,
    databases: dict[str, str] | None = None,
) -> dict[tuple[str, str, str], list[float]]:
    """Return load times per (tree, data, page) and of the bare page ("", "", "bare").

    One Chromium, a fresh tab per load; each round loads the bare page, then every page of
    every tree and data directory in turn, so all are measured under the same load.
    """
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    databases = databases or {}
    times: dict[tuple[str, str, str], list[float]] = {("", "", "bare"): []}
    with ExitStack() as stack:
        servers: dict[tuple[str, str], str] = {}
        for src in trees:
            for name, path in datas.items():
                with _database_env(databases.get(name)):  # the server copies it at its start
                    address, _ = stack.enter_context(tree_server(src, Path(path)))
                servers[(str(src), name)] = address
        bare = stack.enter_context(streamlit_server("bench/bare_app.py"))
        # Each tree's pages as its server draws them for a new visitor.
        charts = {key: chart_counts(url, [PAGES[p] for p in pages]) for key, url in servers.items()}
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        # One warm-up each: the servers import plotly and fill their caches, the browser
        # caches the JS bundle.
        timed_page(context, bare, 1)
        for key, url in servers.items():
            for page in pages:
                timed_page(context, f"{url}/{PAGES[page]}", charts[key][PAGES[page]])
        for _ in range(rounds):
            times[("", "", "bare")].append(timed_page(context, bare, 1))
            for (tree, name), url in servers.items():
                for page in pages:
                    n = charts[(tree, name)][PAGES[page]]
                    took = timed_page(context, f"{url}/{PAGES[page]}", n)
                    times.setdefault((tree, name, page), []).append(took)
        browser.close()
    return times


def report_pages(times: dict[tuple[str, str, str], list[float]], shipped: str) -> None:
    """Print each page's median against the bare page and against the shipped data's."""
    bare = statistics.median(times[("", "", "bare")])
    print(
        f"bare one-chart page, script finished and chart drawn: {spread(times[('', '', 'bare')])}"
    )
    for (tree, name, page), values in times.items():
        if page == "bare":
            continue
        med = statistics.median(values)
        line = f"[{Path(tree).name} · {name}] {page}: {spread(values)}; {med / bare:.2f}× bare"
        base = times.get((tree, shipped, "overview"))
        if name != shipped and base:
            line += f", {med / statistics.median(base):.2f}× the shipped overview"
        print(line)
    print("goals: every page ≤ 1.2× bare on the shipped data; ≤ 1.5× the shipped overview at 1M")


def timed_loads(context: Any, url: str, charts: int) -> tuple[float, float]:
    """Return seconds from navigation to `charts` charts drawn, and to drawn and script finished;
    raise BrokenPage when the page's script raised."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN_JS, arg=charts, timeout=TIMEOUT_MS, polling=20)
    drawn = time.perf_counter() - start
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS, polling=20)
    settled = time.perf_counter() - start
    refuse_broken(page, url)
    page.close()
    return float(drawn), float(settled)


def timed_load(context: Any, url: str, charts: int) -> float:
    """Return seconds from navigation to `charts` plotly charts drawn, in a fresh tab."""
    return timed_loads(context, url, charts)[0]


def timed_reruns(at: Any, reruns: int, cold: bool) -> list[float]:
    """Return AppTest rerun times, the metric filter toggled before each (views cleared if cold)."""
    times: list[float] = []
    choices: tuple[list[str], ...] = (["teu"], [])
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
    parser.add_argument("--reruns", type=int, default=20, help="AppTest reruns (0: none)")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    parser.add_argument(
        "--data",
        action="append",
        help="NAME=DIR data directories to serve (the first is the reference; default: "
        "shipped=$CORRIDOR_DATA_DIR or data/)",
    )
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        help="NAME=URL: serve the data NAME with CORRIDOR_DATABASE_URL=URL (a store on a "
        "database server; without it a tree that stores in a database uses DIR/corridor.sqlite)",
    )
    parser.add_argument("--src", action="append", help="source trees to serve (default: this)")
    parser.add_argument("--skip-build", action="store_true", help="no go/px build comparison")
    args = parser.parse_args()
    where = layout()
    table = load_table(where)
    overview = len(page_charts("overview"))
    print(f"data: {where.root} ({len(table.observations)} rows); overview charts: {overview}")

    if not args.skip_build:
        go_t, px_t = bench_go_vs_px()
        print(f"figure build, graph_objects: {spread(go_t)}")
        print(f"figure build, plotly.express: {spread(px_t)}")
        ratio = statistics.median(px_t) / statistics.median(go_t)
        print(f"  express / graph_objects = {ratio:.1f}x")
    if args.reruns:
        warm = bench_reruns(args.reruns, cold=False)
        cold = bench_reruns(args.reruns, cold=True)
        print(f"rerun after a filter change (AppTest, views cached): {spread(warm)}  goal < 50 ms")
        print(f"rerun after a filter change (AppTest, views rebuilt): {spread(cold)}")

    if not chromium_installed():
        print("browser benchmark skipped: Debian's chromium is not installed")
        return 0
    datas = dict(d.split("=", 1) for d in args.data) if args.data else {"shipped": str(where.root)}
    trees = [Path(t).resolve() for t in (args.src or [str(REPO)])]
    databases = dict(d.split("=", 1) for d in args.database)
    try:
        times = bench_pages(trees, datas, args.pages, args.rounds, databases)
    except BrokenPage as broken:
        print(f"bench_dashboard: {broken}", file=sys.stderr)
        return 1
    load = os.getloadavg()
    print(f"load average after the browser runs: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    report_pages(times, next(iter(datas)))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CORRIDOR_DATA_DIR", str(REPO / "data"))
    raise SystemExit(main())
