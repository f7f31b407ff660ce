"""Deck text fitted by estimate (no renderer here): how wide a line is drawn, and type shrunk
until paragraphs fit their box or a line stays one line."""

from __future__ import annotations

import math
import unicodedata

from pptx.util import Inches

# A CJK character is one em wide; Latin text averages under 0.64 em in Arial and in DejaVu Sans
# (LibreOffice's stand-in), bold wider; lines are 1.2 em apart.
EMU_PER_PT = 12700
LATIN_EM = 0.64
BOLD_WIDEN = 1.12
LINE_SPACING = 1.2
MIN_PT = 9
# python-pptx text boxes' default inset left and right.
TEXTBOX_PAD_X = Inches(0.1)

# A paragraph of a text box: text, size in points, bold, colour.
Line = tuple[str, int, bool, str]


def text_points(text: str, size: float, bold: bool = False) -> float:
    """Return an estimate of how wide text is drawn, in points (CJK one em, Latin 0.6 em)."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else LATIN_EM for ch in text)
    return ems * size * (BOLD_WIDEN if bold else 1.0)


def lines_height(lines: list[Line], width: float) -> float:
    """Return the height in points the wrapped paragraphs take in a box `width` points wide."""
    return sum(
        max(1, math.ceil(text_points(text, size, bold) / width)) * size * LINE_SPACING
        for text, size, bold, _ in lines
    )


def fit_lines(lines: list[Line], width: float, height: float, one_line: int = 1) -> list[Line]:
    """Return the card's paragraphs shrunk to fit its box: the value on one line, nothing spilling.

    The value (paragraph `one_line`) shrinks until it fits the width; then every paragraph
    shrinks a point at a time until the wrapped text fits the height (never below MIN_PT).
    """
    out = list(lines)
    text, size, bold, colour = out[one_line]
    while size > MIN_PT and text_points(text, size, bold) > width:
        size -= 1
    out[one_line] = (text, size, bold, colour)
    while lines_height(out, width) > height and any(s > MIN_PT for _, s, _, _ in out):
        out = [(t_, max(MIN_PT, s - 1), b, c) for t_, s, b, c in out]
    return out


def one_line_size(text: str, size: int, width: int) -> int:
    """Return the type size, from `size` down to MIN_PT, that keeps text on one line of a text
    box `width` EMU wide."""
    room = (width - 2 * TEXTBOX_PAD_X) / EMU_PER_PT
    while size > MIN_PT and text_points(text, size) > room:
        size -= 1
    return size
