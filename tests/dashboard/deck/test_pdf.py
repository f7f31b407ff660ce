"""dashboard/deck/pdf.py: the page's PDF button converts the deck it would download as PPTX."""

from __future__ import annotations

import pytest
from dashboard_data import observations, sources
from tool_support import require_tool

from dashboard.deck.pdf import pdf_bytes
from dashboard.deck.slides import build_deck, deck_inputs
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
