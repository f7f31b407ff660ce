"""Chart pictures: PNG at slide resolution and SVG, drawn by kaleido in a local Chromium."""

from __future__ import annotations

import html
import os
import shutil
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.specs import ChartSpec
from dashboard.charts.theme import TEXT_COLOUR
from dashboard.deck.labels import text_width
from dashboard.locales import Locale

# A full-HD slide: 1920×1080 pixels, drawn at 960×540 CSS pixels and scale 2, so type and
# lines keep the size they have on the page instead of shrinking on a big canvas.
SLIDE_PX = (1920, 1080)
SCALE = 2
# Where Debian, Ubuntu, Fedora and the official Chrome packages put the browser.
CHROMIUM_CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/opt/google/chrome/chrome",
)
NO_CHROMIUM = (
    "无法导出图片：本机没有可供 kaleido 使用的 Chromium 浏览器（Debian/Ubuntu 请安装 chromium）。"
    "PPTX 演示文稿和页面其余功能不受影响。 / "
    "Images cannot be exported: no Chromium browser is installed for kaleido "
    "(on Debian/Ubuntu install chromium). The PPTX deck and the rest of the page still work."
)
# A picture leaves the page: it carries its own title, period and source line, drawn in the
# margins above and below the plot (CSS pixels of the 960×540 canvas).
CAPTION_TOP = 78
CAPTION_BOTTOM = 104
# The legend's rows above the plot: estimated from its names (13 px type, CJK twice as wide).
CANVAS_WIDTH = 900
LEGEND_ITEM = 44
LEGEND_CHAR = 7
LEGEND_ROW = 22
# The source line wraps at this width (Latin characters; ≈ 620 px of 13 px type, narrower than
# the narrowest plot area, whose left edge moves with its axis labels).
SOURCE_WIDTH = 90
SOURCE_LINE = 18
# The source line sits below the x axis's ticks and title.
SOURCE_SHIFT = -66
MUTED = "#6B7280"
RENDER_FAILED = "图片导出失败，请稍后重试。 / The image could not be exported; please try again."

# kaleido's one shared browser answers one request at a time; sessions queue here.
_LOCK = threading.Lock()


class ImageExportError(RuntimeError):
    """A chart picture could not be drawn; the message is bilingual and safe to show."""


def chromium_path() -> str | None:
    """Return the Chromium kaleido will use ($BROWSER_PATH first), or None when there is none."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if Path(override).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def images_available() -> bool:
    """Return whether PNG/SVG export can run here (a Chromium is installed)."""
    return chromium_path() is not None


# Chromium reaches out on its own (update checks, safe browsing, DNS prefetch, field trials);
# none of it is needed to draw a chart, and this app runs offline.
OFFLINE_FLAGS = (
    "--disable-background-networking",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--dns-prefetch-disable",
    "--no-pings",
    "--disable-features=NetworkPrediction,OptimizationHints,Translate,MediaRouter,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "NetworkTimeServiceQuerying",
)
# Every request kaleido's Chromium makes over the network goes to this dead local port, so
# nothing reaches another host even if a chart named a remote image or font.
NO_PROXY_SERVER = "http://127.0.0.1:9"


def plotly_js() -> Path:
    """Return the plotly.js bundled with plotly.py: kaleido's page loads it from disk."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _add_offline_flags() -> None:
    # choreographer has no option for extra switches; its command line is extended once here.
    from choreographer.browsers import chromium

    original = chromium.Chromium.get_cli
    if getattr(original, "_corridor_offline", False):
        return

    def get_cli(self: object) -> list[str]:
        return [*original(self), *OFFLINE_FLAGS]  # type: ignore[arg-type]

    get_cli._corridor_offline = True  # type: ignore[attr-defined]
    chromium.Chromium.get_cli = get_cli  # type: ignore[method-assign]


def kaleido_options() -> dict[str, object]:
    """Return how kaleido is started: local plotly.js, no MathJax (a CDN script), no network."""
    return {"plotlyjs": str(plotly_js()), "mathjax": False, "proxy_server": NO_PROXY_SERVER}


def _ensure_server(browser: str) -> None:
    import kaleido

    # choreographer finds the browser through BROWSER_PATH; pin it to the one checked above.
    os.environ.setdefault("BROWSER_PATH", browser)
    _add_offline_flags()
    kaleido.start_sync_server(silence_warnings=True, **kaleido_options())


def _render(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    browser = chromium_path()
    if browser is None:
        raise ImageExportError(NO_CHROMIUM)
    with _LOCK:
        _ensure_server(browser)
        try:
            return figure.to_image(format=fmt, width=width, height=height, scale=scale)
        except Exception as exc:  # kaleido and the browser fail in many ways; say one thing
            raise ImageExportError(f"{RENDER_FAILED} ({type(exc).__name__})") from exc


def slide_figure(figure: go.Figure) -> go.Figure:
    """Return a copy of the figure sized for a slide (the page's fixed height removed)."""
    out = go.Figure(figure)
    out.update_layout(height=None, width=None, autosize=True)
    return out


def chart_png(
    figure: go.Figure, width_px: int = SLIDE_PX[0], height_px: int = SLIDE_PX[1]
) -> bytes:
    """Return the chart as a PNG of exactly width_px × height_px pixels."""
    return _render(
        slide_figure(figure), "png", round(width_px / SCALE), round(height_px / SCALE), SCALE
    )


def chart_svg(
    figure: go.Figure, width_px: int = SLIDE_PX[0], height_px: int = SLIDE_PX[1]
) -> bytes:
    """Return the chart as SVG (text stays text) for a slide of width_px × height_px."""
    return _render(
        slide_figure(figure), "svg", round(width_px / SCALE), round(height_px / SCALE), 1
    )


def chart_period(spec: ChartSpec, locale: Locale) -> str:
    """Return the period a chart covers in words: its one period, else first month to last."""
    points = spec.points
    labels = list(dict.fromkeys(points["period_label"]))
    if len(labels) == 1:
        return str(labels[0])
    starts = [d for d in points["period_start"].dropna()]
    ends = list(points["period_end"].dropna())
    first = pd.Timestamp(min(starts + ends)).to_period("M").to_timestamp()
    last = pd.Timestamp(max(ends)).to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    return locale.period(first, last)


def wrap_width(text: str, width: int) -> list[str]:
    """Return text cut into lines of at most width (CJK characters count two)."""
    lines, line = [], ""
    for ch in text:
        if text_width(line + ch) > width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return [*lines, line] if line else lines


def legend_rows(figure: go.Figure) -> int:
    """Return how many rows the figure's horizontal legend takes on the picture's canvas."""
    names = [
        str(trace.name)
        for trace in figure.data
        if trace.name and trace.showlegend is not False and figure.layout.showlegend is not False
    ]
    rows, used = (1, 0) if names else (0, 0)
    for name in names:
        item = LEGEND_ITEM + LEGEND_CHAR * text_width(name)
        if used and used + item > CANVAS_WIDTH:
            rows, used = rows + 1, 0
        used += item
    return rows


def captioned_chart(figure: go.Figure, title: str, period: str, source: str) -> go.Figure:
    """Return a copy of the figure with its title and period above and its source line below.

    The texts are escaped: a source's name comes from an article or an upload, and plotly reads
    a few HTML tags in its text. The top margin makes room for the legend's rows under the title.
    """
    out = go.Figure(figure)
    lines = wrap_width(source, SOURCE_WIDTH)
    out.update_layout(
        title={
            "text": f"<b>{html.escape(title)}</b>",
            "subtitle": {
                "text": html.escape(period),
                "font": {"size": 15, "color": MUTED},
            },
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 14},
            "font": {"size": 20, "color": TEXT_COLOUR},
        },
        margin={
            "t": CAPTION_TOP + LEGEND_ROW * legend_rows(out),
            "b": CAPTION_BOTTOM + SOURCE_LINE * (len(lines) - 1),
        },
        legend={"y": 1.01, "yanchor": "bottom"},
    )
    out.add_annotation(
        text="<br>".join(html.escape(line) for line in lines),
        xref="paper",
        x=0,
        xanchor="left",
        yref="paper",
        y=0,
        yanchor="top",
        yshift=SOURCE_SHIFT,
        showarrow=False,
        align="left",
        font={"size": 13, "color": MUTED},
    )
    return out


def spec_chart(spec: ChartSpec, locale: Locale) -> go.Figure:
    """Return the chart of a spec as a picture shows it: titled, dated and sourced."""
    return captioned_chart(
        spec.chart,
        spec.title,
        locale.t("image_period", period=chart_period(spec, locale)),
        spec.source_line,
    )


def spec_png(spec: ChartSpec, locale: Locale) -> bytes:
    """Return a chart as a slide-sized PNG with its title, period and source line."""
    return chart_png(spec_chart(spec, locale))


def spec_svg(spec: ChartSpec, locale: Locale) -> bytes:
    """Return a chart as SVG with its title, period and source line."""
    return chart_svg(spec_chart(spec, locale))
