"""A room of viewers: one `streamlit run` server, ten sessions clicking pages and filters over
Streamlit's websocket (BackMsg/ForwardMsg protobufs, as the browser sends and reads them).

    .venv/bin/python bench/bench_room.py                          # this tree, 60 s
    .venv/bin/python bench/bench_room.py --src /tmp/base --src . --rounds 3 --seconds 45

Each viewer clicks without pause: three clicks in ten are a new visitor (a new websocket, a new
session, a random page, sometimes a link with filters), the rest move to another page or change
a filter (basis, language, related corridors, metric, period). A run lasts from the rerun request
to the server's script-finished message for it. With several --src trees the rounds alternate
between them, each with a fresh server on a private copy of the data.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from local_browser import free_port, local_server, streamlit_command  # noqa: E402

from dashboard import page_paths  # noqa: E402

# Seconds a server may take to answer its health check.
STARTUP_S = 60.0

# A run that takes longer is an error (the server is stuck, or the viewer is lost).
RUN_TIMEOUT_S = 30.0
# The reader's pages by their path in the app ("" the default page, at the root).
READER_PAGES = tuple(
    "" if name == page_paths.DEFAULT_PAGE else path for name, path, _ in page_paths.READER_PAGES
)
# What a click does, with its weight; a new visitor is three clicks in ten.
CLICKS = {
    "new_visitor": 30,
    "page": 35,
    "basis": 9,
    "lang": 6,
    "related": 5,
    "metric": 9,
    "period": 6,
}
# Links a new visitor may arrive with (most arrive with none).
ARRIVAL_QUERIES = ("", "", "", "lang=en", "metric=train_runs,teu", "basis=reported", "related=1")


@dataclass
class Run:
    """One script run as a viewer saw it."""

    page: str
    click: str
    seconds: float
    received: int = 0
    chart_bytes: int = 0
    charts: int = 0
    refs: int = 0
    error: str = ""


@dataclass
class Viewer:
    """One browser tab's state: its session's widgets, pages, query string and message cache."""

    url: str
    rng: random.Random
    ws: Any = None
    page: str = ""
    query: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    widgets: dict[str, Any] = field(default_factory=dict)
    states: dict[str, Any] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)

    def widget(self, key: str) -> Any | None:
        """Return the latest element proto of the widget with the user key `key`."""
        return next((w for wid, w in self.widgets.items() if wid.endswith(f"-{key}")), None)


def _back_msg(viewer: Viewer) -> Any:
    """Return the BackMsg a browser sends to rerun: page, query, widget states, cached hashes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = viewer.query
    state.page_name = viewer.page
    state.page_script_hash = viewer.pages.get(viewer.page, "")
    for value in viewer.states.values():
        state.widget_states.widgets.append(value)
    state.cached_message_hashes.extend(sorted(viewer.cached))
    info = state.context_info
    info.url = f"{viewer.url}/{viewer.page}" + (f"?{viewer.query}" if viewer.query else "")
    info.timezone, info.timezone_offset, info.locale = "Asia/Shanghai", -480, "zh-CN"
    return msg


def _read_element(viewer: Viewer, run: Run, delta: Any) -> None:
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        run.error = run.error or f"exception shown: {element.exception.message[:120]}"
    elif kind == "plotly_chart":
        run.charts += 1
        run.chart_bytes += len(element.plotly_chart.spec)
    proto = getattr(element, kind) if kind else None
    widget_id = getattr(proto, "id", "") if proto is not None else ""
    if widget_id:
        viewer.widgets[widget_id] = proto
        if getattr(proto, "set_value", False):
            # The server set the widget's value (a choice no longer offered, in another
            # language's words, was dropped): the browser takes it and stops sending its own.
            viewer.states.pop(widget_id, None)


async def one_run(viewer: Viewer, click: str) -> Run:
    """Send one rerun and read the server's messages until its script has finished."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    run = Run(page=viewer.page or "overview", click=click, seconds=0.0)
    viewer.widgets = {}
    start = time.perf_counter()
    await viewer.ws.send(_back_msg(viewer).SerializeToString())
    while True:
        raw = await asyncio.wait_for(viewer.ws.recv(), RUN_TIMEOUT_S)
        run.received += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.metadata.cacheable and msg.hash:
            viewer.cached.add(msg.hash)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            run.refs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            _read_element(viewer, run, msg.delta)
        elif kind == "navigation":
            viewer.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            viewer.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.error = run.error or f"page not found: {viewer.page}"
        elif kind == "script_finished":
            run.seconds = time.perf_counter() - start
            if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                run.error = run.error or f"script finished with status {msg.script_finished}"
            break
    # The browser keeps the states of the widgets still on the page, drops the rest.
    viewer.states = {k: v for k, v in viewer.states.items() if k in viewer.widgets}
    return run


def _set_state(viewer: Viewer, key: str, **value: Any) -> bool:
    """Set the widget with user key `key` as a click would; False when it is not on the page."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    proto = viewer.widget(key)
    if proto is None:
        return False
    state = WidgetState(id=proto.id)
    if "strings" in value:
        state.string_array_value.data.extend(value["strings"])
    else:
        state.bool_value = bool(value["flag"])
    viewer.states[proto.id] = state
    return True


def click_filter(viewer: Viewer, click: str) -> bool:
    """Change one filter widget as a reader would; False when the widget is not on the page."""
    rng = viewer.rng
    proto = viewer.widget(f"f_{click}")
    if proto is None:
        return False
    if click in ("basis", "lang"):
        labels = [o.content for o in proto.options]
        current = viewer.states.get(proto.id)
        now = list(current.string_array_value.data) if current is not None else []
        pick = rng.choice([x for x in labels if [x] != now] or labels)
        return _set_state(viewer, f"f_{click}", strings=[pick])
    if click == "related":
        current = viewer.states.get(proto.id)
        return _set_state(viewer, "f_related", flag=not (current and current.bool_value))
    options = list(proto.options)
    if click == "metric":
        chosen = rng.sample(options, k=min(len(options), rng.choice((0, 1, 1, 2))))
        return _set_state(viewer, "f_metric", strings=chosen)
    lo, hi = sorted(rng.sample(range(len(options)), 2)) if len(options) > 1 else (0, 0)
    return _set_state(viewer, "f_period", strings=[options[lo], options[hi]])


async def open_tab(viewer: Viewer, page: str, query: str) -> Run:
    """Close the viewer's tab, if any, and open page?query in a new one: a new session."""
    import websockets

    if viewer.ws is not None:
        await viewer.ws.close()
    ws_url = viewer.url.replace("http://", "ws://") + "/_stcore/stream"
    viewer.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None)  # type: ignore[list-item]
    viewer.page, viewer.query = page, query
    viewer.pages, viewer.widgets, viewer.states, viewer.cached = {}, {}, {}, set()
    return await one_run(viewer, "new_visitor")


async def new_visitor(viewer: Viewer) -> Run:
    """Open the app in a new tab at a random page, sometimes through a link with filters."""
    page = viewer.rng.choice(READER_PAGES)
    return await open_tab(viewer, page, viewer.rng.choice(ARRIVAL_QUERIES))


async def click(viewer: Viewer) -> Run:
    """Make one random click and return the run it caused."""
    rng = viewer.rng
    kinds, weights = zip(*CLICKS.items(), strict=True)
    kind = rng.choices(kinds, weights)[0]
    if kind == "new_visitor" or viewer.ws is None:
        return await new_visitor(viewer)
    if kind == "page":
        viewer.page = rng.choice([p for p in READER_PAGES if p != viewer.page])
    elif not click_filter(viewer, kind):
        viewer.page = rng.choice([p for p in READER_PAGES if p != viewer.page])
        kind = "page"
    return await one_run(viewer, kind)


async def viewer_loop(viewer: Viewer, until: float, runs: list[Run]) -> None:
    """Click without pause until the room closes; a failed run is an error, then a new visitor."""
    while time.monotonic() < until:
        began = time.perf_counter()
        try:
            runs.append(await click(viewer))
        except Exception as exc:  # every failure is a counted error
            page = viewer.page or "overview"
            took = time.perf_counter() - began
            runs.append(Run(page, "error", took, error=f"{type(exc).__name__}: {exc}"[:160]))
            viewer.ws = None
    if viewer.ws is not None:
        await viewer.ws.close()


async def room(url: str, viewers: int, seconds: float, seed: int) -> tuple[list[Run], float]:
    """Run `viewers` viewers for `seconds`; return every run and the wall time it took."""
    crowd = [Viewer(url=url, rng=random.Random(seed * 1000 + k)) for k in range(viewers)]
    runs: list[Run] = []
    start = time.monotonic()
    until = start + seconds
    await asyncio.wait_for(
        asyncio.gather(*(viewer_loop(v, until, runs) for v in crowd)),
        timeout=seconds + 4 * RUN_TIMEOUT_S,
    )
    return runs, time.monotonic() - start


async def warm_up(url: str) -> None:
    """Open each reader page once in both languages, as the first visitors of the day would."""
    viewer = Viewer(url=url, rng=random.Random(0))
    for query in ("", "lang=en"):
        for page in READER_PAGES:
            await open_tab(viewer, page, query)
    await viewer.ws.close()


def chart_counts(url: str, pages: list[str]) -> dict[str, int]:
    """Return how many plotly charts each page (URL path) sends to a new visitor."""

    async def count() -> dict[str, int]:
        viewer = Viewer(url=url, rng=random.Random(0))
        out = {}
        for page in pages:
            out[page] = (await open_tab(viewer, page, "")).charts
        await viewer.ws.close()
        return out

    return asyncio.run(count())


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of values."""
    xs = sorted(values)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def summary(runs: list[Run], wall: float) -> dict[str, Any]:
    """Return the room's figures: runs per second, median and p95 (all and per page), errors."""
    good = [r for r in runs if not r.error]
    times = [r.seconds for r in good] or [0.0]
    pages: dict[str, list[float]] = {}
    clicks: dict[str, list[float]] = {}
    for r in good:
        pages.setdefault(r.page, []).append(r.seconds)
        clicks.setdefault(r.click, []).append(r.seconds)
    return {
        "runs": len(good),
        "per_s": len(good) / wall,
        "median": statistics.median(times),
        "p95": percentile(times, 95),
        "errors": [f"{r.page} after {r.click}: {r.error}" for r in runs if r.error],
        "pages": {p: (len(t), statistics.median(t), percentile(t, 95)) for p, t in pages.items()},
        "clicks": {c: (len(t), statistics.median(t), percentile(t, 95)) for c, t in clicks.items()},
        "bytes": statistics.median([r.received for r in good] or [0]),
        "chart_bytes": statistics.median([r.chart_bytes for r in good] or [0]),
        "refs": sum(r.refs for r in good),
    }


def report(name: str, fig: dict[str, Any]) -> None:
    """Print one room's figures."""
    print(
        f"[{name}] {fig['runs']} runs, {fig['per_s']:.1f} runs/s, median {fig['median'] * 1000:.0f}"
        f" ms, p95 {fig['p95'] * 1000:.0f} ms, errors {len(fig['errors'])}; per run: "
        f"{fig['bytes'] / 1024:.0f} KB received (charts {fig['chart_bytes'] / 1024:.0f} KB), "
        f"{fig['refs']} cached elements re-used by reference"
    )
    for part in ("pages", "clicks"):
        for name, (n, med, p95) in sorted(fig[part].items()):
            print(f"    {name:11s} n={n:4d} median {med * 1000:5.0f} ms  p95 {p95 * 1000:5.0f} ms")
    for err in fig["errors"][:5]:
        print(f"    error: {err}")


@contextmanager
def server(
    src: Path, data_dir: Path, profile: Path | None = None, log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """Run `streamlit run` of the tree src on 127.0.0.1, headless; yield its URL and pid.

    With profile, the server runs under cProfile (bench/profile_server.py) and writes its
    stats there when stopped.
    """
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(src), "CORRIDOR_DATA_DIR": str(data_dir)}
    runner = () if profile is None else (str(REPO / "bench" / "profile_server.py"), str(profile))
    # The tree's launcher (dashboard/asgi.py, as `corridor serve` runs it); a tree older than it
    # is served from its entry script.
    launcher = src / "dashboard" / "asgi.py"
    script = launcher if launcher.exists() else src / "dashboard" / "app.py"
    command = streamlit_command(script, port, runner)
    command += ["--server.fileWatcherType", "none"]
    with local_server(
        command, port, cwd=src, env=env, log=log, append=True, startup_s=STARTUP_S, stop_s=20
    ) as served:
        yield served


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_room(src: Path, data_dir: Path, args: argparse.Namespace, k: int) -> dict[str, Any]:
    """Start a server of src, warm it, run the room once; return its figures."""
    profile = Path(args.profile) if args.profile else None
    log = Path(args.server_log) if args.server_log else None
    with server(src, data_dir, profile, log) as (url, pid):
        asyncio.run(warm_up(url))
        cpu = cpu_seconds(pid)
        runs, wall = asyncio.run(room(url, args.viewers, args.seconds, args.seed + k))
        fig = summary(runs, wall)
        fig["cpu_per_run"] = (cpu_seconds(pid) - cpu) / max(1, len(runs))
    return fig


def main() -> int:
    """Run the room on each source tree in turn, `--rounds` times, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", help="source tree(s) (default: this one)")
    parser.add_argument(
        "--data-dir", help="copied before each run (default: each tree's own data/)"
    )
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=1, help="rooms per tree, alternated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write the server's cProfile stats to this file")
    parser.add_argument("--server-log", help="append the servers' output to this file")
    args = parser.parse_args()
    trees = [Path(s).resolve() for s in (args.src or [str(REPO)])]
    results: dict[str, list[dict[str, Any]]] = {str(t): [] for t in trees}
    with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp:
        for k in range(args.rounds):
            for i, tree in enumerate(trees):
                # A private copy: the server writes its cache there, never in the shipped data/.
                # Without its database, which each tree builds from the tables at its own
                # schema: a tree cannot open a database a newer tree has migrated.
                data_dir = Path(tmp) / f"data-{k}-{i}"
                source = Path(args.data_dir) if args.data_dir else tree / "data"
                skip = shutil.ignore_patterns("cache", "corridor.sqlite*")
                shutil.copytree(source, data_dir, ignore=skip)
                fig = one_room(tree, data_dir, args, k)
                load = os.getloadavg()
                fig["load"] = load[0]
                results[str(tree)].append(fig)
                report(f"{tree} round {k + 1}, load {load[0]:.1f}", fig)
                print(f"    server CPU per run {fig['cpu_per_run'] * 1000:.0f} ms")
    for name, figs in results.items():
        per_s = statistics.median(f["per_s"] for f in figs)
        med = statistics.median(f["median"] for f in figs) * 1000
        p95 = statistics.median(f["p95"] for f in figs) * 1000
        errors = sum(len(f["errors"]) for f in figs)
        print(
            f"{name}: median of {len(figs)} rooms: {per_s:.1f} runs/s, median run {med:.0f} ms, "
            f"p95 {p95:.0f} ms, errors {errors} (goal ≥ 12 runs/s, p95 ≤ 1500 ms, no errors)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
