"""Chart pictures via kaleido: PNG at the slide size asked for and not blank; SVG keeps Chinese."""

from __future__ import annotations

import html
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from dashboard_data import observations, sources
from PIL import Image
from tool_support import require_tool

from dashboard import images
from dashboard.charts.specs import every_page_specs
from dashboard.locales import ZH, locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def spec() -> object:
    """The trains chart of the small test data, in Chinese."""
    require_tool("/usr/bin/chromium", "kaleido draws the chart in Chromium")
    frame = observations()
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), ZH)
    specs = every_page_specs(view, kpi_candidates(view), ZH)
    return next(s for s in specs if s.id == "train_runs")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_png_has_the_slide_size_asked_for_and_is_not_blank(
    spec: object, size: tuple[int, int]
) -> None:
    png = images.chart_png(spec.chart, *size)  # type: ignore[attr-defined]
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert picture.size == size
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20  # bars, hatching, text: far more than a blank canvas


def test_svg_keeps_its_chinese_text(spec: object) -> None:
    svg = images.chart_svg(spec.chart).decode("utf-8")  # type: ignore[attr-defined]
    assert svg.lstrip().startswith("<svg")
    assert "班列开行" in svg and "推算值" in svg


def test_without_chromium_the_error_is_bilingual_and_plain(
    spec: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    assert not images.images_available()
    with pytest.raises(images.ImageExportError) as error:
        images.chart_png(spec.chart)  # type: ignore[attr-defined]
    assert "Chromium" in str(error.value) and "无法导出图片" in str(error.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exported_pictures_carry_title_period_and_source(lang: str) -> None:
    require_tool("/usr/bin/chromium", "kaleido draws the chart in Chromium")
    frame = observations()
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), locale_for(lang))
    specs = every_page_specs(view, kpi_candidates(view), locale_for(lang))
    chart = next(s for s in specs if s.id == "train_runs")
    period = images.chart_period(chart, locale_for(lang))
    assert period and period != "—"
    svg = html.unescape(images.spec_svg(chart, locale_for(lang)).decode("utf-8"))
    assert chart.title in svg and period in svg
    # The source line, wrapped to the picture's width, every line of it.
    lines = images.wrap_width(chart.source_line, images.SOURCE_WIDTH)
    assert "".join(lines).replace(" ", "") == chart.source_line.replace(" ", "")
    for line in lines:
        assert line.strip() in svg, line
    png = Image.open(io.BytesIO(images.spec_png(chart, locale_for(lang)))).convert("RGB")
    assert png.size == images.SLIDE_PX
    assert len(png.getcolors(maxcolors=1_000_000) or []) > 20
    # The caption is drawn: the top band (title) and bottom band (source) hold dark pixels.
    grey = np.asarray(png.convert("L"))
    assert (grey[: grey.shape[0] // 12] < 128).any()
    assert (grey[-grey.shape[0] // 12 :] < 200).any()


def test_caption_text_from_data_is_escaped() -> None:
    figure = images.captioned_chart(
        go.Figure(go.Bar(x=[1], y=[2])), "<b>t</b>", "2024", "来源：<a href='x'>s</a>"
    )
    assert "&lt;a href" in figure.layout.annotations[-1].text
    assert "&lt;b&gt;t&lt;/b&gt;" in figure.layout.title.text


def test_kaleido_page_loads_only_local_scripts() -> None:
    from kaleido._page_generator import PageGenerator

    options = images.kaleido_options()
    assert options["mathjax"] is False
    assert images.plotly_js().is_file()
    page = PageGenerator(plotly=str(options["plotlyjs"]), mathjax=False).generate_index()
    assert "http://" not in page and "https://" not in page, "no script from a CDN"


def test_kaleido_chromium_gets_the_offline_switches() -> None:
    from choreographer.browsers.chromium import Chromium

    images._add_offline_flags()
    images._add_offline_flags()  # idempotent
    browser = Chromium.__new__(Chromium)
    browser.extensions_enabled, browser.gpu_enabled, browser.headless = False, False, True
    browser.proxy_server, browser.sandbox_enabled = images.NO_PROXY_SERVER, False
    browser.path = "/usr/bin/chromium"

    class _Tmp:
        path = "/tmp/x"

        def clean(self) -> None:
            pass

    browser.tmp_dir = _Tmp()  # type: ignore[assignment]
    browser._channel = None  # type: ignore[assignment]
    cli = browser.get_cli()
    assert cli.count("--disable-background-networking") == 1
    assert f"--proxy-server={images.NO_PROXY_SERVER}" in cli


def test_png_export_sends_nothing_over_the_network(
    spec: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The proxy is pointed at a listening trap: a remote image in the chart reaches the trap
    # (so the browser's traffic does go there), and the chart itself sends nothing at all.
    import socket
    import threading

    import kaleido

    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(16)
    trap.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = trap.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    seen.append(conn.recv(4096))
                except OSError:
                    seen.append(b"?")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    proxy = f"http://127.0.0.1:{trap.getsockname()[1]}"
    monkeypatch.setattr(images, "NO_PROXY_SERVER", proxy)
    options = {**images.kaleido_options(), "proxy_server": proxy}
    monkeypatch.setattr(images, "kaleido_options", lambda: options)
    kaleido.stop_sync_server(silence_warnings=True)
    try:
        images.chart_png(spec.chart, 640, 360)  # type: ignore[attr-defined]
        # Debian's Chromium still tries its update and time servers despite the switches;
        # those attempts end at the loopback proxy. The chart's page itself fetches nothing.
        # A connection that sends no byte asks for nothing (Chromium sometimes opens one to the
        # proxy ahead of need and closes it unused): only what was sent counts as a request.
        chart = [s for s in seen if s and not any(h in s for h in CHROMIUM_OWN)]
        assert chart == [], f"the chart made requests: {chart[:3]}"
        lure = go_with_remote_image(spec.chart)  # type: ignore[attr-defined]
        images.chart_png(lure, 640, 360)
        assert any(b"example.invalid" in s for s in seen), "traffic goes to the proxy, not out"
    finally:
        stop.set()
        thread.join(2)
        trap.close()
        kaleido.stop_sync_server(silence_warnings=True)


# Chromium's own background hosts (updates, network time, the default search engine).
CHROMIUM_OWN = (b"google", b"gstatic", b"duckduckgo", b"gvt1.com")


def go_with_remote_image(figure: object) -> object:
    import plotly.graph_objects as go

    out = go.Figure(figure)
    out.add_layout_image(
        source="http://example.invalid/p.png",
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        sizex=1,
        sizey=1,
    )
    return out
