"""Chart pictures via kaleido: PNG at the slide size asked for and not blank; SVG keeps Chinese."""

from __future__ import annotations

import html
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import require_tool
from dashboard_data import observations, sources
from PIL import Image

from dashboard import images
from dashboard.charts.specs import every_page_specs
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def spec() -> object:
    """The trains chart of the small test data, in Chinese."""
    require_tool("/usr/bin/chromium", "kaleido draws the chart in Chromium")
    frame = observations()
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), "zh")
    specs = every_page_specs(view, kpi_candidates(view), "zh")
    return next(s for s in specs if s.id == "train_runs")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_png_has_the_slide_size_asked_for_and_is_not_blank(
    spec: object, size: tuple[int, int]
) -> None:
    png = images.figure_png(spec.figure, *size)  # type: ignore[attr-defined]
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert picture.size == size
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20  # bars, hatching, text: far more than a blank canvas


def test_svg_keeps_its_chinese_text(spec: object) -> None:
    svg = images.figure_svg(spec.figure).decode("utf-8")  # type: ignore[attr-defined]
    assert svg.lstrip().startswith("<svg")
    assert "班列开行" in svg and "推算值" in svg


def test_without_chromium_the_error_is_bilingual_and_plain(
    spec: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    assert not images.images_available()
    with pytest.raises(images.ImageExportError) as error:
        images.figure_png(spec.figure)  # type: ignore[attr-defined]
    assert "Chromium" in str(error.value) and "无法导出图片" in str(error.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exported_pictures_carry_title_period_and_source(lang: str) -> None:
    require_tool("/usr/bin/chromium", "kaleido draws the chart in Chromium")
    frame = observations()
    view = figure_view(frame, sources(), np.ones(len(frame), dtype=bool), lang)
    specs = every_page_specs(view, kpi_candidates(view), lang)
    chart = next(s for s in specs if s.id == "train_runs")
    period = images.chart_period(chart, lang)
    assert period and period != "—"
    svg = html.unescape(images.spec_svg(chart, lang).decode("utf-8"))
    assert chart.title in svg and period in svg
    # The source line, wrapped to the picture's width, every line of it.
    lines = images.wrap_width(chart.source_line, images.SOURCE_WIDTH)
    assert "".join(lines).replace(" ", "") == chart.source_line.replace(" ", "")
    for line in lines:
        assert line.strip() in svg, line
    png = Image.open(io.BytesIO(images.spec_png(chart, lang))).convert("RGB")
    assert png.size == images.SLIDE_PX
    assert len(png.getcolors(maxcolors=1_000_000) or []) > 20
    # The caption is drawn: the top band (title) and bottom band (source) hold dark pixels.
    grey = np.asarray(png.convert("L"))
    assert (grey[: grey.shape[0] // 12] < 128).any()
    assert (grey[-grey.shape[0] // 12 :] < 200).any()


def test_caption_text_from_data_is_escaped() -> None:
    figure = images.captioned_figure(
        go.Figure(go.Bar(x=[1], y=[2])), "<b>t</b>", "2024", "来源：<a href='x'>s</a>"
    )
    assert "&lt;a href" in figure.layout.annotations[-1].text
    assert "&lt;b&gt;t&lt;/b&gt;" in figure.layout.title.text
