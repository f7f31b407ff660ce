"""The deck's PDF faces: kept in dashboard/deck/pdf_fonts.py, where the page's PDF uses them."""

from dashboard.deck.pdf_fonts import FAMILY, SC_NAME, SHARED_NAME, cache_root, simplified_font_env

__all__ = ["FAMILY", "SC_NAME", "SHARED_NAME", "cache_root", "simplified_font_env"]
