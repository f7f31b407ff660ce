"""Where a page load goes in Chromium: per page, the load time, Chromium's own counters (script,
layout, style, all tasks) and the elements the page holds, against the bare one-chart page;
with --profile, a CPU profile of one load, self time by script chunk and by function; with
--phases, the main thread's time in one load by Chromium's timeline event (script, style, layout,
paint…); with --draws, how often plotly.js drew a whole figure in one load; with --timeline,
when a load's parts happen (the server's first message and first chart, plotly.js's chunk asked
for and received, the first chart drawn, the last message, the end).

    .venv/bin/python bench/trace_pages.py --src /tmp/base --src . --pages overview trains reach
    .venv/bin/python bench/trace_pages.py --pages trains --profile --phases --draws

Trees (--src) are served as bench_room.py serves them (each its own `streamlit run` on a
private copy of the shipped data), loaded alternately with bench/bare_app.py in one Chromium,
as bench_dashboard.py loads them (a load ends with the script finished and every chart drawn).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "bench"))

from bench_dashboard import (  # noqa: E402
    DRAWN_JS,
    LOADED_JS,
    PAGES,
    SENT_JS,
    TIMEOUT_MS,
    BrokenPage,
    refuse_broken,
)
from bench_room import chart_counts, server  # noqa: E402
from local_browser import launch_options, streamlit_server  # noqa: E402
from plotly_draws import plot_draws, start_counting  # noqa: E402

# Chromium's Performance.getMetrics counters worth comparing, in seconds.
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
# What a page holds once loaded: Streamlit's element containers, its layout blocks, the download
# buttons and popovers (what a chart card is made of), markdown blocks, charts, data grids,
# iframes, images, fonts in use, style sheets (emotion's included), and every DOM node (its SVG's).
COUNT_JS = """() => ({
  elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
  blocks: document.querySelectorAll(
    '[data-testid="stVerticalBlock"],[data-testid="stHorizontalBlock"]').length,
  downloads: document.querySelectorAll('[data-testid="stDownloadButton"]').length,
  popovers: document.querySelectorAll('[data-testid="stPopover"]').length,
  markdown: document.querySelectorAll('[data-testid="stMarkdown"]').length,
  charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  dataframes: document.querySelectorAll('[data-testid="stDataFrame"]').length,
  iframes: document.getElementsByTagName('iframe').length,
  images: document.getElementsByTagName('img').length,
  fonts: [...document.fonts].filter(f => f.status === 'loaded').length,
  sheets: document.styleSheets.length,
  nodes: document.getElementsByTagName('*').length,
  svg_nodes: document.querySelectorAll('svg *').length,
})"""
# Chromium's timeline events a load's main-thread time is read by (durations include what runs
# inside them: a script's forced style and layout are in both its own line and theirs).
PHASES = {
    "script": ("EvaluateScript", "v8.compile", "FunctionCall", "TimerFire", "FireAnimationFrame",
               "EventDispatch", "RunMicrotasks", "v8.evaluateModule"),
    "style": ("UpdateLayoutTree", "ParseAuthorStyleSheet"),
    "layout": ("Layout",),
    "paint": ("Paint", "PaintImage", "RasterTask", "Decode Image"),
    "composite": ("Layerize", "UpdateLayer", "CompositeLayers", "Commit", "PrePaint"),
    "html": ("ParseHTML",),
    "gc": ("MajorGC", "MinorGC", "V8.GC_SCAVENGER", "V8.GC_MARK_COMPACTOR"),
}  # fmt: skip
TIMELINE = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink"]
# Microseconds between the profiler's samples: fine enough for a few-second load.
SAMPLE_US = 200


# Recorded in the page from its first script on: each websocket message's arrival (and whether
# it holds a figure: a plotly chart's spec carries "layout"), and when the first chart's SVG is in
# the document. Read back with TIMELINE_READ_JS; times are ms since the navigation started.
TIMELINE_INIT_JS = r"""
window.__timeline = {messages: [], firstChart: null};
const Socket = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Socket(...args);
  ws.addEventListener('message', (event) => {
    let chart = false;
    try { chart = new TextDecoder().decode(new Uint8Array(event.data)).includes('"layout"'); }
    catch (e) {}
    window.__timeline.messages.push([performance.now(), chart]);
  });
  return ws;
};
window.WebSocket.prototype = Socket.prototype;
const watch = () => {
  if (window.__timeline.firstChart === null && document.querySelector('.main-svg')) {
    window.__timeline.firstChart = performance.now();
  }
  if (window.__timeline.firstChart === null) requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
"""
TIMELINE_READ_JS = """() => {
  const chunk = performance.getEntriesByType('resource').find(e => e.name.includes('PlotlyChart'));
  const m = window.__timeline.messages;
  const chart = m.find(x => x[1]);
  return {
    'first message': m.length ? m[0][0] : null,
    'first chart message': chart ? chart[0] : null,
    'chunk asked': chunk ? chunk.startTime : null,
    'chunk received': chunk ? chunk.responseEnd : null,
    'first chart drawn': window.__timeline.firstChart,
    'last message': m.length ? m[m.length - 1][0] : null,
    'end': performance.now(),
    'messages': m.length,
  };
}"""


def paired_ratios(loads: list[float], bare: list[float]) -> str:
    """Return each round's load over the same round's bare load: 'median [quartiles]'.

    A round loads the bare page and then every page, so a machine that slows down between
    rounds moves both sides of a round's ratio together; the quartiles show how far single
    rounds stray (a page within 1.2× only by its median is within it by chance)."""
    ratios = sorted(load / base for load, base in zip(loads, bare, strict=True))
    if len(ratios) < 2:
        return f"{ratios[0]:.2f}×"
    low, mid, high = statistics.quantiles(ratios, n=4)
    return f"{mid:.2f}× [{low:.2f}–{high:.2f}]"


def wait_loaded(tab: Any, charts: int, polling: int) -> None:
    """Return once the page's script has finished and its `charts` charts are drawn; a page
    without charts (freight on the shipped data) once its last element is in, as
    bench_dashboard.timed_page waits (before, such a page read as loaded before it had begun)."""
    tab.wait_for_function(DRAWN_JS, arg=charts, timeout=TIMEOUT_MS, polling=polling)
    if charts == 0:
        tab.wait_for_function(SENT_JS, timeout=TIMEOUT_MS, polling=polling)
    tab.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS, polling=polling)


def timeline_load(context: Any, url: str, charts: int) -> dict[str, float | None]:
    """Return when one load's parts happened (TIMELINE_READ_JS), in ms since navigation."""
    tab = context.new_page()
    tab.add_init_script(TIMELINE_INIT_JS)
    tab.goto(url)
    wait_loaded(tab, charts, polling=20)
    parts: dict[str, float | None] = tab.evaluate(TIMELINE_READ_JS)
    tab.close()
    return parts


def traced_load(context: Any, url: str, charts: int) -> tuple[float, dict[str, float], dict]:
    """Return one load's seconds, Chromium's counters (ms) and the page's element counts; raise
    BrokenPage when the page shows Streamlit's error box."""
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    start = time.perf_counter()
    tab.goto(url)
    wait_loaded(tab, charts, polling=20)
    took = time.perf_counter() - start
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    counts = tab.evaluate(COUNT_JS)
    refuse_broken(tab, url)
    tab.close()
    return took, {k: metrics[k] * 1000 for k in METRICS}, counts


def profiled_load(context: Any, url: str, charts: int) -> tuple[Counter, Counter]:
    """Return one load's CPU self time (ms) by script chunk and by function."""
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": SAMPLE_US})
    cdp.send("Profiler.start")
    tab.goto(url)
    wait_loaded(tab, charts, polling=50)
    profile = cdp.send("Profiler.stop")["profile"]
    tab.close()
    frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    by_script: Counter = Counter()
    by_function: Counter = Counter()
    for node, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = frames[node]
        script = frame["url"].rsplit("/", 1)[-1] or f"({frame['functionName']})"
        by_script[script] += delta / 1000
        by_function[f"{frame['functionName'] or '(anonymous)'} @ {script}"] += delta / 1000
    return by_script, by_function


def phased_load(browser: Any, context: Any, url: str, charts: int) -> dict[str, float]:
    """Return one load's main-thread milliseconds by phase (PHASES) from Chromium's trace."""
    tab = context.new_page()
    browser.start_tracing(page=tab, categories=TIMELINE)
    tab.goto(url)
    wait_loaded(tab, charts, polling=50)
    events = json.loads(browser.stop_tracing())["traceEvents"]
    tab.close()
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    by_name: Counter = Counter()
    for e in events:
        if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in main:
            by_name[e["name"]] += e.get("dur", 0) / 1000
    return {phase: sum(by_name[n] for n in names) for phase, names in PHASES.items()}


def drawn_load(context: Any, url: str, charts: int) -> int:
    """Return how often plotly.js drew a whole figure in one load."""
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    start_counting(cdp)
    tab.goto(url)
    wait_loaded(tab, charts, polling=50)
    time.sleep(1)  # a redraw after the load (a chart's width settling) counts too
    draws = plot_draws(cdp)
    tab.close()
    return draws


def main() -> int:
    """Trace every page of every tree against the bare page; print medians (and profiles)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", action="append", help="source trees to serve (default: this)")
    parser.add_argument("--pages", nargs="*", default=["trains", "reach"], choices=list(PAGES))
    parser.add_argument("--rounds", type=int, default=5, help="loads per page")
    parser.add_argument("--profile", action="store_true", help="one profiled load per page")
    parser.add_argument("--phases", action="store_true", help="one traced load per page")
    parser.add_argument("--draws", action="store_true", help="plotly.js draws in one load")
    parser.add_argument(
        "--timeline", action="store_true", help="when a load's parts happen (median of rounds)"
    )
    args = parser.parse_args()
    trees = [Path(s).resolve() for s in (args.src or [str(REPO)])]
    with ExitStack() as stack:
        urls = [stack.enter_context(server(t, t / "data"))[0] for t in trees]
        bare = stack.enter_context(streamlit_server("bench/bare_app.py"))
        paths = [PAGES[p] for p in args.pages]
        counts = [chart_counts(url, paths) for url in urls]
        from playwright.sync_api import sync_playwright

        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        loads = [("bare", bare, 1)] + [
            (f"{tree.name}:{page}", f"{url}/{PAGES[page]}", n[PAGES[page]])
            for tree, url, n in zip(trees, urls, counts, strict=True)
            for page in args.pages
        ]
        results: dict[str, list[tuple[float, dict[str, float], dict]]] = {}
        tree_loads = loads[1:]
        try:
            for _, url, n in loads:  # warm-up: servers' caches, the browser's scripts
                traced_load(context, url, n)
            for r in range(args.rounds):
                # The trees take turns to load first: on a busy machine a round's later loads
                # are slower, and a fixed order put that on the same tree every round.
                turn = r % len(trees) * len(args.pages)
                for name, url, n in [loads[0], *tree_loads[turn:], *tree_loads[:turn]]:
                    results.setdefault(name, []).append(traced_load(context, url, n))
        except BrokenPage as broken:
            print(f"trace_pages: {broken}", file=sys.stderr)
            return 1
        bare_s = statistics.median(r[0] for r in results["bare"])
        for name, runs in results.items():
            took = statistics.median(r[0] for r in runs)
            counters = "  ".join(
                f"{k.removesuffix('Duration')} {statistics.median(r[1][k] for r in runs):.0f}"
                for k in METRICS
            )
            paired = paired_ratios([r[0] for r in runs], [r[0] for r in results["bare"]])
            print(
                f"{name:28s} {took * 1000:6.0f} ms {took / bare_s:5.2f}×  "
                f"(paired {paired})  {counters} ms"
            )
            print(f"{'':28s} {runs[-1][2]}")
        if args.profile:
            for name, url, n in loads:
                scripts, functions = profiled_load(context, url, n)
                print(f"== {name}: {sum(scripts.values()):.0f} ms sampled")
                for key, ms in [*scripts.most_common(12), *functions.most_common(12)]:
                    print(f"   {ms:7.0f}  {key[:110]}")
        if args.phases:
            for name, url, n in loads:
                phases = phased_load(browser, context, url, n)
                print(f"-- {name:26s} " + "  ".join(f"{k} {v:.0f}" for k, v in phases.items()))
        if args.draws:
            for name, url, n in loads:
                print(f"-- {name:26s} plotly.js draws {drawn_load(context, url, n)}")
        if args.timeline:
            timed: dict[str, list[dict[str, float | None]]] = {}
            for r in range(args.rounds):
                turn = r % len(trees) * len(args.pages)
                for name, url, n in [loads[0], *tree_loads[turn:], *tree_loads[:turn]]:
                    timed.setdefault(name, []).append(timeline_load(context, url, n))
            for name, parts in timed.items():
                medians = {
                    part: statistics.median(values)
                    for part in parts[0]
                    if (values := [v for load in parts if (v := load[part]) is not None])
                }
                print(f"~~ {name:26s} " + "  ".join(f"{k} {v:.0f}" for k, v in medians.items()))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
