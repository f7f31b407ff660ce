"""Reading figures out of short texts, as the extraction tests write them (both scripts).

See etl/extraction/extract.py and the modules it calls.
"""

from __future__ import annotations

from datetime import date

import opencc

from etl.extraction.extract import extract_figures
from etl.extraction.figures import Figure

PUB = date(2024, 9, 11)
D = date
S2T = opencc.OpenCC("s2t")


def rows(text: str, pub: date = PUB) -> list[tuple[str, float, float | None]]:
    """Return (metric, value to two places, yoy) of each figure read from text."""
    return [(f.metric, round(f.value, 2), f.yoy_pct) for f in extract_figures(text, pub)]


def both_scripts(text: str) -> list[str]:
    """Return the text as written (simplified) and in traditional characters."""
    return [text, S2T.convert(text)]


def one_figure(text: str, pub: date = PUB) -> Figure:
    """Return the one figure read from text (failing when there is not exactly one)."""
    (figure,) = extract_figures(text, pub)
    return figure


def scopes_of(text: str, pub: date = PUB) -> list[str]:
    """Return the scope of each figure read from text."""
    return [f.scope for f in extract_figures(text, pub)]
