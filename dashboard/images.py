"""Chart pictures: PNG at slide resolution and SVG, drawn by kaleido in a local Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

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
    from choreographer.browsers import chromium as choreo

    original = choreo.Chromium.get_cli
    if getattr(original, "_corridor_offline", False):
        return

    def get_cli(self: object) -> list[str]:
        return [*original(self), *OFFLINE_FLAGS]  # type: ignore[arg-type]

    get_cli._corridor_offline = True  # type: ignore[attr-defined]
    choreo.Chromium.get_cli = get_cli  # type: ignore[method-assign]


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


def figure_png(
    figure: go.Figure, width_px: int = SLIDE_PX[0], height_px: int = SLIDE_PX[1]
) -> bytes:
    """Return the chart as a PNG of exactly width_px × height_px pixels."""
    return _render(
        slide_figure(figure), "png", round(width_px / SCALE), round(height_px / SCALE), SCALE
    )


def figure_svg(
    figure: go.Figure, width_px: int = SLIDE_PX[0], height_px: int = SLIDE_PX[1]
) -> bytes:
    """Return the chart as SVG (text stays text) for a slide of width_px × height_px."""
    return _render(
        slide_figure(figure), "svg", round(width_px / SCALE), round(height_px / SCALE), 1
    )
