"""How often plotly.js draws a chart in a page load, counted by V8's call counts in Streamlit's
own plotly.js (its `_doPlot`, found in the served script by name): shared by the browser tests
and bench/trace_pages.py.

The name is looked up in the script, not remembered: a Streamlit release that renames or inlines
it makes `plot_draws` fail with a message, never count nothing.
"""

from __future__ import annotations

import re
import urllib.request
from typing import Any

# plotly.js's plot_api module assigns its full draw to `_doPlot` (`e._doPlot=A`), and the index
# module re-exports it (`e._doPlot=t._doPlot`): the first is the function's own name.
DO_PLOT = re.compile(r"_doPlot=([A-Za-z_$][\w$]*)[,;]")
PLOT_API = '"src/plot_api/plot_api.js"'


def start_counting(cdp: Any) -> None:
    """Start V8's call counts on a page's CDP session (before it navigates)."""
    cdp.send("Profiler.enable")
    cdp.send("Profiler.startPreciseCoverage", {"callCount": True, "detailed": False})


def _do_plot_offset(source: str) -> int:
    """Return `_doPlot`'s offset in UTF-16 units (V8's) in Streamlit's plotly.js chunk."""
    start = source.find(PLOT_API)
    match = DO_PLOT.search(source, start) if start >= 0 else None
    at = source.rfind(f"function {match.group(1)}(", start, match.start()) if match else -1
    if at < 0:
        raise AssertionError("plotly.js's _doPlot not found in Streamlit's PlotlyChart script")
    return len(source[:at].encode("utf-16-le")) // 2


def plot_draws(cdp: Any) -> int:
    """Return how many times plotly.js drew a whole figure since start_counting."""
    scripts = cdp.send("Profiler.takePreciseCoverage")["result"]
    chunks = [s for s in scripts if "/PlotlyChart." in s["url"]]
    if not chunks:
        return 0
    for script in chunks:
        with urllib.request.urlopen(script["url"], timeout=10) as answer:  # the local server
            offset = _do_plot_offset(answer.read().decode("utf-8"))
        for function in script["functions"]:
            if function["ranges"][0]["startOffset"] == offset:
                return int(function["ranges"][0]["count"])
    raise AssertionError("plotly.js's _doPlot was not among the functions V8 counted")
