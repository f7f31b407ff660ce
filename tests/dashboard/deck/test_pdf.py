"""dashboard/deck/pdf.py: the page's PDF button converts the deck it would download as PPTX."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dashboard_data import observations, sources
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches
from tool_support import require_tool

from dashboard.deck.pdf import convert_to_pdf, find_soffice, pdf_bytes
from dashboard.deck.slides import build_deck, deck_inputs, set_fonts
from dashboard.filters import Filters
from dashboard.locales import ZH


@pytest.mark.slow
def test_the_deck_converts_to_a_pdf_of_one_page_per_slide() -> None:
    require_tool("soffice", "converts the deck with LibreOffice")
    specs, cards, _ = deck_inputs(observations(), sources(), Filters(), ZH)
    deck = build_deck(specs, cards, Filters(), sources(), locale=ZH)
    pdf = pdf_bytes(deck)
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type/Page") - pdf.count(b"/Type/Pages")
    pages += pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 2 + len(specs)


@pytest.mark.slow
def test_the_pdf_puts_no_space_between_digits_and_chinese(tmp_path: Path) -> None:
    # LibreOffice's Asian autospacing would print 142.5万标箱 as "142.5 万标箱", 超1154列 as
    # "超 1154 列".
    require_tool("soffice", "converts the slide with LibreOffice")
    require_tool("pdftotext", "reads the PDF's text")
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(1))
    box.text_frame.text = "2025年集装箱运量142.5万标箱"
    data = CategoryChartData()
    data.categories = ["2017年", "2018年"]
    data.add_series("班列", [178, 1154])
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(1.5), Inches(8), Inches(5), data
    ).chart  # type: ignore[attr-defined]
    labels = chart.plots[0]
    labels.has_data_labels = True
    labels.data_labels.number_format = '"超"0"列"'
    labels.data_labels.number_format_is_linked = False
    set_fonts(slide.element, ZH)
    path = tmp_path / "digits.pptx"
    prs.save(str(path))
    pdf = convert_to_pdf(path, find_soffice() or "soffice")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2025年集装箱运量142.5万标箱" in text, text
    # A chart's category axis and data labels too.
    assert "2017年" in text and "超1154列" in text, text


def fake_soffice(folder: Path, body: str = 'echo "soffice: boom" >&2\nexit 1\n') -> Path:
    """Write an executable `soffice` that fails as a broken LibreOffice would."""
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / "soffice"
    tool.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    tool.chmod(0o755)
    return tool


def test_a_libreoffice_that_exits_1_is_a_bilingual_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.contract.errors import CorridorError

    monkeypatch.setenv("PATH", str(fake_soffice(tmp_path / "bin").parent))
    assert find_soffice() == str(tmp_path / "bin" / "soffice")
    with pytest.raises(CorridorError) as caught:
        pdf_bytes(b"PK not a deck")
    text = caught.value.render()
    assert "LibreOffice 未能生成 PDF" in text and "LibreOffice did not write the PDF" in text
    assert "boom" in text  # what LibreOffice said, quoted (bounded)


def test_no_libreoffice_on_the_path_or_one_that_cannot_start_is_a_bilingual_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.contract.errors import CorridorError

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(CorridorError) as caught:
        pdf_bytes(b"PK")
    assert "未安装 LibreOffice" in caught.value.render()
    assert "LibreOffice (soffice) is not installed" in caught.value.render()
    # Found, then gone (or never runnable): the start fails, and says so in both languages.
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(b"PK")
    with pytest.raises(CorridorError) as started:
        convert_to_pdf(deck, str(tmp_path / "gone" / "soffice"))
    assert "无法启动 LibreOffice" in started.value.render()
    assert "could not be started" in started.value.render()
